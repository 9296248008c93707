# terraform apply -var-file=localstack.tfvars
# LocalStack's free edition has no Glue, Athena or Budgets: the core (buckets, the function, its S3
# trigger, queues, the alert topic, alarms) applies without them.

environment         = "local"
localstack_endpoint = "http://localhost:4566"
enable_glue_catalog = false
enable_athena       = false
enable_budgets      = false
force_destroy       = true
