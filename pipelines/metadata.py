"""Asset metadata the Dagster UI understands: row counts, column schemas, file links."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb


def table_metadata(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    """``dagster/row_count`` and ``dagster/column_schema`` of a warehouse table, read from
    the table itself (so the UI shows the schema as it is, with the columns' comments)."""
    rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    comments = dict(con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? AND comment IS NOT NULL",
        [table]).fetchall())
    columns = [dg.TableColumn(name, str(dtype).lower(), description=comments.get(name))
               for name, dtype, *_ in con.execute(f'DESCRIBE "{table}"').fetchall()]
    return {"dagster/row_count": rows, "dagster/column_schema": dg.TableSchema(columns=columns),
            "dagster/table_name": table}


def file_link(path: Path) -> dg.MetadataValue:
    """A file as a clickable ``file://`` URL (the UI runs on the same machine)."""
    return dg.MetadataValue.url(path.resolve().as_uri())
