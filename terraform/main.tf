provider "aws" {
  region = var.region

  # An emulator (LocalStack, moto_server): with emulator_endpoint set, every service this stack uses is
  # sent to it. Credentials still come from the usual chain (AWS_ACCESS_KEY_ID=test,
  # AWS_SECRET_ACCESS_KEY=test). The account id is still asked of the emulator's STS, which answers
  # (123456789012 for moto, 000000000000 for LocalStack): without it the provider builds ARNs with an
  # empty account (the Athena workgroups') and budgets lack theirs. insecure accepts an https emulator's
  # self-signed certificate: the buckets deny plain-http requests, and moto enforces bucket policies.
  # With emulator_endpoint null (AWS) all of these are the provider's defaults.
  skip_credentials_validation = local.emulator
  skip_metadata_api_check     = local.emulator
  s3_use_path_style           = local.emulator
  insecure                    = local.emulator

  dynamic "endpoints" {
    for_each = local.emulator ? [var.emulator_endpoint] : []

    content {
      athena     = endpoints.value
      budgets    = endpoints.value
      cloudwatch = endpoints.value
      events     = endpoints.value
      glue       = endpoints.value
      iam        = endpoints.value
      kms        = endpoints.value
      lambda     = endpoints.value
      logs       = endpoints.value
      s3         = endpoints.value
      sns        = endpoints.value
      sqs        = endpoints.value
      sts        = endpoints.value
    }
  }

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

# The combinations of switches that would deploy a stack not doing what was asked fail the plan here.
# A validation block may name other variables only from Terraform 1.9 (versions.tf allows 1.5), and a
# check block only warns, so apply went on; a precondition (Terraform 1.2) may read any variable and
# fails the plan. It sits on this data source because it always exists, asks AWS nothing (the
# partition comes from the region) and adds nothing to manage: Terraform checks a data source's
# preconditions before reading it, during plan, when they read only variables (Terraform's docs,
# "Custom Conditions": "Preconditions and Postconditions", "Conditions Checked Only During Apply").
data "aws_partition" "current" {
  lifecycle {
    # enable_functions = false is for an emulator whose Lambda cannot create functions (LocalStack
    # without Docker); on AWS it would deploy a pipeline that converts nothing.
    precondition {
      condition     = var.enable_functions || local.emulator
      error_message = "enable_functions is false while emulator_endpoint is null: on AWS the stack would deploy no converter, and nothing would convert bronze. Set enable_functions = true (its default) to deploy to AWS, or set emulator_endpoint to the emulator whose Lambda cannot run functions (such as LocalStack without Docker) if the stack is meant for it."
    }

    # gold_builds_on_commit = false leaves gold_schedule the only trigger of the gold builder: without it gold
    # would never be built, with no error anywhere.
    precondition {
      condition     = var.gold_builds_on_commit || var.gold_schedule != null
      error_message = "gold_builds_on_commit is false while gold_schedule is null: with neither, nothing would ever build gold. Set gold_schedule (rate(1 hour), cron(0 3 * * ? *)) to build gold on a schedule only, or gold_builds_on_commit = true (its default) to build it after silver's commits."
    }

    # The hard stop is an action of the top tier's budget (cost.tf): without budgets it would silently
    # stop nothing.
    precondition {
      condition     = !var.budget_hard_stop || var.enable_budgets
      error_message = "budget_hard_stop is true while enable_budgets is false: the hard stop is an action of the top tier's budget, and without budgets there is none, so nothing would stop the pipeline. Set enable_budgets = true (its default) to have the budgets and their stop, or budget_hard_stop = false to go without the stop."
    }

    # Lambda SnapStart is offered in every commercial region but Asia Pacific (New Zealand) and Asia
    # Pacific (Taipei) (Lambda Developer Guide, "Improving startup performance with Lambda SnapStart",
    # Supported Regions; ap-southeast-6 and ap-east-2 as the SDKs' endpoints name them), and in China and
    # GovCloud for Java (their guides list only SnapStart for Python and .NET as missing). Both functions
    # have it on by default, so there the apply would fail at the first function, the rest half created.
    precondition {
      condition     = !(contains(local.regions_without_snapstart, var.region) && var.enable_functions && var.silver_converter_snapstart)
      error_message = "silver_converter_snapstart is true in ${var.region}: Lambda SnapStart is not offered in ${var.region} (AWS offers it in every commercial region but ${join(" and ", local.regions_without_snapstart)}), and publishing the converter with it would fail the apply. Set silver_converter_snapstart = false there: S3 then invokes $LATEST, and cold starts start the JVM (BENCHMARKS.md, Start-up)."
    }

    precondition {
      condition     = !(contains(local.regions_without_snapstart, var.region) && local.gold_enabled && var.gold_ctas_snapstart)
      error_message = "gold_ctas_snapstart is true in ${var.region}: Lambda SnapStart is not offered in ${var.region} (AWS offers it in every commercial region but ${join(" and ", local.regions_without_snapstart)}), and publishing the gold builder with it would fail the apply. Set gold_ctas_snapstart = false there: the trigger queue, the schedule and the rebuild command then invoke $LATEST."
    }

    # AWS Budgets has no endpoint in GovCloud (the SDKs' endpoints list none for aws-us-gov): a GovCloud
    # account's billing, budgets included, lives in the standard account it is associated with (AWS
    # GovCloud (US) User Guide, "AWS GovCloud (US) Billing and Payment"). A budget planned here failed the
    # apply at its creation. A postcondition, as the partition is this data source's own answer; checked
    # once it is read, during plan.
    postcondition {
      condition     = !(var.enable_budgets && self.partition == "aws-us-gov")
      error_message = "enable_budgets is true in ${var.region} (partition aws-us-gov): AWS Budgets is not offered in AWS GovCloud (US), whose billing, budgets included, is kept in the standard AWS account the GovCloud account is associated with, so creating the budgets would fail the apply. Set enable_budgets = false (and leave budget_hard_stop false: its deny policy cannot be attached from the standard account's partition to this stack's roles), and create the budgets in that standard account (AWS GovCloud (US) User Guide, \"AWS GovCloud (US) Billing and Payment\")."
    }

    # Nor in the AWS European Sovereign Cloud: the AWS SDKs' endpoints list a Budgets endpoint for every
    # partition but aws-us-gov and aws-eusc (AWS SDK for Java 2.57, endpoints.json), so a budget planned in
    # eusc-de-east-1 failed the apply at its creation, the rest of the stack half created.
    postcondition {
      condition     = !(var.enable_budgets && self.partition == "aws-eusc")
      error_message = "enable_budgets is true in ${var.region}: AWS Budgets has no endpoint in the AWS European Sovereign Cloud (partition aws-eusc), the AWS SDKs listing none there, so creating the budgets would fail the apply, the rest of the stack half created. Set enable_budgets = false (and leave budget_hard_stop false: the hard stop is an action of a budget); the alarms and the alert topic stay."
    }
  }
}

# The service principals the policies name, as the provider forms them for the region's partition
# (data source aws_service_principal, whose table follows the AWS CDK's region-info): <service>.amazonaws.com
# in every partition but for the few it lists, CloudWatch Logs among them (logs.amazonaws.com.cn in China,
# logs.c2s.ic.gov in aws-iso), so a key policy written for aws would name no principal CloudWatch Logs uses in
# cn-north-1. Read from the region alone, during plan, asking AWS nothing; ARNs take data.aws_partition's
# partition (local.partition) for the same reason.
data "aws_service_principal" "budgets" {
  service_name = "budgets"
}

data "aws_service_principal" "cloudwatch" {
  service_name = "cloudwatch"
}

data "aws_service_principal" "events" {
  service_name = "events"
}

data "aws_service_principal" "glue" {
  service_name = "glue"
}

data "aws_service_principal" "lambda" {
  service_name = "lambda"
}

# Its id is the regional principal (logs.<region>.<suffix>), which a KMS key policy names.
data "aws_service_principal" "logs" {
  service_name = "logs"
}

data "aws_service_principal" "s3" {
  service_name = "s3"
}

locals {
  emulator = var.emulator_endpoint != null

  # Regions of the aws partition without Lambda SnapStart (see data.aws_partition.current).
  regions_without_snapstart = ["ap-east-2", "ap-southeast-6"]

  # Every name starts with this, so several environments share one account without colliding.
  name = "${var.project}-${var.environment}"
  # Glue and Athena identifiers allow no hyphens.
  catalog_name = replace(local.name, "-", "_")

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # The provider's region is var.region, so no aws_region lookup: its attribute is `name` in provider
  # 5.x and `region` in 6.x (where `name` is deprecated), and neither name suits both.
  region = var.region

  tags = merge(var.tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  kms_key_arn = var.kms_encryption ? aws_kms_key.this[0].arn : null
  # Statements that grant use of the key collapse to nothing when SSE-S3 is chosen.
  kms_key_arns = var.kms_encryption ? [aws_kms_key.this[0].arn] : []
}
