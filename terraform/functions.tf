################################################################################
# Silver converter: bronze CSV -> silver Parquet, invoked by S3 for every new bronze object
################################################################################

locals {
  silver_converter_name = "${local.name}-silver-converter"
  # Built by `mvn package`; the contract tests open this jar and check the handler below exists in it.
  silver_converter_jar = "${path.module}/../silver-converter/target/silver-converter.jar"
  # The key suffixes the converter converts and its role may read (iam.tf): SilverConverterHandler.CONVERTED_SUFFIXES
  # (each accepted suffix in lower and in upper case, since IAM patterns are case-sensitive; the contract tests
  # compare them), and .CSV.gz, which gzip makes of a .CSV file. S3 delivers every bronze key (below): another
  # key, mixed case (sales.Csv) too, is not read but said in the log, with what to do, and counted by an alarm.
  silver_accepted_suffixes = [".csv", ".csv.gz", ".dat", ".CSV", ".CSV.GZ", ".CSV.gz", ".DAT"]
  # What S3 invokes and what the permission and the on-failure configuration apply to: the alias of the
  # published version when SnapStart is on (snapshots exist only for published versions, never for
  # $LATEST), the function itself otherwise. Null without enable_functions.
  silver_converter_invoked_arn = !var.enable_functions ? null : var.silver_converter_snapstart ? aws_lambda_alias.silver_converter[0].arn : aws_lambda_function.silver_converter[0].arn
  silver_converter_qualifier   = !var.enable_functions ? null : var.silver_converter_snapstart ? aws_lambda_alias.silver_converter[0].name : null

  # The heap the converter's JVM gets: Lambda's Java runtimes start it with a maximum heap of 85 % of the
  # function's memory (-XX:MaxHeapSize=445644k at 512 MB) on the command line, which JAVA_TOOL_OPTIONS
  # cannot raise. Each byte range read at once holds what one stream holds, 224 MiB of heap
  # (RangeReading.HEAP_PER_READER, measured with rows at MAX_ROW_CHARS), which is all the converter's own
  # rule (silver_range_readers = null) gives a reader; a number set is taken as given, so the plan checks it.
  silver_converter_heap_mib         = floor(var.silver_converter_memory_mb * 85 / 100)
  silver_range_reader_heap_mib      = 224
  silver_converter_heap_readers     = max(1, floor(local.silver_converter_heap_mib / local.silver_range_reader_heap_mib))
  silver_range_readers_memory_floor = var.silver_range_readers == null ? null : ceil(var.silver_range_readers * local.silver_range_reader_heap_mib * 100 / 85)

  # The initial heap silver_converter_java_tool_options asks for (-Xms, -XX:InitialHeapSize=,
  # -XX:MinHeapSize=): above that maximum, the JVM does not start ("Initial heap size set to a larger
  # value than the maximum heap size"), failing every conversion.
  silver_converter_max_heap_bytes = floor(var.silver_converter_memory_mb * 1024 * 85 / 100) * 1024
  silver_converter_initial_heaps = [for size in regexall("(-Xms|-XX:InitialHeapSize=|-XX:MinHeapSize=)([0-9]+)([kKmMgGtT]?)(?:\\s|$)", var.silver_converter_java_tool_options) : {
    option = join("", size)
    bytes  = tonumber(size[1]) * lookup({ k = 1024, m = 1048576, g = 1073741824, t = 1099511627776 }, lower(size[2]), 1)
  }]
  silver_converter_initial_heaps_too_large = [for heap in local.silver_converter_initial_heaps : heap if heap.bytes > local.silver_converter_max_heap_bytes]

  # CSV_ENCODINGS as SilverSettings.parseEncodings reads it: entries split at commas, blank ones skipped,
  # each split at its first colon into dataset and charset, both trimmed. The converter stops at start on
  # a charset Java does not know (any case; java-charsets.tf lists them), failing every conversion, so the
  # plan refuses one, with the names Java knows that differ from it only in dashes and underscores.
  silver_csv_encoding_entries = [for entry in split(",", var.silver_csv_encodings) : {
    dataset = trimspace(split(":", entry)[0])
    charset = trimspace(join(":", slice(split(":", entry), 1, length(split(":", entry)))))
  } if length(split(":", entry)) > 1]
  silver_csv_unknown_charsets = [for entry in local.silver_csv_encoding_entries : merge(entry, {
    known_alike = [for name in local.java_charset_names : name if replace(name, "/[-_]/", "") == replace(lower(entry.charset), "/[-_]/", "")]
  }) if !contains(local.java_charset_names, lower(entry.charset))]
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
  # checkov:skip=CKV_AWS_115:Reserved concurrency, the converter's upper bound, is a variable (silver_converter_reserved_concurrency); Lambda refuses reservations that leave fewer than 100 unreserved executions and new accounts (quota 10) cannot reserve any, so the default sets none (see docs/infrastructure.md, Concurrency).
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
  architectures = [var.functions_architecture]
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

  # The converter's upper bound (docs/infrastructure.md, "Concurrency"): S3 invokes it asynchronously, with no event
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
      CSV_NULL_VALUES   = var.silver_csv_null_values
      # Named alone, the datasets whose "" is an empty string (a PostgreSQL export's), not null.
      CSV_QUOTED_EMPTY_STRINGS = var.silver_csv_quoted_empty_strings
      SILVER_DATABASE          = var.enable_glue_catalog ? aws_glue_catalog_database.silver[0].name : ""
      # Whether removals are delivered (the notification below): a conversion that finds its file deleted after
      # its commit then withdraws it, since the removal, handled before that commit, found nothing to withdraw.
      WITHDRAW_DELETED_FILES = var.silver_withdraws_deleted_files ? "true" : "false"
      JAVA_TOOL_OPTIONS      = var.silver_converter_java_tool_options
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.silver_converter,
    aws_iam_role_policy.silver_converter,
  ]

  # Settings each variable's validation accepts alone but that break the converter at runtime: refused
  # here, at plan, since a validation in Terraform 1.5 sees its own variable only (and a check block
  # would only warn).
  lifecycle {
    precondition {
      condition     = var.silver_range_readers == null ? true : var.silver_range_readers * local.silver_range_reader_heap_mib <= local.silver_converter_heap_mib
      error_message = "silver_range_readers = ${coalesce(var.silver_range_readers, 0)} needs ${coalesce(var.silver_range_readers, 0)} × ${local.silver_range_reader_heap_mib} MiB of heap, each byte range holding what one stream holds (RangeReading.HEAP_PER_READER), and at silver_converter_memory_mb = ${var.silver_converter_memory_mb} Lambda gives the converter's JVM a heap of ${local.silver_converter_heap_mib} MiB (85 % of the memory), room for ${local.silver_converter_heap_readers}: a large uncompressed file of rows at MAX_ROW_CHARS would run out of heap at every delivery. Set silver_range_readers to at most ${local.silver_converter_heap_readers}, or null (the converter then picks what the memory and the heap allow), or silver_converter_memory_mb to at least ${coalesce(local.silver_range_readers_memory_floor, 0)}."
    }

    precondition {
      condition     = length(local.silver_converter_initial_heaps_too_large) == 0
      error_message = length(local.silver_converter_initial_heaps_too_large) == 0 ? "" : "silver_converter_java_tool_options sets an initial heap of ${ceil(local.silver_converter_initial_heaps_too_large[0].bytes / 1048576)} MiB (${local.silver_converter_initial_heaps_too_large[0].option}), more than the ${local.silver_converter_heap_mib} MiB that Lambda gives the converter's JVM as its maximum at silver_converter_memory_mb = ${var.silver_converter_memory_mb} (85 % of the memory, on the command line, which JAVA_TOOL_OPTIONS cannot raise): the JVM then does not start (\"Initial heap size set to a larger value than the maximum heap size\"), failing every conversion. Remove ${local.silver_converter_initial_heaps_too_large[0].option} or give it at most ${local.silver_converter_heap_mib}m, or set silver_converter_memory_mb to at least ${ceil(local.silver_converter_initial_heaps_too_large[0].bytes / 1048576 * 100 / 85)}."
    }

    precondition {
      condition     = length(local.silver_csv_unknown_charsets) == 0
      error_message = "silver_csv_encodings names charsets Java does not know: ${join(", ", [for entry in local.silver_csv_unknown_charsets : "${entry.charset} (dataset ${entry.dataset}${length(entry.known_alike) > 0 ? "; did you mean ${join(" or ", entry.known_alike)}?" : ""})"])}. The converter reads CSV_ENCODINGS when it starts and stops on such a name, so every conversion would fail (with silver_converter_snapstart, the apply, publishing the version). Name each charset as Java 21 does (any case), such as windows-1252, ISO-8859-1, UTF-8, UTF-16LE or IBM037: java-charsets.tf lists every name and alias."
    }
  }
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
# Trigger: bronze s3:ObjectCreated:* (and s3:ObjectRemoved:*) -> silver converter
################################################################################

resource "aws_lambda_permission" "bronze_invokes_silver_converter" {
  count = var.enable_functions ? 1 : 0

  statement_id   = "AllowBronzeBucketInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.silver_converter[0].function_name
  qualifier      = local.silver_converter_qualifier
  principal      = data.aws_service_principal.s3.name
  source_arn     = module.bronze_bucket.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "bronze" {
  count = var.enable_functions ? 1 : 0

  bucket = module.bronze_bucket.id
  # bronze_eventbridge: every event of the bucket to the default event bus as well, for others' rules; S3 needs no
  # permission for it ("Amazon EventBridge permissions", S3 User Guide), and the rule below is unchanged.
  eventbridge = var.bronze_eventbridge

  # One rule with no filter: every key put in bronze reaches the converter, which converts the keys that end in
  # silver_accepted_suffixes and says every other file at WARN, with what to do for its name (report.xlsx, sales.Csv),
  # an alarm counting those lines (monitoring.tf, files_not_converted). Suffix rules left such a file in bronze
  # unseen: S3's filters are case-sensitive and no list of suffixes names every mistake; and no catch-all rule may
  # stand beside them, since S3 refuses rules of the same event type whose filters overlap ("Notification
  # configurations that use Filter cannot define filtering rules with overlapping prefixes, overlapping suffixes,
  # or prefix and suffix overlapping", S3 User Guide, "Configuring event notifications using object key name
  # filtering"). A key not converted costs one short invocation and no S3 request.
  lambda_function {
    id                  = "silver-converter"
    lambda_function_arn = local.silver_converter_invoked_arn
    # Removals too (silver_withdraws_deleted_files): the converter withdraws a deleted file's rows. S3 Lifecycle's
    # deletions are s3:LifecycleExpiration:* events, not ObjectRemoved, so expiring bronze objects withdraws nothing
    # (S3 User Guide, "Configuring S3 Lifecycle event notifications").
    events = var.silver_withdraws_deleted_files ? ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"] : ["s3:ObjectCreated:*"]
  }

  depends_on = [aws_lambda_permission.bronze_invokes_silver_converter]
}
