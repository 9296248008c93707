"""Cold starts of the silver converter under the AWS Lambda Runtime Interface Emulator, against moto_server.

Each measurement is a fresh execution environment: aws-lambda-rie starts the Java runtime interface client
with the shaded jar, the handler, the function's environment (JAVA_TOOL_OPTIONS as given) and
AWS_LAMBDA_FUNCTION_MEMORY_SIZE, inside a cgroup v1 CPU quota of memory / 1,769 MB CPUs (Lambda's CPU share
at that memory size). One S3 ObjectCreated event is invoked; the emulator's own log gives the init duration
(INIT REPORT durationMs: JVM start, runtime client, the handler's class and constructor) and the first
invocation's duration (INVOKE RTDONE duration). A case that cannot run fails the script.

Usage: python cold_start.py --rie PATH --runtime-classpath CP --moto moto_server --memory 2048 --runs 3
       --case NAME=JAR|JAVA_TOOL_OPTIONS ... --file 1kb=PATH --file 100mb=PATH
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
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conversion_benchmark import MB_PER_VCPU, make_cgroup, remove_cgroup  # noqa: E402

HANDLER = "dev.medallion.silver.lambda.SilverConverterHandler::handleRequest"
RUNTIME_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"


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
        return response.headers


def event(bucket, key, size, etag):
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "bronze-csv-created",
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": key, "size": size, "eTag": etag, "sequencer": "0055AED6DCD90281E5"}}}]})


def measure(arguments, endpoint, jar, tool_options, payload, silver_bucket, log_path):
    port, api_port = free_port(), free_port()
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8", "TZ": ":UTC",
        "AWS_LAMBDA_FUNCTION_NAME": "silver-converter", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(arguments.memory),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": "900", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/silver-converter", "_HANDLER": HANDLER,
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_ENDPOINT_URL": endpoint,
        "SILVER_BUCKET": silver_bucket, "JAVA_TOOL_OPTIONS": tool_options,
    }
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
                 arguments.java, "-cp", f"{arguments.runtime_classpath}:{jar}", RUNTIME_MAIN, HANDLER],
                stdout=log, stderr=subprocess.STDOUT, env=environment, preexec_fn=join_cgroup)
        try:
            wait_listening(port, process)
            start = time.monotonic()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations",
                                             data=payload.encode(), method="POST")
            with urllib.request.urlopen(request, timeout=960) as response:
                body = response.read().decode()
            client_seconds = time.monotonic() - start
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
    if "converted" not in body:
        raise SystemExit(f"the invocation did not convert: {body}\nlog {log_path}:\n{text[-3000:]}")
    init = re.search(r"INIT REPORT\(durationMs: ([0-9.]+)\)", text)
    invoke = re.search(r"INVOKE RTDONE\(status: success.*?duration: ([0-9.]+)ms\)", text)
    if not init or not invoke:
        raise SystemExit(f"no INIT REPORT or INVOKE RTDONE in {log_path}")
    return float(init.group(1)) / 1000, float(invoke.group(1)) / 1000, client_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rie", required=True)
    parser.add_argument("--runtime-classpath", required=True)
    parser.add_argument("--moto", default="moto_server")
    parser.add_argument("--java", default="java")
    parser.add_argument("--memory", type=int, default=2048)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", action="append", required=True, help="NAME=JAR|JAVA_TOOL_OPTIONS")
    parser.add_argument("--file", action="append", required=True, help="NAME=CSV")
    parser.add_argument("--cpu-shares", type=int, default=None,
                        help="cgroup v1 cpu.shares of the function and of moto_server (1024 is a normal process's weight)")
    arguments = parser.parse_args()

    work = tempfile.mkdtemp(prefix="cold-start-")
    moto_port = free_port()
    # moto_server plays S3: its CPU time is outside the function's quota, as S3's is, but it gets the same weight.
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
        s3(endpoint, "PUT", "/bronze")
        files = {}
        for spec in arguments.file:
            name, _, path = spec.partition("=")
            with open(path, "rb") as source:
                data = source.read()
            key = f"sales/{name}.csv"
            etag = s3(endpoint, "PUT", f"/bronze/{key}", data)["ETag"].strip('"')
            files[name] = (key, len(data), etag)
        results = {}
        silver_number = 0
        for run in range(1, arguments.runs + 1):
            for spec in arguments.case:
                name, _, rest = spec.partition("=")
                jar, _, tool_options = rest.partition("|")
                for file_name, (key, size, etag) in files.items():
                    silver_number += 1
                    silver = f"silver-{silver_number}"  # a fresh bucket: every run converts, none finds a manifest
                    s3(endpoint, "PUT", f"/{silver}")
                    log = os.path.join(work, f"{name}-{file_name}-{run}.log")
                    init, invoke, client = measure(arguments, endpoint, jar, tool_options, event("bronze", key, size, etag), silver, log)
                    results.setdefault((name, file_name), []).append((init, invoke, client))
                    print(f"{name} {file_name} run {run}: init {init:.2f} s, first invocation {invoke:.2f} s (client saw {client:.2f} s)",
                          flush=True)
        print()
        print(f"Cold starts under aws-lambda-rie, {arguments.memory} MB ({arguments.memory / MB_PER_VCPU:.2f} CPUs by cgroup quota);"
              f" medians of {arguments.runs}")
        print("| case | file | init s | first invocation s | init + invocation s |")
        print("|---|---|---|---|---|")
        for (name, file_name), values in results.items():
            init = statistics.median(v[0] for v in values)
            invoke = statistics.median(v[1] for v in values)
            print(f"| {name} | {file_name} | {init:.2f} | {invoke:.2f} | {statistics.median(v[0] + v[1] for v in values):.2f} |")
    finally:
        moto.terminate()
        moto.wait(10)
        if moto_cgroup is not None:
            remove_cgroup(moto_cgroup)


if __name__ == "__main__":
    main()
