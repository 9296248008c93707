# One bucket with the controls every bucket of the stack must have: no public access, ACLs disabled,
# default encryption, a TLS-only bucket policy and lifecycle rules. The contract tests check that every
# aws_s3_bucket lives here, so no bucket can be declared without them.

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_18:Server access logs would need another bucket per environment; CloudTrail S3 data events are the audit option where one is required.
  # checkov:skip=CKV_AWS_144:Cross-region replication doubles storage cost; bronze is the source of truth and can be re-uploaded, the other layers are rebuilt from it.
  # checkov:skip=CKV_AWS_145:SSE-KMS is opt-in (kms_key_arn); SSE-S3 encrypts at rest without per-request KMS charges.
  # checkov:skip=CKV2_AWS_62:Event notifications are configured by the root module where a bucket feeds something (bronze to the converter, silver to the crawler).
  # checkov:skip=CKV_AWS_21:Versioning is a per-bucket choice (var.versioning): on for bronze and artifacts; silver, gold and query results are derived and rebuilt from bronze.
  bucket        = var.name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # S3 Bucket Keys cut KMS requests (and their cost) by orders of magnitude; ignored with SSE-S3.
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = var.versioning ? 1 : 0

  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

data "aws_iam_policy_document" "tls_only" {
  source_policy_documents = var.policy_documents

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls_only.json

  # S3 rejects a policy while the public access block is being changed in the same apply.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  # checkov:skip=CKV_AWS_300:False positive: the first rule below aborts incomplete uploads for the whole bucket, but checkov drops the static rules when it renders the dynamic ones (the contract tests check this rule).
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # Once a deleted object's noncurrent versions have expired, its delete marker is all that is left (an
  # expired object delete marker): nothing removes it unless a rule says so, and such markers pile up and
  # slow LIST. ExpiredObjectDeleteMarker "cannot be specified with Days or Date in a Lifecycle Expiration
  # Policy" (Amazon S3 API Reference, LifecycleExpiration; the provider's expired_object_delete_marker
  # conflicts with date and days): it lives here, with no day count, and expire-objects below keeps its
  # own expiration with days. A rule that expires current versions by days removes expired object
  # delete markers too (Amazon S3 User Guide, "Managing delete markers"), but only once they are old
  # enough for its days (its lifecycle configuration examples, "Removing expired object delete
  # markers"), and only the athena results bucket has one; this rule removes them in every bucket as
  # soon as they are the only version left. Without versioning there are no delete markers to remove.
  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  dynamic "rule" {
    for_each = var.expiration_days == null ? [] : [var.expiration_days]

    content {
      id     = "expire-objects"
      status = "Enabled"

      filter {}

      expiration {
        days = rule.value
      }
    }
  }

  dynamic "rule" {
    for_each = var.transition == null ? [] : [var.transition]

    content {
      id     = "transition-to-${lower(replace(rule.value.storage_class, "_", "-"))}"
      status = "Enabled"

      filter {}

      transition {
        days          = rule.value.days
        storage_class = rule.value.storage_class
      }
    }
  }

  # A lifecycle configuration applied before versioning is enabled can be rejected for noncurrent rules.
  depends_on = [aws_s3_bucket_versioning.this]
}
