# terraform apply -var-file=localstack.tfvars
# LocalStack's free edition has no Glue, Athena or Budgets: the core (buckets, the converter, its S3
# trigger, queues, the alert topic, alarms) applies without them. The gold builder needs Glue and
# Athena, so these switches leave it out as well.

environment         = "local"
emulator_endpoint   = "http://localhost:4566"
enable_glue_catalog = false
enable_athena       = false
enable_budgets      = false
force_destroy       = true
