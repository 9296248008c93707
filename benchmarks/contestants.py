"""The Python contestants of the conversion benchmark, one per process so that each is measured whole.

Usage: python contestants.py pandas|pyarrow|duckdb INPUT_CSV OUTPUT_DIR

pandas:  the method the project was created from: read_csv in chunks of 100,000 rows, each chunk written
         with to_parquet(engine="pyarrow", compression="snappy") as a file of its own.
pyarrow: pyarrow's streaming CSV reader (open_csv) into one ParquetWriter, Snappy.
duckdb:  COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT PARQUET, COMPRESSION SNAPPY), threads=2.
"""
import os
import sys


def convert_pandas(csv, output):
    import pandas as pd

    for number, chunk in enumerate(pd.read_csv(csv, chunksize=100_000)):
        chunk.to_parquet(os.path.join(output, f"part-{number:05d}.parquet"), engine="pyarrow", compression="snappy")


def convert_pyarrow(csv, output):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    reader = pacsv.open_csv(csv)
    with pq.ParquetWriter(os.path.join(output, "part-00000.parquet"), reader.schema, compression="snappy") as writer:
        for batch in reader:
            writer.write_batch(batch)


def convert_duckdb(csv, output):
    import duckdb

    def quoted(text):
        return "'" + text.replace("'", "''") + "'"

    connection = duckdb.connect()
    connection.execute("SET threads=2")
    connection.execute(
        f"COPY (SELECT * FROM read_csv({quoted(csv)}, header=true)) TO {quoted(os.path.join(output, 'part-00000.parquet'))}"
        " (FORMAT PARQUET, COMPRESSION SNAPPY)"
    )
    connection.close()


CONTESTANTS = {"pandas": convert_pandas, "pyarrow": convert_pyarrow, "duckdb": convert_duckdb}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in CONTESTANTS:
        sys.exit("usage: contestants.py pandas|pyarrow|duckdb INPUT_CSV OUTPUT_DIR")
    CONTESTANTS[sys.argv[1]](sys.argv[2], sys.argv[3])
