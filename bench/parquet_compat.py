"""The published Parquet export read by DuckDB 1.x, polars and pandas, and the published views
file opened by DuckDB 1.x: rows per table against the manifest, and the time each reader takes.

The working warehouse is a DuckDB 2.0 file that DuckDB 1.x cannot open; the published
``xxgk.duckdb`` is a file of views over the Parquet written in DuckDB 1.0's storage format, so
DuckDB 1.x opens it too (every view, the analysts' ones included, is read here). The project
stays on DuckDB 2.0, so DuckDB 1.x lives in a throwaway venv under /tmp (created on first use
with ``pip install 'duckdb==1.*'``; needs PyPI).

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
con = duckdb.connect(sys.argv[2], read_only=True)
out["views"] = {}
for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall():
    out["views"][name] = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
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


def read_with_duckdb1(parquet: Path, views: Path) -> dict:
    proc = subprocess.run([str(duckdb1_python()), "-c", _READ, json.dumps(globs(parquet)), str(views)],
                          capture_output=True, text=True, timeout=600, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    published = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "warehouse" / "published"
    parquet = published / "parquet"
    manifest = json.loads((published / "current" / "manifest.json").read_text(encoding="utf-8"))
    expected = {t: v["rows"] for t, v in manifest["tables"].items()}
    t = time.perf_counter()
    old = read_with_duckdb1(parquet, published / "xxgk.duckdb")
    readers = {f"duckdb {old['version']}": (old["rows"], time.perf_counter() - t)}
    views_file = {t: n for t, n in old["views"].items() if t in expected}
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
    print(f"  duckdb {old['version']} opens {published / 'xxgk.duckdb'}: {len(old['views'])} views read, tables "
          + ("match the manifest" if views_file == expected else f"MISMATCH {views_file} vs {expected}"))
    for reader, (got, secs) in readers.items():
        same = got == expected
        print(f"  {reader:<16} {'all tables match the manifest' if same else 'MISMATCH'}  {secs:.2f} s")
        if not same:
            for table in sorted(set(got) | set(expected)):
                if got.get(table) != expected.get(table):
                    print(f"    {table}: read {got.get(table)}, manifest {expected.get(table)}")


if __name__ == "__main__":
    main()
