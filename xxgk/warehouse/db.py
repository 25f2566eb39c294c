"""Opening the warehouse and applying its DDL.

DuckDB allows one read-write process per file; everything that writes goes through
:func:`connect` inside the pipeline (Dagster pool ``duckdb``). Analysts read the published copy
(:mod:`xxgk.warehouse.publish`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
# DECIMAL(24, 6) (cell values, rule sides) holds 18 digits before the point; DuckDB rounds the
# 7th decimal, so this is the smallest magnitude that no longer fits.
_DECIMAL_OVERFLOW = Decimal("999999999999999999.9999995")


def fits_decimal(value: int | Decimal) -> bool:
    """Whether a number fits the warehouse's ``DECIMAL(24, 6)`` columns."""
    return abs(Decimal(value)) < _DECIMAL_OVERFLOW


# DuckDB's own default is 80 % of the machine's memory, and it takes it: a full mart build of a
# million reports peaked at 10 GB. With a limit, joins, aggregates and sorts spill to
# ``<warehouse>.tmp`` instead, so the pipeline's memory stays flat whatever the warehouse's size.
DEFAULT_MEMORY_LIMIT = "3GB"


def duckdb_config() -> dict[str, str]:
    """Settings of every connection to the warehouse (``XXGK_DUCKDB_MEMORY_LIMIT`` overrides the
    memory limit, e.g. ``8GB`` on a larger box)."""
    return {"memory_limit": os.environ.get("XXGK_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT}


def connect(path: str | os.PathLike[str], read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating parent folders) the warehouse file and make sure the schema exists."""
    p = Path(path)
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(p), read_only=read_only, config=duckdb_config())
    if not read_only:
        apply_ddl(con)
    return con


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    """Run every ``sql/ddl/*.sql`` in name order. Each file is idempotent."""
    for f in sorted((SQL_DIR / "ddl").glob("*.sql")):
        con.execute(f.read_text(encoding="utf-8"))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, **frames: object) -> Iterator[None]:
    """One transaction, with dataframes registered under the given names for its statements.

    Readers of the file never see a half-replaced table, and a failure leaves the previous
    state; the frames are unregistered whatever happens.
    """
    for name, frame in frames.items():
        con.register(name, frame)
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            con.unregister(name)


def sql_file(relative: str) -> str:
    """Text of a file under ``sql/`` (e.g. ``marts/mart_region_year.sql``)."""
    return (SQL_DIR / relative).read_text(encoding="utf-8")
