"""Side-by-side conversion benchmark: the silver converter against the seed's pandas method, pyarrow
streaming and DuckDB, on the same CSV in the same run. run-benchmark.sh builds the jar, makes the
virtual environment and starts this; see BENCHMARKS.md for what the numbers mean.

Every contestant runs as a child process of its own and is measured whole: wall seconds, CPU seconds
(user + sys of the child and every descendant it waited for, from wait4), peak resident set (the
largest of them) and the Parquet bytes it wrote. Rounds interleave the contestants, so a noisy
neighbour hurts all alike; the table shows medians, and a second table the Java rows' CPU over pandas'
within each round (median and range), which cancels load that moves a whole round. Then the converter and pandas run again under
cgroup v1 CPU quotas that stand for Lambda's CPU share at a memory size (1,769 MB = one vCPU of CPU time).

A contestant that cannot run fails the benchmark (exit 1) with the reason; nothing is skipped silently.
"""
import argparse
import glob
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

BYTES_PER_GB = 1e9
# Lambda gives CPU in proportion to memory: 1,769 MB is one vCPU of CPU time (AWS Lambda docs, "Memory and
# computing power"). The quotas stand for these memory sizes.
MB_PER_VCPU = 1769
QUOTA_MEMORY_MB = {1.0: 1769, 1.16: 2048, 2.0: 3538, 3.0: 5307}
# ConversionPriming.DEFAULT_FILES: what the handler's SnapStart hook converts before the snapshot.
PRIMING = "default"
CGROUP_CPU = "/sys/fs/cgroup/cpu"
CGROUP_PERIOD_US = 100_000
# arm64 Lambda, US East (N. Virginia), first 6 billion GB-seconds a month; see BENCHMARKS.md for the source.
PRICE_PER_GB_SECOND_ARM64 = 0.0000133334
CHILD_TIMEOUT_SECONDS = 1800


class ContestantFailed(Exception):
    pass


class Contestant:
    """One way to convert: a command line and environment, run in a fresh process each time."""

    def __init__(self, name, command, environment=None, probe=False, in_process=None, writes_parquet=True):
        """in_process: which of the probe's conversions the table reports instead of the whole process ("first" or
        "last"), for rows about one conversion inside a process that did other work before it. writes_parquet: False
        for a contestant that only reads the CSV (its probe lines then count the records read, header included)."""
        self.name = name
        self.command = command
        self.environment = environment or {}
        self.probe = probe
        self.in_process = in_process
        self.writes_parquet = writes_parquet

    def reported_probe(self, measurement):
        return measurement["probes"][0 if self.in_process == "first" else -1]

    def directory(self):
        return re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")


def run_child(contestant, csv, output, log_path, cpu_quota=None, cpu_shares=None, cpus=None, quota_memory_mb=None):
    """Runs the contestant once; returns its measurement, or raises ContestantFailed with the log's tail.

    cpus: the processors the process may run on (taskset), all when None.
    quota_memory_mb: the Lambda memory a quota stands for (scaled_quota.py's); by default the memory that buys it."""
    shutil.rmtree(output, ignore_errors=True)
    os.makedirs(output)
    command = [part.format(csv=csv, output=output) for part in contestant.command]
    if cpus is not None:
        # taskset rather than a preexec function: ab.py --side-by-side starts children from two threads.
        command = ["taskset", "-c", ",".join(str(cpu) for cpu in sorted(cpus)), *command]
    environment = dict(os.environ)
    for variable in ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "RANGE_READERS", "MIN_RANGE_BYTES"):
        environment.pop(variable, None)
    environment.update(contestant.environment)
    if cpu_quota is not None and "AWS_LAMBDA_FUNCTION_MEMORY_SIZE" in contestant.environment:
        # The memory the quota stands for: the converter reads as many byte ranges at once as Lambda's would.
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = str(quota_memory_mb or QUOTA_MEMORY_MB.get(cpu_quota, round(cpu_quota * MB_PER_VCPU)))
    cgroup = None
    if cpu_quota is not None or cpu_shares is not None:
        cgroup = make_cgroup(cpu_quota, cpu_shares)
    try:
        with open(log_path, "wb") as log:
            start = time.monotonic()

            def join_cgroup():
                if cgroup is not None:
                    with open(os.path.join(cgroup, "cgroup.procs"), "w") as procs:
                        procs.write(str(os.getpid()))

            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment, preexec_fn=join_cgroup)
            try:
                _, status, usage = wait4_with_timeout(process.pid, CHILD_TIMEOUT_SECONDS)
            except TimeoutError:
                process.kill()
                os.waitpid(process.pid, 0)
                raise ContestantFailed(f"timed out after {CHILD_TIMEOUT_SECONDS} s; log {log_path}")
            process.returncode = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - start
    finally:
        if cgroup is not None:
            remove_cgroup(cgroup)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    if process.returncode != 0:
        raise ContestantFailed(f"exit code {process.returncode}; log {log_path}, its last lines:\n" + "\n".join(lines[-25:]))
    parquet = glob.glob(os.path.join(output, "**", "*.parquet"), recursive=True)
    if not parquet and contestant.writes_parquet:
        raise ContestantFailed(f"no .parquet file under {output}; log {log_path}")
    measurement = {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss_mb": usage.ru_maxrss * 1024 / 1e6,
        "output_bytes": sum(os.path.getsize(path) for path in parquet),
        "parquet": parquet,
    }
    if contestant.probe:
        probes = [parse_probe(line) for line in lines if line.startswith("probe ")]
        if not probes:
            raise ContestantFailed(f"no probe line; log {log_path}")
        measurement["probes"] = probes
        # What the last conversion in the process wrote, measured now: a later run of the contestant (under a
        # quota) writes into the same folder.
        last = f"/run-{len(probes)}/"
        measurement["last_output_bytes"] = sum(os.path.getsize(path) for path in parquet if last in path)
    return measurement


def wait4_with_timeout(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited == pid:
            return waited, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError()
        time.sleep(0.01)


def parse_probe(line):
    values = {}
    for pair in line[len("probe "):].split():
        key, _, value = pair.partition("=")
        values[key] = float(value)
    return values


def make_cgroup(cpus, shares=None):
    """A cgroup v1 CPU controller group capped at `cpus` CPUs (None: no cap) with `shares` as its weight against
    the machine's other processes (None: the default 1024); fails clearly where that is not possible."""
    if not os.path.isfile(os.path.join(CGROUP_CPU, "cpu.cfs_quota_us")):
        raise ContestantFailed(
            f"no cgroup v1 CPU controller at {CGROUP_CPU}: CPU quotas need it (and root); run with --no-quotas to leave them out"
        )
    # A group per thread as well: ab.py --side-by-side runs two children at once.
    path = os.path.join(CGROUP_CPU, f"medallion-benchmark-{os.getpid()}-{threading.get_native_id()}-{'all' if cpus is None else int(cpus * 100)}")
    try:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "cpu.cfs_period_us"), "w") as period:
            period.write(str(CGROUP_PERIOD_US))
        with open(os.path.join(path, "cpu.cfs_quota_us"), "w") as quota:
            quota.write("-1" if cpus is None else str(int(round(cpus * CGROUP_PERIOD_US))))
        if shares is not None:
            with open(os.path.join(path, "cpu.shares"), "w") as weight:
                weight.write(str(shares))
    except OSError as error:
        raise ContestantFailed(f"cannot set a CPU quota in {path}: {error} (root needed); run with --no-quotas to leave them out")
    return path


def remove_cgroup(path):
    for _ in range(50):
        try:
            os.rmdir(path)
            return
        except OSError:
            time.sleep(0.1)
    print(f"WARNING: could not remove cgroup {path}; remove it with rmdir", file=sys.stderr)


def count_rows(parquet_files):
    # Imported here, not at the top: cold_start.py borrows this module's cgroup helpers and runs the gold
    # builder's cold starts without the benchmark's virtual environment.
    import duckdb

    connection = duckdb.connect()
    files = ", ".join("'" + path.replace("'", "''") + "'" for path in sorted(parquet_files))
    return connection.execute(f"SELECT count(*) FROM read_parquet([{files}], union_by_name=true)").fetchone()[0]


def deployed_default(variables_tf, variable):
    """The default of a variable in terraform/variables.tf, a string or a number: what Lambda runs the converter with."""
    with open(variables_tf, encoding="utf-8") as source:
        text = source.read()
    block = re.search(r'variable "' + re.escape(variable) + r'" \{(.*?)\n\}', text, re.S)
    default = block and re.search(r'default\s*=\s*(?:"([^"]*)"|([0-9]+))', block.group(1))
    if not default:
        raise SystemExit(f"no default for {variable} in {variables_tf}")
    return default.group(1) if default.group(1) is not None else default.group(2)


def median(values):
    return statistics.median(values) if values else float("nan")


def cpu_seconds(contestant, measurement):
    """What the table reports as the contestant's CPU seconds: one conversion inside the process, or the whole process."""
    return contestant.reported_probe(measurement)["cpuSeconds"] if contestant.in_process else measurement["cpu"]


def quota_wall(contestant, measurement):
    """What the quota table reports as the contestant's wall seconds: one conversion inside the process, or the whole process."""
    return contestant.reported_probe(measurement)["seconds"] if contestant.in_process else measurement["wall"]


def paired(contestant, measurements, reference, reference_measurements):
    """The contestant's CPU seconds over the reference's in the same round, for every round both ran."""
    by_round = {m["round"]: cpu_seconds(reference, m) for m in reference_measurements}
    return [cpu_seconds(contestant, m) / by_round[m["round"]] for m in measurements if m["round"] in by_round]


def print_paired_ratios(contestants, results, runs, pandas_cold, pandas_warm):
    """The Java rows against pandas, round by round: on a shared machine the load moves whole rounds (one run's
    ratio of medians differs from another's by up to a third), and a ratio taken within a round cancels that."""
    references = [(label, c) for label, c in (("pandas, whole process", pandas_cold), ("pandas, warm", pandas_warm))
                  if c in contestants and results[c.name]]
    rows = [c for c in contestants if (c.name.startswith("converter") or c.name.startswith("Commons CSV")) and results[c.name]]
    if not references or not rows:
        return
    print()
    print(f"Paired per round: a contestant's CPU seconds over pandas' in the same round, median (lowest-highest) of"
          f" {runs} rounds; below 2.00x is within issue 11's bound")
    print("| contestant | " + " | ".join(f"x {label}" for label, _ in references) + " |")
    print("|---|" + "---|" * len(references))
    for contestant in rows:
        cells = []
        for _, reference in references:
            ratios = paired(contestant, results[contestant.name], reference, results[reference.name])
            cells.append(f"{median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})" if ratios else "-")
        print(f"| {contestant.name} | " + " | ".join(cells) + " |")
    converter_warm = next((c for c in rows if c.name.startswith("converter, warm")), None)
    parse_alone = next((c for c in rows if c.name.startswith("Commons CSV alone")), None)
    if converter_warm and parse_alone:
        rest = paired(converter_warm, results[converter_warm.name], parse_alone, results[parse_alone.name])
        print(f"The converter's warm conversion spends {median(rest):.2f}x ({min(rest):.2f}-{max(rest):.2f}) what its reader"
              f" alone spends: typing, Parquet and the rest cost {median(rest) - 1:.2f} parses")


def describe_machine():
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        memory = int(re.sub(r"[^0-9]", "", meminfo.readline())) / 1048576
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs, {model}, {memory:.1f} GiB, {platform.system()} {platform.release()} {platform.machine()};"
        f" load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def versions(java, venv_python):
    java_version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    python_versions = subprocess.run(
        [venv_python, "-c", "import sys, pandas, pyarrow, duckdb; print(sys.version.split()[0], pandas.__version__, pyarrow.__version__, duckdb.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return java_version[1] if len(java_version) > 1 else java_version[0], python_versions


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds of the unthrottled table")
    parser.add_argument("--quota-runs", type=int, default=3, help="interleaved rounds at each CPU quota")
    parser.add_argument("--quotas", default=None,
                        help="CPU quotas for the converter and pandas; empty for none. Default 1.0,1.16,2.0, and 3.0 (5,307 MB, the"
                             " deployed memory) on a machine of three processors or more, where it is measured instead of estimated")
    parser.add_argument("--no-quotas", action="store_true")
    parser.add_argument("--only", default="", help="semicolon-separated contestant name prefixes to run, such as 'converter, as deployed;pandas'")
    parser.add_argument("--work", required=True)
    parser.add_argument("--jar", required=True)
    parser.add_argument("--test-classes", required=True)
    parser.add_argument("--classpath", required=True, help="the test classpath, for generating the input")
    parser.add_argument("--java", default="java")
    parser.add_argument("--variables-tf", required=True)
    # Room for two byte ranges (RangeReading.HEAP_PER_READER each), as Lambda's heap at 3,538 MB has; well under its 85 %
    # of the memory, so that memory stays bounded as it would with a small heap.
    parser.add_argument("--heap", default="-Xmx512m")
    parser.add_argument("--cpu-shares", type=int, default=None,
                        help="cgroup v1 cpu.shares for every contestant (1024 is a normal process's weight): on a machine shared"
                             " with other work, a high weight lets the quota, not the neighbours, bound a contestant")
    arguments = parser.parse_args()

    os.makedirs(arguments.work, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    python = sys.executable
    java = arguments.java
    java_version, (python_version, pandas_version, pyarrow_version, duckdb_version) = versions(java, python)
    deployed = deployed_default(arguments.variables_tf, "silver_converter_java_tool_options")
    deployed_memory_mb = int(deployed_default(arguments.variables_tf, "silver_converter_memory_mb"))

    csv = os.path.join(arguments.work, f"retail-transactions-{arguments.rows}-seed20250101.csv")
    if not os.path.isfile(csv):
        subprocess.run([java, "-cp", f"{arguments.test_classes}:{arguments.classpath}",
                        "dev.medallion.silver.benchmark.BenchmarkInput", str(arguments.rows), csv], check=True)
    input_bytes = os.path.getsize(csv)
    input_gb = input_bytes / BYTES_PER_GB
    with open(csv, "rb") as warm:  # every contestant then reads from the page cache
        while warm.read(1 << 20):
            pass

    probe_classpath = f"{arguments.jar}:{arguments.test_classes}"
    probe = "dev.medallion.silver.benchmark.ConverterProbe"
    add_exports = "--add-exports=java.management/sun.management=ALL-UNNAMED"
    # Lambda's Java runtime puts the serial collector on the JVM's command line, whatever JAVA_TOOL_OPTIONS say.
    lambda_gc = "-XX:+UseSerialGC"
    # As deployed at the default memory (both read from variables.tf): Lambda's JAVA_TOOL_OPTIONS and memory size, which
    # decides how many byte ranges of a file are read at once (one per 1,769 MB; under a quota, as many as the quota's
    # memory buys).
    converter_deployed = Contestant(
        "converter, as deployed", [java, arguments.heap, lambda_gc, add_exports, "-cp", probe_classpath, probe, "{csv}", "{output}"],
        {"JAVA_TOOL_OPTIONS": deployed, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(deployed_memory_mb)}, probe=True)
    # SnapStart, on by default: the handler's hook converts three small files before the snapshot, so a restored
    # environment starts with the classes loaded and that code compiled. The nearest this machine has: the
    # first conversion after the same priming in one JVM (JVM start and priming left out, as the snapshot holds
    # them; the restore itself, which only AWS measures, left out too).
    converter_snapstart = Contestant(
        "converter, SnapStart as deployed (1st conversion after priming)",
        [java, arguments.heap, lambda_gc, add_exports, f"-Dprobe.prime={PRIMING}", "-cp", probe_classpath, probe, "{csv}", "{output}"],
        {"JAVA_TOOL_OPTIONS": deployed, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(deployed_memory_mb)}, probe=True, in_process="first")
    # A warm Lambda's next object: the third conversion in one JVM.
    converter_warm = Contestant(
        "converter, warm (3rd conversion in one JVM)",
        [java, arguments.heap, lambda_gc, add_exports, "-cp", probe_classpath, probe, "{csv}", "{output}", "3"],
        {"JAVA_TOOL_OPTIONS": deployed, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(deployed_memory_mb)}, probe=True, in_process="last")
    # The same, for a dataset whose schema contract is stored (every file of a dataset but its first): read, not inferred.
    converter_warm_known = Contestant(
        "converter, known dataset, warm (3rd conversion in one JVM, its contract stored)",
        [java, arguments.heap, lambda_gc, add_exports, "-Dprobe.knownDataset=true", "-cp", probe_classpath, probe, "{csv}", "{output}", "3"],
        {"JAVA_TOOL_OPTIONS": deployed, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(deployed_memory_mb)}, probe=True, in_process="last")
    # A warm Python Lambda ran its imports in its init: what it spends per object afterwards.
    pandas_warm = Contestant(
        "pandas, warm (3rd conversion in one process)",
        [python, os.path.join(here, "contestants.py"), "pandas", "{csv}", "{output}", "3"], probe=True, in_process="last")
    contestants = [
        converter_deployed,
        Contestant("converter, Lambda's JVM defaults (C1, Serial GC)",
                   [java, arguments.heap, lambda_gc, add_exports, "-XX:TieredStopAtLevel=1", "-cp", probe_classpath, probe,
                    "{csv}", "{output}"], {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(deployed_memory_mb)}, probe=True),
        converter_warm,
        converter_warm_known,
        converter_snapstart,
        # The other side of the deployed memory's choice (BENCHMARKS.md): below two vCPUs' worth a file is one stream.
        Contestant("converter, one stream (as at 2,048 MB)",
                   [java, arguments.heap, lambda_gc, add_exports, "-cp", probe_classpath, probe, "{csv}", "{output}"],
                   {"JAVA_TOOL_OPTIONS": deployed, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048"}, probe=True),
        # The floor under every converter row: the converter's own reader (decoding, Commons CSV, the parser the project
        # keeps) and nothing else, no typing, no Parquet. Its third pass in one JVM, as the warm rows.
        Contestant("Commons CSV alone: the converter's reader, no typing or output (3rd pass in one JVM)",
                   [java, arguments.heap, lambda_gc, "-cp", probe_classpath, "dev.medallion.silver.benchmark.ParseProbe", "{csv}", "3"],
                   {"JAVA_TOOL_OPTIONS": deployed}, probe=True, in_process="last", writes_parquet=False),
        Contestant("pandas chunks of 100k -> to_parquet (the seed's method)",
                   [python, os.path.join(here, "contestants.py"), "pandas", "{csv}", "{output}"]),
        pandas_warm,
        Contestant("pyarrow open_csv -> ParquetWriter",
                   [python, os.path.join(here, "contestants.py"), "pyarrow", "{csv}", "{output}"]),
        Contestant("duckdb threads=2 COPY",
                   [python, os.path.join(here, "contestants.py"), "duckdb", "{csv}", "{output}"]),
    ]
    if arguments.only:
        prefixes = [prefix.strip() for prefix in arguments.only.split(";")]
        contestants = [c for c in contestants if any(c.name.startswith(prefix) for prefix in prefixes)]
    pandas_contestant = next((c for c in contestants if c.name.startswith("pandas chunks")), None)

    print(f"Machine: {describe_machine()}")
    print(f"Java:    {java_version}; converter {arguments.jar} ({os.path.getsize(arguments.jar) / 1e6:.1f} MB), {arguments.heap},"
          f" JAVA_TOOL_OPTIONS as deployed: {deployed}")
    print(f"Python:  {python_version}, pandas {pandas_version}, pyarrow {pyarrow_version}, duckdb {duckdb_version}")
    print(f"Input:   {csv}, {arguments.rows:,} rows, {input_bytes / 1e6:.1f} MB")
    if arguments.cpu_shares is not None:
        print(f"CPU weight: every contestant in a cgroup of cpu.shares={arguments.cpu_shares} (a normal process has 1024)")
    print()

    logs = os.path.join(arguments.work, "logs")
    os.makedirs(logs, exist_ok=True)
    results = {c.name: [] for c in contestants}
    failures = {}
    rows_written = {}
    for round_number in range(1, arguments.runs + 1):
        for contestant in contestants:
            if contestant.name in failures:
                continue
            output = os.path.join(arguments.work, "out", contestant.directory())
            log = os.path.join(logs, f"{contestant.directory()}-{round_number}.log")
            try:
                measurement = run_child(contestant, csv, output, log, cpu_shares=arguments.cpu_shares)
            except ContestantFailed as failure:
                failures[contestant.name] = str(failure)
                print(f"{contestant.name} run {round_number}: FAILED: {failure}")
                continue
            measurement["round"] = round_number
            results[contestant.name].append(measurement)
            extra = ""
            if contestant.probe:
                reported = contestant.reported_probe(measurement)
                extra = (f"; in-process {'first' if contestant.in_process == 'first' else 'last'} conversion {reported['seconds']:.2f} s,"
                         f" {reported['cpuSeconds']:.2f} CPU s" + (f", gc {reported['gcSeconds']:.2f} s" if "gcSeconds" in reported else ""))
            print(f"{contestant.name} run {round_number}: wall {measurement['wall']:.2f} s, CPU {measurement['cpu']:.2f} s"
                  f" (user {measurement['user']:.2f}, sys {measurement['sys']:.2f}), RSS {measurement['rss_mb']:.0f} MB,"
                  f" output {measurement['output_bytes']:,} bytes{extra}", flush=True)
            if round_number == 1:
                if not contestant.writes_parquet:
                    rows_written[contestant.name] = round(contestant.reported_probe(measurement)["records"]) - 1  # less the header
                elif contestant.in_process == "last":
                    parquet = [p for p in measurement["parquet"] if f"/run-{len(measurement['probes'])}/" in p]
                else:
                    parquet = measurement["parquet"]
                rows_written[contestant.name] = count_rows(parquet)

    quota_results = {}
    if arguments.quotas is None:
        arguments.quotas = "1.0,1.16,2.0" + (",3.0" if len(os.sched_getaffinity(0)) >= 3 else "")
    quotas = [] if arguments.no_quotas or not arguments.quotas else [float(q) for q in arguments.quotas.split(",")]
    # Where the quota's memory buys two vCPUs or more the deployed converter reads a large file as byte ranges at
    # once; the same converter held to one stream shows what the ranges gain.
    one_stream = Contestant("converter, one stream (RANGE_READERS=1)", converter_deployed.command,
                            dict(converter_deployed.environment, RANGE_READERS="1"), probe=True)
    # The in-process rows are what a deployed function bills per object: a restored SnapStart environment's first
    # conversion, a warm Python Lambda's next one.
    quota_contestants = list(dict.fromkeys(
        c for c in (converter_deployed, converter_snapstart, converter_warm, converter_warm_known, pandas_contestant, pandas_warm)
        if c in contestants))
    if converter_deployed in quota_contestants:
        quota_contestants.insert(1, one_stream)
    for round_number in range(1, arguments.quota_runs + 1 if quotas else 1):
        for cpus in quotas:
            for contestant in quota_contestants:
                if contestant is one_stream and QUOTA_MEMORY_MB.get(cpus, round(cpus * MB_PER_VCPU)) < 2 * MB_PER_VCPU:
                    continue
                key = (contestant.name, cpus)
                if key in failures or contestant.name in failures:
                    continue
                output = os.path.join(arguments.work, "out", contestant.directory())
                log = os.path.join(logs, f"{contestant.directory()}-cpus{cpus}-{round_number}.log")
                try:
                    measurement = run_child(contestant, csv, output, log, cpu_quota=cpus, cpu_shares=arguments.cpu_shares)
                except ContestantFailed as failure:
                    failures[key] = str(failure)
                    print(f"{contestant.name} at {cpus} CPUs run {round_number}: FAILED: {failure}")
                    continue
                quota_results.setdefault(key, []).append(measurement)
                print(f"{contestant.name} at {cpus} CPUs run {round_number}: wall {measurement['wall']:.2f} s,"
                      f" CPU {measurement['cpu']:.2f} s", flush=True)

    print()
    print(f"Input {input_bytes / 1e6:.1f} MB ({arguments.rows:,} rows); medians of {arguments.runs} interleaved runs;"
          f" CPU = user + sys of the whole process tree; GB = 10^9 bytes of CSV")
    pandas_cpu_per_gb = None
    if pandas_contestant and results.get(pandas_contestant.name):
        pandas_cpu_per_gb = median([m["cpu"] for m in results[pandas_contestant.name]]) / input_gb
    header = ("| contestant | wall s | CPU s | CPU s per GB | CPU vs pandas | peak RSS MB | output MB | rows read back |")
    print(header)
    print("|---|---|---|---|---|---|---|---|")
    for contestant in contestants:
        measurements = results[contestant.name]
        if not measurements:
            print(f"| {contestant.name} | FAILED: {failures.get(contestant.name, '').splitlines()[0]} |")
            continue
        output_bytes = measurements[-1]["output_bytes"]
        if contestant.in_process:
            wall = median([contestant.reported_probe(m)["seconds"] for m in measurements])
            cpu = median([contestant.reported_probe(m)["cpuSeconds"] for m in measurements])
            if contestant.in_process == "last" and contestant.writes_parquet:
                output_bytes = measurements[-1]["last_output_bytes"]
        else:
            wall = median([m["wall"] for m in measurements])
            cpu = median([m["cpu"] for m in measurements])
        ratio = f"{pandas_cpu_per_gb / (cpu / input_gb):.2f}x" if pandas_cpu_per_gb else "-"
        rows = rows_written.get(contestant.name)
        print(f"| {contestant.name} | {wall:.2f} | {cpu:.2f} | {cpu / input_gb:.1f} | {ratio} |"
              f" {max(m['rss_mb'] for m in measurements):.0f} | {f'{output_bytes / 1e6:.1f}' if contestant.writes_parquet else '-'} |"
              f" {'-' if rows is None else f'{rows:,}'} |")
    print("(CPU vs pandas: pandas' CPU seconds divided by the contestant's, above 1 is cheaper than pandas; the warm rows"
          " and the SnapStart row are one conversion measured inside its process, the others whole processes)")
    print_paired_ratios(contestants, results, arguments.runs, pandas_contestant, pandas_warm)
    for contestant in contestants:
        measurements = results[contestant.name]
        if contestant.probe and measurements and contestant.name.startswith("converter"):
            first = [m["probes"][0] for m in measurements]
            print(f"{contestant.name}: JVM start-up to the conversion's start {median([m['wall'] - sum(p['seconds'] for p in m['probes']) for m in measurements]):.2f} s wall"
                  f" (process minus in-process{', the priming included' if contestant.in_process == 'first' else ''}); classes loaded {median([p['classes'] for p in first]):.0f},"
                  f" class loading {median([p['classLoadingSeconds'] for p in first]):.2f} s;"
                  f" GC {median([p['gcSeconds'] for p in first]):.2f} s in {median([p['gcCount'] for p in first]):.0f} collections")

    if quota_results:
        print()
        print(f"Under a CPU quota (cgroup v1 cfs, period {CGROUP_PERIOD_US} us): medians of {arguments.quota_runs};"
              f" cost = wall x memory x ${PRICE_PER_GB_SECOND_ARM64}/GB-s (arm64); the SnapStart and warm rows time their one"
              f" conversion inside the process, the others the whole process")
        print("| contestant | CPUs (Lambda memory) | wall s | wall s per GB | CPU s | cost per GB of CSV |")
        print("|---|---|---|---|---|---|")
        for contestant in quota_contestants:
            for cpus in quotas:
                measurements = quota_results.get((contestant.name, cpus))
                memory = QUOTA_MEMORY_MB.get(cpus, round(cpus * MB_PER_VCPU))
                if not measurements and contestant is one_stream and (contestant.name, cpus) not in failures:
                    continue  # not run below two vCPUs, where the deployed converter reads one stream anyway
                if not measurements:
                    print(f"| {contestant.name} | {cpus} ({memory:,} MB) | FAILED |")
                    continue
                wall = median([quota_wall(contestant, m) for m in measurements])
                cpu = median([cpu_seconds(contestant, m) for m in measurements])
                cost = wall / input_gb * memory / 1024 * PRICE_PER_GB_SECOND_ARM64
                print(f"| {contestant.name} | {cpus} ({memory:,} MB) | {wall:.2f} | {wall / input_gb:.1f} | {cpu:.2f} | ${cost:.5f} |")
        deployed_cpus = next((cpus for cpus in quotas if QUOTA_MEMORY_MB.get(cpus) == deployed_memory_mb), None)

        def quota_median(contestant, cpus):
            measurements = quota_results.get((contestant.name, cpus))
            return f"{median([quota_wall(contestant, m) for m in measurements]):.2f} s" if measurements else "-"

        deployed_share = deployed_memory_mb / MB_PER_VCPU
        if deployed_cpus is None and 1.0 in quotas and deployed_share > len(os.sched_getaffinity(0)):
            # Three vCPUs and more: what no quota on this machine gives, estimated instead (BENCHMARKS.md, session 27).
            print(f"Wall time at the deployed {deployed_memory_mb:,} MB against pandas at one vCPU (issue 11, item 3): its"
                  f" {deployed_share:.1f} vCPUs are more than the {len(os.sched_getaffinity(0))} processors here, so estimated by scaled quotas:",
                  flush=True)
            import scaled_quota  # here, not at the top: scaled_quota imports this module
            try:
                scaled_quota.estimate(csv, arguments.jar, arguments.test_classes, arguments.variables_tf, [deployed_memory_mb], java=java,
                                      runs=arguments.quota_runs, cpu_shares=arguments.cpu_shares, python=python)
            except (ValueError, ContestantFailed) as failure:
                failures["scaled quotas"] = str(failure)
        if deployed_cpus is not None and 1.0 in quotas:
            print(f"Wall time at the deployed {deployed_memory_mb:,} MB against pandas at one vCPU (issue 11, item 3):"
                  f" converter as deployed {quota_median(converter_deployed, deployed_cpus)},"
                  f" SnapStart-restored {quota_median(converter_snapstart, deployed_cpus)}, warm {quota_median(converter_warm, deployed_cpus)},"
                  f" warm on a known dataset {quota_median(converter_warm_known, deployed_cpus)};"
                  f" pandas {quota_median(pandas_contestant, 1.0) if pandas_contestant else '-'} (whole process),"
                  f" {quota_median(pandas_warm, 1.0)} (warm)")

    expected = arguments.rows
    wrong_rows = {name: rows for name, rows in rows_written.items() if rows != expected}
    if wrong_rows:
        print(f"FAILED: these outputs do not hold the {expected:,} rows: {wrong_rows}")
    if failures:
        print("FAILED: " + "; ".join(f"{name}: {reason.splitlines()[0]}" for name, reason in failures.items()))
    return 1 if failures or wrong_rows else 0


if __name__ == "__main__":
    sys.exit(main())
