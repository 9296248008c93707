#!/usr/bin/env bash
# What a gold build makes Athena scan, on the sample data and at seed scale (benchmarks/gold-scan.py says
# how it is counted). Builds the silver converter's jar, installs DuckDB's Python package into a virtual
# environment of its own under target/, then prints a JSON record and a Markdown table. Arguments go to
# gold-scan.py: --rows N (default 16000000), --work DIR (default target/gold-scan).
# PYTHON names the interpreter for the virtual environment (default python3); SKIP_BUILD=1 reuses the jar.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=silver-converter/target/silver-converter.jar
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -B -q -DskipTests -pl silver-converter -am package
fi
venv=target/gold-scan-venv
if [[ ! -x "$venv/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install --quiet duckdb==1.5.6
fi
exec "$venv/bin/python" benchmarks/gold-scan.py --jar "$jar" --work target/gold-scan "$@"
