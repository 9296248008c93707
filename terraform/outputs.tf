output "bucket_names" {
  description = "Bucket of each layer and purpose."
  value = {
    bronze         = module.bronze_bucket.id
    silver         = module.silver_bucket.id
    gold           = module.gold_bucket.id
    athena_results = module.athena_results_bucket.id
    artifacts      = module.artifacts_bucket.id
  }
}

output "function_names" {
  description = "Lambda function of each stage (both are null without enable_functions; gold_ctas also without Glue or Athena)."
  value = {
    silver_converter = one(aws_lambda_function.silver_converter[*].function_name)
    gold_ctas        = one(aws_lambda_function.gold_ctas[*].function_name)
  }
}

output "function_role_arns" {
  description = "Execution role of each function (gold_ctas is null without Glue, Athena or enable_functions)."
  value = {
    silver_converter = aws_iam_role.silver_converter.arn
    gold_ctas        = one(aws_iam_role.gold_ctas[*].arn)
  }
}

# Where to look once something runs: the names are built from the function names, so a first-time user
# would otherwise have to know Lambda's /aws/lambda/<name> rule and Glue's shared crawler group.
output "log_group_names" {
  description = "Where each part logs: silver_converter and gold_ctas, the functions' log groups (a JSON line per object converted or withdrawn, per model built or waiting: aws logs filter-log-events --log-group-name <name>; gold_ctas is null without Glue, Athena or enable_functions); silver_crawler, /aws-glue/crawlers, the group Glue writes every crawler of the account and region to, in a log stream named after the crawler (null without enable_glue_catalog)."
  value = {
    silver_converter = aws_cloudwatch_log_group.silver_converter.name
    gold_ctas        = one(aws_cloudwatch_log_group.gold_ctas[*].name)
    silver_crawler   = var.enable_glue_catalog ? "/aws-glue/crawlers" : null
  }
}

# Every alarm of the stack, so that its names need not be pieced together from the documentation; each
# alarm's description says what to do when it fires. A new alarm resource must be added here:
# WhereToLookOutputsPlanIT compares this list with the alarms planned.
output "alarm_names" {
  description = "Every CloudWatch alarm of the stack, sorted; each publishes to alerts_topic_arn and its description says what to do. Those firing now: aws cloudwatch describe-alarms --state-value ALARM --alarm-names <names> (at most 100 names a call)."
  value = sort(concat(
    values(aws_cloudwatch_metric_alarm.function_errors)[*].alarm_name,
    values(aws_cloudwatch_metric_alarm.function_async_events_dropped)[*].alarm_name,
    values(aws_cloudwatch_metric_alarm.function_destination_delivery_failures)[*].alarm_name,
    values(aws_cloudwatch_metric_alarm.dead_letter_messages)[*].alarm_name,
    aws_cloudwatch_metric_alarm.gold_triggers_not_consumed[*].alarm_name,
    values(aws_cloudwatch_metric_alarm.silver_converter_log)[*].alarm_name,
    aws_cloudwatch_metric_alarm.silver_converter_quarantined_rows[*].alarm_name,
    values(aws_cloudwatch_metric_alarm.dataset_freshness)[*].alarm_name,
    values(aws_cloudwatch_metric_alarm.gold_freshness)[*].alarm_name,
  ))
}

output "dead_letter_queue_urls" {
  description = "Queues that keep, 14 days, what no retry could process: the converter's and the gold builder's failure queues (Lambda on-failure records, which SQS redrive cannot move: replay the converter's with silver_replay_command; for the gold builder's, build once with {}), the gold trigger queue's SQS dead-letter queue (redrive with aws sqs start-message-move-task --source-arn, its ARN in gold_trigger_queue; in China, where SQS offers no dead-letter redrive, build once with {} and purge it; null with gold_builds_on_commit = false), the failed-crawl alerts EventBridge could not deliver to the alert topic (crawler_failed_dead_letter: read, fix the cause, purge; null without enable_glue_catalog), and the scheduled gold builds it could not deliver to the builder (gold_schedule_dead_letter: read, fix the cause, purge; null without gold_schedule)."
  value = {
    silver_converter_failures  = aws_sqs_queue.silver_converter_failures.url
    gold_ctas_failures         = one(aws_sqs_queue.gold_ctas_failures[*].url)
    gold_triggers_dead_letter  = one(aws_sqs_queue.gold_triggers_dead_letter[*].url)
    crawler_failed_dead_letter = try(aws_sqs_queue.event_dead_letter["crawler_failed"].url, null)
    gold_schedule_dead_letter  = try(aws_sqs_queue.event_dead_letter["gold_schedule"].url, null)
  }
}

output "glue_database_names" {
  description = "Glue databases of silver and gold (null without the Glue catalog)."
  value = {
    silver = one(aws_glue_catalog_database.silver[*].name)
    gold   = one(aws_glue_catalog_database.gold[*].name)
  }
}

output "silver_crawler_name" {
  description = "Crawler that repairs and discovers the silver catalog on demand (null without the Glue catalog)."
  value       = one(aws_glue_crawler.silver[*].name)
}

output "gold_trigger_queue" {
  description = "The queue of silver commits that triggers the gold builder, batched by Lambda's event source mapping: its URL and ARN, the mapping's UUID, and the ARN of its dead-letter queue (null without Glue, Athena or enable_functions, and with gold_builds_on_commit = false, which builds on gold_schedule only and creates none of them). `aws lambda update-event-source-mapping --uuid <uuid> --no-enabled` pauses gold builds until the next terraform apply, which enables the mapping again; the commits wait in the queue. To build on a schedule only, set gold_builds_on_commit = false with gold_schedule instead. `aws sqs start-message-move-task --source-arn <dead_letter_queue_arn>` moves the commits no build took back to it; not in China, where SQS offers no dead-letter redrive: there build once with {} (gold_rebuild_command) and purge the dead-letter queue."
  value = local.gold_builds_on_commit ? {
    url                   = aws_sqs_queue.gold_triggers[0].url
    arn                   = aws_sqs_queue.gold_triggers[0].arn
    event_source_mapping  = aws_lambda_event_source_mapping.gold_triggers[0].uuid
    dead_letter_queue_arn = aws_sqs_queue.gold_triggers_dead_letter[0].arn
  } : null
}

output "athena_workgroup" {
  description = "Athena workgroup to query with (null without Athena)."
  value       = one(aws_athena_workgroup.this[*].name)
}

output "gold_builder_workgroup" {
  description = "Athena workgroup of the gold builder's own queries, for their history and metrics; analysts query in athena_workgroup (null without Glue, Athena or enable_functions)."
  value       = one(aws_athena_workgroup.gold_builder[*].name)
}

output "uploader_policy_arn" {
  description = "Managed policy to attach to the users or roles that upload files into bronze with bronze-ingest upload (bronze only: HeadBucket, HeadObject with checksums, PutObject and multipart uploads)."
  value       = aws_iam_policy.uploader.arn
}

output "analyst_policy_arn" {
  description = "Managed policy to attach to the users or roles that query the lake (null without Glue or Athena)."
  value       = one(aws_iam_policy.analyst[*].arn)
}

output "alerts_topic_arn" {
  description = "SNS topic of the budget notifications and alarms."
  value       = aws_sns_topic.alerts.arn
}

output "kms_key_arn" {
  description = "Customer managed key of the stack (null with SSE-S3)."
  value       = local.kms_key_arn
}

output "first_file_command" {
  description = "Drops a first CSV file into bronze, run from terraform/ (eval \"$(terraform output -raw first_file_command)\"): the repository's sample customers file, under customers/, the folder that names its dataset (table)."
  value       = "aws s3 cp ../sample-data/customers/customers.csv s3://${module.bronze_bucket.id}/customers/customers.csv --region ${local.region}"
}

output "silver_crawl_command" {
  description = "Runs the silver crawler, the catalog's repair and discovery tool: after restoring or copying silver by hand, or when a table or partition went missing from the catalog. It lists all of silver, adds what is missing and changes no existing table (null without the Glue catalog)."
  value       = var.enable_glue_catalog ? "aws glue start-crawler --name ${aws_glue_crawler.silver[0].name} --region ${local.region}" : null
}

output "first_query_command" {
  description = "Queries the first dataset once its first file is converted (the converter catalogs it before committing), printing the query's id: its rows come back with aws athena get-query-results --query-execution-id <id> once it has run (null without Glue or Athena)."
  value       = var.enable_athena && var.enable_glue_catalog ? "aws athena start-query-execution --work-group ${aws_athena_workgroup.this[0].name} --query-string 'SELECT * FROM ${aws_glue_catalog_database.silver[0].name}.customers LIMIT 10' --region ${local.region}" : null
}

output "first_gold_query_command" {
  description = "Queries a gold model once the gold builder has built it, printing the query's id: its rows come back with aws athena get-query-results --query-execution-id <id> once it has run. The model reads sales and products, so it is built once both have a converted file, after the gold trigger's batching window (gold_trigger_batching_window_seconds), or with gold_builds_on_commit = false at the next run of gold_schedule, and its view is the model's name in the gold database; the builder's log line 'gold model built and swapped into its view' says so (null without Glue, Athena or enable_functions)."
  value       = local.gold_enabled ? "aws athena start-query-execution --work-group ${aws_athena_workgroup.this[0].name} --query-string 'SELECT * FROM ${aws_glue_catalog_database.gold[0].name}.${local.gold_example_model} LIMIT 10' --region ${local.region}" : null
}

output "gold_rebuild_command" {
  description = "Asks the gold builder to rebuild one model now, asynchronously (when another build holds the lease the invocation fails and Lambda retries it, up to async_max_retry_attempts times). With SnapStart (gold_ctas_snapstart) it invokes the alias live, which the retry and on-failure settings apply to. Add \"force\": true to the printed payload to rebuild although its inputs are unchanged; {} builds every model. The payload goes on standard input as a file (fileb:///dev/stdin), which the AWS CLI v1 and v2 both send as it is. The outcome is in the function's log group (null without Glue, Athena or enable_functions)."
  value       = local.gold_enabled ? "printf '%s' '{\"models\":[\"${local.gold_example_model}\"]}' | aws lambda invoke --function-name ${aws_lambda_function.gold_ctas[0].function_name}${var.gold_ctas_snapstart ? " --qualifier ${aws_lambda_alias.gold_ctas[0].name}" : ""} --invocation-type Event --region ${local.region} --payload fileb:///dev/stdin /dev/null" : null
}

output "budget_hard_stop" {
  description = "The hard stop (null unless budget_hard_stop and enable_budgets): the budget whose actual spend triggers it, the deny policy it attaches to the pipeline's roles, and the command that lifts it (Budgets detaches the policy again). With the gold builder and gold_builds_on_commit (the default), the command then checks the gold trigger queue's event source mapping, which Lambda may have disabled while the role was denied sqs:ReceiveMessage, and enables it if it is disabled (retrying for 5 minutes while the detach propagates; a mapping paused by hand is enabled too). It can be run again: the check and the enable are idempotent."
  value = local.hard_stop ? {
    budget     = aws_budgets_budget.monthly[local.budget_top_tier].name
    policy_arn = aws_iam_policy.budget_hard_stop[0].arn
    action_id  = aws_budgets_budget_action.hard_stop[0].action_id
    lift_command = join(" ", concat(
      ["aws budgets execute-budget-action --account-id ${local.account_id} --budget-name ${aws_budgets_budget.monthly[local.budget_top_tier].name} --action-id ${aws_budgets_budget_action.hard_stop[0].action_id} --execution-type REVERSE_BUDGET_ACTION;"],
      local.gold_builds_on_commit ? [
        "s=$(aws lambda get-event-source-mapping --region ${local.region} --uuid ${aws_lambda_event_source_mapping.gold_triggers[0].uuid} --query '[State, StateTransitionReason]' --output text);",
        "echo \"gold trigger mapping ${aws_lambda_event_source_mapping.gold_triggers[0].uuid}: $s\";",
        "case \"$s\" in Disabled*) for i in 1 2 3 4 5 6 7 8 9 10; do",
        "aws lambda update-event-source-mapping --region ${local.region} --uuid ${aws_lambda_event_source_mapping.gold_triggers[0].uuid} --enabled --query State --output text && break; sleep 30; done;; esac",
      ] : [],
    ))
  } : null
}

output "silver_replay_command" {
  description = "Replays the S3 events in the converter's failure queue, once their cause is fixed: each message is Lambda's on-failure record, whose requestPayload (the original S3 event) is sent again to what S3 invokes, asynchronously (so the retries and the failure queue apply again), and the record deleted once that invocation was accepted. SQS's redrive cannot do it: it moves only the dead-letter queues of other SQS queues. Records are kept 14 days. Run it with bash from anywhere: bash -c \"$(terraform output -raw silver_replay_command)\". Needs the AWS CLI, v1 or v2 (the payload goes as a file, fileb://, which both send as it is), and jq; it prints each record it replays, stops when the queue is empty, and stops at the first call that fails, saying which, with the record left in the queue (null without enable_functions)."
  # The payload is written to a temporary file and passed as fileb://: the AWS CLI sends a fileb:// file's
  # bytes as they are, v1 and v2 alike (AWS CLI User Guide, "Loading a parameter from a file", binary
  # files), whereas a payload on the command line is raw to v1 but base64 to v2, which only
  # --cli-binary-format raw-in-base64-out changes, an option v1 refuses ("Unknown options"). Long polling
  # (--wait-time-seconds) asks every SQS server, so an empty answer means an empty queue; a short poll
  # samples some and may answer empty while records remain (Amazon SQS Developer Guide, "Amazon SQS short
  # and long polling").
  value = var.enable_functions ? join(" ", [
    "( f=$(mktemp) || exit 1; trap 'rm -f \"$f\"' EXIT; n=0;",
    "while :; do",
    "m=$(aws sqs receive-message --region ${local.region} --queue-url ${aws_sqs_queue.silver_converter_failures.url} --max-number-of-messages 1 --visibility-timeout 60 --wait-time-seconds 2 --output json)",
    "|| { echo \"replay stopped: could not receive from ${aws_sqs_queue.silver_converter_failures.url} (the AWS CLI's error above); $n record(s) replayed\" >&2; exit 1; };",
    "if [ -z \"$m\" ] || [ \"$(printf '%s' \"$m\" | jq '.Messages | length')\" -eq 0 ]; then echo \"replay done: $n record(s) replayed, the queue is empty\"; break; fi;",
    "printf '%s' \"$m\" | jq -c '.Messages[0].Body | fromjson | .requestPayload' > \"$f\" || exit 1;",
    "h=$(printf '%s' \"$m\" | jq -r '.Messages[0].ReceiptHandle');",
    "k=$(jq -r '.Records[0].s3.object.key' \"$f\");",
    "echo \"replaying $k\";",
    "aws lambda invoke --region ${local.region} --function-name ${local.silver_converter_invoked_arn} --invocation-type Event --payload \"fileb://$f\" /dev/null > /dev/null",
    "|| { echo \"replay stopped: invoking ${local.silver_converter_invoked_arn} with the record of $k failed (the AWS CLI's error above); the record stays in the queue, visible again in 60 s: fix the cause and run the command again\" >&2; exit 1; };",
    "aws sqs delete-message --region ${local.region} --queue-url ${aws_sqs_queue.silver_converter_failures.url} --receipt-handle \"$h\"",
    "|| { echo \"replay stopped: $k was invoked but its record could not be deleted (the AWS CLI's error above): it will be replayed again, which converts nothing twice\" >&2; exit 1; };",
    "n=$((n + 1)); done )",
  ]) : null
}

output "silver_reconvert_command" {
  description = "Converts a dataset's bronze files again after its schema contract changed, or after a converter upgrade that raised the version of its reading rules (docs/silver-converter.md, Converting files again after a converter upgrade), keeping each file's ingest_date: run it with bash, naming the dataset (its bronze folder) in DATASET, e.g. DATASET=sales bash -c \"$(terraform output -raw silver_reconvert_command)\". It lists the objects under <dataset>/ in bronze (every page) and invokes what S3 invokes, asynchronously, once per object the converter converts (a key ending in .csv, .csv.gz or .dat, in lower or upper case, or .CSV.gz), with the ObjectCreated event S3 sends for it; the object is not touched, so it keeps its LastModified and its rows their ingest_date (a copy onto itself would move them to the day of the copy). A file converted in the contract in force, under the reading rules in force, answers unchanged, so it is safe to run again. It prints each object it invoked and stops at the first failure, saying where. Costs one List per 1,000 objects and one asynchronous invocation per object, plus the converter's work: a whole conversion per file converted under another contract or older reading rules (after such an upgrade, every file of the dataset converted before it), the GETs of its manifest and contract per file already converted in this one. Needs bash, the AWS CLI (v1 or v2) and jq (null without enable_functions)."
  # The event is the one the bronze notification sends (schema 2.1; SilverConverterHandler reads each
  # record's bucket name and key, then HEADs the object for its ETag, size and LastModified): the key
  # URL-encoded as S3 encodes it, each path segment percent-encoded with a space as '+' (the converter's
  # EventKeys decodes it), the configurationId of the bronze rule, eventName CompleteMultipartUpload for a
  # multipart ETag. Only the keys the converter converts are sent, those ending in silver_accepted_suffixes,
  # case-sensitively, as the converter matches them: the rule delivers every key, but another one (another
  # suffix, a folder marker) would only be said not converted again. The payload goes as a file, fileb://, which AWS CLI v1
  # and v2 both send as it is (see silver_replay_command). list-objects-v2 pages through every page of
  # 1,000 keys itself (the CLI's automatic pagination). A rule delivers removals too
  # (silver_withdraws_deleted_files): only its id and suffix are read here, and the event sent is always an
  # ObjectCreated one, so an object listed is converted, never withdrawn.
  value = var.enable_functions ? join(" ", [
    "( d=$${DATASET:-}; [ -n \"$d\" ] || { echo 'silver_reconvert_command: name the dataset to convert again (its folder in bronze) in DATASET, e.g. DATASET=sales bash -c \"$(terraform output -raw silver_reconvert_command)\"' >&2; exit 1; };",
    "f=$(mktemp) || exit 1; trap 'rm -f \"$f\"' EXIT;",
    "l=$(aws s3api list-objects-v2 --region ${local.region} --bucket ${module.bronze_bucket.id} --prefix \"$d/\" --output json)",
    "|| { echo \"reconvert stopped: could not list s3://${module.bronze_bucket.id}/$d/ (the AWS CLI's error above); nothing invoked\" >&2; exit 1; };",
    "o=$(printf '%s' \"$l\" | jq -c --arg r ${local.region} --arg b ${module.bronze_bucket.id} --arg rule ${one(aws_s3_bucket_notification.bronze[0].lambda_function).id} --argjson suffixes '${jsonencode(local.silver_accepted_suffixes)}'",
    "'(.Contents // [])[] | . as $o | select(any($suffixes[]; . as $s | $o.Key | endswith($s)))",
    "| {key: $o.Key, event: {Records: [{eventVersion: \"2.1\", eventSource: \"aws:s3\", awsRegion: $r, eventTime: ($o.LastModified | sub(\"[+]00:00\"; \"Z\")),",
    "eventName: (if ($o.ETag | contains(\"-\")) then \"ObjectCreated:CompleteMultipartUpload\" else \"ObjectCreated:Put\" end),",
    "s3: {s3SchemaVersion: \"1.0\", configurationId: $rule, bucket: {name: $b, arn: (\"arn:${local.partition}:s3:::\" + $b)},",
    "object: {key: ($o.Key | split(\"/\") | map(@uri | gsub(\"%20\"; \"+\")) | join(\"/\")), size: $o.Size, eTag: ($o.ETag | ltrimstr(\"\\\"\") | rtrimstr(\"\\\"\"))}}}]}}')",
    "|| { echo \"reconvert stopped: could not read the listing of s3://${module.bronze_bucket.id}/$d/ with jq; nothing invoked\" >&2; exit 1; };",
    "[ -n \"$o\" ] || { echo \"reconvert: no file under s3://${module.bronze_bucket.id}/$d/ that the converter converts (.csv, .csv.gz, .dat): is $d the dataset's folder?\" >&2; exit 1; };",
    "n=$(printf '%s\\n' \"$o\" | wc -l | tr -d ' '); i=0;",
    "printf '%s\\n' \"$o\" | while IFS= read -r e; do i=$((i + 1));",
    "k=$(printf '%s' \"$e\" | jq -r '.key') && printf '%s' \"$e\" | jq -c '.event' > \"$f\" || exit 1;",
    "aws lambda invoke --region ${local.region} --function-name ${local.silver_converter_invoked_arn} --invocation-type Event --payload \"fileb://$f\" /dev/null > /dev/null",
    "|| { echo \"reconvert stopped at object $i of $n (s3://${module.bronze_bucket.id}/$k): invoking ${local.silver_converter_invoked_arn} failed (the AWS CLI's error above); the $((i - 1)) before it were invoked, the rest not: fix the cause and run the command again (the files converted meanwhile answer unchanged)\" >&2; exit 1; };",
    "echo \"invoked ${local.silver_converter_invoked_arn} for s3://${module.bronze_bucket.id}/$k ($i of $n)\"; done || exit 1;",
    "echo \"reconvert of $d: $n object(s) sent to ${local.silver_converter_invoked_arn} asynchronously; the outcome of each is in the converter's log, what fails goes to its failure queue (silver_replay_command)\" )",
  ]) : null
}
