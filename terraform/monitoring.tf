# Alerts: one SNS topic for budgets and alarms, e-mail subscriptions, and alarms on the functions and
# the dead-letter queues.

locals {
  monitored_functions = merge(
    { silver_converter = aws_lambda_function.silver_converter.function_name },
    local.gold_enabled ? { gold_ctas = aws_lambda_function.gold_ctas[0].function_name } : {},
  )

  dead_letter_queues = merge(
    { silver_converter_failures = aws_sqs_queue.silver_converter_failures.name },
    var.enable_glue_catalog ? { silver_events_dead_letter = aws_sqs_queue.silver_events_dead_letter[0].name } : {},
    local.gold_enabled ? { gold_ctas_failures = aws_sqs_queue.gold_ctas_failures[0].name } : {},
  )
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
      identifiers = ["budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:budgets::${local.account_id}:budget/${local.name}-*"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
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

resource "aws_cloudwatch_metric_alarm" "function_throttles" {
  for_each = local.monitored_functions

  alarm_name          = "${local.name}-${replace(each.key, "_", "-")}-throttles"
  alarm_description   = "${each.value} was throttled in the last 5 minutes: the account's concurrency (or the function's reservation) is exhausted; asynchronous events wait and retry."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
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

resource "aws_cloudwatch_metric_alarm" "dead_letter_messages" {
  for_each = local.dead_letter_queues

  alarm_name          = "${local.name}-${replace(each.key, "_", "-")}-messages"
  alarm_description   = "Messages are waiting in ${each.value}: events that could not be processed. Inspect them, fix the cause, then redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  actions_enabled     = true
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}
