# One role per function and one for the crawlers, each with an inline policy naming exact ARNs.
# No AWS managed policy is attached: AWSLambdaBasicExecutionRole allows logging to every log group of
# the account and AWSGlueServiceRole reaches far beyond one crawler.

locals {
  silver_prefix_arn = "${module.silver_bucket.arn}/${var.silver_prefix}"
}

################################################################################
# Silver converter
################################################################################

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.lambda.name]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "silver_converter" {
  name               = local.silver_converter_name
  description        = "Execution role of the silver converter function."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "silver_converter" {
  statement {
    sid     = "ReadBronzeSourceObjects"
    actions = ["s3:GetObject"]
    # Only the keys the function converts, case-sensitively (HeadObject is authorised as s3:GetObject): S3 invokes it
    # for every bronze key, and it reads none of the others (SilverConverterHandler.CONVERTED_SUFFIXES).
    resources = [for suffix in local.silver_accepted_suffixes : "${module.bronze_bucket.arn}/*${suffix}"]
  }

  statement {
    sid = "ListBronzeAndSilver"
    # Without s3:ListBucket S3 answers 403 instead of 404 for a missing key: the converter would take a
    # deleted bronze object, or a dataset's first manifest or schema, for a storage failure and retry.
    # It also lists a source's earlier parts and quarantine files to delete them. No s3:prefix
    # condition: the converter lists nothing in bronze, but needs those 404s in both buckets, and AWS
    # documents the 404 as depending on s3:ListBucket on the bucket, saying nothing of s3:prefix on a
    # GET or HEAD. (Ceph's S3 gateway evaluates that check with the key as s3:prefix, "to match aws
    # behavior", ceph/ceph#68577; unconfirmed by AWS, and a wrong guess would fail every dataset's
    # first file, so the safe grant stays.)
    actions = ["s3:ListBucket"]
    resources = [
      module.bronze_bucket.arn,
      module.silver_bucket.arn,
    ]
  }

  statement {
    sid     = "ReadAndWriteSilverBookkeeping"
    actions = ["s3:GetObject", "s3:PutObject"]
    resources = [
      "${local.silver_prefix_arn}_manifests/*",
      "${local.silver_prefix_arn}_schemas/*",
    ]
  }

  statement {
    sid = "MarkWhereARunPublishes"
    # Before a run makes any file visible it records the partition it publishes into, and when; the run
    # that next commits the source sweeps what a run killed before its manifest left there, and deletes the
    # marker, reading first when another run wrote it: only once that run can no longer be publishing.
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.silver_prefix_arn}_publishing/*"]
  }

  statement {
    sid = "WriteAndReplaceSilverDataAndQuarantine"
    # Parts and quarantine files are streamed as multipart uploads (CreateMultipartUpload, UploadPart
    # and CompleteMultipartUpload are authorised as s3:PutObject), completed at the commit, aborted when
    # a run fails, and deleted when a newer version of their source, or a losing run, leaves them behind.
    # GetObject authorises the HeadObject that recognises a completion whose answer was lost.
    actions = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"]
    resources = [
      "${local.silver_prefix_arn}*/ingest_date=*",
      "${local.silver_prefix_arn}_quarantine/*",
    ]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.silver_converter.arn}:*"]
  }

  statement {
    sid       = "SendFailedEventsToDeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.silver_converter_failures.arn]
  }

  dynamic "statement" {
    for_each = var.enable_glue_catalog ? [1] : []

    content {
      sid = "KeepSilverCatalog"
      # GlueSilverCatalog, before each commit: GetTable, CreateTable when absent, UpdateTable when it
      # differs from the schema contract, BatchCreatePartition for the run's ingest_date, and for a
      # partition that exists already (an AlreadyExists entry of its answer) BatchGetPartition, then
      # BatchUpdatePartition when it is registered at another location than the run's files. Glue
      # authorises each of them on the catalog, the database and the table ("Specifying AWS Glue resource
      # ARNs"). Nothing on the gold database, no deletions, no single-partition calls.
      actions = [
        "glue:BatchCreatePartition",
        "glue:BatchGetPartition",
        "glue:BatchUpdatePartition",
        "glue:CreateTable",
        "glue:GetTable",
        "glue:UpdateTable",
      ]
      resources = [
        local.glue_catalog_arn,
        aws_glue_catalog_database.silver[0].arn,
        "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.silver[0].name}/*",
      ]
    }
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []

    content {
      sid = "UseDataKey"
      # SSE-KMS: reading bronze needs Decrypt, writing silver needs GenerateDataKey (and Decrypt to
      # complete a multipart upload).
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "silver_converter" {
  name   = "silver-converter"
  role   = aws_iam_role.silver_converter.id
  policy = data.aws_iam_policy_document.silver_converter.json
}

################################################################################
# Crawlers
################################################################################

data "aws_iam_policy_document" "glue_assume_role" {
  statement {
    sid     = "GlueAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.glue.name]
    }

    # IfExists: Glue's documentation does not say that it sends aws:SourceAccount when it assumes a
    # crawler's role, and a plain StringEquals on a key that is absent denies, which would fail
    # CreateCrawler ("Service is unable to assume provided role"). Where the key is sent it must be this
    # account; iam:PassRole, needed to name the role in a crawler, is the control either way.
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "crawler" {
  count = var.enable_glue_catalog ? 1 : 0

  name               = "${local.name}-crawler"
  description        = "Role of the project's Glue crawlers."
  assume_role_policy = data.aws_iam_policy_document.glue_assume_role.json
}

data "aws_iam_policy_document" "crawler" {
  count = var.enable_glue_catalog ? 1 : 0

  statement {
    sid = "ReadSilverDatasets"
    # Reads Parquet footers under the dataset prefixes; the bookkeeping prefixes are excluded by the
    # crawler, and the role could not read them anyway: the .parquet suffix keeps out the quarantine
    # files, which sit in ingest_date= folders too, as .csv.
    actions   = ["s3:GetObject"]
    resources = ["${local.silver_prefix_arn}*/ingest_date=*.parquet"]
  }

  statement {
    sid = "ListSilver"
    # GetBucketLocation as in AWSGlueServiceRole, which Glue's crawler guide asks a role to match or
    # scope down ("Crawler prerequisites"): only the silver bucket's, here.
    actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
    resources = [module.silver_bucket.arn]
  }

  statement {
    sid = "MaintainSilverTables"
    # Creates the tables and partitions it finds missing, and updates partitions to inherit their table's
    # columns (InheritFromTable). No glue:UpdateTable: its schema change policy is LOG, so it never
    # changes an existing table, and without the right it could not change a dataset's contract even if
    # it were reconfigured (the crawl would fail, and the crawler-failed alert say why). No DeleteTable
    # or DeletePartition either: deletions are only logged. Glue does not document which of the single
    # and batch partition calls a crawler makes, so both are granted.
    actions = [
      "glue:BatchCreatePartition",
      "glue:BatchGetPartition",
      "glue:BatchUpdatePartition",
      "glue:CreatePartition",
      "glue:CreateTable",
      "glue:GetDatabase",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:GetTables",
      "glue:UpdatePartition",
    ]
    resources = [
      local.glue_catalog_arn,
      aws_glue_catalog_database.silver[0].arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.silver[0].name}/*",
    ]
  }

  statement {
    sid = "WriteCrawlerLogs"
    # Crawlers log to this fixed group (catalog.tf), one stream per crawler.
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/crawlers",
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/crawlers:*",
    ]
  }

  dynamic "statement" {
    for_each = var.manage_crawler_log_group ? [] : [1]

    content {
      sid = "CreateCrawlerLogGroup"
      # Only when the stack does not own the group: Glue creates it on a first run where it is missing.
      actions = ["logs:CreateLogGroup"]
      resources = [
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/crawlers",
        "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/crawlers:*",
      ]
    }
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []

    content {
      sid       = "DecryptSilver"
      actions   = ["kms:Decrypt"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "crawler" {
  count = var.enable_glue_catalog ? 1 : 0

  name   = "crawler"
  role   = aws_iam_role.crawler[0].id
  policy = data.aws_iam_policy_document.crawler[0].json
}

################################################################################
# Uploaders
################################################################################

# What `bronze-ingest upload` (BronzeBucket) calls, on the bronze bucket only, for the people and
# pipelines that drop files: HeadBucket before anything else, HeadObject with checksums to skip a file
# the bucket already holds, PutObject, and a multipart upload for a file larger than one part
# (CreateMultipartUpload, UploadPart and CompleteMultipartUpload are authorised as s3:PutObject),
# aborted when it fails. Attach it to those users, groups or roles (output uploader_policy_arn).
data "aws_iam_policy_document" "uploader" {
  statement {
    sid = "CheckBronzeBucket"
    # HeadBucket is authorised as s3:ListBucket, and a HeadObject of a key not uploaded yet answers 404
    # (rather than 403) only to a caller allowed to list the bucket: neither request has an s3:prefix,
    # so the grant has no prefix condition.
    actions   = ["s3:ListBucket"]
    resources = [module.bronze_bucket.arn]
  }

  statement {
    sid = "LookUpAndUploadBronzeObjects"
    # HeadObject (with ChecksumMode, for the stored CRC32) is authorised as s3:GetObject; PutObject and
    # the multipart calls as s3:PutObject; a failed multipart upload is aborted.
    actions   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
    resources = ["${module.bronze_bucket.arn}/*"]
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []

    content {
      sid = "UseDataKey"
      # SSE-KMS: writing needs GenerateDataKey, completing a multipart upload Decrypt, and so does a
      # HeadObject that asks for the checksum of an object encrypted with the key.
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_policy" "uploader" {
  name        = "${local.name}-bronze-uploader"
  description = "Upload CSV files into the ${local.name} bronze bucket with bronze-ingest upload, and nothing else."
  policy      = data.aws_iam_policy_document.uploader.json
}
