# The optional customer managed key (kms_encryption = true) for buckets, log groups, the alert topic
# and Athena results. Without it, buckets use SSE-S3, queues SSE-SQS and log groups the service's own
# encryption, none of which need a key policy.

resource "aws_kms_key" "this" {
  count = var.kms_encryption ? 1 : 0

  description             = "${local.name}: lakehouse data, logs and alerts"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms_key[0].json
}

resource "aws_kms_alias" "this" {
  count = var.kms_encryption ? 1 : 0

  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

data "aws_iam_policy_document" "kms_key" {
  count = var.kms_encryption ? 1 : 0

  # checkov:skip=CKV_AWS_109:In a key policy, Resource "*" is the key itself; the account's administrators must be able to manage it.
  # checkov:skip=CKV_AWS_111:In a key policy, Resource "*" is the key itself; write access is limited to the listed principals.
  # checkov:skip=CKV_AWS_356:In a key policy, Resource "*" is the key itself, not every resource.
  statement {
    sid = "AccountAdministersKeyThroughIam"
    # Lets IAM policies of this account grant use of the key (the roles below get it that way);
    # the actions are listed rather than kms:* so that no statement of the stack uses a wildcard.
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:DisableKeyRotation",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListGrants",
      "kms:ListKeyPolicies",
      "kms:ListKeyRotations",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:RetireGrant",
      "kms:RevokeGrant",
      "kms:RotateKeyOnDemand",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    # Key policy: "*" means this key.
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsEncryptsProjectLogGroups"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
    ]
    # Key policy: "*" means this key.
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.logs.id]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.name}-*"]
    }
  }

  statement {
    sid = "AlertPublishersUseKey"
    # Budgets and CloudWatch alarms publish to the encrypted alert topic; SNS asks them for a data key.
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]
    # Key policy: "*" means this key.
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.budgets.name, data.aws_service_principal.cloudwatch.name]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid = "EventBridgeUsesKey"
    # EventBridge (failed crawls) too, but without a source condition: the SNS developer guide, "Managing
    # Amazon SNS encryption keys": "Adding the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is
    # not supported for EventBridge-to-encrypted topics" (every event would be dropped). The topic's own
    # policy limits EventBridge to the crawler_failed rule.
    actions = [
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]
    # Key policy: "*" means this key.
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.events.name]
    }
  }

  dynamic "statement" {
    for_each = length(var.bronze_writers) == 0 ? [] : [1]

    content {
      sid = "BronzeWritersEncryptThroughS3"
      # bronze_writers (storage.tf): a principal of another account writing with SSE-KMS needs the key's
      # policy to allow it, besides its own IAM policy. GenerateDataKey for PutObject and CreateMultipartUpload,
      # Decrypt for UploadPart and CompleteMultipartUpload, which read the parts already encrypted (AWS
      # Knowledge Center, "s3-large-file-encryption-kms-key"). Only through S3 in this region, and only for
      # the bronze bucket: with S3 Bucket Keys the encryption context is the bucket's ARN, not the object's
      # (Amazon S3 User Guide, "Configuring your bucket to use an S3 Bucket Key"), so no narrower prefix can
      # be named here; the bucket policy limits them to their datasets' folders.
      actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
      ]
      # Key policy: "*" means this key.
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = sort(distinct(flatten([for writer in values(var.bronze_writers) : writer.principal_arns])))
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.${data.aws_partition.current.dns_suffix}"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:aws:s3:arn"
        values   = [local.bronze_bucket_arn]
      }
    }
  }
}
