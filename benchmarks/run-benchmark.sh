#!/usr/bin/env bash
# Builds the Silver converter's shaded jar and test classes, makes the benchmark's own Python virtual
# environment (benchmarks/requirements.txt, pinned, from PyPI), then runs conversion_benchmark.py: the
# converter (as deployed, with Lambda's JVM defaults, warm, warm on a known dataset, and after SnapStart's priming) beside the seed's pandas method (also warm), pyarrow
# streaming and DuckDB on the same CSV in the same run, and again under CPU quotas standing for Lambda's
# memory sizes (the deployed memory by scaled quotas, scaled_quota.py, where it buys more vCPUs than the
# machine has processors). Arguments go to conversion_benchmark.py unchanged:
#   --rows N (default 2000000)  --runs N (3)  --quota-runs N (3)  --quotas 1.0,1.16,2.0 (and 3.0 with 3+ processors)  --no-quotas
#   --only 'PREFIX;...'  --work DIR (silver-converter/target/benchmark)  --heap -Xmx512m  --cpu-shares N
# SKIP_BUILD=1 reuses what silver-converter/target already holds.
# BENCHMARK_PYTHON picks the interpreter for the virtual environment (default: python3.12, as Lambda's
# python3.12 runtime; pyenv's 3.12 if that is how it is installed). BENCHMARK_JAVA picks the java that runs
# the contestants (default: JAVA_HOME's, else the PATH's; the build always uses JAVA_HOME's JDK), such as a
# Java 21 runtime to match Lambda's java21. CPU quotas need root and the cgroup v1
# CPU controller; without them the script fails unless --no-quotas is given.
set -euo pipefail

cd "$(dirname "$0")/.."
module=silver-converter
classpath_file="$module/target/benchmark-classpath.txt"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    # One reactor build with -am: common comes from the reactor, so nothing has to be installed first.
    # -DskipTests skips running tests but still compiles them, and the probe is a test class.
    mvn -B -q -DskipTests -pl "$module" -am package dependency:build-classpath \
        -Dmdep.outputFile=target/benchmark-classpath.txt
fi

for required in "$classpath_file" "$module/target/silver-converter.jar" \
    "$module/target/test-classes/dev/medallion/silver/benchmark/ConverterProbe.class" \
    "$module/target/test-classes/dev/medallion/silver/benchmark/ParseProbe.class"; do
    if [[ ! -f "$required" ]]; then
        echo "run-benchmark.sh: $required is missing; run without SKIP_BUILD=1" >&2
        exit 1
    fi
done

python="${BENCHMARK_PYTHON:-}"
if [[ -z "$python" ]]; then
    python="$(command -v python3.12 || true)"
    # A pyenv shim is on the PATH even where 3.12 is not the version pyenv selects, and then fails when run.
    if [[ -n "$python" ]] && ! "$python" -c '' 2> /dev/null; then
        python=""
    fi
fi
if [[ -z "$python" ]] && command -v pyenv > /dev/null; then
    python="$(pyenv root)/versions/$(pyenv versions --bare | grep -E '^3\.12(\.|$)' | tail -1)/bin/python3"
fi
if [[ -z "$python" || ! -x "$python" ]]; then
    echo "run-benchmark.sh: no Python 3.12 for the benchmark's virtual environment; install one or set BENCHMARK_PYTHON" >&2
    exit 1
fi

venv="$module/target/benchmark-venv"
requirements=benchmarks/requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi

java_bin="${BENCHMARK_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
exec "$venv/bin/python" benchmarks/conversion_benchmark.py \
    --work "$module/target/benchmark" \
    --jar "$module/target/silver-converter.jar" \
    --test-classes "$module/target/test-classes" \
    --classpath "$(cat "$classpath_file")" \
    --java "$java_bin" \
    --variables-tf terraform/variables.tf \
    "$@"
