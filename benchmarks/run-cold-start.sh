#!/usr/bin/env bash
# Cold starts of a function under the AWS Lambda Runtime Interface Emulator against moto_server
# (cold_start.py): init duration, first invocation and the JVM's CPU seconds, each in a fresh execution
# environment, under the CPU share of the function's memory (cgroup v1 quota, root needed).
#   FUNCTION=silver-converter (default): a 1 KB and a 100 MB file; the jar built here with terraform's
#     JAVA_TOOL_OPTIONS. Needs run-benchmark.sh to have built the jar and its virtual environment first.
#   FUNCTION=gold-ctas: an SQS batch of silver commits that builds every shipped model, then the same batch
#     finding them unchanged; moto plays S3, Glue and Athena. Needs gold-ctas/target/gold-ctas.jar
#     (mvn -pl gold-ctas -am package) and any Python 3. Terraform sets the builder no JAVA_TOOL_OPTIONS, so
#     it runs with the options Lambda's java21 runtime starts the JVM with.
# Compares jars: BEFORE_JAR (and BEFORE_OPTIONS), if set, beside the jar built here. Compares JVM options:
# CASES='NAME=OPTIONS;...' adds a case per entry, the jar built here with OPTIONS as its JAVA_TOOL_OPTIONS,
# in which {options} stands for the function's own.
#   MEMORY_MB (default: the function's memory in terraform/variables.tf)  RUNS (default 3)
#   CPU_SHARES (cgroup weight of the function and moto; default 1024)
set -euo pipefail

cd "$(dirname "$0")/.."
function="${FUNCTION:-silver-converter}"
default_memory() { sed -n "/variable \"$1\"/,/^}/s/.*default *= *\([0-9]*\).*/\1/p" terraform/variables.tf; }
case "$function" in
    silver-converter)
        module=silver-converter
        venv="$module/target/benchmark-venv"
        if [[ ! -x "$venv/bin/python" || ! -f "$module/target/silver-converter.jar" ]]; then
            echo "run-cold-start.sh: run benchmarks/run-benchmark.sh first (it builds the jar and the virtual environment)" >&2
            exit 1
        fi
        python="$venv/bin/python"
        memory="${MEMORY_MB:-$(default_memory silver_converter_memory_mb)}"
        ;;
    gold-ctas)
        module=gold-ctas
        if [[ ! -f "$module/target/gold-ctas.jar" ]]; then
            echo "run-cold-start.sh: $module/target/gold-ctas.jar is missing; build it with mvn -pl gold-ctas -am package -DskipTests" >&2
            exit 1
        fi
        python="$(command -v python3)"
        memory="${MEMORY_MB:-$(default_memory gold_ctas_memory_mb)}"
        ;;
    *)
        echo "run-cold-start.sh: FUNCTION must be silver-converter or gold-ctas, not '$function'" >&2
        exit 1
        ;;
esac
jar="$module/target/$module.jar"
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

inputs=()
if [[ "$function" == silver-converter ]]; then
    small="$module/target/benchmark/cold-start-1kb.csv"
    large="$module/target/benchmark/retail-transactions-1000000-seed20250101.csv"
    if [[ ! -f "$large" ]]; then
        java -cp "$module/target/test-classes:$(cat "$module/target/benchmark-classpath.txt")" \
            dev.medallion.silver.benchmark.BenchmarkInput 1000000 "$large"
    fi
    head -c 1000 "$large" | sed '$d' > "$small"
    inputs+=(--file "1kb=$small" --file "100mb=$large")
    # Lambda's own collector and heap (see below), then the function's JAVA_TOOL_OPTIONS as terraform sets them,
    # assuming, as Lambda documents, that they replace its bootstrap's C1-only default.
    options="-XX:+UseSerialGC -XX:MaxHeapSize=$((memory * 1024 * 85 / 100))k $(sed -n '/variable "silver_converter_java_tool_options"/,/^}/s/.*default *= *"\(.*\)".*/\1/p' terraform/variables.tf)"
else
    # What Lambda's java21 runtime puts on the JVM's command line when JAVA_TOOL_OPTIONS is unset: C1 only,
    # the serial collector, a heap of 85 % of the function's memory (observed in the runtime's own process
    # list; the C1 default is in Lambda's "Customize Java runtime startup behavior"). The emulator runs a
    # plain java, so they are passed here.
    options="-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxHeapSize=$((memory * 1024 * 85 / 100))k"
fi
cases=()
if [[ -n "${BEFORE_JAR:-}" ]]; then
    cases+=(--case "before=$BEFORE_JAR|${BEFORE_OPTIONS:-$options}")
fi
cases+=(--case "this build=$jar|$options")
if [[ -n "${CASES:-}" ]]; then
    IFS=';' read -r -a extra <<< "$CASES"
    for entry in "${extra[@]}"; do
        cases+=(--case "${entry%%=*}=$jar|${entry#*=}")
        cases[-1]="${cases[-1]//\{options\}/$options}"
    done
fi
exec "$python" benchmarks/cold_start.py --function "$function" --rie "$rie" --runtime-classpath "$runtime_classpath" \
    --memory "$memory" --runs "${RUNS:-3}" ${CPU_SHARES:+--cpu-shares "$CPU_SHARES"} "${cases[@]}" "${inputs[@]}"
