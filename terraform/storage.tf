# The five buckets. Names end in the account id: bucket names are global, and two accounts deploying
# the same project and environment must not collide.

module "bronze_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-bronze-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  versioning                         = true
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  transition = {
    days          = var.bronze_transition_days
    storage_class = var.bronze_transition_storage_class
  }
}

module "silver_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-silver-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "gold_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-gold-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "athena_results_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-athena-results-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  expiration_days                    = var.athena_results_expiration_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}

module "artifacts_bucket" {
  source = "./modules/s3-bucket"

  name                               = "${local.name}-artifacts-${local.account_id}"
  force_destroy                      = var.force_destroy
  kms_key_arn                        = local.kms_key_arn
  versioning                         = true
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
}
