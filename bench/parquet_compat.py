"""The published Parquet export read by DuckDB 1.x, polars and pandas: rows per table against the
manifest, and the time each reader takes.

DuckDB 1.x cannot open the DuckDB 2.0 file itself (storage version), which is why every build
also ships Parquet. The project stays on DuckDB 2.0, so DuckDB 1.x lives in a throwaway venv
under /tmp (created on first use with ``pip install 'duckdb==1.*'``; needs PyPI).

    .venv/bin/python bench/parquet_compat.py [PUBLISHED_DIR]    # default data/warehouse/published
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import venv
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
OLD_DUCKDB_VENV = Path("/tmp/xxgk-duckdb1-venv")
_READ = """
import duckdb, json, sys
out = {"version": duckdb.__version__, "rows": {}}
for table, glob in json.loads(sys.argv[1]).items():
    out["rows"][table] = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()[0][0]
    duckdb.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()  # every value decodes
print(json.dumps(out))
"""


def duckdb1_python() -> Path:
    """Python of a /tmp venv holding DuckDB 1.x (created once)."""
    python = OLD_DUCKDB_VENV / "bin" / "python"
    if not python.exists():
        venv.create(OLD_DUCKDB_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "duckdb==1.*"], check=True, timeout=600)
    return python


def globs(parquet: Path) -> dict[str, str]:
    return {p.name: str(p / "**" / "*.parquet") for p in sorted(parquet.iterdir()) if p.is_dir()}


def read_with_duckdb1(parquet: Path) -> dict:
    proc = subprocess.run([str(duckdb1_python()), "-c", _READ, json.dumps(globs(parquet))], capture_output=True,
                          text=True, timeout=600, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    published = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "warehouse" / "published"
    parquet = published / "parquet"
    manifest = json.loads((published / "current" / "manifest.json").read_text(encoding="utf-8"))
    expected = {t: v["rows"] for t, v in manifest["tables"].items()}
    t = time.perf_counter()
    old = read_with_duckdb1(parquet)
    readers = {f"duckdb {old['version']}": (old["rows"], time.perf_counter() - t)}
    t = time.perf_counter()
    rows = {name: pl.scan_parquet(glob, hive_partitioning=True).collect().height
            for name, glob in globs(parquet).items()}
    readers[f"polars {pl.__version__}"] = (rows, time.perf_counter() - t)
    t = time.perf_counter()
    rows = {p.name: len(pd.read_parquet(p)) for p in sorted(parquet.iterdir()) if p.is_dir()}
    readers[f"pandas {pd.__version__}"] = (rows, time.perf_counter() - t)
    t = time.perf_counter()
    rows = {name: duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()[0][0]
            for name, glob in globs(parquet).items()}
    readers[f"duckdb {duckdb.__version__}"] = (rows, time.perf_counter() - t)
    print(f"Parquet export {parquet.resolve()} ({len(expected)} tables, {sum(expected.values())} rows)")
    for reader, (got, secs) in readers.items():
        same = got == expected
        print(f"  {reader:<16} {'all tables match the manifest' if same else 'MISMATCH'}  {secs:.2f} s")
        if not same:
            for table in sorted(set(got) | set(expected)):
                if got.get(table) != expected.get(table):
                    print(f"    {table}: read {got.get(table)}, manifest {expected.get(table)}")


if __name__ == "__main__":
    main()
