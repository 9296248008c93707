################################################################################
# Naming and placement
################################################################################

variable "project" {
  description = "Project name: the first part of every resource name and the Project tag."
  type        = string
  default     = "medallion"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.project))
    error_message = "project must be 2 to 16 lowercase letters, digits or hyphens, starting with a letter (it goes into bucket names)."
  }

  validation {
    # Bucket names are "<project>-<environment>-…": "sthree" or "xn-" become reserved once the hyphen follows.
    condition     = !startswith("${var.project}-", "xn--") && !startswith("${var.project}-", "sthree-") && !startswith("${var.project}-", "amzn-s3-demo-")
    error_message = "project followed by a hyphen (how bucket names begin) must not start with xn--, sthree- or amzn-s3-demo-: S3 reserves those prefixes and refuses bucket names that begin with them (so sthree, xn- and amzn-s3-demo are refused too)."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...): the second part of every resource name and the Environment tag."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,9}$", var.environment))
    error_message = "environment must be 1 to 10 lowercase letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "AWS region for every resource of the stack. Names do not hold it (bucket names are global, IAM role and budget names account-wide): a second region of one account needs another environment or project. A region of any partition (cn-north-1, us-gov-west-1): ARNs and service principals follow its partition. Plan refuses what the region lacks: budgets in GovCloud and the European Sovereign Cloud (enable_budgets), SnapStart in ap-east-2 and ap-southeast-6 (silver_converter_snapstart, gold_ctas_snapstart), and any region of the isolated partitions (aws-iso*), which the stack was not checked against; terraform/README.md, Other partitions and Regions."
  type        = string
  default     = "eu-west-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2,4}(-[a-z]+)?-[a-z]+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1, us-gov-west-1 or eusc-de-east-1."
  }

  validation {
    # The isolated partitions (aws-iso us-iso-*, aws-iso-b us-isob-*, aws-iso-e eu-isoe-*, aws-iso-f us-isof-*,
    # as the AWS SDKs' endpoints name their Regions) document nothing of what the stack relies on publicly:
    # S3 conditional writes for silver's commits, SnapStart, Athena and Glue (which those endpoints list in
    # us-iso-east-1 and us-isob-east-1 only, not in their west Regions). An apply there could fail halfway
    # or deploy a pipeline that cannot commit.
    condition     = !can(regex("^[a-z]{2}-iso[a-z]?-", var.region))
    error_message = "region is ${var.region}, a Region of AWS's isolated partitions (aws-iso, aws-iso-b, aws-iso-e, aws-iso-f), which this stack has not been checked against: AWS does not document publicly whether they offer what the stack relies on (S3 conditional writes for silver's commits, Lambda SnapStart and the java21 runtime on arm64, Athena, Glue crawlers, AWS Budgets), so an apply there could fail halfway or deploy a pipeline that cannot commit. Set region to a Region of aws, aws-cn, aws-us-gov or aws-eusc (terraform/README.md, Other partitions and Regions, lists what was checked in each)."
  }
}

variable "tags" {
  description = "Extra tags for every resource (the provider's default_tags), besides Project, Environment and ManagedBy, which the stack sets itself and which this map may not set: at most 47 (AWS allows 50 per resource), each key 1 to 128 characters and each value at most 256, of letters, digits, spaces and _ . : / = + - @, neither starting with aws: (AWS reserves that prefix)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    # AWS's tag rules, the same for every service of the stack ("Tag restrictions" in each service's
    # guide): a key or value starting with aws: in any case, or over the lengths, or outside the generally
    # allowed characters, is refused by the first resource AWS is asked to tag, halfway through an apply.
    condition     = alltrue([for key, value in var.tags : length(key) >= 1 && length(key) <= 128 && length(value) <= 256 && !startswith(lower(key), "aws:") && !startswith(lower(value), "aws:") && can(regex("^[\\p{L}\\p{N}\\p{Z}_.:/=+@-]*$", key)) && can(regex("^[\\p{L}\\p{N}\\p{Z}_.:/=+@-]*$", value))])
    error_message = "tags: each key must be 1 to 128 characters and each value at most 256, of letters, digits, spaces and _ . : / = + - @ only, and neither may start with aws: (in any case), which AWS reserves; not so: ${join(", ", [for key, value in var.tags : jsonencode(key) if !(length(key) >= 1 && length(key) <= 128 && length(value) <= 256 && !startswith(lower(key), "aws:") && !startswith(lower(value), "aws:") && can(regex("^[\\p{L}\\p{N}\\p{Z}_.:/=+@-]*$", key)) && can(regex("^[\\p{L}\\p{N}\\p{Z}_.:/=+@-]*$", value)))])}."
  }

  validation {
    # merge(var.tags, {...}) in main.tf lets the stack's own values win: a Project, Environment or
    # ManagedBy given here would be dropped without a word (and budget_cost_allocation_tag filters on them).
    condition     = length(setintersection(keys(var.tags), ["Project", "Environment", "ManagedBy"])) == 0
    error_message = "tags must not set ${join(", ", sort(setintersection(keys(var.tags), ["Project", "Environment", "ManagedBy"])))}: the stack sets Project (var.project), Environment (var.environment) and ManagedBy (\"terraform\") on every resource itself, and would replace yours. Set project or environment instead, or use a key of your own."
  }

  validation {
    condition     = length(var.tags) <= 47
    error_message = "tags holds ${length(var.tags)} tags: AWS allows 50 per resource, and the stack sets 3 itself, so at most 47."
  }
}

################################################################################
# Storage
################################################################################

variable "force_destroy" {
  description = "Let `terraform destroy` delete buckets that still hold objects, deleting every object, version and delete marker, and the Athena workgroups with their history. Only for throw-away environments. With false, destroy fails with BucketNotEmpty on a bucket that holds anything, after removing its public access block, policy, encryption, lifecycle and versioning, and with \"WorkGroup <name> is not empty\" on an Athena workgroup that has run a query (the provider sends Athena its RecursiveDeleteOption only with force_destroy): set it true and apply before destroying (terraform/README.md, Tear down), or empty the buckets and delete the workgroups with their history first."
  type        = bool
  default     = false
  nullable    = false
}

variable "kms_encryption" {
  description = "Encrypt buckets, log groups, the alert topic and Athena results with a customer managed KMS key (SSE-KMS) instead of SSE-S3 and service keys."
  type        = bool
  default     = false
  nullable    = false
}

# Bronze writers of other accounts: storage.tf (the bronze bucket's policy) and encryption.tf (the key's).
variable "bronze_writers" {
  description = "Principals of other AWS accounts (an ERP's, a vendor's) allowed to put files into bronze, by writer: for each, the IAM role or user ARNs (or an account's root ARN, which lets that account's administrators grant it to any of its principals) and the datasets whose bronze folders (<dataset>/) they may write. The bronze bucket's policy allows them s3:PutObject (PutObject and the multipart upload calls) and s3:AbortMultipartUpload under those folders and nothing else (no read, list or delete), and with read_own_files = true (default false) s3:GetObject there too, which bronze-ingest upload needs to skip a file already uploaded; with kms_encryption, the key's policy allows them kms:GenerateDataKey and kms:Decrypt through S3 in the stack's region, for the bronze bucket only. Their own account must allow the same in their IAM policies (terraform/README.md, Bronze writers of other accounts). Default: none."
  type = map(object({
    principal_arns = list(string)
    datasets       = list(string)
    # s3:GetObject on the same folders, so that bronze-ingest can compare a file with its object (HeadObject) and skip it when
    # unchanged. Off unless asked for: the writer then reads nothing, which the AWS CLI's puts need; it reads every file of its
    # datasets when on, other writers' and this account's included.
    read_own_files = optional(bool, false)
  }))
  default  = {}
  nullable = false

  validation {
    # The writer's name becomes its statements' Sid (letters and digits only), BronzeWriter<Name>…
    condition     = alltrue([for writer in keys(var.bronze_writers) : can(regex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", writer)) && length(writer) <= 64])
    error_message = "bronze_writers: a writer's name must be lowercase letters and digits, words joined by single underscores, starting with a letter, at most 64 characters (erp, vendor_acme): it names the writer's statements in the bucket policy; not so: ${join(", ", [for writer in keys(var.bronze_writers) : jsonencode(writer) if !(can(regex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", writer)) && length(writer) <= 64)])}."
  }

  validation {
    # storage.tf names a writer's statement BronzeWriter<Name>PutsFiles, its name's words capitalised and joined: erp_2 and erp2
    # would both be BronzeWriterErp2PutsFiles, which the provider refuses as a duplicate Sid without naming this setting. No
    # grouping for (=> writer...) and no template nested in the message: checkov's HCL parser fails on them, and then checks
    # the buckets without their encryption.
    condition     = length(distinct([for writer in keys(var.bronze_writers) : replace(title(replace(writer, "_", " ")), " ", "")])) == length(var.bronze_writers)
    error_message = "bronze_writers: two writers' names must not name the same statement (BronzeWriter<Name>PutsFiles, the name's words capitalised and joined); not so: ${join(", ", [for writer in sort(keys(var.bronze_writers)) : format("%s (BronzeWriter%sPutsFiles)", writer, replace(title(replace(writer, "_", " ")), " ", "")) if length([for other in keys(var.bronze_writers) : other if replace(title(replace(other, "_", " ")), " ", "") == replace(title(replace(writer, "_", " ")), " ", "")]) > 1])}."
  }

  validation {
    condition     = alltrue([for writer in values(var.bronze_writers) : length(writer.principal_arns) > 0 && length(writer.datasets) > 0])
    error_message = "bronze_writers: each writer needs at least one principal ARN and one dataset; not so: ${join(", ", [for name, writer in var.bronze_writers : name if !(length(writer.principal_arns) > 0 && length(writer.datasets) > 0)])}."
  }

  validation {
    # A "*" principal is anyone with an AWS account (the public access block would refuse the policy at apply),
    # and IAM takes no wildcard within a principal's ARN ("Specifying a principal" in the IAM User Guide): either
    # would fail the apply halfway, or grant principals nobody listed.
    condition     = alltrue(flatten([for writer in values(var.bronze_writers) : [for arn in writer.principal_arns : !strcontains(arn, "*") && !strcontains(arn, "?")]]))
    error_message = "bronze_writers: a principal ARN must not hold a wildcard (* or ?): it would let principals nobody named put files into bronze. Name each role or user (arn:<partition>:iam::111122223333:role/erp-export), or the account's root (arn:<partition>:iam::111122223333:root); not so: ${join(", ", flatten([for name, writer in var.bronze_writers : [for arn in writer.principal_arns : "${name}: ${jsonencode(arn)}" if strcontains(arn, "*") || strcontains(arn, "?")]]))}."
  }

  validation {
    # IAM role and user ARNs (with their path), or an account's root, as a bucket or key policy names them:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    condition     = alltrue(flatten([for writer in values(var.bronze_writers) : [for arn in writer.principal_arns : strcontains(arn, "*") || strcontains(arn, "?") || can(regex("^arn:aws(-cn|-us-gov|-eusc)?:iam::[0-9]{12}:(root|(role|user)/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64})$", arn))]]))
    error_message = "bronze_writers: a principal ARN must be an IAM role's (arn:<partition>:iam::111122223333:role/erp-export, a path allowed: role/exports/erp), a user's (arn:<partition>:iam::111122223333:user/vendor) or an account's root (arn:<partition>:iam::111122223333:root), <partition> one the stack runs in (aws, aws-cn, aws-us-gov, aws-eusc); not so: ${join(", ", flatten([for name, writer in var.bronze_writers : [for arn in writer.principal_arns : "${name}: ${jsonencode(arn)}" if !(strcontains(arn, "*") || strcontains(arn, "?") || can(regex("^arn:aws(-cn|-us-gov|-eusc)?:iam::[0-9]{12}:(root|(role|user)/([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64})$", arn)))]]))}."
  }

  validation {
    # SilverLayout.datasetName, as contracts.tf checks a contract's file name: the converter makes a bronze
    # folder's name a table name, so a writer's folder must already be one, else its files would land in a
    # table of another name than the one granted (Sales Data/ is sales_data).
    condition     = alltrue(flatten([for writer in values(var.bronze_writers) : [for dataset in writer.datasets : can(regex("^(_[0-9]|[a-z])[a-z0-9]*(_[a-z0-9]+)*$", dataset)) && length(dataset) <= 255]]))
    error_message = "bronze_writers: a dataset must be a bronze folder's name as the converter makes it a table name (lowercase letters and digits, words joined by single underscores: sales, stores_eu; _3m_orders for a folder 3m-orders), at most 255 characters: the writer may put files under <dataset>/ only, and the converter reads that folder as that table; not so: ${join(", ", flatten([for name, writer in var.bronze_writers : [for dataset in writer.datasets : "${name}: ${jsonencode(dataset)}" if !(can(regex("^(_[0-9]|[a-z])[a-z0-9]*(_[a-z0-9]+)*$", dataset)) && length(dataset) <= 255)]]))}."
  }
}

variable "bronze_transition_days" {
  description = "Days after upload at which bronze objects move to bronze_transition_storage_class (the converter reads each file once, at upload)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.bronze_transition_days >= 1 && floor(var.bronze_transition_days) == var.bronze_transition_days
    error_message = "bronze_transition_days must be a whole number of at least 1 (at least 30 for STANDARD_IA or ONEZONE_IA)."
  }
}

variable "bronze_transition_storage_class" {
  description = "Storage class bronze objects move to after bronze_transition_days."
  type        = string
  default     = "STANDARD_IA"
  nullable    = false

  validation {
    condition     = contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"], var.bronze_transition_storage_class)
    error_message = "bronze_transition_storage_class must be STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING or GLACIER_IR (classes that stay readable at once, so a file can be converted again)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed (bronze and artifacts keep versions)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results are deleted."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.athena_results_expiration_days >= 1 && floor(var.athena_results_expiration_days) == var.athena_results_expiration_days
    error_message = "athena_results_expiration_days must be a whole number of at least 1."
  }
}

################################################################################
# Silver converter function
################################################################################

variable "silver_converter_memory_mb" {
  description = "Memory of the silver converter in MB. Lambda gives CPU in proportion to memory: 1,769 MB is one vCPU of CPU time, 3,538 MB two, 5,307 MB three. The default, 5,307 MB, reads an uncompressed file of 72 MiB (75 MB) and more as three byte ranges at once, of 48 MiB and more as two: a warm file of 100-194 MB in 0.7-0.8x the time a warm pandas conversion (the seed's method) takes at one vCPU, for 0-6 % more per GB than 3,538 MB, which takes 1.03-1.15x pandas' time (three vCPUs estimated from scaled CPU quotas on a two-processor machine, BENCHMARKS.md). A smaller or gzip file, read as one stream, gains nothing over 3,538 MB and costs 1.5 times as much. 2,048 MB is the cheapest per GB, or about as cheap as 1,769 MB, at about twice the time of large files."
  type        = number
  default     = 5307
  nullable    = false

  validation {
    condition     = var.silver_converter_memory_mb >= 512 && var.silver_converter_memory_mb <= 10240 && floor(var.silver_converter_memory_mb) == var.silver_converter_memory_mb
    error_message = "silver_converter_memory_mb must be a whole number between 512 and 10240."
  }
}

variable "silver_converter_timeout_seconds" {
  description = "Timeout of the silver converter in seconds; Lambda's maximum, 900, lets one invocation convert files of several GB."
  type        = number
  default     = 900
  nullable    = false

  validation {
    condition     = var.silver_converter_timeout_seconds >= 30 && var.silver_converter_timeout_seconds <= 900 && floor(var.silver_converter_timeout_seconds) == var.silver_converter_timeout_seconds
    error_message = "silver_converter_timeout_seconds must be a whole number between 30 and 900."
  }
}

variable "silver_converter_reserved_concurrency" {
  description = "Upper bound on the silver converter's concurrent executions, so that a bulk upload cannot take the account's whole concurrency: Lambda reserves that many for it and caps it there (events beyond wait in Lambda's asynchronous queue). -1, the default, sets no bound, since Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions, and new accounts (concurrency quota 10 or 50) cannot reserve any: raise the account's quota (Service Quotas, Lambda, Concurrent executions) to at least this plus 100 first. 0 pauses the converter: Lambda throttles every bronze event and keeps it in the asynchronous queue, retrying it for up to async_max_event_age_seconds, then sends it to the converter's failure queue (Lambda Developer Guide, \"How Lambda handles errors and retries with asynchronous invocation\"); set it back within that age and nothing is lost."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.silver_converter_reserved_concurrency >= -1 && floor(var.silver_converter_reserved_concurrency) == var.silver_converter_reserved_concurrency
    error_message = "silver_converter_reserved_concurrency must be -1 or a whole number of at least 0."
  }
}

variable "silver_converter_java_tool_options" {
  description = "JAVA_TOOL_OPTIONS of the silver converter. Lambda's Java runtimes stop the JIT at C1, which costs this throughput-bound function about 57 % more CPU; CompileThresholdScaling=3 compiles only the code that stays hot, cutting the JIT's own CPU time (BENCHMARKS.md). No garbage collector may be named: Lambda starts the JVM with -XX:+UseSerialGC on its command line, and a second collector stops the JVM before the handler loads. Nor may the initial heap (-Xms, -XX:InitialHeapSize=, -XX:MinHeapSize=) exceed the maximum Lambda puts on the command line, 85 % of silver_converter_memory_mb: the JVM does not start then, and plan refuses it."
  type        = string
  default     = "-XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=3"
  nullable    = false

  validation {
    condition     = !can(regex("-XX:\\+Use[A-Za-z0-9]*GC\\b", var.silver_converter_java_tool_options))
    error_message = "silver_converter_java_tool_options must not select a garbage collector (-XX:+Use...GC): Lambda's Java runtime already passes -XX:+UseSerialGC, and the JVM refuses to start with two (\"Multiple garbage collectors selected\")."
  }
}

variable "silver_withdraws_deleted_files" {
  description = "Deliver the bronze bucket's s3:ObjectRemoved:* events to the converter as well as s3:ObjectCreated:*, for every key (it withdraws only what it converted): a file deleted from bronze (a plain DELETE, or a version DELETE) has its rows withdrawn from silver, and gold drops them at its next build (docs/silver-converter.md, \"Deleting a bronze file\"). Lifecycle expirations are other event types (s3:LifecycleExpiration:*), never delivered: expiring bronze objects keeps their rows. Set false where bronze is a landing zone emptied after loading (deleting by hand, or moving files to an archive), else that empties silver and gold too; false delivers ObjectCreated only, and a deleted file's rows stay in silver. Not null."
  type        = bool
  default     = true
  nullable    = false
}

variable "bronze_eventbridge" {
  description = "Also send the bronze bucket's events to Amazon EventBridge (the account's default event bus), so that another team can subscribe to new bronze files with a rule of its own: S3 allows one notification configuration per bucket, and the stack owns bronze's. The converter's rule is unchanged. S3 sends every event of the bucket there; EventBridge bills them as AWS opt-in data events (docs/cost-model.md, EventBridge). With enable_functions only: without the converter the stack configures no bronze notification. Off by default. Not null."
  type        = bool
  default     = false
  nullable    = false
}

variable "silver_eventbridge" {
  description = "Also send the silver bucket's events to Amazon EventBridge (the account's default event bus), so that another team can subscribe to silver's commits (objects created under <silver prefix>_manifests/) with a rule of its own: S3 allows one notification configuration per bucket, and the stack owns silver's. The gold trigger queue's rules are unchanged. S3 sends every event of the bucket there, data parts and quarantine files included; EventBridge bills them as AWS opt-in data events (docs/cost-model.md, EventBridge). Off by default. Not null."
  type        = bool
  default     = false
  nullable    = false
}

variable "functions_architecture" {
  description = "Instruction set both functions run on: arm64 (Graviton, whose duration Lambda bills 20 % lower than x86_64's) or x86_64. Lambda offers arm64 in most Regions only (its guide points at the pricing page's Arm list): where it does not, CreateFunction fails with 'Architecture \"arm64\" is not supported', so set x86_64 there. The jars run on both (Snappy's Linux natives for aarch64 and x86_64)."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.functions_architecture)
    error_message = "functions_architecture must be arm64 or x86_64, not ${var.functions_architecture}: the two instruction sets Lambda offers (Lambda Developer Guide, \"Selecting and configuring an instruction set architecture\"). Keep arm64, its default, unless the Region has no arm64 Lambda, then set x86_64."
  }
}

variable "silver_converter_snapstart" {
  description = "Lambda SnapStart for the silver converter: each deploy publishes a version whose initialised, primed JVM Lambda snapshots, and S3 invokes it through the alias 'live'; cold starts restore the snapshot instead of starting and warming a JVM (BENCHMARKS.md, Start-up). No extra charge for Java; a deploy waits for the snapshot. Off: S3 invokes $LATEST, nothing is published. SnapStart excludes provisioned concurrency, EFS and ephemeral storage over 512 MB, none of which this stack uses. Not offered in ap-east-2 and ap-southeast-6: true fails the plan there."
  type        = bool
  default     = true
  nullable    = false
}

variable "silver_prefix" {
  description = "Key prefix inside the silver bucket (SILVER_PREFIX): empty, or a path ending in '/' such as 'lake/'."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.silver_prefix == "" || can(regex("^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*/$", var.silver_prefix))
    error_message = "silver_prefix must be empty or lowercase path segments ending in '/', with no leading '/'."
  }
}

variable "schema_contracts_dir" {
  description = "A directory of declared schema contracts, one <dataset>.json per dataset in the converter's own contract format (copy one it wrote under _schemas/, or one of sample-data/*.json), put at <silver_prefix>_schemas/<dataset>.json in the silver bucket: the types of those datasets are then the file's, whichever file of the dataset is converted first. A relative path is taken from the directory terraform runs in (terraform/: \"../sample-data\"). null, the default: every dataset's contract is inferred from its first converted file (docs/silver-converter.md, Schema contract)."
  type        = string
  default     = null

  validation {
    # Terraform 1.5 evaluates both sides of ||: fileset must not see null.
    condition     = var.schema_contracts_dir == null ? true : length(fileset(var.schema_contracts_dir, "*.json")) > 0
    error_message = "schema_contracts_dir must be null or a directory holding <dataset>.json contracts, and none was found there: it does not exist, or holds no .json file. A relative path is taken from the directory terraform runs in (from terraform/, the sample data's is \"../sample-data\")."
  }
}

variable "silver_chunk_rows" {
  description = "CHUNK_ROWS: rows typed and buffered per chunk before it is written."
  type        = number
  default     = 100000
  nullable    = false

  validation {
    condition     = var.silver_chunk_rows >= 1 && var.silver_chunk_rows <= 2147483647 && floor(var.silver_chunk_rows) == var.silver_chunk_rows
    error_message = "silver_chunk_rows must be a whole number between 1 and 2147483647."
  }
}

variable "silver_chunk_max_bytes" {
  description = "CHUNK_MAX_BYTES: estimated memory a chunk may hold before it is written early (8 MiB keeps garbage-collector copying low)."
  type        = number
  default     = 8388608
  nullable    = false

  validation {
    # The converter reads CHUNK_MAX_BYTES as a Java long (Environment.positiveLong): a larger number stops it at start.
    condition     = var.silver_chunk_max_bytes >= 1 && var.silver_chunk_max_bytes <= 9223372036854775807 && floor(var.silver_chunk_max_bytes) == var.silver_chunk_max_bytes
    error_message = "silver_chunk_max_bytes must be a whole number between 1 and 9223372036854775807: the converter reads CHUNK_MAX_BYTES as a Java long, and a larger number would stop it at start, failing every conversion."
  }
}

variable "silver_part_target_bytes" {
  description = "PART_TARGET_BYTES: Parquet file size at which the converter starts a new part (128 MiB)."
  type        = number
  default     = 134217728
  nullable    = false

  validation {
    # The converter reads PART_TARGET_BYTES as a Java long (Environment.positiveLong): a larger number stops it at start.
    condition     = var.silver_part_target_bytes >= 1 && var.silver_part_target_bytes <= 9223372036854775807 && floor(var.silver_part_target_bytes) == var.silver_part_target_bytes
    error_message = "silver_part_target_bytes must be a whole number between 1 and 9223372036854775807: the converter reads PART_TARGET_BYTES as a Java long, and a larger number would stop it at start, failing every conversion."
  }
}

variable "silver_row_group_bytes" {
  description = "ROW_GROUP_BYTES: Parquet row group size, buffered in memory while written (32 MiB)."
  type        = number
  default     = 33554432
  nullable    = false

  validation {
    # The converter reads ROW_GROUP_BYTES as a Java long (Environment.positiveLong): a larger number stops it at start.
    condition     = var.silver_row_group_bytes >= 1 && var.silver_row_group_bytes <= 9223372036854775807 && floor(var.silver_row_group_bytes) == var.silver_row_group_bytes
    error_message = "silver_row_group_bytes must be a whole number between 1 and 9223372036854775807: the converter reads ROW_GROUP_BYTES as a Java long, and a larger number would stop it at start, failing every conversion."
  }
}

variable "silver_max_columns" {
  description = "MAX_COLUMNS: the most fields a file's header may hold; a wider file is rejected so that memory stays bounded (10000 converts with a 256 MiB heap)."
  type        = number
  default     = 10000
  nullable    = false

  validation {
    condition     = var.silver_max_columns >= 1 && var.silver_max_columns <= 2147483647 && floor(var.silver_max_columns) == var.silver_max_columns
    error_message = "silver_max_columns must be a whole number between 1 and 2147483647."
  }
}

variable "silver_max_row_chars" {
  description = "MAX_ROW_CHARS: the most characters (values and delimiters) one row may hold; a file with a longer row is rejected so that memory stays bounded (4 Mi converts with a 256 MiB heap)."
  type        = number
  default     = 4194304
  nullable    = false

  validation {
    condition     = var.silver_max_row_chars >= 1 && var.silver_max_row_chars <= 2147483647 && floor(var.silver_max_row_chars) == var.silver_max_row_chars
    error_message = "silver_max_row_chars must be a whole number between 1 and 2147483647."
  }
}

variable "silver_range_readers" {
  description = "RANGE_READERS: byte ranges of one large uncompressed CSV file the converter reads and converts at once, each on its own threads and into parts of its own. null: one per whole vCPU the memory buys (silver_converter_memory_mb / 1,769, at least 1), but no more than the processors the JVM sees and one per 224 MiB of its heap, so 3 at the default 5,307 MB (where Lambda shows three processors), 2 at 3,538 MB and 1 at 2,048 MB (BENCHMARKS.md). A number is taken as given by the converter: each range may hold as much as one stream, which at MAX_COLUMNS and MAX_ROW_CHARS is measured to convert in a 256 MiB heap, and two such ranges there run out of it (RangeReading). So plan refuses more readers than the heap Lambda gives the JVM, 85 % of silver_converter_memory_mb, has 224 MiB for (1 at 512 MB, 3 at 1,024 MB, 6 from 1,582 MB), naming the most readers and the least memory: a large file of rows at the limits would run out of heap at every delivery. More readers than vCPUs only add threads and parts, for no gain (BENCHMARKS.md)."
  type        = number
  default     = null

  validation {
    condition     = var.silver_range_readers == null ? true : (var.silver_range_readers >= 1 && var.silver_range_readers <= 6 && floor(var.silver_range_readers) == var.silver_range_readers)
    error_message = "silver_range_readers must be null or a whole number between 1 and 6 (10,240 MB buys 5.8 vCPUs)."
  }
}

variable "silver_min_range_bytes" {
  description = "MIN_RANGE_BYTES: the least bytes one range holds; a file is cut into ranges only as far as each keeps at least this many (24 MiB: a file under 48 MiB is read as one stream, one of 72 MiB and more as three ranges at the default memory)."
  type        = number
  default     = 25165824
  nullable    = false

  validation {
    # The converter reads MIN_RANGE_BYTES as a Java long (Environment.positiveLong): a larger number stops it at start.
    condition     = var.silver_min_range_bytes >= 1048576 && var.silver_min_range_bytes <= 9223372036854775807 && floor(var.silver_min_range_bytes) == var.silver_min_range_bytes
    error_message = "silver_min_range_bytes must be a whole number between 1048576 (1 MiB) and 9223372036854775807: the converter reads MIN_RANGE_BYTES as a Java long, and a larger number would stop it at start, failing every conversion."
  }
}

variable "silver_csv_delimiters" {
  description = "CSV_DELIMITERS: per-dataset delimiters that override detection, as the converter reads them: dataset:delimiter pairs separated by commas, the delimiter one of comma, semicolon, tab or pipe (e.g. \"legacy_orders:pipe,eu_sales:semicolon\"). Empty: detect every delimiter."
  type        = string
  default     = ""
  nullable    = false

  validation {
    # A dataset that is blank (" :tab") stops the converter at start, as SilverSettings.parseDelimiters refuses it.
    # Blank as String.isBlank has it: every code point Character.isWhitespace counts, which RE2's \s
    # (ASCII space, \t\n\f\r) is not: U+000B, U+001C-U+001F and the Unicode space separators but
    # the no-break ones (U+00A0, U+2007, U+202F), so also U+1680, U+2000-U+2006, U+2008-U+200A, U+2028,
    # U+2029, U+205F and U+3000 (the ideographic space). A dataset of those alone is no name to it.
    condition     = var.silver_csv_delimiters == "" || can(regex("^[^,:]*[^,:\\s\\x{0B}\\x{1C}-\\x{1F}\\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}][^,:]*:(?i:comma|semicolon|tab|pipe)(,[^,:]*[^,:\\s\\x{0B}\\x{1C}-\\x{1F}\\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}][^,:]*:(?i:comma|semicolon|tab|pipe))*$", var.silver_csv_delimiters))
    error_message = "silver_csv_delimiters must be empty or dataset:delimiter pairs separated by commas, each naming a dataset (not blank), the delimiter one of comma, semicolon, tab or pipe (e.g. \"legacy_orders:pipe,eu_sales:semicolon\"); the converter stops at start on a blank dataset, failing every conversion."
  }
}

variable "silver_csv_encodings" {
  description = "CSV_ENCODINGS: per-dataset source encodings, as the converter reads them: dataset:charset pairs separated by commas, the charset as Java names it, such as windows-1252, ISO-8859-1, UTF-8 or UTF-16LE (e.g. \"legacy_orders:windows-1252\"). Names and aliases Java knows are taken in any case (cp1252, latin1, ISO_8859-1); plan refuses another (windows1252, latin-1), naming the one Java knows that differs only in dashes or underscores, since the converter stops at start on it and every conversion fails (java-charsets.tf lists them). Empty: every dataset is read as UTF-8, and a file that is not UTF-8 is rejected."
  type        = string
  default     = ""
  nullable    = false

  validation {
    # A dataset that is blank (" :cp1252") stops the converter at start, as SilverSettings.parseEncodings refuses it.
    # Blank as String.isBlank has it: every code point Character.isWhitespace counts, which RE2's \s
    # (ASCII space, \t\n\f\r) is not: U+000B, U+001C-U+001F and the Unicode space separators but
    # the no-break ones (U+00A0, U+2007, U+202F), so also U+1680, U+2000-U+2006, U+2008-U+200A, U+2028,
    # U+2029, U+205F and U+3000 (the ideographic space). A dataset of those alone is no name to it.
    condition     = var.silver_csv_encodings == "" || can(regex("^[^,:]*[^,:\\s\\x{0B}\\x{1C}-\\x{1F}\\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}][^,:]*:[A-Za-z0-9][A-Za-z0-9._:+-]*(,[^,:]*[^,:\\s\\x{0B}\\x{1C}-\\x{1F}\\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}][^,:]*:[A-Za-z0-9][A-Za-z0-9._:+-]*)*$", var.silver_csv_encodings))
    error_message = "silver_csv_encodings must be empty or dataset:charset pairs separated by commas, each naming a dataset (not blank), the charset a Java charset name such as windows-1252, ISO-8859-1, UTF-8 or UTF-16LE (e.g. \"legacy_orders:windows-1252\"); the converter stops at start on a blank dataset, failing every conversion."
  }
}

variable "silver_csv_null_values" {
  description = "CSV_NULL_VALUES: per-dataset null markers, as the converter reads them: dataset:marker entries separated by commas, one marker an entry and the dataset repeated for more (e.g. \"sqlserver_orders:NULL,legacy:\\\\N,legacy:N/A\"). A marker is the text after the first colon, taken as written (a backslash escapes nothing; in HCL write \\\\N for MySQL's and PostgreSQL's \\N) and holding no comma; declared, it is null in every column of its dataset, text columns included. Empty: NULL, null and \\N are null in typed columns only, and a text column keeps them as text."
  type        = string
  default     = ""
  nullable    = false

  validation {
    # As SilverSettings.parseNullValues reads it: blank entries skipped, each other one a dataset and a marker that is not blank.
    condition     = alltrue([for entry in split(",", var.silver_csv_null_values) : trimspace(entry) == "" || can(regex("^[^:]*[^:\\s][^:]*:.*\\S", entry))])
    error_message = "silver_csv_null_values must be empty or dataset:marker entries separated by commas, each with a dataset and a marker that is not blank (e.g. \"sqlserver_orders:NULL,legacy:\\\\N\"); a marker holds no comma."
  }
}

variable "silver_csv_quoted_empty_strings" {
  description = "CSV_QUOTED_EMPTY_STRINGS: the datasets whose quoted empty field (\"\") is an empty string in a text column while an unquoted empty field stays null, as PostgreSQL's COPY ... TO ... (FORMAT csv) writes an empty string and a NULL: dataset names separated by commas (e.g. \"pg_orders,pg_customers\"). In a typed column both are null. Empty: every empty field is null, quoted or not, as files that quote every value (Python's csv with QUOTE_ALL, pandas' to_csv with it) mean it."
  type        = string
  default     = ""
  nullable    = false

  validation {
    # As SilverSettings.parseQuotedEmptyStrings reads it: blank entries skipped, each other one a dataset named alone.
    condition = alltrue([for entry in split(",", var.silver_csv_quoted_empty_strings) :
    trimspace(entry) == "" || (!strcontains(entry, ":") && !strcontains(entry, "*") && !contains(["true", "false", "all", "yes", "no"], lower(trimspace(entry))))])
    error_message = "silver_csv_quoted_empty_strings must be empty or dataset names separated by commas, each named alone (e.g. \"pg_orders,pg_customers\"): no colon or *, and not true, false, all, yes or no."
  }
}

variable "async_max_retry_attempts" {
  description = "Retries of a failed asynchronous invocation (the converter's S3 events, the gold builder's scheduled events and asynchronous direct invocations) before it goes to the function's dead-letter queue."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = contains([0, 1, 2], var.async_max_retry_attempts)
    error_message = "async_max_retry_attempts must be 0, 1 or 2."
  }
}

variable "async_max_event_age_seconds" {
  description = "Age after which an event still waiting for an attempt (throttling, retries) goes to the dead-letter queue instead."
  type        = number
  default     = 21600
  nullable    = false

  validation {
    condition     = var.async_max_event_age_seconds >= 60 && var.async_max_event_age_seconds <= 21600 && floor(var.async_max_event_age_seconds) == var.async_max_event_age_seconds
    error_message = "async_max_event_age_seconds must be a whole number between 60 and 21600."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' CloudWatch log groups, and of /aws-glue/crawlers when manage_crawler_log_group, in days."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "quarantined_rows_alarm_threshold" {
  description = "Quarantined rows in 5 minutes above which the converter's quarantined-rows alarm fires (0: any quarantined row). Null (the default) creates neither that alarm nor its metric filter: quarantining refused rows is the converter's designed handling of them, and the rows are kept under silver's _quarantine/ with their reasons. A file rejected as a whole always raises the rejected-files alarm."
  type        = number
  default     = null

  validation {
    condition     = var.quarantined_rows_alarm_threshold == null ? true : var.quarantined_rows_alarm_threshold >= 0 && floor(var.quarantined_rows_alarm_threshold) == var.quarantined_rows_alarm_threshold
    error_message = "quarantined_rows_alarm_threshold must be null (no alarm) or a whole number of rows, 0 or more."
  }
}

variable "withdrawn_files_alarm_threshold" {
  description = "Bronze files withdrawn from silver in 5 minutes above which the converter's withdrawn-files alarm fires (with silver_withdraws_deleted_files: a file deleted from bronze has its rows withdrawn, and gold drops them at its next build; without it nothing is withdrawn and there is no such alarm). The default, 50, keeps a person taking back a wrong file, or a wrong delivery of a few dozen files, quiet, and catches aws s3 rm --recursive on a dataset of more files (or on bronze) within 5 minutes. When it fires and the deletion was not meant: find who deleted in CloudTrail, stop it, and undo it by deleting the delete markers (docs/silver-converter.md, \"Undoing a deletion\"). 0: any withdrawal. Not null."
  type        = number
  default     = 50
  nullable    = false

  validation {
    condition     = var.withdrawn_files_alarm_threshold >= 0 && floor(var.withdrawn_files_alarm_threshold) == var.withdrawn_files_alarm_threshold
    error_message = "withdrawn_files_alarm_threshold must be a whole number of files, 0 or more (0: any withdrawal)."
  }
}

variable "withdrawn_files_alarm" {
  description = "Raise the converter's withdrawn-files alarm, with its metric filter, above withdrawn_files_alarm_threshold (with silver_withdraws_deleted_files). On by default, since nothing else reports a mass deletion by mistake. false for a source that takes files back in bulk by design, whose every withdrawal would alarm: withdrawals are still made, unwatched. As contract_drift_alarm = false turns its alarm off: an alarm on by default is turned off by a switch, and withdrawn_files_alarm_threshold, like every variable with a default, is not nullable (null means 50)."
  type        = bool
  default     = true
  nullable    = false
}

variable "files_not_converted_alarm" {
  description = "Raise the converter's files-not-converted alarm, with its metric filter, when a file is put in bronze under a name the converter does not convert (report.xlsx, sales.tsv, sales.Csv: anything but .csv, .csv.gz and .dat in lower or upper case, and .CSV.gz): it is in no table, and nothing fails. On by default, since nothing else tells anyone. false where bronze holds other files by design (a README beside the data), which would alarm at every upload; each is still said in the converter's log, with what to do. Spark's _SUCCESS and .crc files and console folder markers never count. Not null."
  type        = bool
  default     = true
  nullable    = false
}

variable "contract_drift_alarm" {
  description = "Raise the converter's files-not-matching-contract alarm, with its metric filter, when a file converts with columns that differ from its dataset's schema contract, either way: a column the contract lacks (a column the source added, a header with a typo) is not written to silver; a column the file lacks (a column the source stopped sending or renamed) is written as null. Nothing fails either way. On by default, since nothing else tells anyone. false for a source whose columns never match its contract, which would alarm at every upload; the log line's droppedColumns and missingColumns, and the manifest, still name such columns."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# Dataset freshness (monitoring.tf: one commit filter and one alarm per dataset)
################################################################################

variable "dataset_freshness" {
  description = "Per dataset, how long silver may go without a file of it committed before its freshness alarm fires (…-silver-freshness-<dataset>, to the alert topic): max_hours_without_commit, a whole number of hours from 1 to 168. The daily file that did not arrive (the source job failed, the push stopped, its credentials expired) fails nothing in this stack: silver and gold just go stale. A file committed is one the converter converted, a header-only file included; a redelivered event, a rejected file, another dataset's file and a withdrawal do not count. The alarm turns OK when a file is committed. Keys are dataset names as the converter logs them (its table's name: sales, stores_eu, _3m_orders for a folder 3m-orders). Only with enable_functions. {} (the default): none. Example: { orders = { max_hours_without_commit = 26 } } for a daily delivery with two hours of slack."
  type = map(object({
    max_hours_without_commit = number
  }))
  default  = {}
  nullable = false

  validation {
    # SilverLayout.datasetName: Identifiers.normalize, at most Identifiers.MAX_LENGTH characters (as contracts.tf checks a contract's name).
    condition     = alltrue([for dataset in keys(var.dataset_freshness) : can(regex("^(_[0-9]|[a-z])[a-z0-9]*(_[a-z0-9]+)*$", dataset)) && length(dataset) <= 255])
    error_message = "dataset_freshness's keys must be dataset names as the converter logs them, its bronze folder's name made a table name (lowercase letters and digits, words joined by single underscores, at most 255 characters: sales, stores_eu; _3m_orders for a folder 3m-orders), or the alarm would count no line and fire forever: ${join(", ", [for dataset in keys(var.dataset_freshness) : jsonencode(dataset) if !(can(regex("^(_[0-9]|[a-z])[a-z0-9]*(_[a-z0-9]+)*$", dataset)) && length(dataset) <= 255)])} is not."
  }

  validation {
    # The alarm sums the dataset's commits per hour (period 3600) over max_hours_without_commit periods. CloudWatch evaluates an
    # alarm over at most 7 days, period x evaluation periods <= 604,800 s, and with a period under an hour over at most one day
    # (PutMetricAlarm, Period: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
    condition     = alltrue([for setting in values(var.dataset_freshness) : try(setting.max_hours_without_commit >= 1 && setting.max_hours_without_commit <= 168 && floor(setting.max_hours_without_commit) == setting.max_hours_without_commit, false)])
    error_message = "dataset_freshness's max_hours_without_commit must be a whole number of hours from 1 to 168: the alarm counts commits per hour, and CloudWatch evaluates an alarm over at most 7 days (168 hours); ${join(", ", [for dataset, setting in var.dataset_freshness : "${dataset} = ${try(tostring(setting.max_hours_without_commit), "null")}" if !try(setting.max_hours_without_commit >= 1 && setting.max_hours_without_commit <= 168 && floor(setting.max_hours_without_commit) == setting.max_hours_without_commit, false)])} is not."
  }

  validation {
    # One metric filter per dataset on the converter's log group, which CloudWatch Logs caps at 100 filters (PutMetricFilter:
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html); the stack puts up to 6 others there.
    condition     = length(var.dataset_freshness) <= 94
    error_message = "dataset_freshness may name at most 94 datasets, not ${length(var.dataset_freshness)}: each is a metric filter on the converter's log group, which CloudWatch Logs caps at 100 filters, and the stack puts up to 6 others there."
  }
}

################################################################################
# Gold freshness (monitoring.tf: one filter of the builder's log and one alarm per model)
################################################################################

variable "gold_freshness" {
  description = "Per gold model, how long it may go without the builder finding it up to date before its freshness alarm fires (…-gold-freshness-<model>, to the alert topic): max_hours_without_build, a whole number of hours from 1 to 168. A build that fails into the dead-letter queue, a schedule disabled, a trigger mapping turned off, or Athena failing every build stops gold without silver noticing. Up to date means the builder built the model and swapped it into its view (\"gold model built and swapped into its view\"), or found its silver inputs as at its last build (\"gold model unchanged\"): its view then holds what silver holds. A failed build, a model waiting for a source with no table, an invocation that found another build running (deferred, skipped) and another model's build do not count. The builder runs only when something invokes it: with gold_builds_on_commit alone, only when silver changes, so a quiet source leaves every model's alarm without a line too; gold_schedule checks every model at each run. Keys are the stack's models, as gold-ctas's models.list names them (daily_revenue_by_category_region, top_products, customer_lifetime_value, regional_store_performance). Only with the gold builder (enable_glue_catalog, enable_athena and enable_functions). {} (the default): none. Example: { daily_revenue_by_category_region = { max_hours_without_build = 26 } }."
  type = map(object({
    max_hours_without_build = number
  }))
  default  = {}
  nullable = false

  validation {
    # GoldModel.NAME (gold-ctas), the rule models.list's names follow; that a key is one of the stack's models
    # (local.gold_models) is checked by a precondition in monitoring.tf, since a validation cannot read a local before Terraform 1.9.
    condition     = alltrue([for model in keys(var.gold_freshness) : can(regex("^[a-z][a-z0-9_]*$", model))])
    error_message = "gold_freshness's keys must be gold model names as models.list names them (lowercase letters, digits and underscores, starting with a letter: top_products), or the alarm would count no line and fire forever: ${join(", ", [for model in keys(var.gold_freshness) : jsonencode(model) if !can(regex("^[a-z][a-z0-9_]*$", model))])} is not."
  }

  validation {
    # As dataset_freshness: builds counted per hour (period 3600) over max_hours_without_build periods, and CloudWatch evaluates an
    # alarm over at most 7 days (PutMetricAlarm, Period: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
    condition     = alltrue([for setting in values(var.gold_freshness) : try(setting.max_hours_without_build >= 1 && setting.max_hours_without_build <= 168 && floor(setting.max_hours_without_build) == setting.max_hours_without_build, false)])
    error_message = "gold_freshness's max_hours_without_build must be a whole number of hours from 1 to 168: the alarm counts the model's builds per hour, and CloudWatch evaluates an alarm over at most 7 days (168 hours); ${join(", ", [for model, setting in var.gold_freshness : "${model} = ${try(tostring(setting.max_hours_without_build), "null")}" if !try(setting.max_hours_without_build >= 1 && setting.max_hours_without_build <= 168 && floor(setting.max_hours_without_build) == setting.max_hours_without_build, false)])} is not."
  }

  validation {
    # One metric filter per model on the builder's log group, which CloudWatch Logs caps at 100 filters (PutMetricFilter:
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html); the stack puts no other there.
    condition     = length(var.gold_freshness) <= 100
    error_message = "gold_freshness may name at most 100 models, not ${length(var.gold_freshness)}: each is a metric filter on the gold builder's log group, which CloudWatch Logs caps at 100 filters."
  }
}

################################################################################
# Gold builder function
################################################################################

variable "gold_ctas_memory_mb" {
  description = "Memory of the gold builder in MB. It waits on Athena most of the time and needs no second vCPU; 512 MB starts the JVM and the SDK's S3, Glue and Athena clients comfortably."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.gold_ctas_memory_mb >= 256 && var.gold_ctas_memory_mb <= 10240 && floor(var.gold_ctas_memory_mb) == var.gold_ctas_memory_mb
    error_message = "gold_ctas_memory_mb must be a whole number between 256 and 10240."
  }
}

variable "gold_ctas_timeout_seconds" {
  description = "Timeout of the gold builder in seconds. It builds the models one after the other and waits for each Athena query, so Lambda's maximum, 900, is the default; a model is not started with less than 60 s left."
  type        = number
  default     = 900
  nullable    = false

  validation {
    condition     = var.gold_ctas_timeout_seconds >= 120 && var.gold_ctas_timeout_seconds <= 900 && floor(var.gold_ctas_timeout_seconds) == var.gold_ctas_timeout_seconds
    error_message = "gold_ctas_timeout_seconds must be a whole number between 120 and 900."
  }
}

variable "gold_ctas_snapstart" {
  description = "Lambda SnapStart for the gold builder: each deploy publishes a version whose initialised JVM (the runtime client, the handler and its S3, Glue and Athena clients, none connected yet) Lambda snapshots, and the trigger queue's mapping, the schedule and the rebuild command invoke it through the alias 'live'; cold starts restore the snapshot instead of starting a JVM (BENCHMARKS.md, Start-up). No priming hook. No extra charge for Java; a deploy waits for the snapshot. Off: everything invokes $LATEST, nothing is published. SnapStart excludes provisioned concurrency, EFS and ephemeral storage over 512 MB, none of which this stack uses. Not offered in ap-east-2 and ap-southeast-6: true fails the plan there."
  type        = bool
  default     = true
  nullable    = false
}

variable "gold_prefix" {
  description = "Key prefix inside the gold bucket (GOLD_PREFIX) for the gold tables' builds and their _state/: empty, or a path ending in '/' such as 'tables/'."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.gold_prefix == "" || can(regex("^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*/$", var.gold_prefix))
    error_message = "gold_prefix must be empty or lowercase path segments ending in '/', with no leading '/'."
  }
}

variable "gold_schedule" {
  description = "A scheduled gold build, as an EventBridge rule's schedule expression: rate(<n> <unit>) (rate(1 hour), rate(6 hours)) or a cron expression of six fields (cron(0 3 * * ? *): 03:00 UTC every day); null for none. An extra build besides the ones the silver commits trigger, or, with gold_builds_on_commit = false, the only builds (required then). A build whose inputs are unchanged runs no Athena query."
  type        = string
  default     = null

  validation {
    # EventBridge's forms ("Rate expressions reference" and "Cron expressions reference", EventBridge User
    # Guide): a positive whole number with a unit singular for 1 and plural otherwise (rate(1 hours) and
    # rate(5 hour) are refused), or six cron fields. Anything else PutRule refuses at apply, after the
    # builder is deployed.
    condition     = var.gold_schedule == null ? true : can(regex("^(rate\\(1 (minute|hour|day)\\)|rate\\(([2-9]|[1-9][0-9]+) (minutes|hours|days)\\)|cron\\(\\S+( \\S+){5}\\))$", var.gold_schedule))
    error_message = "gold_schedule must be null, rate(<n> <unit>) with a whole number n of at least 1 and the unit minute, hour or day for 1 (rate(1 hour)) and minutes, hours or days for more (rate(6 hours)), or a cron expression of six fields, Minutes Hours Day-of-month Month Day-of-week Year (cron(0 3 * * ? *): 03:00 UTC every day): EventBridge refuses any other schedule expression."
  }
}

variable "gold_builds_on_commit" {
  description = "Whether silver's commits trigger gold builds (true, the default): the silver bucket notifies the gold trigger queue of each commit, and Lambda's event source mapping hands the builder each batching window's commits. false builds gold on gold_schedule only (set gold_schedule, or the plan is refused): the queue, its dead-letter queue, the mapping, the silver bucket's rules that feed it and their two alarms are not created, since the builder reads silver, not the messages (docs/infrastructure.md, Gold trigger). Each build is a full CTAS over silver, so building per commit costs more as history grows; a schedule builds at most once per run, whatever arrives."
  type        = bool
  default     = true
  nullable    = false
}

variable "gold_trigger_batching_window_seconds" {
  description = "How long Lambda gathers silver commits from the gold trigger queue before it invokes the gold builder with them (MaximumBatchingWindowInSeconds): a burst within one window builds gold once; a commit waits at most this, plus the build, to reach gold. 300, Lambda's maximum, builds least often; at least 1, since the mapping's batch size of 10,000 needs a window. Unused with gold_builds_on_commit = false."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.gold_trigger_batching_window_seconds >= 1 && var.gold_trigger_batching_window_seconds <= 300 && floor(var.gold_trigger_batching_window_seconds) == var.gold_trigger_batching_window_seconds
    error_message = "gold_trigger_batching_window_seconds must be a whole number between 1 and 300."
  }
}

variable "gold_trigger_max_receive_count" {
  description = "Deliveries of a gold trigger message before it goes to the trigger queue's dead-letter queue (maxReceiveCount): each failed build, and each batch handed back because another build held the lease, is one. Its alarm then says that gold could not be built for that long. Unused with gold_builds_on_commit = false."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.gold_trigger_max_receive_count >= 2 && var.gold_trigger_max_receive_count <= 1000 && floor(var.gold_trigger_max_receive_count) == var.gold_trigger_max_receive_count
    error_message = "gold_trigger_max_receive_count must be a whole number between 2 and 1000."
  }
}

################################################################################
# Catalog and analytics
################################################################################

variable "enable_glue_catalog" {
  description = "Create the Glue databases and the silver crawler, and with enable_athena the gold builder (off for LocalStack's free edition, which has no Glue)."
  type        = bool
  default     = true
  nullable    = false
}

variable "silver_crawler_schedule" {
  description = "When the silver crawler runs by itself, as a cron expression of six fields, Minutes Hours Day-of-month Month Day-of-week Year, in UTC (cron(0 3 ? * SUN *): Sundays at 03:00); Glue takes no rate() expression. null, the default, runs it only when someone starts it (output silver_crawl_command). The converter catalogs silver itself: the crawler repairs and discovers (silver restored or copied by hand, a table or partition deleted from the catalog), listing all of silver at each run, billed per DPU-hour."
  type        = string
  default     = null

  validation {
    # Glue schedules crawlers with cron expressions of six fields only ("Time-based schedules for jobs and
    # crawlers", AWS Glue Developer Guide; the Schedule structure of its crawler API): a rate() expression,
    # EventBridge's other form, or a five-field cron passed the plan and failed CreateCrawler at apply.
    condition     = var.silver_crawler_schedule == null ? true : can(regex("^cron\\(\\S+( \\S+){5}\\)$", var.silver_crawler_schedule))
    error_message = "silver_crawler_schedule must be null or a cron expression of six fields, Minutes Hours Day-of-month Month Day-of-week Year, in UTC, such as cron(0 3 ? * SUN *) (Sundays at 03:00): Glue schedules crawlers with cron expressions only, no rate(...), and no five-field cron."
  }
}

variable "manage_crawler_log_group" {
  description = "Create /aws-glue/crawlers, the log group every Glue crawler of the account and region writes to, with log_retention_days (Glue creates it without retention otherwise). Off by default: any crawler that ever ran in the account and region has created it, and the apply would then fail with ResourceAlreadyExistsException. Set true in one stack per account and region, after importing the group where it exists (see docs/infrastructure.md, Catalog)."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_athena" {
  description = "Create the Athena workgroup and the analyst policy, and with enable_glue_catalog the gold builder (off for LocalStack's free edition, which has no Athena)."
  type        = bool
  default     = true
  nullable    = false
}

variable "athena_bytes_scanned_cutoff" {
  description = "Bytes one query may scan before Athena cancels it (cost guard; Athena bills per TB scanned). At least 10 MB."
  type        = number
  default     = 10737418240
  nullable    = false

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760 && floor(var.athena_bytes_scanned_cutoff) == var.athena_bytes_scanned_cutoff
    error_message = "athena_bytes_scanned_cutoff must be a whole number of at least 10485760 (10 MB)."
  }
}

variable "athena_dml_query_timeout_minutes" {
  description = "The account's Athena DML query timeout in minutes, the Service Quota 'DML query timeout' (30 unless raised; Athena User Guide, Service Quotas: up to 240): a reader's query runs on the gold build it was planned on until it ends or Athena cancels it at this timeout, so the gold builder keeps a build the view no longer selects from for this plus 15 minutes (the longest a build runs before its swap) after its next newer build started (ATHENA_DML_QUERY_TIMEOUT_MINUTES). Set it when you raise the quota: left at 30, builds are removed under queries that run longer, which then fail (HIVE_CANNOT_OPEN_SPLIT, NoSuchKey)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.athena_dml_query_timeout_minutes >= 30 && var.athena_dml_query_timeout_minutes <= 240 && floor(var.athena_dml_query_timeout_minutes) == var.athena_dml_query_timeout_minutes
    error_message = "athena_dml_query_timeout_minutes must be a whole number from 30 (Athena's default DML query timeout, which the quota is never below) to 240 (the most it can be raised to): the account's Service Quota 'DML query timeout' for Athena, in minutes."
  }
}

################################################################################
# Cost and alerts
################################################################################

variable "enable_budgets" {
  description = "Create the monthly AWS Budgets (off for LocalStack's free edition, which has no Budgets). AWS Budgets is not offered in GovCloud, whose billing is kept in the associated standard account, and has no endpoint in the European Sovereign Cloud: true in a us-gov-* or eusc-* region fails the plan."
  type        = bool
  default     = true
  nullable    = false
}

variable "monthly_budget_limits_usd" {
  description = "One monthly cost budget per amount, in USD: tiers, such as a warning tier and a hard tier."
  type        = list(number)
  default     = [50, 100]
  nullable    = false

  validation {
    condition     = length(var.monthly_budget_limits_usd) > 0 && alltrue([for amount in var.monthly_budget_limits_usd : amount > 0]) && length(distinct(var.monthly_budget_limits_usd)) == length(var.monthly_budget_limits_usd)
    error_message = "monthly_budget_limits_usd must hold at least one amount, all positive and distinct."
  }
}

variable "budget_notifications" {
  description = "Notifications of every budget: ACTUAL (spent) or FORECASTED (expected by month end) cost above a percentage of the budget."
  type = list(object({
    notification_type = string
    threshold_percent = number
  }))
  default = [
    { notification_type = "ACTUAL", threshold_percent = 80 },
    { notification_type = "ACTUAL", threshold_percent = 100 },
    { notification_type = "FORECASTED", threshold_percent = 100 },
  ]
  nullable = false

  validation {
    condition     = alltrue([for n in var.budget_notifications : contains(["ACTUAL", "FORECASTED"], n.notification_type) && n.threshold_percent > 0 && n.threshold_percent <= 1000])
    error_message = "Each budget notification needs notification_type ACTUAL or FORECASTED and a threshold_percent between 0 and 1000."
  }

  validation {
    # AWS Budgets allows five notifications per budget.
    condition     = length(var.budget_notifications) >= 1 && length(var.budget_notifications) <= 5
    error_message = "budget_notifications must hold between 1 and 5 notifications."
  }
}

variable "budget_cost_allocation_tag" {
  description = "Narrow every budget to the stack's own costs: the key of one of the tags every resource of the stack carries (Project, Environment, ManagedBy, or a key of tags), whose value for this stack filters the budgets (Budgets' TagKeyValue filter, user:<key>$<value>). null: the whole account's costs. The tag must first be activated as a cost allocation tag in the Billing console (Cost allocation tags), which can take a day; costs are counted only from its activation, and usage that carries no tag is left out."
  type        = string
  default     = null
}

variable "budget_subtract_credits" {
  description = "Whether the budgets subtract AWS credits (promotional credits, AWS Activate and the like) from the spend they compare with their limits. false (the default): they count what the usage costs, whether credits or your card pays it, so the notifications and budget_hard_stop answer to the pipeline's usage while credits last. true: they count only what is left to pay after credits (AWS Budgets' own default, IncludeCredit), so an account on credits shows about $0 and nothing notifies or stops until the credits are used up or expire. Refunds, discounts, taxes and support fees are counted as AWS Budgets counts them by default either way. docs/cost-model.md, \"Budgets and credits\"."
  type        = bool
  default     = false
  # null would leave it to Budgets' default, which subtracts them.
  nullable = false
}

variable "budget_hard_stop" {
  description = "Stop the pipeline when the top tier's actual monthly spend is reached: an AWS Budgets action attaches a deny policy to the converter's, the gold builder's and the crawler's roles, so their work fails (and their failed events wait in the failure queues) until someone lifts it (docs/infrastructure.md, \"Budgets that stop the spend\"). Off by default; needs enable_budgets (true without it fails the plan)."
  type        = bool
  default     = false
  nullable    = false
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to the alert topic (budgets and alarms). Each address must confirm the subscription from the e-mail AWS sends. An address at a domain reserved for examples (example.com, .net, .org, .example, .test, .invalid, .localhost), as terraform.tfvars.example's, is refused: it receives no mail."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for email in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "alert_emails must hold e-mail addresses."
  }

  validation {
    # A domain reserved for examples (RFC 2606: example.com, .net, .org; RFC 6761: .example, .test,
    # .invalid, .localhost) receives no mail: SNS creates the subscription, its confirmation goes nowhere,
    # and no alarm or budget reaches anyone, with nothing saying so. terraform.tfvars.example's address is
    # one, so that a copy of the example is refused until it names a real address.
    condition     = length([for email in var.alert_emails : email if can(regex("(?i)@(([^@]+\\.)?example\\.(com|net|org)|([^@]+\\.)?(example|test|invalid|localhost))$", email))]) == 0
    error_message = "alert_emails holds ${join(", ", [for email in var.alert_emails : jsonencode(email) if can(regex("(?i)@(([^@]+\\.)?example\\.(com|net|org)|([^@]+\\.)?(example|test|invalid|localhost))$", email))])}: addresses at domains reserved for examples, which receive no mail, so no alarm or budget notification would reach anyone. Set the addresses of the people who should hear of them in terraform.tfvars, or [] for none."
  }
}

################################################################################
# Emulators
################################################################################

variable "emulator_endpoint" {
  description = "Endpoint of an AWS emulator that serves every service of the stack (LocalStack, e.g. http://localhost:4566, or moto_server, e.g. https://127.0.0.1:5000); null deploys to AWS. See docs/deploy-rehearsal.md for the switches each needs."
  type        = string
  default     = null

  validation {
    condition     = var.emulator_endpoint == null || can(regex("^https?://", var.emulator_endpoint))
    error_message = "emulator_endpoint must be null or an http(s) URL."
  }
}

variable "enable_functions" {
  description = "Create the Lambda functions and what invokes them: the converter with its bronze trigger, invoke permission, asynchronous settings and alarms, and (with Glue and Athena) the gold builder. The converter's role, policy, log group and failure queue are created either way. false only on an emulator whose Lambda cannot create a function, such as LocalStack without Docker, where every new function turns Failed (docs/deploy-rehearsal.md, \"LocalStack\"); never on AWS: false with emulator_endpoint null fails the plan."
  type        = bool
  default     = true
  nullable    = false
}
