# Alerts: one SNS topic for budgets, alarms and failed crawls, e-mail subscriptions, alarms on the
# functions and the dead-letter queues, and the route of the crawlers' failures; and the dead-letter
# queue of each EventBridge target of the stack (failed crawls, gold_schedule) for what it cannot deliver.

locals {
  monitored_functions = merge(
    var.enable_functions ? { silver_converter = aws_lambda_function.silver_converter[0].function_name } : {},
    local.gold_enabled ? { gold_ctas = aws_lambda_function.gold_ctas[0].function_name } : {},
  )

  # What China lacks that the alarms rely on ("Getting Started with Amazon Web Services in China", its
  # Lambda page: "The asynchronous invocation metrics, AsyncEventsReceived, AsyncEventAge, and
  # AsyncEventsDropped are not available in the China Regions"; its SQS page: "The SQS dead-letter queue
  # redrive feature is not supported"). An alarm on AsyncEventsDropped there would never fire, and
  # start-message-move-task would be refused, so neither is planned or said in aws-cn.
  lambda_publishes_async_event_metrics = local.partition != "aws-cn"
  sqs_redrives_dead_letter_queues      = local.partition != "aws-cn"

  # The functions whose dropped asynchronous events are alarmed on: none where Lambda does not publish
  # AsyncEventsDropped. There each event given up on still shows: Lambda sends it to the function's
  # failure queue (its dead-letter alarm) or, when that fails, counts it in DestinationDeliveryFailures.
  async_events_dropped_functions = local.lambda_publishes_async_event_metrics ? local.monitored_functions : {}

  # What brings the gold trigger dead-letter queue's commits back: SQS's redrive to the trigger queue
  # where SQS offers it, else a build of every model whose inputs changed ({}), which is what those
  # commits asked for, and a purge.
  gold_triggers_dead_letter_remedy = local.sqs_redrives_dead_letter_queues ? "redrive them to the trigger queue (aws sqs start-message-move-task --source-arn <this queue's ARN>, the stack's output gold_trigger_queue.dead_letter_queue_arn), or build once with {} and purge the queue" : "build once with the payload {} (gold_rebuild_command), which builds every model whose inputs changed since its last build, and purge the queue (SQS's dead-letter redrive is not offered in China)"

  # Each queue that keeps what could not be processed (14 days, message_retention_seconds), and what to
  # do with it. The functions' failure queues are Lambda on-failure destinations: each message is
  # Lambda's invocation record (requestPayload: the original event; responsePayload: the error), and
  # SQS's dead-letter redrive (StartMessageMoveTask) does not apply to them, as it takes only the
  # dead-letter queues of other SQS queues. Only the gold trigger queue's is an SQS dead-letter queue.
  dead_letter_queues = merge(
    {
      silver_converter_failures = {
        name   = aws_sqs_queue.silver_converter_failures.name
        action = "S3 events the silver converter gave up on (Lambda's on-failure records, which SQS redrive cannot move). Read each record's responsePayload and the converter's log, fix the cause, then replay them with the silver_replay_command output (it invokes the converter with each record's requestPayload and deletes the record). They are kept 14 days from their arrival, then lost."
      }
    },
    local.gold_enabled ? {
      gold_ctas_failures = {
        name   = aws_sqs_queue.gold_ctas_failures[0].name
        action = "Scheduled or requested gold builds Lambda gave up on (on-failure records, which SQS redrive cannot move). Read each record's responsePayload and the builder's log, fix the cause, then build once with the payload {} (gold_rebuild_command), which builds every model whose inputs changed since its last build, and purge the queue. They are kept 14 days."
      }
    } : {},
    local.gold_builds_on_commit ? {
      gold_triggers_dead_letter = {
        name   = aws_sqs_queue.gold_triggers_dead_letter[0].name
        action = "Silver commits whose gold batch failed gold_trigger_max_receive_count times (an SQS dead-letter queue). Fix the cause, then ${local.gold_triggers_dead_letter_remedy}. They are kept 14 days from their commit."
      }
    } : {},
    local.gold_enabled && var.gold_schedule != null ? {
      gold_schedule_dead_letter = {
        name   = aws_sqs_queue.event_dead_letter["gold_schedule"].name
        action = "Scheduled gold builds EventBridge could not deliver to the builder (an EventBridge dead-letter queue; a missing function or alias, or an invoke permission on another qualifier, sends them here at once, other errors after an hour of retries). Each message is the undelivered event, its attributes ERROR_CODE and ERROR_MESSAGE say why. Fix that cause (terraform apply restores a missing alias or permission), build once with {} (gold_rebuild_command) if gold must not wait for the next run, then purge the queue. They are kept 14 days."
      }
    } : {},
    var.enable_glue_catalog ? {
      crawler_failed_dead_letter = {
        name   = aws_sqs_queue.event_dead_letter["crawler_failed"].name
        action = "Failed-crawl alerts EventBridge could not deliver to the alert topic (an EventBridge dead-letter queue; a topic or key policy that denies EventBridge sends them here at once, other errors after an hour of retries). Each message is the undelivered event, its attributes ERROR_CODE and ERROR_MESSAGE say why. Fix that cause, see which crawl failed and why (the message, aws glue list-crawls --crawler-name <silver_crawler_name>, the /aws-glue/crawlers log group), start the crawler again if the catalog needs it, then purge the queue. They are kept 14 days."
      }
    } : {},
  )

  # The stack's crawlers: a failed run of any of them is sent to the alert topic.
  crawler_names = var.enable_glue_catalog ? [aws_glue_crawler.silver[0].name] : []

  # A crawl that failed, as Glue sends it to the default event bus. The silver crawler runs on demand or
  # on its schedule, with nobody watching: this is how its failure is noticed.
  crawler_failed_event_pattern = {
    source        = ["aws.glue"]
    "detail-type" = ["Glue Crawler State Change"]
    detail = {
      crawlerName = local.crawler_names
      state       = ["Failed"]
    }
  }
}

resource "aws_sns_topic" "alerts" {
  # checkov:skip=CKV_AWS_26:Encrypted with the project key when kms_encryption is on; the AWS managed SNS key cannot be used because Budgets and CloudWatch need a key policy that admits them. Alerts carry budget and alarm names, no data.
  name              = "${local.name}-alerts"
  kms_master_key_id = local.kms_key_arn
}

data "aws_iam_policy_document" "alerts_topic" {
  statement {
    sid       = "BudgetsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.budgets.name]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    # The form AWS documents for budget notifications ("Creating an Amazon SNS topic for budget
    # notifications", AWS Cost Management User Guide): which ARN Budgets sends as the source is not
    # documented, and a narrower pattern that missed it would drop every alert without an error.
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:budgets::${local.account_id}:*"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.cloudwatch.name]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.name}-*"]
    }
  }

  dynamic "statement" {
    for_each = var.enable_glue_catalog ? [1] : []

    content {
      sid       = "CrawlerFailuresPublish"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.alerts.arn]

      principals {
        type        = "Service"
        identifiers = [data.aws_service_principal.events.name]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [aws_cloudwatch_event_rule.crawler_failed[0].arn]
      }
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts_topic.json
}

resource "aws_sns_topic_subscription" "alert_emails" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

################################################################################
# Alarms
################################################################################

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = local.monitored_functions

  alarm_name          = "${local.name}-${replace(each.key, "_", "-")}-errors"
  alarm_description   = "${each.value} failed at least once in 5 minutes: see its log group; failed events reach its dead-letter queue after the retries."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# No alarm on Throttles: the converter is throttled by design whenever silver_converter_reserved_concurrency
# caps it, its events waiting in Lambda's asynchronous queue, and a throttled gold batch only comes back
# later. What matters is an event given up on, and a failure record that could not be kept.

# An asynchronous event Lambda stopped trying: its retries are used up, it outlived
# async_max_event_age_seconds (throttled too long), or the function's concurrency is 0. Lambda sends it
# to the on-failure queue first, whose alarm fires too; this one says which function gave up, and
# also counts the events whose delivery there failed (see the next alarm). Not in China, where Lambda
# does not publish the metric (local.async_events_dropped_functions).
resource "aws_cloudwatch_metric_alarm" "function_async_events_dropped" {
  for_each = local.async_events_dropped_functions

  alarm_name          = "${local.name}-${replace(each.key, "_", "-")}-async-events-dropped"
  alarm_description   = "${each.value} gave up on an asynchronous event in the last 5 minutes (retries used up, too old after throttling, or concurrency 0): it is in the function's failure queue, unless the destination-delivery-failures alarm fired too."
  namespace           = "AWS/Lambda"
  metric_name         = "AsyncEventsDropped"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Lambda could not write a failed event's record to the on-failure queue (permissions, the queue gone,
# the record too large): that event is lost, with nothing left to replay.
resource "aws_cloudwatch_metric_alarm" "function_destination_delivery_failures" {
  for_each = local.monitored_functions

  alarm_name          = "${local.name}-${replace(each.key, "_", "-")}-destination-delivery-failures"
  alarm_description   = "${each.value} could not deliver a failed event to its on-failure queue in the last 5 minutes: that event is lost. Check the function's role (sqs:SendMessage on its queue) and the queue."
  namespace           = "AWS/Lambda"
  metric_name         = "DestinationDeliveryFailures"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Messages waiting in a dead-letter queue. The alarm must not turn OK while they wait, and SQS
# publishes a queue's metrics only while the queue is active: a dead-letter queue nobody touches goes
# silent after some hours with the failed events still in it (Amazon SQS Developer Guide, "Available
# CloudWatch metrics for Amazon SQS"). With treat_missing_data "notBreaching" that silence read as an
# empty queue and sent an OK; with "ignore" the alarm keeps its state through the silence and leaves
# ALARM only on a data point that shows the queue empty (replayed, redriven or purged, which makes it active
# again). That is why it keeps ok_actions: an OK now means exactly that. The age of the oldest message,
# the other choice, goes silent the same way and would need the same setting; the number of visible
# messages, at its maximum over 5 minutes, also says how many wait.
resource "aws_cloudwatch_metric_alarm" "dead_letter_messages" {
  for_each = local.dead_letter_queues

  alarm_name          = "${local.name}-${replace(each.key, "_", "-")}-messages"
  alarm_description   = "Messages are waiting in ${each.value.name}: ${each.value.action} The alarm stays on until the queue is seen empty."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "ignore"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Silver commits nobody takes: the gold trigger queue's oldest message older than three visibility
# timeouts. A healthy mapping receives each within the batching window, and a message handed back
# behind another build's lease comes back after one visibility timeout; SQS leaves a message received
# three times out of this metric (Amazon SQS Developer Guide, "Available CloudWatch metrics"), so only
# messages that are not received at all reach the threshold: the mapping disabled or failing to poll,
# its role denied (also by the budget's hard stop), the function gone. Gold then goes stale with no
# error anywhere else, and the messages never reach the dead-letter queue. Missing data keeps the state,
# as for the dead-letter queues: a queue SQS deems inactive stops publishing while messages wait.
resource "aws_cloudwatch_metric_alarm" "gold_triggers_not_consumed" {
  count = local.gold_builds_on_commit ? 1 : 0

  alarm_name          = "${local.name}-gold-triggers-not-consumed"
  alarm_description   = "Silver commits have waited in ${aws_sqs_queue.gold_triggers[0].name} for over ${3 * local.gold_triggers_visibility_timeout_seconds} s without being received: gold is not being rebuilt. Check the event source mapping (enabled, its last processing result), the gold builder's role, and whether the budget's hard stop is on."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.gold_triggers[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 3 * local.gold_triggers_visibility_timeout_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "ignore"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

# Data problems fail no invocation (SilverConverter: a file's data never fails it), so none of the
# alarms above sees them. A file rejected as a whole (its manifest's status "rejected") never reaches
# silver; the converter says so in its one JSON line per object (JsonLog: "level", "message", then the
# fields), at WARN as "source object rejected", and a processed file's line counts its quarantined rows
# ("rowsQuarantined") and, when it wrote none of them, "rowsWritten" 0, the columns of the file its
# dataset's schema contract lacks, which are not written ("columnsNotWritten"), and the contract's columns
# the file lacks, which are written as null ("columnsMissing"). A redelivered event of a file
# already converted or rejected logs the same line with "outcome" "unchanged": it is not counted again.
# A run that commits and then fails in its cleanup logs its commit before failing, and its retry answers
# "unchanged": each commit is counted once. A commit whose manifest write landed after its run gave up is
# logged by the run that next finds it, once (docs/silver-converter.md, "Each commit is counted once"). A conversion that withdraws what it committed (its file deleted
# from bronze while it was converted) logs that withdrawal alone, not its conversion: none of its rows is
# in silver to count. ConverterLogMetricFiltersIT checks the patterns against the lines the converter writes.
locals {
  converter_log_metrics_namespace = "${local.name}/silver-converter"
  converter_log_patterns = {
    rejected_files             = "{ ($.message = \"source object rejected\") && ($.outcome != \"unchanged\") }"
    quarantined_rows           = "{ ($.message = \"source object processed\") && ($.outcome != \"unchanged\") && ($.rowsQuarantined > 0) }"
    files_all_rows_quarantined = "{ ($.message = \"source object processed\") && ($.outcome != \"unchanged\") && ($.rowsWritten = 0) && ($.rowsQuarantined > 0) }"
    # columnsNotWritten and columnsMissing are the numbers of entries of droppedColumns and missingColumns,
    # logged as numbers because a JSON filter pattern compares numbers (=, !=, <, >, <=, >=) and reaches an
    # array's elements only by their index ($.droppedColumns[0]): it cannot count them, nor test a
    # property's presence in general. Either direction is one file to alarm on, so the two are one test
    # joined by ||, grouped: the same guide's order of operations is () > && > ||, so without the
    # parentheses a line's columnsMissing alone would match, a redelivery's "unchanged" line included
    # (CloudWatch Logs User Guide, "Using filter patterns to match terms in JSON log events",
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html).
    files_not_matching_contract = "{ ($.message = \"source object processed\") && ($.outcome != \"unchanged\") && ($.columnsNotWritten > 0 || $.columnsMissing > 0) }"
    # A withdrawal logs its own line, once per file: a redelivered or retried removal that finds the file already
    # withdrawn logs "source object removal: nothing withdrawn" instead. Its filesWithdrawn counts the silver files
    # it swept, not bronze files, so a line is one file. A conversion whose file was deleted meanwhile logs the
    # same line when it withdraws what it committed: a bronze file deleted, its rows gone, as this alarm means.
    withdrawn_files = "{ ($.message = \"source object withdrawn\") && ($.outcome = \"withdrawn\") }"
    # A file put in bronze whose name the converter does not convert (SilverConverterHandler.NOT_CONVERTED_MESSAGE): said
    # once per event at WARN, never for a job's or hidden file (_SUCCESS, .crc), a folder marker or a removal.
    files_not_converted = "{ $.message = \"source object not converted: its name does not end in a suffix the converter reads\" }"
  }
}

# One metric filter and one alarm per entry: each counts the lines of local.converter_log_patterns[key]
# (1 per line) as metric_name in converter_log_metrics_namespace, and alarms on more than threshold in 5
# minutes (0, any, but withdrawn_files). Each is a file missing something in silver, which stays missing
# when the next period has none: the alarms have no ok_actions, as that period turning them OK would say
# nothing about the file. enabled is whether the alarm is wanted; none is without the converter. The names
# are the key's, dashed.
#   rejected_files: always. A rejected file is a whole file missing from silver (it stays rejected
#     until it is uploaded again).
#   files_all_rows_quarantined: always. A file whose every row was quarantined (a contract typing a
#     column its values never fit, a header one field wider than its rows) is "converted" yet as absent from
#     its table as a rejected file, and neither the rejected-files alarm nor the quarantined-rows one
#     (off by default, and counting rows of every file) singles it out.
#   files_not_matching_contract: on by default. A file whose columns differ from its dataset's schema
#     contract converts, with nothing failing and nothing else telling anyone, in either direction: a
#     column the contract lacks (a column the source added, a header with a typo) is not written, its
#     values reaching no table; a column the file lacks (a column the source stopped sending or renamed)
#     is written as null, its table quietly filling with nulls. One alarm for both, not one each: the log
#     line and the manifest say which (and a renamed column is both, one file). contract_drift_alarm =
#     false turns it off for a source whose columns never match, which would alarm at every upload.
#   withdrawn_files: with silver_withdraws_deleted_files, above withdrawn_files_alarm_threshold files;
#     withdrawn_files_alarm = false turns it off, withdrawals still made.
#     A file deleted from bronze has its rows withdrawn from silver, and gold drops them at its next build:
#     right for a file or a delivery taken back, and data loss when someone runs aws s3 rm --recursive on
#     bronze by mistake, which nothing else reports (every invocation succeeds). The threshold keeps the first
#     quiet and catches the second within 5 minutes; the deletion is undone by deleting the delete markers
#     (docs/silver-converter.md, "Undoing a deletion").
#   files_not_converted: on by default. A file put in bronze under a name the converter does not convert
#     (report.xlsx, sales.tsv, sales.Csv) is in no table, and nothing fails: before, no rule even delivered
#     it. files_not_converted_alarm = false turns it off where bronze holds other files by design; the log
#     line still says each, with what to do.
# quarantined_rows, below, is not one of them: it sums the rows of a line, above a threshold set.
locals {
  converter_log_alarms = {
    rejected_files = {
      enabled     = true
      threshold   = 0
      metric_name = "RejectedFiles"
      description = "The silver converter rejected a bronze file as a whole in the last 5 minutes (not CSV, not in its charset, past a limit): none of its rows reached silver, and the invocation did not fail. Its log line (WARN, \"source object rejected\", field reason) and its manifest under _manifests/ say why; fix the file or the setting the reason names, then upload the file again."
    }
    files_all_rows_quarantined = {
      enabled     = true
      threshold   = 0
      metric_name = "FilesAllRowsQuarantined"
      description = "The silver converter quarantined every row of a bronze file in the last 5 minutes: none of its rows is in its dataset's table, and the invocation did not fail. Its log line (\"source object processed\", rowsWritten 0) names the file and its quarantine file, under silver's _quarantine/, which gives each row's source line and reason; fix the rows (or the dataset's schema contract, or the header) and upload the file again (docs/silver-converter.md, Replaying quarantined rows)."
    }
    files_not_matching_contract = {
      enabled     = var.contract_drift_alarm
      threshold   = 0
      metric_name = "FilesNotMatchingContract"
      description = "The silver converter converted a bronze file in the last 5 minutes whose columns differ from its dataset's schema contract; the invocation did not fail. Its log line (\"source object processed\") and its manifest under _manifests/ name the file and the columns. A column the contract lacks (columnsNotWritten, droppedColumns: added by the source, a header typo) is not written: declare it in the contract (docs/silver-converter.md, Declared contracts), then convert the dataset again with the silver_reconvert_command output (DATASET=<dataset>); or fix the header and upload the file again. A column the file lacks (columnsMissing, missingColumns: no longer sent, renamed) is written as null: fix the source, or the header, and upload the file again; or edit the contract (a renamed column's sourceName, then convert the dataset again; a column gone for good out of it). For a source whose columns never match its contract, set contract_drift_alarm = false."
    }
    files_not_converted = {
      enabled     = var.files_not_converted_alarm
      threshold   = 0
      metric_name = "FilesNotConverted"
      description = "A file was put in bronze in the last 5 minutes under a name the silver converter does not convert (a spreadsheet, .tsv, .txt, .json, or .Csv in mixed case): none of its rows reached silver, and the invocation did not fail. Its log line (WARN, \"source object not converted\") names the file (source) and says what to do (whatToDo): export a spreadsheet as CSV UTF-8, rename delimited text to .csv or .dat, rename a mixed-case suffix to lower case; then put the file in bronze again (docs/silver-converter.md, Keys and names). Where bronze holds other files by design, set files_not_converted_alarm = false."
    }
    withdrawn_files = {
      enabled     = var.silver_withdraws_deleted_files && var.withdrawn_files_alarm
      threshold   = var.withdrawn_files_alarm_threshold
      metric_name = "WithdrawnFiles"
      description = "The silver converter withdrew more than ${var.withdrawn_files_alarm_threshold} bronze files' rows from silver in the last 5 minutes (withdrawn_files_alarm_threshold): files were deleted from bronze, and gold drops their rows at its next build. If that was not meant (aws s3 rm --recursive on bronze, a job emptying it), find who deleted them in CloudTrail (DeleteObject, DeleteObjects on the bronze bucket; data events, if logged) and stop it, then undo the deletion: delete each key's delete marker (aws s3api list-object-versions, the DeleteMarkers where IsLatest), which brings its rows back (docs/silver-converter.md, Undoing a deletion). The log lines (\"source object withdrawn\") name each file."
    }
  }
}

resource "aws_cloudwatch_log_metric_filter" "silver_converter_log" {
  for_each = { for key, alarm in local.converter_log_alarms : key => alarm if var.enable_functions && alarm.enabled }

  name           = "${local.silver_converter_name}-${replace(each.key, "_", "-")}"
  log_group_name = aws_cloudwatch_log_group.silver_converter.name
  pattern        = local.converter_log_patterns[each.key]

  metric_transformation {
    namespace = local.converter_log_metrics_namespace
    name      = each.value.metric_name
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "silver_converter_log" {
  for_each = aws_cloudwatch_log_metric_filter.silver_converter_log

  alarm_name          = "${local.name}-silver-converter-${replace(each.key, "_", "-")}"
  alarm_description   = local.converter_log_alarms[each.key].description
  namespace           = local.converter_log_metrics_namespace
  metric_name         = each.value.metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = local.converter_log_alarms[each.key].threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

# Only with quarantined_rows_alarm_threshold: rows refused one by one are the converter's designed
# handling of bad rows, kept with their line and reason under _quarantine/; a source that always has
# a few would alarm at every upload.
resource "aws_cloudwatch_log_metric_filter" "silver_converter_quarantined_rows" {
  count = var.enable_functions && var.quarantined_rows_alarm_threshold != null ? 1 : 0

  name           = "${local.silver_converter_name}-quarantined-rows"
  log_group_name = aws_cloudwatch_log_group.silver_converter.name
  pattern        = local.converter_log_patterns.quarantined_rows

  metric_transformation {
    namespace = local.converter_log_metrics_namespace
    name      = "QuarantinedRows"
    value     = "$.rowsQuarantined"
  }
}

resource "aws_cloudwatch_metric_alarm" "silver_converter_quarantined_rows" {
  count = var.enable_functions && var.quarantined_rows_alarm_threshold != null ? 1 : 0

  alarm_name          = "${local.name}-silver-converter-quarantined-rows"
  alarm_description   = "The silver converter quarantined more than ${var.quarantined_rows_alarm_threshold} rows in the last 5 minutes (quarantined_rows_alarm_threshold): they are in silver's _quarantine/ with their line and reason, not in their dataset's table. The converter's log lines with rowsQuarantined > 0 name the files."
  namespace           = local.converter_log_metrics_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.silver_converter_quarantined_rows[0].metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.quarantined_rows_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

################################################################################
# Dataset freshness
################################################################################

# The file that did not arrive (the source job failed, the SFTP push stopped, its credentials expired) fails
# nothing: no invocation, so none of the alarms above; silver and gold simply go stale. Per dataset of
# dataset_freshness, a filter counts the dataset's commits in the converter's log, and an alarm fires when
# none came within max_hours_without_commit. A commit is the line above of a file converted (outcome
# "converted", or "empty" for a header-only file: its source did deliver), not a redelivery ("unchanged"), a
# rejection ("source object rejected": the rejected-files alarm's), a withdrawal ("source object withdrawn") or
# another dataset's line ($.dataset compared whole). A file whose every row was quarantined is committed and
# counts: it arrived, and its own alarm says what is wrong with it. ConverterLogMetricFiltersIT checks the
# pattern against the lines the converter writes; "%s" is the dataset.
#
# One filter per dataset, its dataset in the pattern, rather than one filter whose dimension is $.dataset:
# that one would publish a metric for every dataset the converter logs, each a custom metric to pay for, and
# CloudWatch Logs disables a filter that yields 1,000 dimension values within an hour (PutMetricFilter, API
# reference). Here the dimension Dataset, taken from $.dataset, has one value per filter: the metrics are
# CommittedFiles by Dataset, one per dataset configured. A dimension's value can only be a field of the line,
# not a constant (aws-cloudformation-resource-providers-logs issue 108), hence $.dataset; and no default_value,
# which CloudWatch Logs refuses beside dimensions (terraform-provider-aws issue 19608: "Metric Filters with
# dimensions don't allow the default value to be set").
#
# The alarm sums commits per hour and fires when each of the last max_hours_without_commit hours had none.
# Hours with no commit have no data point at all (a filter publishes only on a match), so missing data is
# what it watches for: treat_missing_data "breaching". Any commit in the window is an hour above 0, which
# turns it OK, and a file arriving does mean fresh again, so it keeps ok_actions, unlike the converter's
# file alarms above. The filter counts only lines logged after it exists: created on a running stack, the
# alarm fires until the dataset's next file.
locals {
  dataset_commits_pattern_format = "{ ($.message = \"source object processed\") && ($.outcome != \"unchanged\") && ($.dataset = \"%s\") }"
  dataset_commits_metric         = "CommittedFiles"
  dataset_freshness              = var.enable_functions ? var.dataset_freshness : {}
}

resource "aws_cloudwatch_log_metric_filter" "silver_converter_commits" {
  for_each = local.dataset_freshness

  name           = "${local.silver_converter_name}-commits-${each.key}"
  log_group_name = aws_cloudwatch_log_group.silver_converter.name
  pattern        = format(local.dataset_commits_pattern_format, each.key)

  metric_transformation {
    namespace  = local.converter_log_metrics_namespace
    name       = local.dataset_commits_metric
    value      = "1"
    dimensions = { Dataset = "$.dataset" }
  }
}

resource "aws_cloudwatch_metric_alarm" "dataset_freshness" {
  for_each = aws_cloudwatch_log_metric_filter.silver_converter_commits

  alarm_name = "${local.name}-silver-freshness-${each.key}"
  # At most 1,024 characters (PutMetricAlarm's AlarmDescription): with a dataset name of 255 characters, this is 892.
  alarm_description   = "No file of dataset ${each.key} was committed to silver in the last ${local.dataset_freshness[each.key].max_hours_without_commit} hours (dataset_freshness): its table, and gold built on it, are going stale. Either nothing arrived: see whether the source job that delivers it ran, and whether its upload still works (an SFTP push, expired credentials, a bucket policy); or files arrived and were not converted: look in the bronze bucket (terraform output bucket_names) under the dataset's folder, and at the converter's other alarms (errors, rejected files, files not converted). The next file committed turns it OK. To silence it, raise max_hours_without_commit or remove the dataset from dataset_freshness."
  namespace           = local.converter_log_metrics_namespace
  metric_name         = local.dataset_commits_metric
  dimensions          = { Dataset = each.key }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = local.dataset_freshness[each.key].max_hours_without_commit
  datapoints_to_alarm = local.dataset_freshness[each.key].max_hours_without_commit
  threshold           = 0
  comparison_operator = "LessThanOrEqualToThreshold"
  treat_missing_data  = "breaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  lifecycle {
    # The converter names a dataset with up to 255 characters (dataset_freshness's validation), CloudWatch an alarm with
    # no more than 255, prefix included (PutMetricAlarm, AlarmName:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html). Checked here, where the
    # prefix is known (a variable's validation cannot read local.name before Terraform 1.9), and before the provider's own
    # check, which names neither the setting nor what to do.
    precondition {
      condition     = length("${local.name}-silver-freshness-${each.key}") <= 255
      error_message = "dataset_freshness: the freshness alarm of dataset ${each.key} would be named ${local.name}-silver-freshness-${each.key}, ${length("${local.name}-silver-freshness-${each.key}")} characters, and CloudWatch takes at most 255: the name's part before the dataset, ${local.name}-silver-freshness-, has ${length("${local.name}-silver-freshness-")} of them, and the dataset's name may have the rest. Leave the dataset out of dataset_freshness, or shorten project or environment."
    }
  }
}

################################################################################
# Gold freshness
################################################################################

# A gold model can stop being rebuilt while silver goes on: its builds fail into the failure or dead-letter
# queue (whose alarms fire once, then stay quiet while the queue holds messages), gold_schedule's rule was
# disabled, the trigger queue's mapping turned off, or Athena fails every build of it. Per model of
# gold_freshness, a filter counts the builder's lines that find the model up to date, and an alarm fires when
# none came within max_hours_without_build.
#
# What counts: a build swapped into the view ("gold model built and swapped into its view", outcome "built"),
# and a check that found the model's silver inputs as at its last build ("gold model unchanged", or a retry's
# "already built by this request", outcome "unchanged"). An unchanged model's view holds what silver holds, which
# is what a data engineer asking "is this table current?" means; counting builds alone would fire whenever its
# sources were quiet (a weekend), for a cause dataset_freshness names better, per dataset. Not counted: a
# failed build ("gold model failed", outcome "failed"), a model waiting for a source with no table (outcome
# "waiting": it has no table to be fresh), an invocation that found another build running ("gold build
# deferred", "gold build skipped": no model field), and another model's lines ($.model compared whole).
# GoldLogMetricFiltersIT checks the pattern against the lines the gold-ctas jar writes; "%s" is the model.
#
# The builder checks every model at each invocation, whatever the batch names (gold-ctas/README.md,
# Triggers), so an up-to-date line comes whenever it runs; with gold_builds_on_commit alone it runs only when
# silver changes, so a window with no commit of any dataset fires the alarm as well (gold_schedule checks at
# each run). As for the datasets: one filter per model with the model in the pattern, its dimension Model
# taken from $.model (one value per filter, no default value beside a dimension), hours with no line are
# missing data, treat_missing_data "breaching", and ok_actions, since a build or check does mean fresh again.
locals {
  gold_log_metrics_namespace           = "${local.name}/gold-ctas"
  gold_model_up_to_date_pattern_format = "{ ($.model = \"%s\") && (($.outcome = \"built\") || ($.outcome = \"unchanged\")) }"
  gold_model_up_to_date_metric         = "ModelUpToDate"
  gold_freshness                       = local.gold_enabled ? var.gold_freshness : {}
}

resource "aws_cloudwatch_log_metric_filter" "gold_ctas_models_up_to_date" {
  for_each = local.gold_freshness

  name           = "${local.gold_ctas_name}-up-to-date-${each.key}"
  log_group_name = aws_cloudwatch_log_group.gold_ctas[0].name
  pattern        = format(local.gold_model_up_to_date_pattern_format, each.key)

  metric_transformation {
    namespace  = local.gold_log_metrics_namespace
    name       = local.gold_model_up_to_date_metric
    value      = "1"
    dimensions = { Model = "$.model" }
  }

  lifecycle {
    # A name no model has would count no line, and its alarm would fire forever. local.gold_models is the list
    # the builder's policy names (gold.tf), which the contract tests keep equal to models.list.
    precondition {
      condition     = contains(local.gold_models, each.key)
      error_message = format("gold_freshness names %s, which is not a gold model of this stack: its models are %s (gold-ctas's models.list). Name one of them, or add the model to models.list and to local.gold_models in gold.tf first.", each.key, join(", ", local.gold_models))
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "gold_freshness" {
  for_each = aws_cloudwatch_log_metric_filter.gold_ctas_models_up_to_date

  alarm_name          = "${local.name}-gold-freshness-${each.key}"
  alarm_description   = "Gold model ${each.key} was neither built nor found up to date in the last ${local.gold_freshness[each.key].max_hours_without_build} hours (gold_freshness): its view may lag silver. Look at the gold builder's log (terraform output log_group_names) for \"gold model failed\" lines of it, which say why, and at the builder's other alarms (errors, dead-letter queues, gold triggers not consumed); check that gold_schedule's rule and the trigger queue's mapping are enabled. With gold_builds_on_commit alone, no silver commit in the window fires it too (see dataset_freshness). gold_rebuild_command builds it once. The next build or check turns it OK. To silence it, raise max_hours_without_build or remove the model from gold_freshness."
  namespace           = local.gold_log_metrics_namespace
  metric_name         = local.gold_model_up_to_date_metric
  dimensions          = { Model = each.key }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = local.gold_freshness[each.key].max_hours_without_build
  datapoints_to_alarm = local.gold_freshness[each.key].max_hours_without_build
  threshold           = 0
  comparison_operator = "LessThanOrEqualToThreshold"
  treat_missing_data  = "breaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  lifecycle {
    # CloudWatch names an alarm with at most 255 characters (PutMetricAlarm, AlarmName:
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html), and a model's
    # name has no bound of its own (GoldModel.NAME). format() rather than a template: hcl4j and checkov's parser
    # fail on arithmetic and nested templates inside an error message.
    precondition {
      condition     = length(format("%s-gold-freshness-%s", local.name, each.key)) <= 255
      error_message = format("gold_freshness: the freshness alarm of model %s would be named %s-gold-freshness-%s, %d characters, and CloudWatch takes at most 255: the name's part before the model, %s-gold-freshness-, has %d of them. Leave the model out of gold_freshness, or shorten project or environment.", each.key, local.name, each.key, length(format("%s-gold-freshness-%s", local.name, each.key)), local.name, length(format("%s-gold-freshness-", local.name)))
    }
  }
}

################################################################################
# Failed crawls
################################################################################

resource "aws_cloudwatch_event_rule" "crawler_failed" {
  count = var.enable_glue_catalog ? 1 : 0

  name          = "${local.name}-crawler-failed"
  description   = "A crawler of the stack failed: tell the alert topic."
  event_pattern = jsonencode(local.crawler_failed_event_pattern)
}

resource "aws_cloudwatch_event_target" "crawler_failed" {
  count = var.enable_glue_catalog ? 1 : 0

  rule      = aws_cloudwatch_event_rule.crawler_failed[0].name
  target_id = "alerts"
  arn       = aws_sns_topic.alerts.arn

  # An alert EventBridge cannot deliver is dropped unless the target has a dead-letter queue. It retries
  # retriable errors (SNS throttling or unavailable) with backoff, by default for 24 hours; an error that
  # needs someone to act, such as the topic's or the key's policy denying EventBridge, is not retried
  # and goes straight to the dead-letter queue (EventBridge User Guide, "How EventBridge retries
  # delivering events" and "Using dead-letter queues to process undelivered events"). An hour of
  # retries, then the queue, whose alarm publishes to the topic as CloudWatch, not as EventBridge.
  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.event_dead_letter["crawler_failed"].arn
  }

  # One readable line rather than the event's JSON; the crawler's log stream, named after it, is in
  # the /aws-glue/crawlers log group.
  input_transformer {
    input_paths = {
      crawler = "$.detail.crawlerName"
      message = "$.detail.errorMessage"
      time    = "$.time"
      region  = "$.region"
    }
    input_template = "\"Glue crawler <crawler> failed at <time> (<region>): <message>. Its log stream <crawler> is in the /aws-glue/crawlers log group.\""
  }

  depends_on = [aws_sns_topic_policy.alerts, aws_sqs_queue_policy.event_dead_letter]
}

################################################################################
# What EventBridge cannot deliver
################################################################################

# The dead-letter queue of each EventBridge target of the stack, by the rule it serves: the failed-crawl
# alerts to the alert topic (above), and gold_schedule's runs to the builder (gold.tf). Each keeps the
# events its rule's target could not deliver 14 days, like the functions' failure queues, encrypted the
# same way (SSE-SQS, which needs no key policy for EventBridge to send), and takes them from that rule
# only; its alarm is the dead-letter alarm above (local.dead_letter_queues). The sid keeps each queue's
# policy as it was when each queue had resources of its own.
locals {
  event_dead_letter_rules = merge(
    var.enable_glue_catalog ? {
      crawler_failed = {
        rule_arn = aws_cloudwatch_event_rule.crawler_failed[0].arn
        sid      = "CrawlerFailedRuleSendsUndelivered"
      }
    } : {},
    local.gold_enabled && var.gold_schedule != null ? {
      gold_schedule = {
        rule_arn = aws_cloudwatch_event_rule.gold_schedule[0].arn
        sid      = "GoldScheduleRuleSendsUndelivered"
      }
    } : {},
  )
}

resource "aws_sqs_queue" "event_dead_letter" {
  for_each = local.event_dead_letter_rules

  name                      = "${local.name}-${replace(each.key, "_", "-")}-dead-letter"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

# EventBridge sends to a target's dead-letter queue with the queue's policy, for that rule only.
data "aws_iam_policy_document" "event_dead_letter" {
  for_each = local.event_dead_letter_rules

  statement {
    sid       = each.value.sid
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.event_dead_letter[each.key].arn]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.events.name]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [each.value.rule_arn]
    }
  }
}

resource "aws_sqs_queue_policy" "event_dead_letter" {
  for_each = local.event_dead_letter_rules

  queue_url = aws_sqs_queue.event_dead_letter[each.key].id
  policy    = data.aws_iam_policy_document.event_dead_letter[each.key].json
}

# Where each queue and its policy were, one pair of resources per rule, until they became one resource
# per kind: a stack applied before plans no change for them instead of destroying the queues, with the
# events they keep, and creating them again. A moved block may change a resource's name and switch its
# instance key from a count index to a for_each key ("Refactoring", Terraform documentation, "Enabling
# count or for_each For a Resource"); the same page asks to keep such blocks, as a stack still at the old
# addresses would otherwise plan to destroy them. MovedResourcesPlanIT plans against such a state.
moved {
  from = aws_sqs_queue.crawler_failed_dead_letter[0]
  to   = aws_sqs_queue.event_dead_letter["crawler_failed"]
}

moved {
  from = aws_sqs_queue_policy.crawler_failed_dead_letter[0]
  to   = aws_sqs_queue_policy.event_dead_letter["crawler_failed"]
}

moved {
  from = aws_sqs_queue.gold_schedule_dead_letter[0]
  to   = aws_sqs_queue.event_dead_letter["gold_schedule"]
}

moved {
  from = aws_sqs_queue_policy.gold_schedule_dead_letter[0]
  to   = aws_sqs_queue_policy.event_dead_letter["gold_schedule"]
}

# Where the converter's rejected-files metric filter and alarm were, a pair of resources (count), until
# the converter's log alarms became one resource per kind over local.converter_log_alarms: a stack
# applied before plans no change for them, as for the dead-letter queues above (the other entries came
# with the for_each). MovedResourcesPlanIT plans against such a state.

moved {
  from = aws_cloudwatch_log_metric_filter.silver_converter_rejected_files[0]
  to   = aws_cloudwatch_log_metric_filter.silver_converter_log["rejected_files"]
}

moved {
  from = aws_cloudwatch_metric_alarm.silver_converter_rejected_files[0]
  to   = aws_cloudwatch_metric_alarm.silver_converter_log["rejected_files"]
}
