# Monthly cost budgets, one per tier (by default $50 and $100), each notifying the alert topic when the
# actual or forecasted spend crosses its thresholds. Budgets are account-wide unless
# budget_cost_allocation_tag narrows them to the stack's tagged resources (a tag activated in Billing
# first); the stack is meant for an account (or organisation member account) of its own.

locals {
  budget_tiers = var.enable_budgets ? { for amount in var.monthly_budget_limits_usd : tostring(amount) => amount } : {}
}

resource "aws_budgets_budget" "monthly" {
  for_each = local.budget_tiers

  name         = "${local.name}-monthly-${each.key}-usd"
  budget_type  = "COST"
  limit_amount = format("%.2f", each.value)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  # Only the costs of resources carrying the stack's value of that tag: user:<key>$<value>, the form
  # Budgets' TagKeyValue filter takes for a user-defined tag.
  dynamic "cost_filter" {
    for_each = var.budget_cost_allocation_tag == null ? [] : [var.budget_cost_allocation_tag]

    content {
      name   = "TagKeyValue"
      values = [format("user:%s$%s", cost_filter.value, lookup(local.tags, cost_filter.value, ""))]
    }
  }

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

  lifecycle {
    precondition {
      condition     = var.budget_cost_allocation_tag == null || contains(keys(local.tags), coalesce(var.budget_cost_allocation_tag, "-"))
      error_message = "budget_cost_allocation_tag must be one of the tags every resource of the stack carries: Project, Environment, ManagedBy or a key of var.tags."
    }
  }

  depends_on = [aws_sns_topic_policy.alerts]
}
