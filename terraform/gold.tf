################################################################################
# Gold builder: silver -> gold with Athena CTAS, invoked with the silver commits of each batching window
################################################################################

# The function needs Glue and Athena, which LocalStack's free edition lacks: with either switch off
# (localstack.tfvars turns both off) nothing of this file is created and the core still applies.
# So does enable_functions = false (an emulator that cannot run functions).

locals {
  gold_enabled = var.enable_glue_catalog && var.enable_athena && var.enable_functions
  # Whether silver's commits trigger builds (gold_builds_on_commit): the trigger queue, its dead-letter queue, the
  # mapping, the silver bucket's rules that feed them and their alarms exist only then. Without them gold_schedule
  # builds (main.tf refuses false without it): the builder reads silver, never the messages, and a scheduled build
  # builds every model whose inputs changed since its last build (gold-ctas/README.md, Triggers), so nothing of a
  # commit is lost when no message tells of it.
  gold_builds_on_commit = local.gold_enabled && var.gold_builds_on_commit
  gold_ctas_name        = "${local.name}-gold-ctas"
  # Built by `mvn package`; the contract tests open this jar and check the handler below exists in it.
  gold_ctas_jar   = "${path.module}/../gold-ctas/target/gold-ctas.jar"
  gold_prefix_arn = "${module.gold_bucket.arn}/${var.gold_prefix}"
  # Where the builder's workgroup puts query results and CTAS manifests, beside the analysts' results/.
  gold_athena_results_prefix = "gold-builder/"
  # A shipped model (gold-ctas/src/main/resources/gold/models.list), named in the rebuild command; the
  # contract tests check the jar still ships it.
  gold_example_model = "daily_revenue_by_category_region"
  # The shipped models, as models.list names them: each is a view of the gold database, and the only
  # views the builder may replace. A model added to the list must be added here: the contract tests
  # say so, and so does the precondition on the builder's policy below, at plan, for a deploy built
  # with `mvn package -DskipTests` (its first view swap would otherwise be denied).
  gold_models = [
    "daily_revenue_by_category_region",
    "top_products",
    "customer_lifetime_value",
    "regional_store_performance",
  ]
  # models.list as GoldModels reads it: one name per line, '#' starts a comment.
  gold_models_listed = distinct([
    for line in split("\n", file("${path.module}/../gold-ctas/src/main/resources/gold/models.list")) : trimspace(split("#", line)[0])
    if trimspace(split("#", line)[0]) != ""
  ])
  # GoldLayout's build tables, <model>__<build id>, the build id 14 digits, '_' and 6 hex digits
  # (BuildId), as an IAM pattern: no view matches it, since a view is a model's name alone.
  gold_build_table_pattern = "*__??????????????_??????"
  # GoldLayout's staging tables, <model>__staging_<build id>, and their folders, <model>/staging_<build id>/:
  # a build of more than 100 partitions stages its model's rows there once for its batches to read.
  gold_staging_table_pattern = "*__staging_??????????????_??????"

  # The converter's commit markers, SilverLayout.manifestKey: <silver prefix>_manifests/<dataset>/<file>.json.
  # The silver bucket notifies the gold trigger queue of each one created (a first commit or a
  # replacement); the contract tests compare these with SilverLayout.
  silver_manifests_prefix = "${var.silver_prefix}_manifests/"
  silver_manifests_suffix = ".json"
  gold_triggers_name      = "${local.name}-gold-triggers"
  # A message is received when the batching window opens and stays in flight while the window fills and
  # the build runs, so it must stay invisible for the window plus the function's timeout (Lambda refuses
  # a mapping whose queue's visibility timeout is below the function's), plus a minute for the mapping
  # itself. AWS recommends six times the function's timeout, so that the mapping can retry a throttled
  # invocation before the messages reappear; here a message that reappears costs no build (the builder
  # reads silver, not the messages, and skips unchanged models), only a receive toward maxReceiveCount
  # (3.5 hours of them at the defaults before the dead-letter alarm; the commits stay in silver), while a
  # batch returned because a build held the lease waits exactly this long: six times 900 s would hold
  # such commits back 95 minutes, this holds them back 21 (at the defaults).
  gold_triggers_visibility_timeout_seconds = var.gold_trigger_batching_window_seconds + var.gold_ctas_timeout_seconds + 60

  # What the trigger queue's mapping and the schedule invoke, and what the schedule's permission and the
  # on-failure configuration apply to: the alias of the published version when SnapStart is on
  # (snapshots exist only for published versions, never for $LATEST), the function itself otherwise.
  # Null without the builder.
  gold_ctas_invoked_arn = !local.gold_enabled ? null : var.gold_ctas_snapstart ? aws_lambda_alias.gold_ctas[0].arn : aws_lambda_function.gold_ctas[0].arn
  gold_ctas_qualifier   = !local.gold_enabled ? null : var.gold_ctas_snapstart ? aws_lambda_alias.gold_ctas[0].name : null
}

# The builder's own workgroup. Every CTAS it sends names its build's external_location, and Athena
# fails a CTAS that names one in a workgroup enforcing its configuration (Athena User Guide,
# "Considerations and limitations for CTAS queries"): so this workgroup does not enforce it, unlike
# the analysts' (analytics.tf). Its settings still apply, since the builder's requests set neither a
# result location nor an encryption: results encrypted in the results bucket under their own prefix;
# and the per-query scan cutoff applies to every query in a workgroup, enforced or not. Only the
# builder's role may use it (the analyst policy names the other workgroup), and that role may write
# query results nowhere but here.
resource "aws_athena_workgroup" "gold_builder" {
  # checkov:skip=CKV_AWS_82:A CTAS naming its external_location fails in a workgroup that enforces its configuration; the builder sets no result location or encryption of its own, so the workgroup's apply, and only the builder's role may use it.
  count = local.gold_enabled ? 1 : 0

  name          = "${local.name}-gold-builder"
  description   = "The gold builder's CTAS queries over the ${local.name} lakehouse: each names its table's location."
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = false
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = "s3://${module.athena_results_bucket.id}/${local.gold_athena_results_prefix}"
      expected_bucket_owner = local.account_id

      encryption_configuration {
        encryption_option = var.kms_encryption ? "SSE_KMS" : "SSE_S3"
        kms_key_arn       = local.kms_key_arn
      }
    }
  }
}

# The key carries the jar's hash, as the converter's does: a rebuilt jar is a new object and redeploys
# the function, an unchanged one plans no change at all.
resource "aws_s3_object" "gold_ctas_jar" {
  count = local.gold_enabled ? 1 : 0

  bucket      = module.artifacts_bucket.id
  key         = "gold-ctas/gold-ctas-${filesha256(local.gold_ctas_jar)}.jar"
  source      = local.gold_ctas_jar
  source_hash = filemd5(local.gold_ctas_jar)

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "gold_ctas" {
  # checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days): these are operational logs, the build state objects in the gold bucket are the lasting record of every build.
  # checkov:skip=CKV_AWS_158:KMS encryption is opt-in (kms_encryption); CloudWatch Logs encrypts log data at rest with its own keys otherwise.
  count = local.gold_enabled ? 1 : 0

  name              = "/aws/lambda/${local.gold_ctas_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
}

resource "aws_lambda_function" "gold_ctas" {
  # checkov:skip=CKV_AWS_116:Failed asynchronous invocations go to an SQS on-failure destination (aws_lambda_function_event_invoke_config below), which records the error with the event; a DLQ as well would deliver each failure twice.
  # checkov:skip=CKV_AWS_117:The function talks only to S3, Glue and Athena; a VPC would need three endpoints or a NAT gateway and add cold-start latency for no isolation gain.
  # checkov:skip=CKV_AWS_173:The environment holds bucket, database and workgroup names, no secrets; Lambda encrypts it at rest with its own key.
  # checkov:skip=CKV_AWS_272:Only Terraform writes the versioned artifacts bucket and the object key is the jar's SHA-256; code signing would need an AWS Signer profile.
  # checkov:skip=CKV_AWS_115:No reserved concurrency, which new accounts (quota 10) cannot reserve: builds are serialised by a lease in the gold bucket and the trigger mapping's maximum_concurrency of 2 bounds what the builder takes of the account (see docs/infrastructure.md, Concurrency of the gold builder).
  # checkov:skip=CKV_AWS_50:The builder does not use the X-Ray SDK; its JSON log lines carry every Athena query id, state, bytes scanned and seconds.
  count = local.gold_enabled ? 1 : 0

  function_name = local.gold_ctas_name
  description   = "Builds the gold tables from silver with Athena CTAS, each swapped in behind a view, once per batch of silver commits."
  role          = aws_iam_role.gold_ctas[0].arn

  s3_bucket        = aws_s3_object.gold_ctas_jar[0].bucket
  s3_key           = aws_s3_object.gold_ctas_jar[0].key
  source_code_hash = filebase64sha256(local.gold_ctas_jar)

  handler       = "dev.medallion.gold.lambda.GoldCtasHandler::handleRequest"
  runtime       = "java21"
  architectures = [var.functions_architecture]
  memory_size   = var.gold_ctas_memory_mb
  timeout       = var.gold_ctas_timeout_seconds

  # SnapStart (gold_ctas_snapstart), as the converter has it: each deploy publishes a version, Lambda
  # initialises it once (the JVM, the runtime client, the handler's constructor with its S3, Glue and
  # Athena clients, none of which connects before its first request) and snapshots it; every cold start
  # then restores that snapshot instead of starting a JVM. No priming hook: what the first invocation
  # still loads comes with the SDK's first requests, which priming could make only by calling AWS, or a
  # stand-in answering for it, before the snapshot (BENCHMARKS.md, "Cold starts under the Lambda runtime
  # emulator"). Java's SnapStart has no extra charge.
  publish = var.gold_ctas_snapstart

  dynamic "snap_start" {
    for_each = var.gold_ctas_snapstart ? ["PublishedVersions"] : []

    content {
      apply_on = snap_start.value
    }
  }

  # No reserved concurrency: Lambda refuses a reservation that leaves the account fewer than 100
  # unreserved executions, so a new account (quota 10) could not deploy the stack. Builds still never
  # overlap (a build removes every other build of its model but the previous one, so a second one at
  # the same time would lose its table): each takes the build lease in the gold bucket first
  # (BuildLease, <gold prefix>_lease/build.json), and the trigger queue's mapping runs at most two
  # invocations at once (maximum_concurrency = 2, the least SQS allows), the second of which finds the
  # lease held and hands its messages back.

  # Exactly the variables GoldSettings reads (the contract tests check both directions). No
  # JAVA_TOOL_OPTIONS: the builder waits on Athena and is I/O-bound, so the runtime's default of C1
  # only (TieredStopAtLevel=1, the fastest start) suits it; C2 pays off only for the converter's CPU work.
  environment {
    variables = {
      GOLD_BUCKET      = module.gold_bucket.id
      GOLD_PREFIX      = var.gold_prefix
      SILVER_BUCKET    = module.silver_bucket.id
      SILVER_PREFIX    = var.silver_prefix
      SILVER_DATABASE  = aws_glue_catalog_database.silver[0].name
      GOLD_DATABASE    = aws_glue_catalog_database.gold[0].name
      ATHENA_WORKGROUP = aws_athena_workgroup.gold_builder[0].name
      # How long readers' queries may run on a superseded build: the account's quota, which Terraform cannot read.
      ATHENA_DML_QUERY_TIMEOUT_MINUTES = var.athena_dml_query_timeout_minutes
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.gold_ctas,
    aws_iam_role_policy.gold_ctas,
  ]
}

# The version the trigger queue's mapping and the schedule invoke when SnapStart is on: moved to each
# newly published version by every deploy.
resource "aws_lambda_alias" "gold_ctas" {
  count = local.gold_enabled && var.gold_ctas_snapstart ? 1 : 0

  name             = "live"
  description      = "The published version of the gold builder that its trigger queue and schedule invoke (SnapStart snapshots exist only for published versions)."
  function_name    = aws_lambda_function.gold_ctas[0].function_name
  function_version = aws_lambda_function.gold_ctas[0].version
}

# Where an event ends up after its retries are used up: Lambda's on-failure record of it, kept 14 days
# for inspection. Nothing needs replaying: once the cause is fixed, one build with {} builds every model
# whose inputs changed since its last build, those the failed requests left included.
resource "aws_sqs_queue" "gold_ctas_failures" {
  count = local.gold_enabled ? 1 : 0

  name                      = "${local.gold_ctas_name}-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

# A retry rebuilds only the models that failed: those built meanwhile are unchanged and skipped.
resource "aws_lambda_function_event_invoke_config" "gold_ctas" {
  count = local.gold_enabled ? 1 : 0

  function_name                = aws_lambda_function.gold_ctas[0].function_name
  qualifier                    = local.gold_ctas_qualifier
  maximum_retry_attempts       = var.async_max_retry_attempts
  maximum_event_age_in_seconds = var.async_max_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.gold_ctas_failures[0].arn
    }
  }
}

################################################################################
# Triggers: the silver commits through an SQS queue, batched; and an optional schedule
################################################################################

# A manifest is written exactly when the converter commits a source file (README, "The commit
# protocol"), so its S3 notification is the commit signal, with no code in the converter. The queue
# gathers them and Lambda's event source mapping hands the builder a batch per batching window: a burst
# of 500 files builds gold once or twice, not 500 times, and a model whose inputs did not change runs no
# query at all.
resource "aws_sqs_queue" "gold_triggers_dead_letter" {
  count = local.gold_builds_on_commit ? 1 : 0

  name                      = "${local.gold_triggers_name}-dead-letter"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "gold_triggers" {
  count = local.gold_builds_on_commit ? 1 : 0

  name                       = local.gold_triggers_name
  visibility_timeout_seconds = local.gold_triggers_visibility_timeout_seconds
  # Messages wait while the mapping cannot poll (disabled, or the budget's hard stop denying the role):
  # one batch builds everything once it can again.
  message_retention_seconds = 1209600
  # Long polling: the mapping's requests wait for messages instead of answering empty.
  receive_wait_time_seconds = 20
  sqs_managed_sse_enabled   = true

  # A batch that could not be built (a model failed every time, or a build held the lease at every
  # delivery) ends here after this many deliveries; its alarm (monitoring.tf) tells someone.
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.gold_triggers_dead_letter[0].arn
    maxReceiveCount     = var.gold_trigger_max_receive_count
  })
}

data "aws_iam_policy_document" "gold_triggers_queue" {
  count = local.gold_builds_on_commit ? 1 : 0

  statement {
    sid       = "SilverBucketSendsCommits"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.gold_triggers[0].arn]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.s3.name]
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

resource "aws_sqs_queue_policy" "gold_triggers" {
  count = local.gold_builds_on_commit ? 1 : 0

  queue_url = aws_sqs_queue.gold_triggers[0].id
  policy    = data.aws_iam_policy_document.gold_triggers_queue[0].json
}

# The silver bucket's notifications. Created: manifests only, one per commit; data parts, quarantine
# files and schema contracts are written before the commit, or are not a commit at all. Removed: data
# parts, which the converter's sweep deletes after a commit that replaced their file. A run killed
# between its manifest and its sweep leaves both versions visible until its retry sweeps, which writes
# no manifest: a build made meanwhile counted the old rows too, and this is what makes the builder see
# its inputs changed again. Different event types, so S3 does not refuse the two rules as overlapping.
# S3 sends an s3:TestEvent when the notification is configured, which the builder logs and ignores.
# silver_eventbridge sends every event of the bucket to the default event bus as well, for others' rules (S3 needs
# no permission for it, "Amazon EventBridge permissions", S3 User Guide): the configuration then exists without the
# queue's rules too (gold_builds_on_commit = false, or no gold builder), and the queue's rules are the same with it.
resource "aws_s3_bucket_notification" "silver" {
  count = local.gold_builds_on_commit || var.silver_eventbridge ? 1 : 0

  bucket      = module.silver_bucket.id
  eventbridge = var.silver_eventbridge

  dynamic "queue" {
    for_each = local.gold_builds_on_commit ? [1] : []

    content {
      id            = "silver-commits-to-gold"
      queue_arn     = aws_sqs_queue.gold_triggers[0].arn
      events        = ["s3:ObjectCreated:*"]
      filter_prefix = local.silver_manifests_prefix
      filter_suffix = local.silver_manifests_suffix
    }
  }

  dynamic "queue" {
    for_each = local.gold_builds_on_commit ? [1] : []

    content {
      id            = "silver-swept-parts-to-gold"
      queue_arn     = aws_sqs_queue.gold_triggers[0].arn
      events        = ["s3:ObjectRemoved:*"]
      filter_prefix = var.silver_prefix == "" ? null : var.silver_prefix
      filter_suffix = ".parquet"
    }
  }

  depends_on = [aws_sqs_queue_policy.gold_triggers]
}

# Batches as large as SQS allows (10,000 messages, or 6 MB), gathered for the batching window, at most
# two invocations at once (maximum_concurrency's floor). Partial batch responses: the builder answers the
# messages to deliver again (all of them when a build held the lease), and an invocation that fails
# returns the whole batch.
resource "aws_lambda_event_source_mapping" "gold_triggers" {
  count = local.gold_builds_on_commit ? 1 : 0

  event_source_arn                   = aws_sqs_queue.gold_triggers[0].arn
  function_name                      = local.gold_ctas_invoked_arn
  batch_size                         = 10000
  maximum_batching_window_in_seconds = var.gold_trigger_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }

  # Lambda checks when the mapping is created that the role may read the queue.
  depends_on = [aws_iam_role_policy.gold_ctas]
}

resource "aws_cloudwatch_event_rule" "gold_schedule" {
  count = local.gold_enabled && var.gold_schedule != null ? 1 : 0

  name                = "${local.name}-gold-schedule"
  description         = "Scheduled gold build: the models whose inputs changed since their last build."
  schedule_expression = var.gold_schedule
}

resource "aws_cloudwatch_event_target" "gold_schedule" {
  count = local.gold_enabled && var.gold_schedule != null ? 1 : 0

  rule      = aws_cloudwatch_event_rule.gold_schedule[0].name
  target_id = "gold-ctas"
  arn       = local.gold_ctas_invoked_arn

  # A scheduled build EventBridge cannot deliver to the builder is dropped unless the target has a
  # dead-letter queue. It retries retriable errors (Lambda throttling the invoke request, or
  # unavailable) with backoff, by default for 24 hours; an error that needs someone to act, such as the
  # function or its alias gone, or an invoke permission on another qualifier, is not retried and goes
  # straight to the dead-letter queue (EventBridge User Guide, "How EventBridge retries delivering
  # events" and "Using dead-letter queues to process undelivered events"). Without one, every run of
  # the schedule would vanish with nothing but the rule's FailedInvocations metric, which nobody
  # watches. Delivered is not built: Lambda queues the event, and a build that fails has the function's
  # own retries and on-failure queue (gold_ctas_failures). An hour of retries, as for the failed-crawl
  # alerts: the schedule's next run comes anyway. The queue is the failed-crawl alerts' kind
  # (monitoring.tf, aws_sqs_queue.event_dead_letter).
  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.event_dead_letter["gold_schedule"].arn
  }

  depends_on = [aws_sqs_queue_policy.event_dead_letter]
}

resource "aws_lambda_permission" "gold_schedule_invokes_gold_ctas" {
  count = local.gold_enabled && var.gold_schedule != null ? 1 : 0

  statement_id  = "AllowGoldScheduleRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.gold_ctas[0].function_name
  qualifier     = local.gold_ctas_qualifier
  principal     = data.aws_service_principal.events.name
  source_arn    = aws_cloudwatch_event_rule.gold_schedule[0].arn
}

################################################################################
# Role
################################################################################

resource "aws_iam_role" "gold_ctas" {
  count = local.gold_enabled ? 1 : 0

  name               = local.gold_ctas_name
  description        = "Execution role of the gold builder function."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

# Athena runs each query with the caller's credentials: besides what the code calls itself, the role
# needs what Athena does on its behalf (reading silver, writing gold tables and query results).
data "aws_iam_policy_document" "gold_ctas" {
  count = local.gold_enabled ? 1 : 0

  statement {
    sid = "RunQueriesInOwnWorkgroup"
    # AthenaQueries: start, poll, read the partitions query's rows, stop a query past the deadline;
    # in the builder's own workgroup only, not the analysts'.
    actions = [
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [aws_athena_workgroup.gold_builder[0].arn]
  }

  statement {
    sid = "AthenaDefaultDatabase"
    # Athena's documented requirement for working with the Glue Data Catalog: GetDatabase and
    # CreateDatabase on the region's `default` database (which Athena creates when missing). No other
    # database can be created.
    actions = ["glue:CreateDatabase", "glue:GetDatabase"]
    resources = [
      local.glue_catalog_arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/default",
    ]
  }

  statement {
    sid = "ReadSilverCatalog"
    # GlueCatalog.describe (GetTable, GetPartitions) for the input fingerprint; Athena reading the
    # silver tables (GetDatabase, GetTable, GetPartition(s), BatchGetPartition).
    actions = [
      "glue:BatchGetPartition",
      "glue:GetDatabase",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
    ]
    resources = [
      local.glue_catalog_arn,
      aws_glue_catalog_database.silver[0].arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.silver[0].name}/*",
    ]
  }

  statement {
    sid = "ReadGoldCatalog"
    # Athena reading and writing gold (GetDatabase, GetTable, partitions); GlueCatalog's GetTables to
    # find a model's builds and the views of models no longer listed, and GetTableVersions to prune a
    # view. Reading is all it may do on a table that is neither one of its builds nor one of its views.
    actions = [
      "glue:BatchGetPartition",
      "glue:GetDatabase",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:GetTableVersions",
      "glue:GetTables",
    ]
    resources = [
      local.glue_catalog_arn,
      aws_glue_catalog_database.gold[0].arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.gold[0].name}/*",
    ]
  }

  statement {
    sid = "CreateUpdateAndDeleteBuildTables"
    # <model>__<build id> only: Athena's CTAS creates a build's table and registers its partitions
    # (BatchCreatePartition; INSERT INTO batches add theirs the same way), and may update it; GlueCatalog
    # deletes a failed or superseded build (DeleteTable, which removes its partitions too). And
    # <model>__staging_<build id>, the unpartitioned table a build of more than 100 partitions writes once
    # and its batches read, which GlueCatalog deletes before the swap or with the build's leftovers. No
    # glue:CreatePartition: the code never calls it, and Athena engine v3 is Trino, whose Glue
    # metastore registers written partitions with BatchCreatePartition only (ALTER TABLE ADD
    # PARTITION, the statement Athena documents with CreatePartition, is never sent). A view can be
    # neither deleted nor updated here.
    actions = [
      "glue:BatchCreatePartition",
      "glue:CreateTable",
      "glue:DeleteTable",
      "glue:UpdateTable",
    ]
    resources = [
      local.glue_catalog_arn,
      aws_glue_catalog_database.gold[0].arn,
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.gold[0].name}/${local.gold_build_table_pattern}",
      "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.gold[0].name}/${local.gold_staging_table_pattern}",
    ]
  }

  statement {
    sid = "CreateAndReplaceModelViews"
    # <model>, one view per shipped model: CREATE OR REPLACE VIEW creates it once (CreateTable), then
    # replaces it (UpdateTable, which adds a table version), and GlueCatalog prunes its old versions
    # (DeleteTableVersion). The view swap is an update of the view: it cannot be avoided, but it is
    # granted on these names only, and the view itself is never deleted.
    actions = [
      "glue:CreateTable",
      "glue:DeleteTableVersion",
      "glue:UpdateTable",
    ]
    resources = flatten([
      [local.glue_catalog_arn, aws_glue_catalog_database.gold[0].arn],
      [for model in local.gold_models : "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.gold[0].name}/${model}"],
    ])
  }

  statement {
    sid = "ListSilverManifestsAndData"
    # Silver is listed for two things only: the manifests and data parts the code fingerprints
    # (<silver prefix>_manifests/<dataset>/, <silver prefix><dataset>/ingest_date=) and the partition
    # folders Athena lists to read a table (<silver prefix><dataset>/ingest_date=.../, the partition
    # locations in the catalog). The builder
    # never reads a silver key that may be missing, so no 404 depends on this grant (see
    # ListGoldAndResultBuckets), and the condition keeps _quarantine/, _schemas/ and the bucket's top
    # level out of its listings.
    actions   = ["s3:ListBucket"]
    resources = [module.silver_bucket.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values = [
        "${var.silver_prefix}_manifests/*",
        "${var.silver_prefix}*/ingest_date=*",
      ]
    }
  }

  statement {
    sid    = "NeverListSilverQuarantine"
    effect = "Deny"
    # Quarantine files sit in ingest_date= folders too (_quarantine/<dataset>/ingest_date=.../), which
    # the pattern above would match: refused rows are not the builder's business.
    actions   = ["s3:ListBucket"]
    resources = [module.silver_bucket.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.silver_prefix}_quarantine*"]
    }
  }

  statement {
    sid = "ListGoldAndResultBuckets"
    # Gold: the builds found and emptied, Athena's check that a CTAS location is empty, and, above all,
    # a first build's missing _state/ object, which S3 answers with 404 only to a caller allowed
    # s3:ListBucket on the bucket (403 otherwise, which the builder would take for a storage failure).
    # AWS documents that check as s3:ListBucket on the bucket and nothing about s3:prefix, so this
    # grant has no prefix condition. Results: Athena's own requests in the workgroup's result location,
    # which AWS does not document either; a refusal there fails every query, so no condition.
    actions = ["s3:ListBucket"]
    resources = [
      module.gold_bucket.arn,
      module.athena_results_bucket.arn,
    ]
  }

  statement {
    sid = "LocateLakeAndResultBuckets"
    # Athena asks every bucket it reads or writes for its location.
    actions = ["s3:GetBucketLocation"]
    resources = [
      module.silver_bucket.arn,
      module.gold_bucket.arn,
      module.athena_results_bucket.arn,
    ]
  }

  statement {
    sid = "ReadSilverData"
    # What Athena reads for the models: data parts only (manifests are listed, never read). The .parquet
    # suffix keeps quarantine files out, which sit in ingest_date= folders too, as .csv.
    actions   = ["s3:GetObject"]
    resources = ["${local.silver_prefix_arn}*/ingest_date=*.parquet"]
  }

  statement {
    sid = "WriteAndRemoveGoldBuilds"
    # <gold prefix><model>/<build id>/...: Athena writes a build's Parquet there (multipart uploads are
    # authorised as s3:PutObject, aborted on failure); the code deletes a failed or superseded build
    # (DeleteObjects is authorised per key as s3:DeleteObject). The build id pattern keeps _state/ out.
    actions = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"]
    resources = [
      "${local.gold_prefix_arn}*/??????????????_??????/*",
      "${local.gold_prefix_arn}*/staging_??????????????_??????/*",
    ]
  }

  statement {
    sid = "ReadGoldStagingTables"
    # <gold prefix><model>/staging_<build id>/...: a build of more than 100 partitions writes its model's rows
    # there once (an unpartitioned CTAS), and each batch's CTAS or INSERT INTO reads them back, as the builder,
    # instead of scanning silver again. Not the builds' own folders: nothing of the builder reads them.
    actions   = ["s3:GetObject"]
    resources = ["${local.gold_prefix_arn}*/staging_??????????????_??????/*"]
  }

  statement {
    sid = "ReadAndWriteGoldBuildState"
    # BuildStateStore: <gold prefix>_state/<model>.json, read before and written after each build,
    # and <model>.swap.json, written before each build's view swap and read when the state write after it
    # was lost (by the next invocation, or a forced request's retry); never deleted.
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${local.gold_prefix_arn}_state/*"]
  }

  statement {
    sid = "WriteAndReadQueryResults"
    # The builder's workgroup's result location: Athena writes results and CTAS manifests there as the
    # caller, and GetQueryResults reads them back. Not the analysts' results/.
    actions   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
    resources = ["${module.athena_results_bucket.arn}/${local.gold_athena_results_prefix}*"]
  }

  statement {
    sid = "TakeAndReleaseTheBuildLease"
    # BuildLease: read, conditionally written (If-None-Match or If-Match, authorised as s3:PutObject)
    # and deleted when the build ends; that one key only.
    actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    resources = ["${local.gold_prefix_arn}_lease/build.json"]
  }

  dynamic "statement" {
    for_each = local.gold_builds_on_commit ? [1] : []

    content {
      sid = "ConsumeGoldTriggers"
      # What Lambda's event source mapping does with the function's role: read the queue's attributes,
      # receive batches and delete what the builder is done with. The trigger queue only.
      actions   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      resources = [aws_sqs_queue.gold_triggers[0].arn]
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.gold_ctas[0].arn}:*"]
  }

  statement {
    sid       = "SendFailedEventsToDeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.gold_ctas_failures[0].arn]
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []

    content {
      sid = "UseDataKey"
      # SSE-KMS: reading silver and query results needs Decrypt, writing gold, the state and results
      # needs GenerateDataKey (and Decrypt to complete a multipart upload).
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_role_policy" "gold_ctas" {
  count = local.gold_enabled ? 1 : 0

  name   = "gold-ctas"
  role   = aws_iam_role.gold_ctas[0].id
  policy = data.aws_iam_policy_document.gold_ctas[0].json

  lifecycle {
    precondition {
      condition = toset(local.gold_models) == toset(local.gold_models_listed)
      error_message = format("gold-ctas/src/main/resources/gold/models.list names the models %s, and local.gold_models in terraform/gold.tf %s: the builder may replace only the views gold_models names, so a model missing there fails its first view swap with AccessDenied. Make the two lists name the same models.",
      jsonencode(local.gold_models_listed), jsonencode(local.gold_models))
    }
  }
}
