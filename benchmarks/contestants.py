"""The Python contestants of the conversion benchmark, one per process so that each is measured whole.

Usage: python contestants.py pandas|pyarrow|duckdb INPUT_CSV OUTPUT_DIR [REPEAT]

With REPEAT, converts the file that many times in this one process, each into OUTPUT_DIR/run-N, and prints
a line per conversion, as the converter's probe does: probe run=N seconds=... cpuSeconds=... (this
process's CPU, every thread). The first conversion pays the imports; a later one is what a warm Python
Lambda, whose imports ran in its init, spends per object.

pandas:  the method the project was created from: read_csv in chunks of 100,000 rows, each chunk written
         with to_parquet(engine="pyarrow", compression="snappy") as a file of its own.
pyarrow: pyarrow's streaming CSV reader (open_csv) into one ParquetWriter, Snappy.
duckdb:  COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT PARQUET, COMPRESSION SNAPPY), threads=2.
"""
import os
import sys
import time


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

def main(arguments):
    if len(arguments) not in (3, 4) or arguments[0] not in CONTESTANTS:
        sys.exit("usage: contestants.py pandas|pyarrow|duckdb INPUT_CSV OUTPUT_DIR [REPEAT]")
    convert = CONTESTANTS[arguments[0]]
    csv, output = arguments[1], arguments[2]
    if len(arguments) == 3:
        convert(csv, output)
        return
    for run in range(1, int(arguments[3]) + 1):
        directory = os.path.join(output, f"run-{run}")
        os.makedirs(directory)
        wall, cpu = time.perf_counter(), time.process_time()
        convert(csv, directory)
        print(f"probe run={run} seconds={time.perf_counter() - wall:.3f} cpuSeconds={time.process_time() - cpu:.3f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
