# Athena: one workgroup whose settings queries cannot override, and a policy to attach to the people
# or roles that query the lake.

locals {
  # Where the workgroup puts query results (and CTAS manifests), inside the results bucket.
  athena_results_prefix = "results/"
}

resource "aws_athena_workgroup" "this" {
  count = var.enable_athena ? 1 : 0

  name          = local.name
  description   = "Queries over the ${local.name} lakehouse."
  force_destroy = var.force_destroy

  configuration {
    # Enforced: a client cannot send results elsewhere, unencrypted, or lift the scan cutoff.
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${module.athena_results_bucket.id}/${local.athena_results_prefix}"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = var.kms_encryption ? "SSE_KMS" : "SSE_S3"
        kms_key_arn       = local.kms_key_arn
      }
    }
  }
}

data "aws_iam_policy_document" "analyst" {
  count = var.enable_athena && var.enable_glue_catalog ? 1 : 0

  statement {
    sid = "QueryInProjectWorkgroup"
    # GetQueryResultsStream is no API call: Athena's JDBC and ODBC drivers (SQL clients, BI tools) fetch
    # results with it, and AWS asks it of whoever uses them (Athena User Guide, JDBC 2.x and 3.x drivers).
    actions = [
      "athena:BatchGetQueryExecution",
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:GetQueryResultsStream",
      "athena:GetWorkGroup",
      "athena:ListQueryExecutions",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [aws_athena_workgroup.this[0].arn]
  }

  statement {
    sid = "BrowseInTheAthenaConsole"
    # The console's workgroup, catalog, database and table pickers.
    actions = [
      "athena:ListDataCatalogs",
      "athena:ListEngineVersions",
      "athena:ListWorkGroups",
    ]
    # These list actions name no resource (IAM's Service Authorization Reference for Athena); they show names, not data.
    resources = ["*"]
  }

  statement {
    sid = "ReadTheDataCatalogThroughAthena"
    # The same pickers, on the account's Glue catalog as Athena names it; the Glue actions below decide
    # what they may show.
    actions = [
      "athena:GetDataCatalog",
      "athena:GetDatabase",
      "athena:GetTableMetadata",
      "athena:ListDatabases",
      "athena:ListTableMetadata",
    ]
    resources = ["arn:${local.partition}:athena:${local.region}:${local.account_id}:datacatalog/AwsDataCatalog"]
  }

  statement {
    sid = "AthenaDefaultDatabase"
    # As for the gold builder (gold.tf): Athena's documented requirement for working with the Glue Data
    # Catalog, GetDatabase and CreateDatabase on the region's `default` database.
    actions = ["glue:CreateDatabase", "glue:GetDatabase"]
    resources = [
      local.glue_catalog_arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/default",
    ]
  }

  statement {
    sid = "ReadLakeCatalog"
    actions = [
      "glue:BatchGetPartition",
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:GetTables",
    ]
    resources = [
      local.glue_catalog_arn,
      aws_glue_catalog_database.silver[0].arn,
      aws_glue_catalog_database.gold[0].arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.silver[0].name}/*",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.gold[0].name}/*",
    ]
  }

  statement {
    sid     = "ListLakeBuckets"
    actions = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [
      module.silver_bucket.arn,
      module.gold_bucket.arn,
      module.athena_results_bucket.arn,
    ]
  }

  statement {
    sid = "ReadSilverAndGoldData"
    # Silver: the data parts Athena reads, not the quarantine files beside them in ingest_date= folders
    # (.csv; rejected rows are for whoever operates the pipeline, with bucket access of their own).
    # Gold: the builds' files (<gold prefix><model>/<build id>/...), not the builder's _state/ and _lease/.
    actions = ["s3:GetObject"]
    resources = [
      "${local.silver_prefix_arn}*/ingest_date=*.parquet",
      "${local.gold_prefix_arn}*/??????????????_??????/*",
    ]
  }

  statement {
    sid       = "WriteAndReadQueryResults"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${module.athena_results_bucket.arn}/${local.athena_results_prefix}*"]
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []

    content {
      sid       = "UseDataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_policy" "analyst" {
  count = var.enable_athena && var.enable_glue_catalog ? 1 : 0

  name        = "${local.name}-analyst"
  description = "Query the ${local.name} silver and gold tables through the ${local.name} Athena workgroup."
  policy      = data.aws_iam_policy_document.analyst[0].json
}
