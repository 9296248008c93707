################################################################################
# Silver converter: bronze CSV -> silver Parquet, invoked by S3 for every new bronze object
################################################################################

locals {
  silver_converter_name = "${local.name}-silver-converter"
  # Built by `mvn package`; the contract tests open this jar and check the handler below exists in it.
  silver_converter_jar = "${path.module}/../silver-converter/target/silver-converter.jar"
  # The key suffixes S3 delivers to the converter: SilverConverterHandler.NOTIFICATION_SUFFIXES (each
  # accepted suffix in lower and in upper case, since S3 filters and IAM patterns are case-sensitive);
  # the contract tests compare them; and .CSV.gz, which gzip makes of a .CSV file. Other mixed case
  # (sales.Csv) is not delivered.
  silver_accepted_suffixes = [".csv", ".csv.gz", ".dat", ".CSV", ".CSV.GZ", ".CSV.gz", ".DAT"]
  # What S3 invokes and what the permission and the on-failure configuration apply to: the alias of the
  # published version when SnapStart is on (snapshots exist only for published versions, never for
  # $LATEST), the function itself otherwise. Null without enable_functions.
  silver_converter_invoked_arn = !var.enable_functions ? null : var.silver_converter_snapstart ? aws_lambda_alias.silver_converter[0].arn : aws_lambda_function.silver_converter[0].arn
  silver_converter_qualifier   = !var.enable_functions ? null : var.silver_converter_snapstart ? aws_lambda_alias.silver_converter[0].name : null
}

# The key carries the jar's hash: a rebuilt jar is a new object and redeploys the function, an
# unchanged one plans no change at all.
resource "aws_s3_object" "silver_converter_jar" {
  bucket      = module.artifacts_bucket.id
  key         = "silver-converter/silver-converter-${filesha256(local.silver_converter_jar)}.jar"
  source      = local.silver_converter_jar
  source_hash = filemd5(local.silver_converter_jar)

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "silver_converter" {
  # checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days): these are operational logs, the manifests in silver are the lasting record of every conversion.
  # checkov:skip=CKV_AWS_158:KMS encryption is opt-in (kms_encryption); CloudWatch Logs encrypts log data at rest with its own keys otherwise.
  name              = "/aws/lambda/${local.silver_converter_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
}

resource "aws_lambda_function" "silver_converter" {
  count = var.enable_functions ? 1 : 0

  # checkov:skip=CKV_AWS_116:Failed asynchronous invocations go to an SQS on-failure destination (aws_lambda_function_event_invoke_config below), which records the error with the event; a DLQ as well would deliver each failure twice.
  # checkov:skip=CKV_AWS_117:The function talks only to S3 and Glue; a VPC would need endpoints or a NAT gateway and add cold-start latency for no isolation gain.
  # checkov:skip=CKV_AWS_115:Reserved concurrency, the converter's upper bound, is a variable (silver_converter_reserved_concurrency); Lambda refuses reservations that leave fewer than 100 unreserved executions and new accounts (quota 10) cannot reserve any, so the default sets none (see README, Concurrency).
  # checkov:skip=CKV_AWS_173:The environment holds bucket names and tunables, no secrets; Lambda encrypts it at rest with its own key.
  # checkov:skip=CKV_AWS_272:Only Terraform writes the versioned artifacts bucket and the object key is the jar's SHA-256; code signing would need an AWS Signer profile.
  # checkov:skip=CKV_AWS_50:The converter does not use the X-Ray SDK; its JSON log line per object carries rows, bytes and seconds.
  function_name = local.silver_converter_name
  description   = "Converts bronze CSV objects into silver Parquet (refused rows quarantined, one manifest per source file)."
  role          = aws_iam_role.silver_converter.arn

  s3_bucket        = aws_s3_object.silver_converter_jar.bucket
  s3_key           = aws_s3_object.silver_converter_jar.key
  source_code_hash = filebase64sha256(local.silver_converter_jar)

  handler       = "dev.medallion.silver.lambda.SilverConverterHandler::handleRequest"
  runtime       = "java21"
  architectures = ["arm64"]
  memory_size   = var.silver_converter_memory_mb
  timeout       = var.silver_converter_timeout_seconds

  # SnapStart (silver_converter_snapstart): each deploy publishes a version, Lambda initialises it once,
  # runs the handler's priming hook (a small conversion, ConversionPriming) and snapshots it; every cold
  # start then restores that snapshot instead of starting a JVM. Java's SnapStart has no extra charge.
  publish = var.silver_converter_snapstart

  dynamic "snap_start" {
    for_each = var.silver_converter_snapstart ? ["PublishedVersions"] : []

    content {
      apply_on = snap_start.value
    }
  }

  # The converter's upper bound (README, "Concurrency"): S3 invokes it asynchronously, with no event
  # source mapping whose maximum concurrency could bound it, so a reservation is the only cap; -1 sets
  # none, which every account accepts.
  reserved_concurrent_executions = var.silver_converter_reserved_concurrency

  # Exactly the variables SilverSettings and ConversionLimits read (the contract tests check both
  # directions), plus the JVM options the benchmark chose. SILVER_DATABASE: the Glue database in which
  # the converter creates each dataset's table and registers its partitions before each commit (README,
  # "The catalog"); empty (no catalog) without the Glue catalog.
  environment {
    variables = {
      SILVER_BUCKET     = module.silver_bucket.id
      SILVER_PREFIX     = var.silver_prefix
      CHUNK_ROWS        = var.silver_chunk_rows
      CHUNK_MAX_BYTES   = var.silver_chunk_max_bytes
      PART_TARGET_BYTES = var.silver_part_target_bytes
      ROW_GROUP_BYTES   = var.silver_row_group_bytes
      MAX_COLUMNS       = var.silver_max_columns
      MAX_ROW_CHARS     = var.silver_max_row_chars
      RANGE_READERS     = var.silver_range_readers == null ? "" : tostring(var.silver_range_readers)
      MIN_RANGE_BYTES   = var.silver_min_range_bytes
      CSV_DELIMITERS    = var.silver_csv_delimiters
      CSV_ENCODINGS     = var.silver_csv_encodings
      SILVER_DATABASE   = var.enable_glue_catalog ? aws_glue_catalog_database.silver[0].name : ""
      JAVA_TOOL_OPTIONS = var.silver_converter_java_tool_options
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.silver_converter,
    aws_iam_role_policy.silver_converter,
  ]
}

# The version S3 invokes when SnapStart is on: moved to each newly published version by every deploy.
resource "aws_lambda_alias" "silver_converter" {
  count = var.enable_functions && var.silver_converter_snapstart ? 1 : 0

  name             = "live"
  description      = "The published version of the silver converter that S3 invokes (SnapStart snapshots exist only for published versions)."
  function_name    = aws_lambda_function.silver_converter[0].function_name
  function_version = aws_lambda_function.silver_converter[0].version
}

# Where an S3 event ends up after its retries are used up: Lambda's on-failure record of it (the event
# as requestPayload, the error as responsePayload), kept 14 days for inspection and replay
# (silver_replay_command). SQS's redrive does not apply: this is no SQS queue's dead-letter queue.
resource "aws_sqs_queue" "silver_converter_failures" {
  name                      = "${local.silver_converter_name}-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_lambda_function_event_invoke_config" "silver_converter" {
  count = var.enable_functions ? 1 : 0

  function_name                = aws_lambda_function.silver_converter[0].function_name
  qualifier                    = local.silver_converter_qualifier
  maximum_retry_attempts       = var.async_max_retry_attempts
  maximum_event_age_in_seconds = var.async_max_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.silver_converter_failures.arn
    }
  }
}

################################################################################
# Trigger: bronze s3:ObjectCreated:* -> silver converter
################################################################################

resource "aws_lambda_permission" "bronze_invokes_silver_converter" {
  count = var.enable_functions ? 1 : 0

  statement_id   = "AllowBronzeBucketInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.silver_converter[0].function_name
  qualifier      = local.silver_converter_qualifier
  principal      = "s3.amazonaws.com"
  source_arn     = module.bronze_bucket.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "bronze" {
  count = var.enable_functions ? 1 : 0

  bucket = module.bronze_bucket.id

  # One rule per suffix: S3 filters allow one suffix per rule.
  dynamic "lambda_function" {
    for_each = local.silver_accepted_suffixes

    content {
      id                  = "silver-converter${replace(lambda_function.value, ".", "-")}"
      lambda_function_arn = local.silver_converter_invoked_arn
      events              = ["s3:ObjectCreated:*"]
      filter_suffix       = lambda_function.value
    }
  }

  depends_on = [aws_lambda_permission.bronze_invokes_silver_converter]
}
