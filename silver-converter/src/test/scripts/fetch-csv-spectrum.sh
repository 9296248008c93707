#!/usr/bin/env bash
# Fetches the public csv-spectrum suite (the npm package: csvs/*.csv with the expected json/*.json)
# into DEST for CsvSpectrumTest. Run by Maven in generate-test-resources; the suite is never copied
# into the repository. An existing complete copy of the same version is kept, so offline re-runs work.
#
# Usage: fetch-csv-spectrum.sh VERSION SHA1 DEST
#   VERSION  exact npm version, SHA1 the tarball's shasum as `npm view csv-spectrum@VERSION dist.shasum` gives it
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 VERSION SHA1 DEST" >&2
    exit 2
fi
version=$1
sha1=$2
dest=$3
marker="$dest/.fetched-csv-spectrum-$version"

if [[ -f $marker ]]; then
    echo "csv-spectrum@$version is already in $dest"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "ERROR: npm is not on the PATH. The silver-converter tests need it to fetch the csv-spectrum@$version" \
         "test suite from the npm registry into $dest. Install Node.js with npm (e.g. apt-get install npm)," \
         "or build with -Dmaven.test.skip=true to skip the tests." >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Fetching csv-spectrum@$version from the npm registry into $dest"
# Run from the empty work directory so no package.json nearby changes what npm does.
if ! (cd "$work" && npm pack "csv-spectrum@$version" --pack-destination "$work" --silent --no-fund --no-audit >/dev/null); then
    echo "ERROR: npm pack csv-spectrum@$version failed (see npm's message above); the npm registry must be reachable" \
         "the first time, later builds reuse $dest" >&2
    exit 1
fi
tarball="$work/csv-spectrum-$version.tgz"
actual=$(sha1sum "$tarball" | cut -d ' ' -f 1)
if [[ $actual != "$sha1" ]]; then
    echo "ERROR: csv-spectrum-$version.tgz has sha1 $actual, expected $sha1" >&2
    exit 1
fi
mkdir "$work/unpacked"
tar xzf "$tarball" -C "$work/unpacked"
if ! compgen -G "$work/unpacked/package/csvs/*.csv" >/dev/null || ! compgen -G "$work/unpacked/package/json/*.json" >/dev/null; then
    echo "ERROR: csv-spectrum-$version.tgz holds no csvs/*.csv or json/*.json" >&2
    exit 1
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/unpacked/package" "$dest"
touch "$marker"
echo "csv-spectrum@$version: $(ls "$dest/csvs" | wc -l) CSV files in $dest/csvs"
