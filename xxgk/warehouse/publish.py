"""Publishing a read-only copy of the warehouse for analysts.

DuckDB lets one process hold a read-write connection and locks out every other process, so
analysts never open the file the pipeline writes. At the end of a run the pipeline checkpoints
and copies it next to the published path, then renames the copy into place: an analyst who
holds the old copy open keeps reading a consistent file, and the next open sees the new one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def publish(con: duckdb.DuckDBPyConnection, db_path: Path, published: Path) -> Path:
    con.execute("CHECKPOINT")
    published.parent.mkdir(parents=True, exist_ok=True)
    tmp = published.with_name(f".{published.name}.incoming")
    shutil.copyfile(db_path, tmp)
    os.replace(tmp, published)
    return published
