# Monthly cost budgets, one per tier (by default $50 and $100), each notifying the alert topic when the
# actual or forecasted spend crosses its thresholds. Budgets are account-wide: the stack is meant for an
# account (or organisation member account) of its own.

resource "aws_budgets_budget" "monthly" {
  for_each = var.enable_budgets ? { for amount in var.monthly_budget_limits_usd : tostring(amount) => amount } : {}

  name         = "${local.name}-monthly-${each.key}-usd"
  budget_type  = "COST"
  limit_amount = format("%.2f", each.value)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "notification" {
    for_each = var.budget_notifications

    content {
      comparison_operator       = "GREATER_THAN"
      threshold                 = notification.value.threshold_percent
      threshold_type            = "PERCENTAGE"
      notification_type         = notification.value.notification_type
      subscriber_sns_topic_arns = [aws_sns_topic.alerts.arn]
    }
  }

  depends_on = [aws_sns_topic_policy.alerts]
}
