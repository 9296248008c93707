variable "name" {
  description = "Globally unique bucket name."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "A bucket name is 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket while it still holds objects. Off for anything holding data you care about."
  type        = bool
  default     = false
  nullable    = false
}

variable "versioning" {
  description = "Keep every version of every object (bronze and artifacts). Noncurrent versions still expire after noncurrent_version_expiration_days."
  type        = bool
  default     = false
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for SSE-KMS default encryption; null for SSE-S3 (AES256)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN or null."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which the parts of an unfinished multipart upload are deleted (a converter killed at its timeout leaves some behind)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which an overwritten or deleted version is removed for good."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "expiration_days" {
  description = "Days after which current objects expire (query results); null keeps them."
  type        = number
  default     = null

  validation {
    condition     = var.expiration_days == null || try(var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days, false)
    error_message = "expiration_days must be null or a whole number of at least 1."
  }
}

variable "transition" {
  description = "Move current objects to a cheaper storage class after this many days (bronze); null keeps them in STANDARD."
  type = object({
    days          = number
    storage_class = string
  })
  default = null

  validation {
    condition     = var.transition == null || try(contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], var.transition.storage_class), false)
    error_message = "transition.storage_class must be one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE."
  }

  validation {
    # S3 refuses transitions to the infrequent-access classes before 30 days. Checked on the input, not in a
    # precondition, so that the plan's error points at the caller's settings (storage.tf), not at this module.
    condition     = var.transition == null || try(!contains(["STANDARD_IA", "ONEZONE_IA"], var.transition.storage_class) || var.transition.days >= 30, false)
    error_message = "S3 transitions objects to ${try(var.transition.storage_class, "")} only after at least 30 days, not ${try(var.transition.days, "")}: give at least 30 days, or a class without that minimum (INTELLIGENT_TIERING, GLACIER_IR)."
  }
}

variable "policy_documents" {
  description = "Further bucket policy documents (JSON) merged with the TLS-only statement this module always adds."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "Tags for the bucket, on top of the provider's default tags."
  type        = map(string)
  default     = {}
  nullable    = false
}
