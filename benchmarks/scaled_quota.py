"""The converter's wall time at Lambda memories whose CPU this machine cannot give, by scaled CPU quotas.

Lambda gives a function CPU time in proportion to its memory, one vCPU per 1,769 MB, on processors that run
at full speed: it shows the JVM two processors up to 3,008 MB, three up to 5,307 MB, four up to 7,076 MB,
five up to 8,845 MB and six above (measured by https://github.com/rwnx/lambda-cpuinfo), and caps the CPU
time they use together. `conversion_benchmark.py` emulates that with a cgroup v1 quota, which a two-processor
machine can do up to two vCPUs (3,538 MB). Above that, this script runs every memory at a fraction of its
CPU (--scale, 0.5 by default): a quota of memory / 1,769 x scale CPUs, the JVM shown the processors Lambda
shows (-XX:ActiveProcessorCount) and told the memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, from which the
converter takes its byte ranges, RangeReading), so that 5,307 MB runs three ranges under a quota of 1.5 CPUs.
Its wall time times the scale estimates the wall time at full speed.

A quota is not a slower processor, though: it caps the CPU the process uses on average, and its threads
run at full speed while it lasts, so a scaled run can finish sooner than slower processors would; and on a
host whose two processors slow each other down when both run (shared caches, hyperthreads), a capped run
meets that less. To show by how much on this machine, the script also runs --reference (3,538 MB) unscaled,
at the 2.0 CPUs it needs, beside its scaled run: their ratio is the scaled method's bias here, printed and
applied to every scaled memory as a correction (an estimate, not a measurement: only a deployment measures
Lambda).

Every run is the converter's warm conversion (the third in one JVM, as deployed: the JAVA_TOOL_OPTIONS of
terraform/variables.tf and Lambda's serial collector) and pandas' warm conversion (the seed's method, the
third in one process) at one vCPU (a quota of 1.0), unscaled; rounds interleave them, tables show medians.

run-benchmark.sh runs it for the deployed memory when that buys more vCPUs than this machine has processors
(conversion_benchmark.py calls estimate()); alone it runs the memories asked for.

Usage (with the benchmark's virtual environment, after run-benchmark.sh has built the jar and made the CSV):
  python benchmarks/scaled_quota.py --csv FILE --jar silver-converter/target/silver-converter.jar \\
      --test-classes silver-converter/target/test-classes --variables-tf terraform/variables.tf \\
      [--memories 3538,5307] [--scale 0.5] [--runs 5] [--cpu-shares 65536]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conversion_benchmark import BYTES_PER_GB, MB_PER_VCPU, Contestant, ContestantFailed, deployed_default, run_child  # noqa: E402

REFERENCE_MB = 3538
# Lambda duration on arm64, per GB-second (docs/cost-model.md).
PRICE_PER_GB_SECOND = 0.0000133334


def lambda_processors(memory_mb):
    """The processors Lambda shows a function of this memory (rwnx/lambda-cpuinfo)."""
    for limit, processors in ((3008, 2), (5307, 3), (7076, 4), (8845, 5)):
        if memory_mb <= limit:
            return processors
    return 6


def estimate(csv, jar, test_classes, variables_tf, memories, java="java", scale=0.5, runs=5, heap="-Xmx1g", cpu_shares=None,
             python=sys.executable, progress=print):
    """Runs the rounds and prints the table; returns {memory: corrected wall s / pandas' wall s}, or raises ContestantFailed."""
    memories = sorted(set(memories) | {REFERENCE_MB})
    processors_here = len(os.sched_getaffinity(0))
    if not 0 < scale <= 1 or max(memories) / MB_PER_VCPU * scale > processors_here:
        raise ValueError(f"a scale of {scale} must be in (0, 1] and leave every memory's quota within the {processors_here} processors here")
    here = os.path.dirname(os.path.abspath(__file__))
    deployed = deployed_default(variables_tf, "silver_converter_java_tool_options")
    probe_classpath = f"{jar}:{test_classes}"

    def converter(memory_mb, processors):
        return Contestant(f"converter at {memory_mb} MB", [
            java, heap, "-XX:+UseSerialGC", f"-XX:ActiveProcessorCount={processors}", "-cp", probe_classpath,
            "dev.medallion.silver.benchmark.ConverterProbe", "{csv}", "{output}", "3"],
            {"JAVA_TOOL_OPTIONS": deployed, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb)}, probe=True, in_process="last")

    # (name, memory, contestant, quota): the reference unscaled, pandas at one vCPU, then every memory scaled.
    plan = [("reference unscaled", REFERENCE_MB, converter(REFERENCE_MB, processors_here), REFERENCE_MB / MB_PER_VCPU),
            ("pandas", None, Contestant("pandas warm", [python, os.path.join(here, "contestants.py"), "pandas", "{csv}", "{output}", "3"],
                                        {}, probe=True, in_process="last"), 1.0)]
    plan += [(f"{memory} MB scaled", memory, converter(memory, lambda_processors(memory)), round(memory / MB_PER_VCPU * scale, 2))
             for memory in memories]
    walls = {name: [] for name, _, _, _ in plan}
    cpus = {name: [] for name, _, _, _ in plan}
    work = tempfile.mkdtemp(prefix="scaled-quota-")
    try:
        for round_number in range(runs):
            for name, memory, contestant, quota in plan:
                try:
                    measurement = run_child(contestant, csv, os.path.join(work, "output"), os.path.join(work, "log.txt"),
                                            cpu_quota=quota, cpu_shares=cpu_shares, quota_memory_mb=memory)
                except ContestantFailed as failure:
                    raise ContestantFailed(f"{name}: {failure}") from failure
                last = measurement["probes"][-1]
                walls[name].append(last["seconds"])
                cpus[name].append(last["cpuSeconds"])
                progress(f"scaled quotas, round {round_number + 1}: {name} at a quota of {quota} CPUs: {last['seconds']:.3f} s,"
                         f" {last['cpuSeconds']:.2f} CPU s")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    input_gb = os.path.getsize(csv) / BYTES_PER_GB
    pandas = statistics.median(walls["pandas"])
    reference_unscaled = statistics.median(walls["reference unscaled"])
    reference_scaled = statistics.median(walls[f"{REFERENCE_MB} MB scaled"]) * scale
    bias = reference_unscaled / reference_scaled
    print()
    print(f"Scaled CPU quotas (benchmarks/scaled_quota.py): {input_gb:.4f} GB; medians of {runs} rounds; warm conversions;"
          f" pandas warm at 1.0 CPU: {pandas:.3f} s")
    print(f"bias of the scaled method here: {REFERENCE_MB} MB unscaled {reference_unscaled:.3f} s / scaled x {scale} {reference_scaled:.3f} s = {bias:.2f}")
    print("| memory | quota (scaled) | processors shown | wall s, scaled | CPU s | est. wall at full speed, s | corrected for the bias, s"
          " | corrected / pandas at 1 vCPU | cost per GB, corrected |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ratios = {}
    for name, memory, _, quota in plan[2:]:
        wall = statistics.median(walls[name])
        full_speed = wall * scale
        corrected = full_speed * bias
        cost = memory / 1024 * corrected * PRICE_PER_GB_SECOND / input_gb
        ratios[memory] = corrected / pandas
        print(f"| {memory} MB | {quota} | {lambda_processors(memory)} | {wall:.3f} | {statistics.median(cpus[name]):.2f} | {full_speed:.3f}"
              f" | {corrected:.3f} | {corrected / pandas:.2f}x | ${cost:.5f} |")
    return ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--jar", required=True)
    parser.add_argument("--test-classes", required=True)
    parser.add_argument("--variables-tf", required=True)
    parser.add_argument("--java", default="java")
    parser.add_argument("--memories", default="3538,5307", help="Lambda memories in MB to run scaled")
    parser.add_argument("--scale", type=float, default=0.5, help="the fraction of each memory's CPU share to run at")
    parser.add_argument("--runs", type=int, default=5)
    # Room for three ranges (RangeReading.HEAP_PER_READER each): Lambda's heap, 85 % of the memory, has more.
    parser.add_argument("--heap", default="-Xmx1g")
    parser.add_argument("--cpu-shares", type=int, default=None, help="cgroup v1 cpu.shares of every run (1024 is a normal process's)")
    arguments = parser.parse_args()
    try:
        estimate(arguments.csv, arguments.jar, arguments.test_classes, arguments.variables_tf,
                 [int(memory) for memory in arguments.memories.split(",")], java=arguments.java, scale=arguments.scale,
                 runs=arguments.runs, heap=arguments.heap, cpu_shares=arguments.cpu_shares)
    except ValueError as wrong:
        parser.error(str(wrong))
    except ContestantFailed as failure:
        sys.exit(f"scaled_quota.py: {failure}")


if __name__ == "__main__":
    main()
