"""Interleaved A/B runs of converter jars on the benchmark's CSV: CPU seconds (whole process) and wall.

Usage (with the benchmark's virtual environment):
  python benchmarks/ab.py --csv FILE --test-classes DIR --runs 5 [--repeat N] [--java JAVA] NAME=JAR[|EXTRA JVM OPTIONS[|JAVA_TOOL_OPTIONS]] ...
Each round runs every jar once, in order, so a noisy neighbour hurts all alike; prints each run and the
medians, and each contestant's CPU seconds over the first contestant's in the same round (median and
range). With --repeat N (N > 1) each JVM converts the file N times, and the last conversion (a warm
Lambda's) is reported beside the whole process; with N = 1 the "last" conversion is the cold first one. For measuring one change against another on a shared machine, where
CPU seconds mean more than wall.
"""
import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conversion_benchmark import Contestant, ContestantFailed, run_child  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--test-classes", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="conversions in each JVM (at least 1); the last is reported as warm")
    parser.add_argument("--java", default="java")
    parser.add_argument("--heap", default="-Xmx256m")
    parser.add_argument("--tool-options", default="-XX:+TieredCompilation -XX:TieredStopAtLevel=4 -XX:CompileThresholdScaling=3")
    parser.add_argument("--cpu-shares", type=int, default=None, help="cgroup v1 cpu.shares of every run (1024 is a normal process's)")
    parser.add_argument("contestants", nargs="+", help="NAME=JAR or NAME=JAR|EXTRA JVM OPTIONS or NAME=JAR|EXTRA|JAVA_TOOL_OPTIONS")
    arguments = parser.parse_args()
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    contestants = []
    for spec in arguments.contestants:
        name, _, rest = spec.partition("=")
        jar, _, options = rest.partition("|")
        options, _, tool_options = options.partition("|")
        contestants.append(Contestant(name, [arguments.java, arguments.heap, *options.split(), "-cp", f"{jar}:{arguments.test_classes}",
                                             "dev.medallion.silver.benchmark.ConverterProbe", "{csv}", "{output}", str(arguments.repeat)],
                                      {"JAVA_TOOL_OPTIONS": tool_options or arguments.tool_options}, probe=True))
    work = tempfile.mkdtemp(prefix="ab-")
    results = {c.name: [] for c in contestants}
    for round_number in range(arguments.runs):
        for contestant in contestants:
            try:
                m = run_child(contestant, arguments.csv, os.path.join(work, contestant.directory()), os.path.join(work, f"{contestant.directory()}.log"),
                              cpu_shares=arguments.cpu_shares)
            except ContestantFailed as failure:
                sys.exit(f"{contestant.name}: {failure}")
            results[contestant.name].append(m)
            probe = m["probes"][-1]
            print(f"{contestant.name}: CPU {m['cpu']:.2f} s wall {m['wall']:.2f} s first conversion CPU {m['probes'][0]['cpuSeconds']:.2f} s"
                  f" wall {m['probes'][0]['seconds']:.2f} s gc {probe['gcSeconds']:.2f} s ({probe['gcCount']:.0f})"
                  f" last conversion CPU {probe['cpuSeconds']:.2f} s"
                  f" RSS {m['rss_mb']:.0f} MB out {m['output_bytes']:,}", flush=True)
    print()
    for contestant in contestants:
        ms = results[contestant.name]
        print(f"{contestant.name}: median CPU {statistics.median(m['cpu'] for m in ms):.2f} s, wall {statistics.median(m['wall'] for m in ms):.2f} s,"
              f" min CPU {min(m['cpu'] for m in ms):.2f} s; first conversion in the JVM: median CPU"
              f" {statistics.median(m['probes'][0]['cpuSeconds'] for m in ms):.2f} s, wall {statistics.median(m['probes'][0]['seconds'] for m in ms):.2f} s;"
              f" last conversion: median CPU {statistics.median(m['probes'][-1]['cpuSeconds'] for m in ms):.2f} s; runs {len(ms)}")
    first = contestants[0].name
    for contestant in contestants[1:]:
        for label, value in (("whole process", lambda m: m["cpu"]), ("last conversion", lambda m: m["probes"][-1]["cpuSeconds"])):
            ratios = sorted(value(m) / value(base) for m, base in zip(results[contestant.name], results[first]))
            print(f"{contestant.name} / {first}, {label}, paired per round: median {statistics.median(ratios):.3f}"
                  f" ({ratios[0]:.3f}-{ratios[-1]:.3f})")


if __name__ == "__main__":
    main()
