"""Interleaved A/B runs of converter jars on the benchmark's CSV: CPU seconds (whole process) and wall.

Usage (with the benchmark's virtual environment):
  python benchmarks/ab.py --csv FILE --test-classes DIR --runs 5 [--repeat N] [--java JAVA] NAME=JAR[|EXTRA JVM OPTIONS[|JAVA_TOOL_OPTIONS[|CONVERT OPTIONS]]] ...
CONVERT OPTIONS are the convert command's, passed to ConverterProbe after its own arguments (split as a shell splits them,
--input and --output aside: "--contracts /tmp/decimal --null-values N/A"), so that one jar is measured against itself in
two settings, a declared contract against another, say.
Each round runs every jar once, in order, so a noisy neighbour hurts all alike; prints each run and the
medians, and each contestant's CPU seconds over the first contestant's in the same round (median and
range). With --repeat N (N > 1) each JVM converts the file N times, and the last conversion (a warm
Lambda's) is reported beside the whole process; with N = 1 the "last" conversion is the cold first one. For measuring one change against another on a shared machine, where
CPU seconds mean more than wall.

With --side-by-side (two contestants, --repeat 3 or more) the two run at the same time instead of one after
the other, each JVM held to a processor of its own (taskset and -XX:ActiveProcessorCount=1),
the processors swapped every round: on a host whose load comes and goes, both meet the same load, and the
paired ratio of their warm conversions (the mean CPU seconds of the third and later conversions) moves
by about a tenth between rounds, where one after the other it moves by a fifth or more: the median of ten
rounds tells a few percent. It measures CPU per conversion on one
processor, not wall time or the use of a second one.
"""
import argparse
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import threading

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
    parser.add_argument("--side-by-side", action="store_true",
                        help="run two contestants at the same time, each on a processor of its own, swapped every round")
    parser.add_argument("contestants", nargs="+",
                        help="NAME=JAR or NAME=JAR|EXTRA JVM OPTIONS or NAME=JAR|EXTRA|JAVA_TOOL_OPTIONS or NAME=JAR|EXTRA|JAVA_TOOL_OPTIONS|CONVERT OPTIONS")
    arguments = parser.parse_args()
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    if arguments.side_by_side and (len(arguments.contestants) != 2 or arguments.repeat < 3 or len(os.sched_getaffinity(0)) < 2):
        parser.error("--side-by-side takes two contestants, --repeat 3 or more, and two processors")
    if arguments.side_by_side and arguments.cpu_shares is not None:
        # Joining a cgroup takes a preexec function, which is not safe with two threads starting children.
        parser.error("--side-by-side runs without --cpu-shares: both contestants meet the same load instead")
    if arguments.side_by_side and shutil.which("taskset") is None:
        parser.error("--side-by-side needs taskset (util-linux)")
    contestants = []
    for spec in arguments.contestants:
        name, _, rest = spec.partition("=")
        jar, _, options = rest.partition("|")
        options, _, tool_options = options.partition("|")
        tool_options, _, convert_options = tool_options.partition("|")
        # run_child formats every part of the command with {csv} and {output}: a brace in an option is kept as written.
        convert_options = [option.replace("{", "{{").replace("}", "}}") for option in shlex.split(convert_options)]
        pinned = ["-XX:ActiveProcessorCount=1"] if arguments.side_by_side else []
        contestants.append(Contestant(name, [arguments.java, arguments.heap, *pinned, *options.split(), "-cp", f"{jar}:{arguments.test_classes}",
                                             "dev.medallion.silver.benchmark.ConverterProbe", "{csv}", "{output}", str(arguments.repeat),
                                             *convert_options],
                                      {"JAVA_TOOL_OPTIONS": tool_options or arguments.tool_options}, probe=True))
    work = tempfile.mkdtemp(prefix="ab-")
    results = {c.name: [] for c in contestants}
    processors = sorted(os.sched_getaffinity(0))[:2]
    for round_number in range(arguments.runs):
        if arguments.side_by_side:
            measured = run_side_by_side(contestants, arguments, work, [{processors[round_number % 2]}, {processors[1 - round_number % 2]}])
        else:
            measured = [run_one(contestant, arguments, work) for contestant in contestants]
        for contestant, m in zip(contestants, measured):
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
    labels = [("whole process", lambda m: m["cpu"]), ("last conversion", lambda m: m["probes"][-1]["cpuSeconds"])]
    if arguments.repeat >= 3:
        labels.append(("warm conversions (3rd and later, mean)", warm_cpu))
    for contestant in contestants[1:]:
        for label, value in labels:
            ratios = sorted(value(m) / value(base) for m, base in zip(results[contestant.name], results[first]))
            print(f"{contestant.name} / {first}, {label}, paired per round: median {statistics.median(ratios):.3f}"
                  f" ({ratios[0]:.3f}-{ratios[-1]:.3f})")


def warm_cpu(measurement):
    """The mean CPU seconds of the conversions after the first two in one JVM: a warm Lambda's."""
    return statistics.mean(probe["cpuSeconds"] for probe in measurement["probes"][2:])


def run_one(contestant, arguments, work, cpus=None):
    try:
        return run_child(contestant, arguments.csv, os.path.join(work, contestant.directory()), os.path.join(work, f"{contestant.directory()}.log"),
                         cpu_shares=arguments.cpu_shares, cpus=cpus)
    except ContestantFailed as failure:
        sys.exit(f"{contestant.name}: {failure}")


def run_side_by_side(contestants, arguments, work, cpus):
    """Runs each contestant on its processor set, at the same time; returns their measurements in order."""
    measured = [None] * len(contestants)
    failures = []

    def run(index):
        try:
            measured[index] = run_child(contestants[index], arguments.csv, os.path.join(work, contestants[index].directory()),
                                        os.path.join(work, f"{contestants[index].directory()}.log"), cpu_shares=arguments.cpu_shares, cpus=cpus[index])
        except Exception as failure:  # noqa: BLE001 - any failure of a thread is reported, not lost
            failures.append(f"{contestants[index].name}: {failure}")

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(contestants))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit("\n".join(failures))
    return measured


if __name__ == "__main__":
    main()
