################################################################################
# Schema contracts declared up front (schema_contracts_dir)
################################################################################

# Without a declared contract, a dataset's types are those of whichever of its files the converter
# converts first (SchemaContractStore: a conditional write, the first file wins), and S3 converts files
# uploaded together at once. A contract put here is in place before any file arrives, and the converter
# never changes a contract: Terraform is its only writer. docs/silver-converter.md, "Declared contracts".

locals {
  # What ColumnType.fromSqlName accepts (in any case, spaces around it ignored): these, and decimal(p,s) with spaces
  # around the numbers, its precision 1 to 38 and its scale 0 to the precision (ColumnType.MAX_DECIMAL_PRECISION: 38 digits,
  # as Athena and Glue hold; up to 18 written as Parquet INT64, above as FIXED_LEN_BYTE_ARRAY).
  schema_contract_types   = ["boolean", "bigint", "double", "date", "timestamp", "string"]
  schema_contract_decimal = "^decimal\\s*\\(\\s*([0-9]{1,9})\\s*,\\s*([0-9]{1,9})\\s*\\)$"
  # The keys of SchemaContract and of its Column, every one required: the converter's reader refuses a
  # contract with another key or one of these missing. A column may also say "required": true or false
  # (Column.required: absent is false), which the converter reads as a boolean and nothing else.
  schema_contract_keys       = ["dataset", "columns", "createdFrom", "createdAt"]
  schema_column_keys         = ["name", "type", "sourceName"]
  schema_column_optional_key = "required"

  # By dataset, the file's name without .json. Each check below judges one thing and passes what it
  # cannot read, so that a broken file is reported once, by the check of what is wrong with it.
  schema_contract_paths = var.schema_contracts_dir == null ? {} : {
    for name in fileset(var.schema_contracts_dir, "*.json") : trimsuffix(name, ".json") => format("%s/%s", var.schema_contracts_dir, name)
  }
  schema_contracts = {
    for dataset, path in local.schema_contract_paths : dataset => {
      path    = path
      content = file(path)
      json    = try(jsondecode(file(path)), null)
    }
  }
}

resource "aws_s3_object" "schema_contract" {
  for_each = local.schema_contracts

  # SilverLayout.schemaKey: <prefix>_schemas/<dataset>.json.
  bucket       = module.silver_bucket.id
  key          = "${var.silver_prefix}_schemas/${each.key}.json"
  content      = each.value.content
  content_type = "application/json"
  # As the bucket's default encryption, said here so that the object is encrypted so even when it is
  # put in the apply that sets that default, and again when kms_encryption changes.
  server_side_encryption = var.kms_encryption ? "aws:kms" : "AES256"
  kms_key_id             = local.kms_key_arn

  lifecycle {
    precondition {
      # SilverLayout.datasetName: Identifiers.normalize, at most Identifiers.MAX_LENGTH characters.
      condition     = can(regex("^(_[0-9]|[a-z])[a-z0-9]*(_[a-z0-9]+)*$", each.key)) && length(each.key) <= 255
      error_message = "${each.value.path}: the converter reads a dataset's contract at _schemas/<dataset>.json, <dataset> being its bronze folder's name made a table name (lowercase letters and digits, words joined by single underscores: sales, stores_eu; _3m_orders for a folder 3m-orders), so it would never read _schemas/${each.key}.json. Name the file after the dataset's table."
    }

    precondition {
      condition     = can(keys(each.value.json))
      error_message = "${each.value.path} is not a JSON object, which a schema contract is: the converter would fail every file of dataset ${each.key} until the contract is fixed. Start from a contract the converter wrote (_schemas/<dataset>.json under the local command's --output, or one of sample-data/*.json)."
    }

    precondition {
      condition = try(
        length(setsubtract(keys(each.value.json), local.schema_contract_keys)) == 0
        && length(setsubtract(local.schema_contract_keys, keys(each.value.json))) == 0
        && alltrue([for key in ["dataset", "createdFrom", "createdAt"] : try(each.value.json[key] != null && can(tostring(each.value.json[key])), false)]),
        true
      )
      error_message = "${each.value.path} must hold exactly the keys dataset, columns, createdFrom and createdAt, none of them null, and dataset, createdFrom and createdAt strings (createdFrom may say where the contract comes from); its keys are ${try(jsonencode(keys(each.value.json)), "others")}. The converter refuses a contract with another key, or with one of these missing or null, and fails every file of the dataset until it is fixed."
    }

    precondition {
      condition     = try(each.value.json.dataset == each.key, true)
      error_message = "${each.value.path} is the contract of dataset '${each.key}' (its file name) but says \"dataset\": ${try(jsonencode(each.value.json.dataset), "…")} (a copy of another dataset's contract?). Set \"dataset\": \"${each.key}\" in it: the converter fails every file of a dataset whose contract names another."
    }

    precondition {
      condition = try(
        !can(keys(each.value.json.columns)) && length(each.value.json.columns) > 0
        && alltrue([for column in each.value.json.columns :
          length(setsubtract(keys(column), concat(local.schema_column_keys, [local.schema_column_optional_key]))) == 0
          && length(setsubtract(local.schema_column_keys, keys(column))) == 0
          && alltrue([for key in local.schema_column_keys : try(column[key] != null && can(tostring(column[key])), false)])
        ]),
        !can(each.value.json.columns)
      )
      error_message = "${each.value.path}: columns must be a non-empty list of objects each with exactly the keys name (the column's name in silver), type and sourceName (the header text of the CSV column it holds), all strings, as the converter writes them, and optionally required (true or false)."
    }

    precondition {
      # Terraform's == compares types too: "true", 1 and null are not true. The converter refuses them (SchemaContractStore).
      condition = try(alltrue([for column in each.value.json.columns :
        !contains(keys(column), local.schema_column_optional_key) || column.required == true || column.required == false
      ]), true)
      error_message = "${each.value.path}: a column's required must be true or false (absent is false); ${try(join(", ", [for column in each.value.json.columns : "${column.name} says ${jsonencode(column.required)}" if contains(keys(column), local.schema_column_optional_key) && !(column.required == true || column.required == false)]), "one does not")}. The converter refuses this contract and fails every file of dataset ${each.key} until it is fixed."
    }

    precondition {
      condition = try(alltrue([for column in each.value.json.columns :
        contains(local.schema_contract_types, lower(trimspace(column.type))) || try(
          tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[0]) >= 1
          && tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[0]) <= 38
          && tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[1]) <= tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[0]),
        false)
      ]), true)
      error_message = "${each.value.path}: a column's type must be one of ${join(", ", local.schema_contract_types)}, or decimal(p,s) with precision p 1 to 38 (the most Athena and Glue hold) and scale s 0 to p; ${try(join(", ", [for column in each.value.json.columns : "${column.name} is ${jsonencode(column.type)}" if !(contains(local.schema_contract_types, lower(trimspace(column.type))) || try(tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[0]) >= 1 && tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[0]) <= 38 && tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[1]) <= tonumber(regex(local.schema_contract_decimal, lower(trimspace(column.type)))[0]), false))]), "one is not")}."
    }

    precondition {
      # SilverTableDefinition.of, as the converter's Glue catalog checks a contract it loads and the local
      # --contracts reader a declared one: a name Athena reads unquoted, of at most Identifiers.MAX_LENGTH
      # characters, and not the partition key the catalog adds to every silver table. ColumnNames makes every
      # header such a name (Order ID becomes order_id, 1st choice _1st_choice).
      condition = try(alltrue([for column in each.value.json.columns :
        can(regex("^[a-z_][a-z0-9_]*$", column.name)) && length(column.name) <= 255 && column.name != "ingest_date"
      ]), true)
      error_message = "${each.value.path}: a column's name must be lowercase letters, digits and underscores, not starting with a digit, at most 255 characters, and not ingest_date (the partition key the catalog adds to every silver table), as the converter names a CSV header's columns (Order ID becomes order_id, 1st choice _1st_choice) and as Glue and Athena hold them; not so: ${try(join(", ", [for column in each.value.json.columns : length(column.name) > 255 ? "${jsonencode(column.name)} (${length(column.name)} characters)" : jsonencode(column.name) if !(can(regex("^[a-z_][a-z0-9_]*$", column.name)) && length(column.name) <= 255 && column.name != "ingest_date")]), "some")}. Rename them in ${basename(each.value.path)}, keeping each sourceName the header's text: the converter refuses this contract and fails every file of dataset ${each.key} until it is fixed."
    }

    precondition {
      condition     = try(length(distinct([for column in each.value.json.columns : column.name])) == length(each.value.json.columns), true)
      error_message = "${each.value.path}: every column needs a name of its own; ${try(join(", ", distinct([for column in each.value.json.columns : column.name if length([for other in each.value.json.columns : other if other.name == column.name]) > 1])), "some")} is named more than once."
    }
  }
}
