# The Glue catalog: a database per layer, and the silver crawler, kept as a repair and discovery tool
# run on demand (or on silver_crawler_schedule): the converter registers silver tables and partitions
# itself, so no crawl is in the per-file path. Gold tables are created by Athena CTAS, which registers
# them itself, so gold gets a database but no crawler.

locals {
  glue_catalog_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  # Absolute S3 level of the dataset folders (the bucket is level 1): tables are created there and
  # nowhere else, so one table per dataset whatever its partitions hold.
  silver_table_level = 2 + length(compact(split("/", var.silver_prefix)))
}

resource "aws_glue_catalog_database" "silver" {
  count = var.enable_glue_catalog ? 1 : 0

  name        = "${local.catalog_name}_silver"
  description = "Silver: one table per dataset, Snappy Parquet partitioned by ingest_date."
}

resource "aws_glue_catalog_database" "gold" {
  count = var.enable_glue_catalog ? 1 : 0

  name        = "${local.catalog_name}_gold"
  description = "Gold: aggregates built from silver with Athena CTAS."
}

################################################################################
# Crawler logs
################################################################################

# Every crawler logs to /aws-glue/crawlers (one stream per crawler), a group Glue creates on a first run
# without any retention, so crawler logs would be kept forever. The group is the account's and the
# region's, shared with any other crawler there, hence:
# - the stack owns it only when asked (manage_crawler_log_group, off by default): it may exist already,
#   and then must be imported first (terraform import 'aws_cloudwatch_log_group.crawlers[0]'
#   /aws-glue/crawlers), else the apply fails with ResourceAlreadyExistsException; only one stack per
#   account and region can own it;
# - destroying the stack leaves it (skip_destroy), since other crawlers' logs are in it;
# - it is never encrypted with the stack's key, whose deletion with the stack would leave every
#   crawler of the account unable to log.
resource "aws_cloudwatch_log_group" "crawlers" {
  # checkov:skip=CKV_AWS_158:The group is shared with every crawler of the account and region; encrypting it with the stack's key would break their logging once the stack, and its key, are destroyed. CloudWatch Logs encrypts it at rest with its own keys.
  # checkov:skip=CKV_AWS_338:Retention is a variable (log_retention_days, default 30): these are operational logs of crawls; the catalog is the lasting record.
  count = var.enable_glue_catalog && var.manage_crawler_log_group ? 1 : 0

  name              = "/aws-glue/crawlers"
  retention_in_days = var.log_retention_days
  skip_destroy      = true
}

################################################################################
# Silver crawler
################################################################################

resource "aws_glue_crawler" "silver" {
  # checkov:skip=CKV_AWS_195:A Glue security configuration only adds KMS encryption of the crawler's CloudWatch logs (which hold table and path names); the data it reads keeps the bucket's encryption.
  count = var.enable_glue_catalog ? 1 : 0

  name          = "${local.name}-silver"
  description   = "Repairs and discovers the silver catalog on demand: one table per dataset folder, partitions by ingest_date; never changes an existing table."
  database_name = aws_glue_catalog_database.silver[0].name
  role          = aws_iam_role.crawler[0].arn
  schedule      = var.silver_crawler_schedule

  s3_target {
    path = "s3://${module.silver_bucket.id}/${var.silver_prefix}"
    # The converter's bookkeeping: not tables. (Glue skips '_' folders in most cases; this makes it sure.)
    exclusions = [
      "_manifests/**",
      "_publishing/**",
      "_quarantine/**",
      "_schemas/**",
    ]
  }

  # A run lists all of silver. It runs only when someone starts it (or on silver_crawler_schedule), to
  # repair or discover what the converter did not catalog: silver restored or copied by hand, a table
  # or partition deleted from the catalog. CRAWL_NEW_FOLDERS_ONLY would miss exactly that (after its
  # first run it adds no new table, and a partition folder that exists again is not new), and event
  # mode needs an S3 event queue, which would take a message per Parquet part for a crawler that
  # rarely runs.
  recrawl_policy {
    recrawl_behavior = "CRAWL_EVERYTHING"
  }

  # The dataset's schema contract, which the converter registers as the table, is the truth: LOG never
  # changes an existing table (a crawl of files that differ from it only logs the difference), while
  # new tables and new partitions are still added (AWS::Glue::Crawler SchemaChangePolicy, AWS
  # CloudFormation User Guide: "Add new tables and new partitions (including on existing tables)"). Deletions are only logged too: a table must
  # never disappear under a query, and a dataset's parts vanish briefly while a source file is replaced.
  schema_change_policy {
    update_behavior = "LOG"
    delete_behavior = "LOG"
  }

  # TableLevelConfiguration pins tables at the dataset folders, so neither a partition whose files
  # differ slightly nor two datasets with similar columns multiply or merge tables; InheritFromTable
  # gives every partition the table's columns, so Athena never sees a partition typed differently from
  # its table ("Update all new and existing partitions with metadata from the table", AWS Glue
  # Developer Guide, "How to prevent the crawler from changing an existing schema").
  configuration = jsonencode({
    Version = 1.0
    Grouping = {
      TableGroupingPolicy     = "CombineCompatibleSchemas"
      TableLevelConfiguration = local.silver_table_level
    }
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })

  # The log group first, so that the first run does not create it without retention.
  depends_on = [aws_iam_role_policy.crawler, aws_cloudwatch_log_group.crawlers]
}
