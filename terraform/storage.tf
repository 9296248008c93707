# The five buckets. Names end in the account id: bucket names are global, and two accounts deploying
# the same project and environment must not collide.

locals {
  bronze_bucket_name = "${local.name}-bronze-${local.account_id}"
  # Formed here rather than taken from the module's arn output, which a plan of a new bucket does not know:
  # the writers' statements (below, and in encryption.tf's key policy) are then read, and shown, at plan.
  bronze_bucket_arn = "arn:${local.partition}:s3:::${local.bronze_bucket_name}"
}

module "bronze_bucket" {
  source = "./modules/s3-bucket"

  name                               = local.bronze_bucket_name
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  versioning                         = true
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  transition = {
    days          = var.bronze_transition_days
    storage_class = var.bronze_transition_storage_class
  }
  # Beside the module's TLS-only statement, which still denies every request without TLS to them too.
  policy_documents = concat([data.aws_iam_policy_document.bronze_put_encryption.json], data.aws_iam_policy_document.bronze_writers[*].json)
}

# Puts the converter could not read are refused, whoever sends them: an object stored under a key only its writer holds
# is a file nobody converts. Every principal, not only bronze_writers: this account's own tools (the uploader policy,
# an administrator's CLI) could store such objects too, and none of the stack's writes to bronze sends an encryption
# header (bronze-ingest and the rehearsal put with the bucket's default encryption), so none is refused.
#
# SSE-C (a customer-provided key, s3:x-amz-server-side-encryption-customer-algorithm present): reading the object back
# needs the same key on every GetObject (Amazon S3 User Guide, "Using server-side encryption with customer-provided keys
# (SSE-C)"), which the converter never has. Refused with or without kms_encryption.
#
# A request that asks for an encryption of its own (s3:x-amz-server-side-encryption present) must ask for the bucket's
# default: without kms_encryption SSE-S3 (AES256), since the converter's role may decrypt no KMS key; with it, the stack's
# key named by its ARN, the one form s3:x-amz-server-side-encryption-aws-kms-key-id is documented to hold ("you must use a
# key Amazon Resource Name (ARN) that is in the arn:aws:kms:region:acct-id:key/key-id format", Amazon S3 User Guide,
# "Protecting data using server-side encryption with AWS KMS (SSE-KMS)", Requiring server-side encryption). A negated
# operator such as StringNotEquals is true when the key is absent (IAM User Guide, "IAM JSON policy elements: Condition
# operators"), so aws:kms without a key id (the AWS managed key aws/s3), a key id or an alias, another account's key and
# AES256 are all refused with kms_encryption. A request with no encryption header gets the bucket's default and is not
# concerned: the Null condition keeps it out. moto does not evaluate these conditions (rehearse-on-moto.py decides them).
data "aws_iam_policy_document" "bronze_put_encryption" {
  statement {
    sid       = "DenyBronzePutsWithCustomerProvidedKeys"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${local.bronze_bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-customer-algorithm"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyBronzePutsEncryptedOtherwiseThanTheBucket"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${local.bronze_bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = var.kms_encryption ? "s3:x-amz-server-side-encryption-aws-kms-key-id" : "s3:x-amz-server-side-encryption"
      values   = [var.kms_encryption ? local.kms_key_arn : "AES256"]
    }
  }
}

# bronze_writers: principals of other accounts that put files into their datasets' folders and do nothing
# else. PutObject, CreateMultipartUpload, UploadPart and CompleteMultipartUpload are all authorised as
# s3:PutObject, AbortMultipartUpload as s3:AbortMultipartUpload (Amazon S3 User Guide, "Multipart upload API
# and permissions"); no s3:ListMultipartUploadParts, which only a tool resuming an upload calls. The bucket
# is BucketOwnerEnforced (modules/s3-bucket): this account owns every object they put, so the converter
# reads them under its own role ("Controlling ownership of objects and disabling ACLs for your bucket").
data "aws_iam_policy_document" "bronze_writers" {
  count = length(var.bronze_writers) == 0 ? 0 : 1

  dynamic "statement" {
    for_each = var.bronze_writers

    content {
      # erp_exports -> BronzeWriterErpExportsPutsFiles: a Sid is letters and digits only.
      sid       = "BronzeWriter${replace(title(replace(statement.key, "_", " ")), " ", "")}PutsFiles"
      actions   = ["s3:AbortMultipartUpload", "s3:PutObject"]
      resources = [for dataset in sort(distinct(statement.value.datasets)) : "${local.bronze_bucket_arn}/${dataset}/*"]

      principals {
        type        = "AWS"
        identifiers = sort(distinct(statement.value.principal_arns))
      }
    }
  }

  # read_own_files: s3:GetObject on the same folders, which authorises HeadObject (Amazon S3 API Reference, HeadObject:
  # "To use HEAD, you must have the s3:GetObject permission"), so that bronze-ingest upload compares a file with its object
  # and skips it when unchanged. Still no s3:ListBucket (it cannot be narrowed to a folder for HeadObject): a key holding
  # nothing is answered 403, not 404, and bronze-ingest then writes with If-None-Match. No s3:GetObjectVersion: the current
  # version only. With kms_encryption, HeadObject with checksum mode on an SSE-KMS object needs kms:Decrypt (HeadObject's
  # ChecksumMode), which encryption.tf's BronzeWritersEncryptThroughS3 already allows.
  dynamic "statement" {
    for_each = { for name, writer in var.bronze_writers : name => writer if writer.read_own_files }

    content {
      sid       = "BronzeWriter${replace(title(replace(statement.key, "_", " ")), " ", "")}ReadsOwnFiles"
      actions   = ["s3:GetObject"]
      resources = [for dataset in sort(distinct(statement.value.datasets)) : "${local.bronze_bucket_arn}/${dataset}/*"]

      principals {
        type        = "AWS"
        identifiers = sort(distinct(statement.value.principal_arns))
      }
    }
  }
}

module "silver_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-silver-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "gold_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-gold-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "athena_results_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-athena-results-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  expiration_days                    = var.athena_results_expiration_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "artifacts_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-artifacts-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  versioning                         = true
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}
