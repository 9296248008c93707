#!/usr/bin/env bash
# Cold starts of the silver converter under the AWS Lambda Runtime Interface Emulator against moto_server
# (cold_start.py): init duration and first invocation on a 1 KB and a 100 MB file, each in a fresh
# execution environment, under the CPU share of the function's memory (cgroup v1 quota, root needed).
# Compares jars: BEFORE_JAR (and BEFORE_OPTIONS), if set, beside the jar built here with terraform's
# JAVA_TOOL_OPTIONS. Needs run-benchmark.sh to have built the jar and its virtual environment first.
#   MEMORY_MB (default 2048)  RUNS (default 3)  CPU_SHARES (cgroup weight of the function and moto; default 1024)
set -euo pipefail

cd "$(dirname "$0")/.."
module=silver-converter
venv="$module/target/benchmark-venv"
if [[ ! -x "$venv/bin/python" || ! -f "$module/target/silver-converter.jar" ]]; then
    echo "run-cold-start.sh: run benchmarks/run-benchmark.sh first (it builds the jar and the virtual environment)" >&2
    exit 1
fi
rie="$(command -v aws-lambda-rie || true)"
for candidate in "${GOBIN:-}" "${GOPATH:-$HOME/go}/bin"; do
    if [[ -z "$rie" && -n "$candidate" && -x "$candidate/aws-lambda-rie" ]]; then
        rie="$candidate/aws-lambda-rie"
    fi
done
if [[ -z "$rie" ]]; then
    echo "run-cold-start.sh: aws-lambda-rie not found; install it as deploy-rehearsal's README says" >&2
    exit 1
fi
command -v moto_server > /dev/null || { echo "run-cold-start.sh: moto_server is not on the PATH" >&2; exit 1; }

# The Java runtime interface client, in the versions deploy-rehearsal pins.
property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" deploy-rehearsal/pom.xml pom.xml | head -1; }
runtime="$module/target/lambda-runtime"
mkdir -p "$runtime"
for artifact in "com.amazonaws:aws-lambda-java-runtime-interface-client:$(property lambda-runtime-client.version)" \
    "com.amazonaws:aws-lambda-java-serialization:$(property lambda-serialization.version)" \
    "software.amazon.awssdk:utils-lite:$(property aws-sdk.version)"; do
    mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$runtime" -Dmdep.useBaseVersion=true
done
runtime_classpath="$(ls "$runtime"/*.jar | tr '\n' ':' | sed 's/:$//')"

small="$module/target/benchmark/cold-start-1kb.csv"
large="$module/target/benchmark/retail-transactions-1000000-seed20250101.csv"
if [[ ! -f "$large" ]]; then
    java -cp "$module/target/test-classes:$(cat "$module/target/benchmark-classpath.txt")" \
        dev.medallion.silver.benchmark.BenchmarkInput 1000000 "$large"
fi
head -c 1000 "$large" | sed '$d' > "$small"

options="$(sed -n '/variable "silver_converter_java_tool_options"/,/^}/s/.*default *= *"\(.*\)".*/\1/p' terraform/variables.tf)"
cases=()
if [[ -n "${BEFORE_JAR:-}" ]]; then
    cases+=(--case "before=$BEFORE_JAR|${BEFORE_OPTIONS:-$options}")
fi
cases+=(--case "this build=$module/target/silver-converter.jar|$options")
exec "$venv/bin/python" benchmarks/cold_start.py --rie "$rie" --runtime-classpath "$runtime_classpath" \
    --memory "${MEMORY_MB:-2048}" --runs "${RUNS:-3}" ${CPU_SHARES:+--cpu-shares "$CPU_SHARES"} "${cases[@]}" \
    --file "1kb=$small" --file "100mb=$large"
