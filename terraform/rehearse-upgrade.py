"""The data side of rehearse-on-moto.sh --upgrade-from: what a deployment holds before an upgrade, and
whether it still holds it after, and what the upgrade's plan would destroy or replace.

  rehearse-upgrade.py seed   ENDPOINT OUTPUTS_JSON SAMPLE_DATA_DIR INVENTORY_JSON
  rehearse-upgrade.py check  ENDPOINT OUTPUTS_JSON INVENTORY_JSON PLAN_JSON
  rehearse-upgrade.py plan   PLAN_JSON

seed puts an object in every bucket the old stack's outputs name (a sample CSV in bronze, a build
state object under _state/ in gold), a table in every Glue database and a message in every queue the
outputs name (the dead-letter queues, the gold trigger queue), then writes down every object version,
table and queue depth the emulator holds for the stack. check reads them again after the upgrade:
each version written down must still be there with its ETag, each table and each queue message too,
but the objects the plan said it would destroy or replace (aws_s3_object: the jars, whose key is their
hash, so a new build is a new key; the provider deletes every version of the old one,
hashicorp/terraform-provider-aws#4500).
plan reads `terraform show -json` of the upgrade's plan and lists every resource it would destroy or
replace, with the attributes that force a replacement; it exits 1 when one of them holds data.
"""

import json
import sys
import urllib3

import boto3

urllib3.disable_warnings()

# Destroying one of these loses data: objects and their versions, catalog tables, queued messages, logs,
# the key that decrypts the rest. A bucket's versioning is among them: destroying it suspends versioning.
HOLDS_DATA = {
    "aws_s3_bucket",
    "aws_s3_bucket_versioning",
    "aws_glue_catalog_database",
    "aws_glue_catalog_table",
    "aws_sqs_queue",
    "aws_cloudwatch_log_group",
    "aws_kms_key",
}


def client(service, endpoint, values):
    # The stack's region, read from the alert topic's ARN (a -var region=... moves it); the credentials are the
    # rehearsal's dummy ones, from the environment rehearse-on-moto.sh sets; the emulator's certificate is
    # self-signed, as emulator_endpoint's `insecure` accepts it.
    region = values["alerts_topic_arn"].split(":")[3]
    return boto3.client(service, endpoint_url=endpoint, region_name=region, verify=False)


def outputs(path):
    with open(path) as file:
        return {name: output["value"] for name, output in json.load(file).items()}


def queue_urls(values):
    urls = [url for url in (values.get("dead_letter_queue_urls") or {}).values() if url]
    if values.get("gold_trigger_queue"):
        urls.append(values["gold_trigger_queue"]["url"])
    return sorted(urls)


def inventory(endpoint, values):
    s3, glue, sqs = (client(service, endpoint, values) for service in ("s3", "glue", "sqs"))
    held = {"objects": {}, "tables": {}, "queues": {}}
    for bucket in sorted(name for name in values["bucket_names"].values() if name):
        versions = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            versions += [[bucket, v["Key"], v["VersionId"], v["ETag"]] for v in page.get("Versions", [])]
        held["objects"][bucket] = sorted(versions)
    for database in sorted(name for name in (values.get("glue_database_names") or {}).values() if name):
        tables = glue.get_tables(DatabaseName=database)["TableList"]
        held["tables"][database] = sorted(table["Name"] for table in tables)
    for url in queue_urls(values):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        held["queues"][url] = int(attributes["Attributes"]["ApproximateNumberOfMessages"])
    return held


def seed(endpoint, outputs_path, sample_data, inventory_path):
    values = outputs(outputs_path)
    s3, glue, sqs = (client(service, endpoint, values) for service in ("s3", "glue", "sqs"))
    for purpose, bucket in sorted(values["bucket_names"].items()):
        if bucket:
            s3.put_object(Bucket=bucket, Key=f"upgrade-rehearsal/{purpose}.txt", Body=f"kept across an upgrade: {purpose}\n".encode())
    buckets = values["bucket_names"]
    with open(f"{sample_data}/customers/customers.csv", "rb") as file:
        s3.put_object(Bucket=buckets["bronze"], Key="customers/customers.csv", Body=file.read())
    s3.put_object(Bucket=buckets["gold"], Key="_state/upgrade-rehearsal.json", Body=b'{"build": "before the upgrade"}\n')
    for database in sorted(name for name in (values.get("glue_database_names") or {}).values() if name):
        glue.create_table(DatabaseName=database, TableInput={
            "Name": "upgrade_rehearsal",
            "TableType": "EXTERNAL_TABLE",
            "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}],
                                  "Location": f"s3://{buckets['silver']}/upgrade_rehearsal/"},
        })
    for url in queue_urls(values):
        sqs.send_message(QueueUrl=url, MessageBody='{"kept": "across an upgrade"}')
    held = inventory(endpoint, values)
    with open(inventory_path, "w") as file:
        json.dump(held, file, indent=1)
    print(f"rehearse-on-moto: before the upgrade: {sum(len(v) for v in held['objects'].values())} object versions in "
          f"{len(held['objects'])} buckets, {sum(len(v) for v in held['tables'].values())} Glue tables, "
          f"{sum(held['queues'].values())} messages in {len(held['queues'])} queues")


def announced_objects(plan_path):
    """The (bucket, key) of every aws_s3_object the plan destroys or replaces: Terraform's own, announced."""
    if plan_path is None:
        return set()
    with open(plan_path) as file:
        changes = json.load(file).get("resource_changes", [])
    return {(c["change"]["before"]["bucket"], c["change"]["before"]["key"]) for c in changes
            if c["type"] == "aws_s3_object" and "delete" in c["change"]["actions"]}


def check(endpoint, outputs_path, inventory_path, plan_path=None):
    values = outputs(outputs_path)
    with open(inventory_path) as file:
        before = json.load(file)
    announced = announced_objects(plan_path)
    before["objects"] = {bucket: [v for v in versions if (v[0], v[1]) not in announced]
                         for bucket, versions in before["objects"].items()}
    after = inventory(endpoint, values)
    lost = []
    for bucket, versions in before["objects"].items():
        kept = {tuple(v) for v in after["objects"].get(bucket, [])}
        lost += [f"s3://{b}/{k} version {v} (ETag {e})" for b, k, v, e in versions if (b, k, v, e) not in kept]
    for database, tables in before["tables"].items():
        lost += [f"Glue table {database}.{t}" for t in tables if t not in after["tables"].get(database, [])]
    for url, count in before["queues"].items():
        if after["queues"].get(url, 0) < count:
            lost.append(f"{count - after['queues'].get(url, 0)} of {count} messages of {url}")
    if lost:
        for what in lost:
            print(f"rehearse-on-moto: lost in the upgrade: {what}", file=sys.stderr)
        return 1
    print(f"rehearse-on-moto: after the upgrade: every one of the {sum(len(v) for v in before['objects'].values())} object "
          f"versions, {sum(len(v) for v in before['tables'].values())} Glue tables and "
          f"{sum(before['queues'].values())} queued messages is still there")
    return 0


def plan(plan_path):
    with open(plan_path) as file:
        changes = json.load(file).get("resource_changes", [])
    counts = {}
    data_lost = False
    for change in changes:
        actions = change["change"]["actions"]
        counts[",".join(actions)] = counts.get(",".join(actions), 0) + 1
        if "delete" not in actions:
            continue
        what = "replaced" if "create" in actions else "destroyed"
        forced = ", ".join(".".join(str(step) for step in path) for path in change["change"].get("replace_paths", []))
        reason = change.get("action_reason", "")
        holds = change["type"] in HOLDS_DATA
        data_lost |= holds
        print(f"rehearse-on-moto: the upgrade's plan: {change['address']} {what}"
              f"{' (forced by ' + forced + ')' if forced else ''}{' ' + reason if reason else ''}"
              f"{': it holds data' if holds else ''}")
    print("rehearse-on-moto: the upgrade's plan: " + ", ".join(f"{count} {actions}" for actions, count in sorted(counts.items())))
    return 1 if data_lost else 0


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        seed(*sys.argv[2:6])
    elif command == "check":
        sys.exit(check(*sys.argv[2:6]))
    elif command == "plan":
        sys.exit(plan(sys.argv[2]))
    else:
        sys.exit(f"rehearse-upgrade.py: unknown command {command}: seed, check or plan")
