#!/usr/bin/env bash
# Builds the Silver converter's shaded jar and test classes, then runs ConversionBenchmark: the
# converter (default JIT and C1 only, -Xmx256m, a fresh JVM per run) against DuckDB on the same
# synthetic retail CSV. Arguments go to the benchmark unchanged:
#   --rows N (default 2000000)  --runs N (default 3)  --work DIR (default silver-converter/target/benchmark)
#   --jar PATH (default silver-converter/target/silver-converter.jar)
# SKIP_BUILD=1 reuses what silver-converter/target already holds.
set -euo pipefail

cd "$(dirname "$0")/.."
module=silver-converter
classpath_file="$module/target/benchmark-classpath.txt"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    # One reactor build with -am: common comes from the reactor, so nothing has to be installed first.
    # -DskipTests skips running tests but still compiles them, and the benchmark is a test class.
    # build-classpath writes each module's own target/benchmark-classpath.txt; the relative path is
    # resolved against each module, and only silver-converter's is used.
    mvn -B -q -DskipTests -pl "$module" -am package dependency:build-classpath \
        -Dmdep.outputFile=target/benchmark-classpath.txt
fi

for required in "$classpath_file" "$module/target/test-classes/dev/medallion/silver/benchmark/ConversionBenchmark.class"; do
    if [[ ! -f "$required" ]]; then
        echo "run-benchmark.sh: $required is missing; run without SKIP_BUILD=1" >&2
        exit 1
    fi
done

# The benchmark's own JVM only generates the CSV and hosts DuckDB (native memory); the converter
# runs in child JVMs that it starts with this same java binary.
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -Xmx1g -cp "$module/target/test-classes:$(cat "$classpath_file")" \
    dev.medallion.silver.benchmark.ConversionBenchmark "$@"
