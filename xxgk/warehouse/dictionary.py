"""The data dictionary (``dictionary.toml``): table and column comments in the warehouse, and the
tables section of ``docs/data-dictionary.md``.

One source for both, so what ``COMMENT ON`` says and what the documentation says cannot drift;
:func:`problems` lists what the dictionary misses or names wrongly (a test keeps it empty).

    python -m xxgk.warehouse.dictionary WAREHOUSE.duckdb   # rewrite the generated part of the doc
"""

from __future__ import annotations

import sys
import tomllib
from functools import lru_cache
from pathlib import Path

import duckdb

DICTIONARY = Path(__file__).with_name("dictionary.toml")
DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"
BEGIN, END = "<!-- BEGIN GENERATED: xxgk.warehouse.dictionary -->", "<!-- END GENERATED -->"
SECTIONS = ("Analyst views", "Marts", "Dimensions", "Reports and cells", "Crawl")


@lru_cache(maxsize=1)
def entries() -> tuple[dict[str, str], dict[str, dict]]:
    data = tomllib.loads(DICTIONARY.read_text(encoding="utf-8"))
    common = data.pop("columns")
    return common, data


def _objects(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """name -> (table | view, [(column, type)]) for the warehouse's own tables and views."""
    kinds = dict(con.execute(
        "SELECT table_name, 'table' FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
        "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal "
        "AND NOT temporary").fetchall())
    cols: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
            "ORDER BY table_name, column_index").fetchall():
        if table in kinds:
            cols.setdefault(table, []).append((column, dtype))
    return {name: (kind, cols.get(name, [])) for name, kind in kinds.items()}


def _describe(name: str, column: str) -> str | None:
    common, objects = entries()
    return objects.get(name, {}).get("columns", {}).get(column) or common.get(column)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection) -> int:
    """COMMENT ON every described table, view and column that exists; returns comments set."""
    _, objects = entries()
    n = 0
    for name, (kind, columns) in _objects(con).items():
        if name not in objects:
            continue
        con.execute(f"COMMENT ON {kind.upper()} {name} IS {_quote(objects[name]['description'])}")
        n += 1
        for column, _ in columns:
            text = _describe(name, column)
            if text:
                con.execute(f'COMMENT ON COLUMN {name}."{column}" IS {_quote(text)}')
                n += 1
    return n


def problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the dictionary misses (an object or column without description) or names wrongly."""
    _, objects = entries()
    found = _objects(con)
    out = [f"{name}: not described" for name in sorted(found) if name not in objects]
    out += [f"{name}: described but not in the warehouse" for name in sorted(objects) if name not in found]
    for name, (_, columns) in sorted(found.items()):
        have = {c for c, _ in columns}
        out += [f"{name}.{c}: no description" for c, _ in columns if not _describe(name, c)]
        out += [f"{name}.{c}: described but not a column" for c in objects.get(name, {}).get("columns", {})
                if c not in have]
    return out


def render(con: duckdb.DuckDBPyConnection) -> str:
    """Markdown of every described table and view, by section, with column types and meanings."""
    _, objects = entries()
    found = _objects(con)
    # the published file's tables are views over their Parquet files (xxgk.warehouse.publish)
    parquet = {n for (n,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal "
                                         "AND sql LIKE '%read_parquet(%'").fetchall()}
    parts = []
    for section in SECTIONS:
        names = [n for n, e in objects.items() if e.get("section") == section and n in found]
        if not names:
            continue
        parts.append(f"### {section}\n")
        for name in names:
            kind, columns = found[name]
            kind = "table, Parquet" if name in parquet else kind
            parts.append(f"#### `{name}` ({kind}, written by {objects[name]['owner']})\n")
            parts.append(objects[name]["description"] + "\n")
            parts.append("| column | type | meaning |\n|---|---|---|")
            for column, dtype in columns:
                text = (_describe(name, column) or "").replace("|", "\\|")
                parts.append(f"| `{column}` | {dtype} | {text} |")
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def rewrite_doc(con: duckdb.DuckDBPyConnection, doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{render(con)}{END}{tail}", encoding="utf-8")


def generated_part(doc: Path = DOC) -> str:
    text = doc.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].lstrip("\n")


if __name__ == "__main__":
    connection = duckdb.connect(sys.argv[1], read_only=True)
    rewrite_doc(connection)
    print(f"rewrote {DOC}")
