"""Publishing the analysts' warehouse: a new DuckDB file plus its Parquet export, swapped in whole.

DuckDB lets one process hold a read-write connection and locks out every other process, so
analysts never open the file the pipeline writes. Each publication is a new build folder::

    published/
      builds/<build id>/xxgk.duckdb                  the warehouse as of this run (DuckDB >= 2.0)
      builds/<build id>/parquet/<table>/report_year=<Y>/data_0.parquet   (per-year tables)
      builds/<build id>/parquet/<table>/data_0.parquet                   (dimensions)
      builds/<build id>/manifest.json                rows and content digest per table and partition
      current -> builds/<build id>                   swapped by one atomic rename
      xxgk.duckdb -> current/xxgk.duckdb             stable paths for readers
      parquet -> current/parquet

The build is written beside the current one and only the ``current`` link changes, by
``rename(2)``: a reader that opened the old file keeps reading it (its build is kept until two
newer ones exist), a reader that opens after the swap gets the whole new build, nobody ever sees
half a run, and a run that fails before the swap leaves the previous build in place. Parquet is
readable by DuckDB 1.x, polars and pandas (``bench/parquet_compat.py``). The manifest's digests
per year partition let a later publication reuse unchanged partitions instead of rewriting them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# What the Parquet export holds: table or view -> partitioned by report year or not.
EXPORTS: dict[str, bool] = {
    "v_report": True, "v_cell": True, "v_rule_result": True, "report_version": True,
    "mart_agency_year": True, "mart_region_year": True, "mart_region_year_member": True,
    "mart_hierarchy_check": True, "mart_publication": True, "mart_series": True,
    "agency": False, "region": False, "template_label": False, "measure": False, "measure_cell": False,
    "v_unresolved_agency": False,
}
KEEP_BUILDS = 3
# The Parquet format every reader we promise understands (DuckDB 1.x, polars, pyarrow/pandas).
_PARQUET = "FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V1"


@dataclass
class Publication:
    path: Path            # the stable path of the published DuckDB file
    build: Path           # the build folder now current
    tables: dict[str, int]


def publish(con: duckdb.DuckDBPyConnection, db_path: Path, published: Path,
            before_swap: Callable[[Path], None] | None = None) -> Publication:
    """Build the analysts' warehouse from the working file and make it current atomically.

    ``published`` is the stable path readers open (``…/published/xxgk.duckdb``). ``before_swap``
    is called with the finished build folder before it becomes current (tests use it to fail a
    run at the last moment).
    """
    root = published.parent
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    incoming = builds / f".{build_id}.incoming"
    final = builds / build_id
    try:
        incoming.mkdir()
        con.execute("CHECKPOINT")
        shutil.copyfile(db_path, incoming / "xxgk.duckdb")
        tables = _export_parquet(con, incoming / "parquet")
        _check_copy(incoming / "xxgk.duckdb", tables)
        (incoming / "manifest.json").write_text(json.dumps(
            {"build": build_id, "created": datetime.now(UTC).isoformat(), "tables": tables}, indent=1,
            ensure_ascii=False), encoding="utf-8")
        if before_swap is not None:
            before_swap(incoming)
        os.rename(incoming, final)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    _swap_link(root / "current", Path("builds") / build_id)
    for name, target in (("xxgk.duckdb", "current/xxgk.duckdb"), ("parquet", "current/parquet")):
        link = root / name
        if not (link.is_symlink() and os.readlink(link) == target):  # first publication, or the old layout
            _swap_link(link, Path(target))
    _collect(builds, keep=KEEP_BUILDS)
    return Publication(published, final, {t: v["rows"] for t, v in tables.items()})


def _export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, dict]:
    """Every table of EXPORTS as Parquet (hive partitions ``report_year=Y`` where partitioned);
    returns rows and a content digest per table and partition."""
    out.mkdir(parents=True)
    manifest: dict[str, dict] = {}
    for table, by_year in EXPORTS.items():
        target = out / table
        if by_year:
            nulls = con.execute(f"SELECT count(*) FROM {table} WHERE report_year IS NULL").fetchall()[0][0]
            if nulls:  # every exported row has a year by construction; a NULL partition would not round-trip
                raise RuntimeError(f"{nulls} rows of {table} have no report_year")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{target}' ({_PARQUET}, PARTITION_BY (report_year))")
        else:
            target.mkdir()
            con.execute(f"COPY (SELECT * FROM {table}) TO '{target / 'data_0.parquet'}' ({_PARQUET})")
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        parts = {str(p.relative_to(target)): _digest(p) for p in sorted(target.rglob("*.parquet"))}
        manifest[table] = {"rows": rows, "partitioned_by": "report_year" if by_year else None, "files": parts}
    return manifest


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _check_copy(path: Path, tables: dict[str, dict]) -> None:
    """The copied file opens and holds what the export counted (a torn copy fails here)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        for table, info in tables.items():
            n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            if n != info["rows"]:
                raise RuntimeError(f"published copy holds {n} rows of {table}, the export {info['rows']}")
    finally:
        con.close()


def _swap_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` with one rename (readers see the old or the new, never none)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _collect(builds: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` builds (open files stay readable until closed) and
    leftovers of runs that died while building."""
    current = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in current[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    for dead in builds.glob(".*.incoming"):
        shutil.rmtree(dead, ignore_errors=True)
