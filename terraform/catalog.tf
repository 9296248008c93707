# The Glue catalog: a database per layer and a crawler that keeps the silver tables and partitions up
# to date. The gold design (issue #4) creates gold tables with Athena CTAS, which registers them
# itself, so gold gets a database but no crawler.

locals {
  glue_catalog_arn = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  # Absolute S3 level of the dataset folders (the bucket is level 1): tables are created there and
  # nowhere else, so one table per dataset whatever its partitions hold.
  silver_table_level = 2 + length(compact(split("/", var.silver_prefix)))
  # The silver crawler's name ("" without the catalog): its success starts the gold builder. (The
  # converter no longer starts it: it keeps the silver tables and partitions itself, SILVER_DATABASE.)
  silver_crawler_name = var.enable_glue_catalog ? aws_glue_crawler.silver[0].name : ""
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
# Silver events: S3 -> SQS -> crawler (event mode)
################################################################################

resource "aws_sqs_queue" "silver_events_dead_letter" {
  count = var.enable_glue_catalog ? 1 : 0

  name                      = "${local.name}-silver-events-dead-letter"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "silver_events" {
  count = var.enable_glue_catalog ? 1 : 0

  name = "${local.name}-silver-events"
  # Events wait for the next scheduled crawl; keep them longer than any sensible schedule.
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.silver_events_dead_letter[0].arn
    maxReceiveCount     = 5
  })
}

data "aws_iam_policy_document" "silver_events_queue" {
  count = var.enable_glue_catalog ? 1 : 0

  statement {
    sid     = "SilverBucketSendsEvents"
    actions = ["sqs:SendMessage"]
    resources = [
      aws_sqs_queue.silver_events[0].arn,
    ]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [module.silver_bucket.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "silver_events" {
  count = var.enable_glue_catalog ? 1 : 0

  queue_url = aws_sqs_queue.silver_events[0].id
  policy    = data.aws_iam_policy_document.silver_events_queue[0].json
}

resource "aws_s3_bucket_notification" "silver" {
  count = var.enable_glue_catalog ? 1 : 0

  bucket = module.silver_bucket.id

  # Only data parts: manifests and schemas are .json and quarantine files .csv, none of them a table.
  queue {
    id            = "silver-crawler-events"
    queue_arn     = aws_sqs_queue.silver_events[0].arn
    events        = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
    filter_prefix = var.silver_prefix == "" ? null : var.silver_prefix
    filter_suffix = ".parquet"
  }

  depends_on = [aws_sqs_queue_policy.silver_events]
}

################################################################################
# Crawler logs
################################################################################

# Every crawler logs to /aws-glue/crawlers (one stream per crawler), a group Glue creates on a first run
# without any retention, so crawler logs would be kept forever. The group is the account's and the
# region's, shared with any other crawler there, hence:
# - it may exist already: import it (terraform import 'aws_cloudwatch_log_group.crawlers[0]'
#   /aws-glue/crawlers) or set manage_crawler_log_group = false, else the apply fails with
#   ResourceAlreadyExistsException; a second stack in the same account and region sets it to false;
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
  description   = "Catalogs the silver datasets: one table per dataset folder, partitions by ingest_date."
  database_name = aws_glue_catalog_database.silver[0].name
  role          = aws_iam_role.crawler[0].arn
  schedule      = var.silver_crawler_schedule

  s3_target {
    path = "s3://${module.silver_bucket.id}/${var.silver_prefix}"
    # The converter's bookkeeping: not tables. (Glue skips '_' folders in most cases; this makes it sure.)
    exclusions = [
      "_manifests/**",
      "_quarantine/**",
      "_schemas/**",
    ]
    event_queue_arn     = aws_sqs_queue.silver_events[0].arn
    dlq_event_queue_arn = aws_sqs_queue.silver_events_dead_letter[0].arn
  }

  # Event mode: after its first full listing the crawler lists only the folders named by the S3
  # events queued since the last run, so a crawl costs seconds however large silver grows, and a run
  # with nothing queued costs nothing.
  recrawl_policy {
    recrawl_behavior = "CRAWL_EVENT_MODE"
  }

  # Schemas change only when someone edits a dataset's contract (the converter never does), so the
  # crawler may apply changes to the tables; deletions are only logged, because a dataset's parts
  # vanish briefly while a source file is replaced and a table must never disappear under a query.
  schema_change_policy {
    update_behavior = "UPDATE_IN_DATABASE"
    delete_behavior = "LOG"
  }

  # TableLevelConfiguration pins tables at the dataset folders, so neither a partition whose files
  # differ slightly nor two datasets with similar columns multiply or merge tables;
  # MergeNewColumns adds a column the contract gained without retyping the others; partitions
  # inherit the table's schema so Athena never sees a partition typed differently.
  configuration = jsonencode({
    Version = 1.0
    Grouping = {
      TableGroupingPolicy     = "CombineCompatibleSchemas"
      TableLevelConfiguration = local.silver_table_level
    }
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
      Tables     = { AddOrUpdateBehavior = "MergeNewColumns" }
    }
  })

  # The log group first, so that the first run does not create it without retention.
  depends_on = [aws_iam_role_policy.crawler, aws_cloudwatch_log_group.crawlers]
}
