"""Cold starts of a function under the AWS Lambda Runtime Interface Emulator, against moto_server.

Each measurement is a fresh execution environment: aws-lambda-rie starts the Java runtime interface client
with the shaded jar, the function's handler, its environment (JAVA_TOOL_OPTIONS as given) and
AWS_LAMBDA_FUNCTION_MEMORY_SIZE, inside a cgroup v1 CPU quota of memory / 1,769 MB CPUs (Lambda's CPU share
at that memory size). One event is invoked; the emulator's own log gives the init duration (INIT REPORT
durationMs: JVM start, runtime client, the handler's class and constructor) and the first invocation's
duration (INVOKE RTDONE duration); /proc gives the JVM's CPU seconds (user + sys, all its threads) from its
start to the invocation's answer. Each invocation's answer and log are checked for the path it should
take; a case that cannot run, or takes another path, fails the script.

--function silver-converter: one S3 ObjectCreated event per --file, each converted into a fresh silver
bucket (so none finds a manifest).
--function gold-ctas: moto_server plays S3, Glue and Athena (a silver catalog and manifests as the converter
leaves them, the builder's workgroup). Per run and case, in a fresh gold bucket: "build", an SQS batch of
silver commits, builds every shipped model (moto's Athena runs no SQL: every query SUCCEEDED at the first
poll, no bytes scanned, the partitions query answered with canned rows); then "unchanged", the same batch
again in a fresh environment, finds every model's inputs unchanged and runs no query.

Usage: python cold_start.py --function silver-converter --rie PATH --runtime-classpath CP --memory 3538 --runs 3
       --case NAME=JAR|JAVA_TOOL_OPTIONS ... --file 1kb=PATH --file 100mb=PATH
       python cold_start.py --function gold-ctas --rie PATH --runtime-classpath CP --memory 512 --runs 3
       --case NAME=JAR|JAVA_TOOL_OPTIONS ...
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conversion_benchmark import MB_PER_VCPU, make_cgroup, remove_cgroup  # noqa: E402

RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
REGION = "us-east-1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listened on 127.0.0.1:{port} within {seconds} s")


def s3(endpoint, method, path, data=None):
    request = urllib.request.Request(endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/octet-stream"} if data is not None else {})
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


def aws_json(endpoint, service, target, body):
    """One call of an AWS JSON protocol API (Glue, Athena) on moto_server, which routes by the credential
    scope of the Authorization header and checks no signature."""
    request = urllib.request.Request(endpoint + "/", data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target,
        "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/{service}/aws4_request, SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


def moto_api(endpoint, path, body):
    request = urllib.request.Request(endpoint + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        response.read()


def s3_event(bucket, key, size, etag, event_time="2026-01-01T00:00:00.000Z"):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventTime": event_time, "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "bronze-csv-created",
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": key, "size": size, "eTag": etag, "sequencer": "0055AED6DCD90281E5"}}}]}


class Invocation:
    """One cold start: the event, the environment it needs beyond the function's own, and a check of what
    the invocation answered and logged, which raises SystemExit when it took another path."""

    def __init__(self, name, payload, environment, check):
        self.name = name
        self.payload = payload
        self.environment = environment
        self.check = check


class SilverConverter:
    name = "silver-converter"
    handler = "dev.medallion.silver.lambda.SilverConverterHandler::handleRequest"

    def __init__(self, arguments):
        if not arguments.file:
            raise SystemExit("--function silver-converter needs at least one --file NAME=CSV")
        self.file_specs = arguments.file
        self.files = {}
        self.silver_number = 0

    def prepare(self, endpoint):
        s3(endpoint, "PUT", "/bronze")
        for spec in self.file_specs:
            name, _, path = spec.partition("=")
            with open(path, "rb") as source:
                data = source.read()
            key = f"sales/{name}.csv"
            etag = s3(endpoint, "PUT", f"/bronze/{key}", data)[0]["ETag"].strip('"')
            self.files[name] = (key, len(data), etag)

    def environment(self, endpoint):
        return {}

    def invocations(self, endpoint):
        for file_name, (key, size, etag) in self.files.items():
            self.silver_number += 1
            silver = f"silver-{self.silver_number}"  # a fresh bucket: every run converts, none finds a manifest
            s3(endpoint, "PUT", f"/{silver}")
            yield Invocation(file_name, s3_event("bronze", key, size, etag), {"SILVER_BUCKET": silver}, self.check)

    @staticmethod
    def check(body, log):
        if "converted" not in body:
            raise SystemExit(f"the invocation did not convert: {body}")


class GoldCtas:
    """The gold builder against a silver lake in moto: the catalog the converter leaves (each dataset a table
    partitioned by ingest_date) and one manifest per converted file."""
    name = "gold-ctas"
    handler = "dev.medallion.gold.lambda.GoldCtasHandler::handleRequest"
    silver_bucket = "silver"
    silver_database = "silver"
    gold_database = "gold"
    workgroup = "gold-builder"
    # What the shipped models read. sales: a file a day for a month; the others: one file each.
    datasets = {
        "sales": (30, [("transaction_id", "string"), ("timestamp", "timestamp"), ("customer_id", "string"),
                       ("product_id", "string"), ("store_id", "string"), ("region", "string"), ("channel", "string"),
                       ("quantity", "bigint"), ("unit_price", "decimal(10,2)"), ("total_amount", "decimal(12,2)")]),
        "products": (1, [("product_id", "string"), ("product_name", "string"), ("category", "string"), ("unit_cost", "decimal(10,2)")]),
        "customers": (1, [("customer_id", "string"), ("signup_date", "date"), ("region", "string")]),
        "stores_eu": (1, [("store_id", "string"), ("region", "string"), ("square_metres", "bigint"), ("monthly_rent", "string")]),
    }
    # What daily_revenue_by_category_region's SELECT DISTINCT sale_month would return for that month of
    # sales, and a year before it: moto hands a queued result to the next query whose results are read.
    sale_months = [f"2025-{month:02d}-01" for month in range(1, 13)] + ["2026-01-01"]
    models = 4

    def __init__(self, arguments):
        if arguments.file:
            raise SystemExit("--function gold-ctas takes no --file: its events are SQS batches of silver commits")
        self.gold_number = 0
        self.commits = []

    def prepare(self, endpoint):
        s3(endpoint, "PUT", f"/{self.silver_bucket}")
        glue = lambda target, body: aws_json(endpoint, "glue", f"AWSGlue.{target}", body)  # noqa: E731
        glue("CreateDatabase", {"DatabaseInput": {"Name": self.silver_database}})
        glue("CreateDatabase", {"DatabaseInput": {"Name": self.gold_database}})
        aws_json(endpoint, "athena", "AmazonAthena.CreateWorkGroup", {"Name": self.workgroup, "Description": "the gold builder's"})
        for dataset, (files, columns) in self.datasets.items():
            location = f"s3://{self.silver_bucket}/{dataset}/"
            glue("CreateTable", {"DatabaseName": self.silver_database, "TableInput": {
                "Name": dataset, "TableType": "EXTERNAL_TABLE",
                "PartitionKeys": [{"Name": "ingest_date", "Type": "string"}],
                "StorageDescriptor": {"Location": location, "Columns": [{"Name": n, "Type": t} for n, t in columns]}}})
            for day in range(1, files + 1):
                date = f"2026-01-{day:02d}"
                glue("CreatePartition", {"DatabaseName": self.silver_database, "TableName": dataset, "PartitionInput": {
                    "Values": [date], "StorageDescriptor": {"Location": f"{location}ingest_date={date}/"}}})
                key = f"_manifests/{dataset}/{dataset}_{date}.json"
                manifest = json.dumps({"status": "converted", "dataset": dataset, "ingestDate": date}).encode()
                etag = s3(endpoint, "PUT", f"/{self.silver_bucket}/{key}", manifest)[0]["ETag"].strip('"')
                self.commits.append((key, len(manifest), etag))

    def environment(self, endpoint):
        return {"GOLD_PREFIX": "", "SILVER_BUCKET": self.silver_bucket, "SILVER_PREFIX": "",
                "SILVER_DATABASE": self.silver_database, "GOLD_DATABASE": self.gold_database, "ATHENA_WORKGROUP": self.workgroup}

    def batch(self):
        """What the trigger queue hands over after a day's commits: the last three (a message per manifest)."""
        records = []
        for number, (key, size, etag) in enumerate(self.commits[-3:]):
            records.append({
                "messageId": f"00000000-0000-4000-8000-{number:012d}", "receiptHandle": "AQEB", "md5OfBody": "0",
                "body": json.dumps(s3_event(self.silver_bucket, key, size, etag, "2026-01-30T23:00:00.000Z")),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1769814000000"}, "messageAttributes": {},
                "eventSource": "aws:sqs", "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:gold-triggers", "awsRegion": REGION})
        return {"Records": records}

    def invocations(self, endpoint):
        self.gold_number += 1
        gold = f"gold-{self.gold_number}"  # a fresh bucket: no state, so the first invocation builds every model
        s3(endpoint, "PUT", f"/{gold}")
        rows = [{"Data": [{"VarCharValue": "sale_month"}]}] + [{"Data": [{"VarCharValue": month}]} for month in self.sale_months]
        moto_api(endpoint, "/moto-api/static/athena/query-results", {"region": REGION, "results": [{
            "rows": rows, "column_info": [{"Name": "sale_month", "Label": "sale_month", "Type": "date"}]}]})
        environment = {"GOLD_BUCKET": gold}
        yield Invocation("build", self.batch(), environment, self.expect("gold model built and swapped into its view", queries=True))
        yield Invocation("unchanged", self.batch(), environment, self.expect("gold model unchanged", queries=False))

    def expect(self, line, queries):
        def check(body, log):
            if json.loads(body) != {"batchItemFailures": []}:
                raise SystemExit(f"the batch was not done with: {body}")
            if log.count(line) != self.models:
                raise SystemExit(f"expected {self.models} log lines '{line}', found {log.count(line)}")
            if ("athena query succeeded" in log) != queries:
                raise SystemExit(f"expected {'' if queries else 'no '}Athena queries")
        return check


FUNCTIONS = {function.name: function for function in (SilverConverter, GoldCtas)}


def jvm_cpu_seconds(rie_pid):
    """User + sys seconds of every process the emulator started (the JVM, all its threads), from /proc."""
    total = 0
    for thread in os.listdir(f"/proc/{rie_pid}/task"):
        with open(f"/proc/{rie_pid}/task/{thread}/children") as children:
            for child in children.read().split():
                with open(f"/proc/{child}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    if total == 0:
        raise SystemExit("the emulator has no child process to measure")
    return total / CLOCK_TICKS


def measure(arguments, function, endpoint, jar, tool_options, invocation, log_path):
    port, api_port = free_port(), free_port()
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
        "AWS_LAMBDA_FUNCTION_NAME": function.name, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(arguments.memory),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": "900", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}", "_HANDLER": function.handler,
        "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL": endpoint,
        "JAVA_TOOL_OPTIONS": tool_options,
    }
    environment.update(function.environment(endpoint))
    environment.update(invocation.environment)
    cpus = arguments.memory / MB_PER_VCPU
    cgroup = make_cgroup(cpus, arguments.cpu_shares)
    try:
        def join_cgroup():
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as procs:
                procs.write(str(os.getpid()))

        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [arguments.rie, "--runtime-interface-emulator-address", f"127.0.0.1:{port}",
                 "--runtime-api-address", f"127.0.0.1:{api_port}",
                 arguments.java, "-cp", f"{arguments.runtime_classpath}:{jar}", RUNTIME_MAIN, function.handler],
                stdout=log, stderr=subprocess.STDOUT, env=environment, preexec_fn=join_cgroup)
        try:
            wait_listening(port, process)
            start = time.monotonic()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations",
                                             data=json.dumps(invocation.payload).encode(), method="POST")
            try:
                with urllib.request.urlopen(request, timeout=960) as response:
                    body = response.read().decode()
            except urllib.error.HTTPError as failure:  # the emulator's answer when the runtime could not start
                with open(log_path, encoding="utf-8", errors="replace") as log:
                    raise SystemExit(f"{function.name} {invocation.name}: the emulator answered {failure}\nlog {log_path}:\n{log.read()[-3000:]}")
            client_seconds = time.monotonic() - start
            cpu_seconds = jvm_cpu_seconds(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        remove_cgroup(cgroup)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    try:
        invocation.check(body, text)
    except SystemExit as failure:
        raise SystemExit(f"{function.name} {invocation.name}: {failure}\nlog {log_path}:\n{text[-3000:]}")
    init = re.search(r"INIT REPORT\(durationMs: ([0-9.]+)\)", text)
    invoke = re.search(r"INVOKE RTDONE\(status: success.*?duration: ([0-9.]+)ms\)", text)
    if not init or not invoke:
        raise SystemExit(f"no INIT REPORT or INVOKE RTDONE in {log_path}")
    return float(init.group(1)) / 1000, float(invoke.group(1)) / 1000, client_seconds, cpu_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--function", choices=sorted(FUNCTIONS), default=SilverConverter.name)
    parser.add_argument("--rie", required=True)
    parser.add_argument("--runtime-classpath", required=True)
    parser.add_argument("--moto", default="moto_server")
    parser.add_argument("--java", default="java")
    parser.add_argument("--memory", type=int, required=True, help="the function's memory in MB (run-cold-start.sh: terraform/variables.tf's)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", action="append", required=True, help="NAME=JAR|JAVA_TOOL_OPTIONS")
    parser.add_argument("--file", action="append", default=[], help="NAME=CSV (silver-converter)")
    parser.add_argument("--cpu-shares", type=int, default=None,
                        help="cgroup v1 cpu.shares of the function and of moto_server (1024 is a normal process's weight)")
    arguments = parser.parse_args()
    function = FUNCTIONS[arguments.function](arguments)

    work = tempfile.mkdtemp(prefix="cold-start-")
    moto_port = free_port()
    # moto_server plays S3 (and Glue and Athena): its CPU time is outside the function's quota, as the
    # services' is, but it gets the same weight.
    moto_cgroup = make_cgroup(None, arguments.cpu_shares) if arguments.cpu_shares is not None else None

    def join_moto_cgroup():
        if moto_cgroup is not None:
            with open(os.path.join(moto_cgroup, "cgroup.procs"), "w") as procs:
                procs.write(str(os.getpid()))

    moto = subprocess.Popen([arguments.moto, "-H", "127.0.0.1", "-p", str(moto_port)],
                            stdout=open(os.path.join(work, "moto.log"), "wb"), stderr=subprocess.STDOUT, preexec_fn=join_moto_cgroup)
    endpoint = f"http://127.0.0.1:{moto_port}"
    try:
        wait_listening(moto_port, moto)
        function.prepare(endpoint)
        results = {}
        for run in range(1, arguments.runs + 1):
            for spec in arguments.case:
                name, _, rest = spec.partition("=")
                jar, _, tool_options = rest.partition("|")
                for invocation in function.invocations(endpoint):
                    log = os.path.join(work, f"{name}-{invocation.name}-{run}.log".replace(" ", "_"))
                    measured = measure(arguments, function, endpoint, jar, tool_options, invocation, log)
                    results.setdefault((name, invocation.name), []).append(measured)
                    init, invoke, client, cpu = measured
                    print(f"{name} {invocation.name} run {run}: init {init:.2f} s, first invocation {invoke:.2f} s"
                          f" (client saw {client:.2f} s), JVM CPU {cpu:.2f} s", flush=True)
        print()
        processors = len(os.sched_getaffinity(0))
        share = arguments.memory / MB_PER_VCPU
        # Above this machine's processors the quota holds nothing back: the figures are for what the machine has.
        quota = f"{share:.2f} CPUs by cgroup quota" if share <= processors else f"{share:.2f} CPUs' share, more than the {processors} processors here give"
        print(f"Cold starts of {function.name} under aws-lambda-rie, {arguments.memory} MB ({quota}); medians of {arguments.runs}")
        print("| case | event | init s | first invocation s | init + invocation s | JVM CPU s |")
        print("|---|---|---|---|---|---|")
        for (name, event_name), values in results.items():
            init = statistics.median(v[0] for v in values)
            invoke = statistics.median(v[1] for v in values)
            print(f"| {name} | {event_name} | {init:.2f} | {invoke:.2f} | {statistics.median(v[0] + v[1] for v in values):.2f}"
                  f" | {statistics.median(v[3] for v in values):.2f} |")
    finally:
        moto.terminate()
        moto.wait(10)
        if moto_cgroup is not None:
            remove_cgroup(moto_cgroup)


if __name__ == "__main__":
    main()
