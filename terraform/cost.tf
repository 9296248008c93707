# Monthly cost budgets, one per tier (by default $50 and $100), each notifying the alert topic when the
# actual or forecasted spend crosses its thresholds. Budgets are account-wide unless
# budget_cost_allocation_tag narrows them to the stack's tagged resources (a tag activated in Billing
# first); the stack is meant for an account (or organisation member account) of its own. With
# budget_hard_stop, reaching the top tier's actual spend also stops the pipeline (below).

locals {
  budget_tiers = var.enable_budgets ? { for amount in var.monthly_budget_limits_usd : tostring(amount) => amount } : {}
  # The top tier, whose actual spend triggers the hard stop: its key in budget_tiers.
  budget_top_tier = tostring(max(var.monthly_budget_limits_usd...))
  hard_stop       = var.enable_budgets && var.budget_hard_stop
}

resource "aws_budgets_budget" "monthly" {
  for_each = local.budget_tiers

  name         = "${local.name}-monthly-${each.key}-usd"
  budget_type  = "COST"
  limit_amount = format("%.2f", each.value)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  # Budgets subtracts credits from a cost budget's spend unless told not to (CostTypes.IncludeCredit,
  # true by default; AWS Billing and Cost Management API Reference, CostTypes): on credits, the budgets
  # would show about $0 and the hard stop never trip however much the pipeline used. By default they
  # count the usage; budget_subtract_credits = true counts what is left to pay. The other cost types
  # keep Budgets' defaults.
  cost_types {
    include_credit = var.budget_subtract_credits
  }

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

################################################################################
# Hard stop: the top tier's actual spend denies the pipeline's roles their work
################################################################################

# What the stop attaches to the pipeline's roles: a deny of everything but writing their logs and
# sending their failed events to their failure queues. The converter and the gold builder then fail at
# their first S3, Glue or Athena call, their events retried and then kept in the failure queues (14
# days) to be replayed once the stop is lifted (silver_replay_command); the gold trigger queue's mapping (gold_builds_on_commit) can no longer receive,
# so the silver commits wait in the queue; the crawler can no longer read silver. A deny cannot widen what the roles' own policies allow.
data "aws_iam_policy_document" "budget_hard_stop" {
  count = local.hard_stop ? 1 : 0

  statement {
    sid         = "StopAllButLogsAndFailureRecords"
    effect      = "Deny"
    not_actions = ["logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"]
    # A deny of every resource: nothing of the pipeline's work may go on while the stop holds.
    resources = ["*"]
  }
}

resource "aws_iam_policy" "budget_hard_stop" {
  count = local.hard_stop ? 1 : 0

  name        = "${local.name}-budget-hard-stop"
  description = "Attached by AWS Budgets to the ${local.name} pipeline's roles when the top tier's actual monthly spend is reached; detach it, or reverse the budget action, to resume."
  policy      = data.aws_iam_policy_document.budget_hard_stop[0].json
}

# budget_hard_stop without budgets would silently stop nothing: a precondition on
# data.aws_partition.current (main.tf) fails the plan then.

# The role Budgets assumes to run the action: attach (and, when the action is reversed, detach) that
# one policy, to those roles only.
data "aws_iam_policy_document" "budgets_assume_role" {
  count = local.hard_stop ? 1 : 0

  statement {
    sid     = "BudgetsAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.budgets.name]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "budget_action" {
  count = local.hard_stop ? 1 : 0

  name               = "${local.name}-budget-action"
  description        = "Assumed by AWS Budgets to attach (and detach) the hard-stop policy to the pipeline's roles."
  assume_role_policy = data.aws_iam_policy_document.budgets_assume_role[0].json
}

data "aws_iam_policy_document" "budget_action" {
  count = local.hard_stop ? 1 : 0

  statement {
    sid     = "AttachAndDetachTheHardStop"
    actions = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = flatten([
      [aws_iam_role.silver_converter.arn],
      aws_iam_role.gold_ctas[*].arn,
      aws_iam_role.crawler[*].arn,
    ])

    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values   = [aws_iam_policy.budget_hard_stop[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "budget_action" {
  count = local.hard_stop ? 1 : 0

  name   = "budget-action"
  role   = aws_iam_role.budget_action[0].id
  policy = data.aws_iam_policy_document.budget_action[0].json
}

resource "aws_budgets_budget_action" "hard_stop" {
  count = local.hard_stop ? 1 : 0

  budget_name        = aws_budgets_budget.monthly[local.budget_top_tier].name
  action_type        = "APPLY_IAM_POLICY"
  approval_model     = "AUTOMATIC"
  notification_type  = "ACTUAL"
  execution_role_arn = aws_iam_role.budget_action[0].arn

  action_threshold {
    action_threshold_type  = "PERCENTAGE"
    action_threshold_value = 100
  }

  definition {
    iam_action_definition {
      policy_arn = aws_iam_policy.budget_hard_stop[0].arn
      roles = flatten([
        [aws_iam_role.silver_converter.name],
        aws_iam_role.gold_ctas[*].name,
        aws_iam_role.crawler[*].name,
      ])
    }
  }

  # Budgets tells the alert topic when it runs the action.
  subscriber {
    address           = aws_sns_topic.alerts.arn
    subscription_type = "SNS"
  }

  depends_on = [aws_iam_role_policy.budget_action]
}
