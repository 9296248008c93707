"""What a gold build makes Athena scan: for each gold model, the bytes of the silver Parquet column chunks
its SQL reads, on the sample data and on a sales table of seed scale (16 M rows by default), converted by
the silver converter itself. The cost model (docs/cost-model.md) is built from its output.

Athena bills the bytes it reads from S3, at least 10 MB per query, and reads from Parquet only the
column chunks of the columns a query names (plus each file's footer). This script counts, per model,
every column chunk of every column whose name appears in the model's SQL, in every silver table the
model lists under "-- sources:", and every footer, once per query the build runs for it (two for a
partitioned model: its partitions, then the CTAS): an upper bound, since a name can appear in the SQL
without being read from that table, and row-group skipping is ignored (the models filter nothing).

Usage: python gold-scan.py --jar silver-converter.jar --work DIR [--rows N] [--sample-data DIR] [--models DIR]
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import duckdb

MIN_BILLED = 10 * 1000 * 1000  # Athena: 10 MB minimum per query


def convert(jar, source, silver, dataset):
    result = subprocess.run(
        ["java", "-jar", jar, "convert", "--input", source, "--output", silver, "--dataset", dataset],
        capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"gold-scan: converting {source} failed ({result.returncode}): {result.stdout}{result.stderr}")


def convert_sample_data(jar, sample_data, silver):
    for dataset in sorted(os.listdir(sample_data)):
        folder = os.path.join(sample_data, dataset)
        if not os.path.isdir(folder):
            continue
        for source in sorted(glob.glob(os.path.join(folder, "**", "*"), recursive=True)):
            if re.search(r"\.(csv|csv\.gz|dat)$", source, re.IGNORECASE):
                convert(jar, source, silver, dataset)


def generate_sales(path, rows, sample_data):
    """Sales rows shaped like sample-data/sales: the same columns, ids drawn from the sample's customers and
    products, a year of timestamps, notes on one row in twenty."""
    con = duckdb.connect()
    customers = [r[0] for r in con.execute(
        "SELECT customer_id FROM read_csv(?, header = true)", [os.path.join(sample_data, "customers", "customers.csv")]).fetchall()]
    products = con.execute(
        "SELECT product_id, list_price FROM read_csv(?, header = true)", [os.path.join(sample_data, "products", "products.csv")]).fetchall()
    con.execute("CREATE TABLE customers AS SELECT unnest(?) AS customer_id, generate_subscripts(?, 1) - 1 AS i", [customers, customers])
    con.execute("CREATE TABLE products AS SELECT unnest(?) AS product_id, unnest(?) AS list_price, generate_subscripts(?, 1) - 1 AS i",
                [[p[0] for p in products], [float(p[1]) for p in products], [p[0] for p in products]])
    con.execute(f"""
        COPY (
            SELECT
                1000000 + n AS transaction_id,
                strftime(TIMESTAMP '2026-01-01' + to_seconds(CAST(hash(n) % 31536000 AS BIGINT)), '%Y-%m-%d %H:%M:%S') AS "timestamp",
                c.customer_id,
                p.product_id,
                q AS quantity,
                p.list_price AS unit_price,
                d AS discount,
                round(q * p.list_price * (1 - d), 2) AS total_amount,
                ['North', 'South', 'East', 'West', 'Central'][1 + CAST(hash(n, 3) % 5 AS INTEGER)] AS region,
                ['Card', 'Cash', 'PayPal', 'Voucher'][1 + CAST(hash(n, 4) % 4 AS INTEGER)] AS payment_method,
                hash(n, 5) % 2 = 0 AS is_online,
                CASE WHEN hash(n, 6) % 20 = 0 THEN 'gift wrap, please' ELSE '' END AS note
            FROM (
                SELECT range AS n,
                       1 + CAST(hash(range, 7) % 5 AS INTEGER) AS q,
                       [0.0, 0.0, 0.05, 0.1, 0.15][1 + CAST(hash(range, 8) % 5 AS INTEGER)] AS d,
                       CAST(hash(range, 1) % {len(customers)} AS INTEGER) AS ci,
                       CAST(hash(range, 2) % {len(products)} AS INTEGER) AS pi
                FROM range({rows})
            ) g
            JOIN customers c ON c.i = g.ci
            JOIN products p ON p.i = g.pi
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)


def column_chunks(silver, dataset):
    """{column: compressed bytes of its chunks}, plus the footers' bytes, over the dataset's Parquet parts."""
    files = sorted(glob.glob(os.path.join(silver, dataset, "**", "*.parquet"), recursive=True))
    if not files:
        sys.exit(f"gold-scan: no Parquet for dataset {dataset} under {silver}")
    con = duckdb.connect()
    sizes = {}
    for name, size in con.execute(
            "SELECT path_in_schema, sum(total_compressed_size) FROM parquet_metadata(?) GROUP BY 1", [files]).fetchall():
        sizes[name] = int(size)
    footers = sum(int(r[0]) for r in con.execute("SELECT footer_size FROM parquet_file_metadata(?)", [files]).fetchall())
    return sizes, footers, len(files)


def model_scans(models_dir, silver):
    scans = []
    listing = os.path.join(models_dir, "models.list")
    names = [line.strip() for line in open(listing) if line.strip() and not line.startswith("#")]
    for name in names:
        sql = open(os.path.join(models_dir, name + ".sql")).read()
        sources = re.search(r"^-- sources:\s*(.+)$", sql, re.MULTILINE)
        if not sources:
            sys.exit(f"gold-scan: {name}.sql names no '-- sources:'")
        body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", body))
        total = 0
        for dataset in [s.strip() for s in sources.group(1).split(",")]:
            sizes, footers, _ = column_chunks(silver, dataset)
            total += footers + sum(size for column, size in sizes.items() if column in words)
        # A partitioned model first asks Athena for its partitions (a SELECT DISTINCT over the same inputs),
        # then writes them with one CTAS per 100 partitions: the models here have at most one a month.
        queries = 2 if re.search(r"^-- partitioned_by:", sql, re.MULTILINE) else 1
        scans.append((name, total, queries))
    return scans


def measure(label, silver, models_dir, rows):
    scans = model_scans(models_dir, silver)
    return {
        "data": label,
        "sales_rows": rows,
        "silver_parquet_bytes": sum(os.path.getsize(f) for f in glob.glob(os.path.join(silver, "**", "*.parquet"), recursive=True)),
        "models": {name: scanned * queries for name, scanned, queries in scans},
        "queries": sum(queries for _, _, queries in scans),
        "scanned_bytes": sum(scanned * queries for _, scanned, queries in scans),
        "billed_bytes": sum(max(MIN_BILLED, scanned) * queries for _, scanned, queries in scans),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--rows", type=int, default=16_000_000)
    parser.add_argument("--sample-data", default="sample-data")
    parser.add_argument("--models", default="gold-ctas/src/main/resources/gold")
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    sample_silver = os.path.join(args.work, "sample", "silver")
    convert_sample_data(args.jar, args.sample_data, sample_silver)
    results = [measure("sample-data", sample_silver, args.models, None)]

    seed_silver = os.path.join(args.work, "seed", "silver")
    for dataset in ("customers", "products", "stores_eu"):
        for source in sorted(glob.glob(os.path.join(args.sample_data, dataset, "*"))):
            convert(args.jar, source, seed_silver, dataset)
    sales_csv = os.path.join(args.work, "seed", "sales.csv")
    generate_sales(sales_csv, args.rows, args.sample_data)
    csv_bytes = os.path.getsize(sales_csv)
    convert(args.jar, sales_csv, seed_silver, "sales")
    os.remove(sales_csv)
    seed = measure(f"seed scale, {args.rows:,} sales rows", seed_silver, args.models, args.rows)
    seed["sales_csv_bytes"] = csv_bytes
    results.append(seed)

    print(json.dumps(results, indent=2))
    print()
    print("| data | silver Parquet | " + " | ".join(results[0]["models"]) + " | queries | scanned per build | billed per build (10 MB minimum per query) |")
    print("|---" * (len(results[0]["models"]) + 5) + "|")
    for r in results:
        mb = lambda b: f"{b / 1e6:,.1f} MB"
        print(f"| {r['data']} | {mb(r['silver_parquet_bytes'])} | " + " | ".join(mb(b) for b in r["models"].values())
              + f" | {r['queries']} | {mb(r['scanned_bytes'])} | {mb(r['billed_bytes'])} |")


if __name__ == "__main__":
    main()
