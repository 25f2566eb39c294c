"""Publishing the analysts' warehouse: Parquet files per table and report year, rewritten only where
their content changed, and a small DuckDB file of views over them, swapped in whole.

DuckDB lets one process hold a read-write connection and locks out every other process, so
analysts never open the file the pipeline writes. Each publication is a new build folder::

    published/
      builds/<build id>/parquet/<table>/year=<Y>/data_0.parquet   tables with a report year (their
                                                  own, or their report's: cell, rule_result, …; 0 = none)
      builds/<build id>/parquet/<table>/data_0.parquet             the others (dimensions, crawl state)
      builds/<build id>/xxgk.duckdb     views with the warehouse's names over those files, and the
                                        warehouse's own views (v_cell, report_current, …), commented
      builds/<build id>/manifest.json   rows and content digest per table and partition (written last)
      current -> builds/<build id>      swapped by one atomic rename
      xxgk.duckdb -> current/xxgk.duckdb, parquet -> current/parquet   stable paths for readers

A partition whose content digest (rows and the sum of their hashes, computed in the warehouse)
equals the current build's is not written again but hard-linked from it: a night that changed
one report rewrites the few partitions of its year, and the build costs the disk of what
changed. Builds share unchanged files, so deleting an old build never removes a file a newer one
uses. The DuckDB file holds no data (a few hundred KB), is written in DuckDB 1.0's storage format
so DuckDB 1.x (the CLI that pip offers) opens it as well as 2.0, and names its files by absolute
path (a moved ``published`` folder needs a new publication; the Parquet files read anywhere).

Only the ``current`` link changes, by ``rename(2)``: a reader that opened the previous views file
keeps reading its build (kept until ``KEEP_BUILDS - 1`` newer ones exist: a reader holding a
file open for longer than that many nights loses the files under it), a reader that opens after
the swap gets the whole new build, nobody ever sees half a run, and a run that fails before the
swap leaves the previous build current and nothing behind. Parquet is readable by DuckDB 1.x,
polars and pandas (``bench/parquet_compat.py``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from xxgk.warehouse.dictionary import apply_comments

KEEP_BUILDS = 3
# Pipeline bookkeeping that analysts have no use for (xxgk/warehouse/marts.py).
INTERNAL = frozenset({"mart_input", "mart_body_input", "report_content", "mart_input_now", "mart_body_input_now"})
# The Parquet format every reader we promise understands (DuckDB 1.x, polars, pyarrow/pandas).
_PARQUET = "FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V1"
_VIEWS_STORAGE = "v1.0.0"  # the views file opens in DuckDB 1.x too


@dataclass
class Publication:
    path: Path            # the stable path of the published DuckDB file
    build: Path           # the build folder now current
    tables: dict[str, int]
    written: int          # Parquet files written by this publication
    reused: int           # Parquet files linked from the previous build (unchanged content)


@dataclass(frozen=True)
class _Table:
    name: str
    query: str            # the rows to export, with a column ``year`` when partitioned
    partitioned: bool


def publish(con: duckdb.DuckDBPyConnection, db_path: Path, published: Path,
            before_swap: Callable[[Path], None] | None = None) -> Publication:
    """Publish the working warehouse (``con``) as a new build and make it current atomically.

    ``published`` is the stable path readers open (``…/published/xxgk.duckdb``); ``db_path`` is
    the working file (unused since the data goes out as Parquet; kept for the callers).
    ``before_swap`` is called with the finished build folder before it becomes current (tests use
    it to fail a run at the last moment).
    """
    del db_path
    root = published.parent
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = builds / build_id
    previous = _current(root)
    try:
        final.mkdir()
        tables, written, reused = _export(con, final / "parquet", previous)
        _views_file(con, final, tables)
        (final / "manifest.json").write_text(json.dumps(
            {"build": build_id, "created": datetime.now(UTC).isoformat(), "tables": tables}, indent=1,
            ensure_ascii=False), encoding="utf-8")
        if before_swap is not None:
            before_swap(final)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    _swap_link(root / "current", Path("builds") / build_id)
    for name, target in (("xxgk.duckdb", "current/xxgk.duckdb"), ("parquet", "current/parquet")):
        link = root / name
        if not (link.is_symlink() and os.readlink(link) == target):  # first publication, or the old layout
            _swap_link(link, Path(target))
    _collect(builds, keep=KEEP_BUILDS, current=final)
    return Publication(published, final, {t: v["rows"] for t, v in tables.items()}, written, reused)


def _current(root: Path) -> tuple[Path, dict] | None:
    """The current build and its manifest (None: first publication, or one of the old layout)."""
    try:
        build = (root / "current").resolve(strict=True)
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return build, manifest["tables"]


def _plan(con: duckdb.DuckDBPyConnection) -> list[_Table]:
    """Every base table of the warehouse but the bookkeeping, with how it is partitioned."""
    columns: dict[str, set[str]] = {}
    for table, column in con.execute(
            "SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t "
            "ON t.table_name = c.table_name AND t.schema_name = c.schema_name AND t.database_name = c.database_name "
            "WHERE c.schema_name = 'main' AND c.database_name = current_database() AND NOT t.temporary").fetchall():
        columns.setdefault(table, set()).add(column)
    out = []
    for name, cols in sorted(columns.items()):
        if name in INTERNAL:
            continue
        if "report_year" in cols:
            out.append(_Table(name, f"SELECT *, coalesce(report_year, 0) AS year FROM {name}", True))
        elif "report_id" in cols and "report" in columns:
            years = "(SELECT report_id AS _id, report_year FROM report)"
            out.append(_Table(name, f"SELECT t.*, coalesce(r.report_year, 0) AS year FROM {name} t "
                                    f"LEFT JOIN {years} r ON r._id = t.report_id", True))
        else:
            out.append(_Table(name, f"SELECT * FROM {name}", False))
    return out


def _export(con: duckdb.DuckDBPyConnection, out: Path, previous: tuple[Path, dict] | None
            ) -> tuple[dict[str, dict], int, int]:
    """Write (or link, where the content is the previous build's) every table's Parquet files;
    the manifest's tables, files written and files linked."""
    out.mkdir(parents=True)
    before_dir, before = previous if previous is not None else (None, {})
    manifest: dict[str, dict] = {}
    written = reused = 0
    for t in _plan(con):
        target = out / t.name
        target.mkdir()
        key = "year" if t.partitioned else "0"
        parts = {(f"year={y}/data_0.parquet" if t.partitioned else "data_0.parquet"): {"rows": n, "digest": str(d)}
                 for y, n, d in con.execute(f"SELECT {key}, count(*), sum(hash(x)) FROM ({t.query}) x GROUP BY ALL"
                                            ).fetchall()}
        if not parts:  # an empty table still gets a file: the views file needs its columns
            parts = {("year=0/data_0.parquet" if t.partitioned else "data_0.parquet"): {"rows": 0, "digest": "0"}}
        old = before.get(t.name, {}).get("parts", {})
        same = [rel for rel, info in parts.items() if before_dir is not None and old.get(rel) == info]
        todo = [rel for rel in parts if rel not in same]
        # One COPY per partition: PARTITION_BY keeps a buffer per open partition and thread, and
        # its memory grew with the table (2.3 GB for the cells of 30,000 reports, 0.26 GB this way).
        for rel in todo:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            if t.partitioned:
                year = int(rel.split("/")[0].removeprefix("year="))
                con.execute(f"COPY (SELECT * EXCLUDE (year) FROM ({t.query}) WHERE year = ?) TO '{target / rel}' "
                            f"({_PARQUET})", [year])
            else:
                con.execute(f"COPY ({t.query}) TO '{target / rel}' ({_PARQUET})")
        for rel in same:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(before_dir / "parquet" / t.name / rel, target / rel)
        written += len(todo)
        reused += len(same)
        manifest[t.name] = {"rows": sum(p["rows"] for p in parts.values()),
                            "partitioned_by": "year" if t.partitioned else None, "parts": parts}
    return manifest, written, reused


def _views_file(con: duckdb.DuckDBPyConnection, build: Path, tables: dict[str, dict]) -> None:
    """``build/xxgk.duckdb``: a view per exported table over its files, the warehouse's own views,
    and the comments of ``dictionary.toml``; written under another name and renamed."""
    tmp = build / ".xxgk.duckdb.tmp"
    views = con.execute("SELECT view_name, sql FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal "
                        "AND NOT temporary AND database_name = current_database() ORDER BY view_oid").fetchall()
    pub = duckdb.connect()
    try:
        pub.execute(f"ATTACH '{tmp}' AS pub (STORAGE_VERSION '{_VIEWS_STORAGE}')")
        pub.execute("USE pub")
        for name, info in tables.items():
            folder = (build / "parquet" / name).resolve()
            if info["partitioned_by"]:
                pub.execute(f"CREATE VIEW {name} AS SELECT * EXCLUDE (year) FROM "
                            f"read_parquet('{folder}/*/*.parquet', hive_partitioning = true)")
            else:
                pub.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder}/data_0.parquet')")
        pending = [(n, sql) for n, sql in views if n not in INTERNAL]
        while pending:  # in an order where each view's inputs exist
            failed = []
            for name, sql in pending:
                try:
                    pub.execute(sql)
                except duckdb.CatalogException:
                    failed.append((name, sql))
            if len(failed) == len(pending):
                raise RuntimeError(f"views that cannot be published: {', '.join(n for n, _ in failed)}")
            pending = failed
        apply_comments(pub)
        pub.execute("USE memory")
        pub.execute("DETACH pub")
    finally:
        pub.close()
    os.replace(tmp, build / "xxgk.duckdb")


def _swap_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` with one rename (readers see the old or the new, never none)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _collect(builds: Path, keep: int, current: Path) -> None:
    """Delete all but the newest ``keep`` finished builds (never the current one) and what runs
    that died while building left (no manifest). Files shared with newer builds are hard links:
    they stay."""
    done = sorted(p for p in builds.iterdir() if p.is_dir() and (p / "manifest.json").exists())
    for old in done[:-keep]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
    for dead in builds.iterdir():
        if dead.is_dir() and dead != current and not (dead / "manifest.json").exists():
            shutil.rmtree(dead, ignore_errors=True)
