"""Views and marts: ``sql/views/*.sql`` (report versions, measures, friendly views) and
``sql/marts/*.sql``, run after the rule checks, rebuilt only where their inputs changed.

Every mart row belongs to a key: a body (``agency_key``: mart_agency_year, mart_series,
mart_publication; a body's rows depend on its own reports only, year-over-year changes and
missing years included) or a region row (level, region code, report year: mart_region_year,
its members, mart_hierarchy_check; a row depends on the reports placed inside it). A build
compares a digest of every report version and every body (views ``mart_input_now`` and
``mart_body_input_now``) with the digests the mart was last built from (``mart_input``,
``mart_body_input``), turns the reports whose digest changed (loaded, reloaded, withdrawn, a new
current version, a new failing error rule, a new place; both their old and their new keys) into
the keys to rebuild (``mart_scope_body``, ``mart_scope_region``), and deletes and re-inserts only
those keys' rows, with the same SQL that builds the whole mart (where every key is in scope).
A mart is rebuilt whole when its SQL, the views or the reference tables (region, measures,
labels) changed. The build and the new digests commit together: a run killed halfway leaves the
previous mart and digests, and the next run rebuilds what changed since then.

The measures and content digest of a report are computed from its cells once per load
(``report_measure_value``, ``report_content``), so a build reads the cell table only for the
reports loaded since the previous one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from xxgk.warehouse.db import SQL_DIR, sql_file, transaction

MARTS = tuple(sorted(p.stem for p in (SQL_DIR / "marts").glob("*.sql")))
_STATEMENT = re.compile(r"CREATE OR REPLACE TABLE (\w+) AS\n(.*?);\n", re.S)
# The key of every mart table: the columns a scope table's rows match.
BODY, REGION = "body", "region"
KEYS = {"mart_agency_year": BODY, "mart_series": BODY, "mart_publication": BODY,
        "mart_region_year_member": REGION, "mart_region_year": REGION, "mart_hierarchy_check": REGION}
_DELETE = {BODY: "DELETE FROM {t} WHERE agency_key IN (SELECT agency_key FROM mart_scope_body)",
           REGION: "DELETE FROM {t} USING mart_scope_region s WHERE s.level = {t}.level AND s.code = {t}.region_code "
                   "AND s.report_year = {t}.report_year"}
_REFERENCE = ("region", "measure", "measure_cell", "template_label")
CACHE_BATCH = 25_000  # reports per transaction of the cache refresh (~5 M cells; each batch scans `cell` once)


@dataclass(frozen=True)
class MartBuild:
    mart: str
    mode: str                 # full | incremental | unchanged
    rows: dict[str, int]      # rows of every table the mart holds after the build
    bodies: int               # body keys rebuilt
    regions: int              # region keys rebuilt
    deleted: int
    inserted: int


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view in name order (they read the dimensions, so after those)."""
    with transaction(con):
        for f in sorted((SQL_DIR / "views").glob("*.sql")):
            con.execute(f.read_text(encoding="utf-8"))


def statements(name: str) -> list[tuple[str, str]]:
    """(table, SELECT) of every table ``sql/marts/<name>.sql`` builds, in order."""
    return [(m.group(1), m.group(2)) for m in _STATEMENT.finditer(sql_file(f"marts/{name}.sql"))]


def refresh_cache(con: duckdb.DuckDBPyConnection, batch: int = CACHE_BATCH) -> int:
    """Bring ``report_content`` and ``report_measure_value`` up to date with ``report``: entries of
    reports loaded (again) since the last refresh are computed from their cells, ``batch``
    reports per transaction (memory bounded however many: a backfill, new measure definitions),
    entries of reports gone are dropped. Returns the reports computed."""
    inputs = _digest(con, ("measure", "measure_cell"), [sql_file("cache/report_cache.sql")])
    old = con.execute("SELECT inputs FROM mart_state WHERE mart = 'cache'").fetchall()
    mode = "incremental" if old and old[0][0] == inputs else "full"
    with transaction(con):
        if mode == "full":  # new measure definitions: every report again
            con.execute("DELETE FROM report_content")
            con.execute("DELETE FROM report_measure_value")
            con.execute("DELETE FROM mart_state WHERE mart = 'cache'")
        con.execute("""CREATE OR REPLACE TEMP TABLE cache_gone AS
                       SELECT report_id FROM report_content c
                       WHERE NOT EXISTS (SELECT 1 FROM report r WHERE r.report_id = c.report_id
                                                                   AND r.parsed_at = c.parsed_at)""")
        if con.execute("SELECT count(*) FROM cache_gone").fetchone()[0]:
            for table in ("report_content", "report_measure_value"):
                con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM cache_gone)")
        con.execute("DROP TABLE cache_gone")
    con.execute("""CREATE OR REPLACE TEMP TABLE cache_all AS
                   SELECT report_id, template, table3_layout, parsed_at,
                          row_number() OVER (ORDER BY report_id) - 1 AS i FROM report r
                   WHERE NOT EXISTS (SELECT 1 FROM report_content c
                                     WHERE c.report_id = r.report_id AND c.parsed_at = r.parsed_at)""")
    todo = con.execute("SELECT count(*) FROM cache_all").fetchone()[0]
    for start in range(0, todo, batch):
        with transaction(con):  # a run killed here keeps the batches done; the next one does the rest
            con.execute("CREATE OR REPLACE TEMP TABLE cache_todo AS SELECT * EXCLUDE (i) FROM cache_all "
                        "WHERE i >= ? AND i < ?", [start, start + batch])
            con.execute(sql_file("cache/report_cache.sql"))
    con.execute("DROP TABLE IF EXISTS cache_todo")
    con.execute("DROP TABLE cache_all")
    with transaction(con):
        con.execute("DELETE FROM mart_state WHERE mart = 'cache'")
        con.execute("INSERT INTO mart_state VALUES ('cache', ?, NULL, ?, ?, NULL, NULL, NULL, ?)",
                    [inputs, _now(), mode, todo])
    return todo


def build_mart(con: duckdb.DuckDBPyConnection, name: str, full: bool = False) -> dict[str, int]:
    """Bring ``sql/marts/<name>.sql``'s tables up to date (see the module's docstring); rows of
    every table it holds."""
    return build(con, name, full).rows


def build(con: duckdb.DuckDBPyConnection, name: str, full: bool = False) -> MartBuild:
    """:func:`build_mart` with what it did: whole, incrementally (which keys, rows deleted and
    inserted) or not at all (nothing changed)."""
    refresh_cache(con)
    parts = statements(name)
    inputs = _digest(con, _REFERENCE, [sql_file(f"marts/{name}.sql")]
                     + [f.read_text(encoding="utf-8") for f in sorted((SQL_DIR / "views").glob("*.sql"))])
    with transaction(con):
        state = con.execute("SELECT inputs, as_of FROM mart_state WHERE mart = ?", [name]).fetchall()
        exists = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")
                  .fetchall()}
        full = full or not state or state[0][0] != inputs or any(t not in exists for t, _ in parts)
        as_of = con.execute("SELECT as_of FROM mart_as_of").fetchone()[0]
        con.execute("CREATE OR REPLACE TEMP TABLE mart_now AS SELECT * FROM mart_input_now")
        con.execute("CREATE OR REPLACE TEMP TABLE mart_body_now AS SELECT * FROM mart_body_input_now")
        if full:
            _scope_all(con)
        else:
            _scope_changed(con, name, state[0][1], as_of)
        bodies = con.execute("SELECT count(*) FROM mart_scope_body").fetchone()[0]
        regions = con.execute("SELECT count(*) FROM mart_scope_region").fetchone()[0]
        deleted = inserted = 0
        if full:
            for table, select in parts:
                con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}")
                inserted += con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for t in ("mart_input", "mart_body_input"):
                con.execute(f"DELETE FROM {t} WHERE mart = ?", [name])
            con.execute("INSERT INTO mart_input SELECT ?, * FROM mart_now", [name])
            con.execute("INSERT INTO mart_body_input SELECT ?, * FROM mart_body_now", [name])
        elif bodies or regions:
            for table, select in parts:
                deleted += con.execute(_DELETE[KEYS[table]].format(t=table)).fetchone()[0]
                inserted += con.execute(f"INSERT INTO {table} {select}").fetchone()[0]
            _store_changed(con, name)
        mode = "full" if full else ("incremental" if bodies or regions else "unchanged")
        con.execute("DELETE FROM mart_state WHERE mart = ?", [name])
        con.execute("INSERT INTO mart_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [name, inputs, as_of, _now(), mode, bodies, regions, deleted, inserted])
        for t in ("mart_now", "mart_body_now", "mart_changed", "mart_scope_body", "mart_scope_region"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t, _ in parts}
    return MartBuild(name, mode, rows, bodies, regions, deleted, inserted)


def build_marts(con: duckdb.DuckDBPyConnection, full: bool = False) -> dict[str, int]:
    """Every mart, in dependency order (mart_region_year before mart_hierarchy_check)."""
    counts: dict[str, int] = {}
    for name in ordered():
        counts.update(build_mart(con, name, full))
    return counts


def ordered() -> list[str]:
    return sorted(MARTS, key=lambda n: (n == "mart_hierarchy_check", n))


def _scope_all(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE mart_scope_body AS "
                "SELECT DISTINCT agency_key FROM mart_now WHERE agency_key IS NOT NULL")
    con.execute("CREATE OR REPLACE TEMP TABLE mart_changed AS SELECT * FROM mart_now")
    _scope_regions(con)


def _scope_changed(con: duckdb.DuckDBPyConnection, name: str, as_of_before: object, as_of: object) -> None:
    """The keys whose inputs changed since ``name`` was last built: the old and the new rows of
    every report version whose digest differs (or that came or went), the bodies whose agency row
    changed, and for mart_publication the bodies whose missing year passed its deadline between
    the previous build's date and this one's."""
    con.execute("""CREATE OR REPLACE TEMP TABLE mart_changed AS
                   WITH old AS (SELECT * EXCLUDE (mart) FROM mart_input WHERE mart = ?),
                   ids AS (SELECT coalesce(n.report_id, o.report_id) AS report_id
                           FROM mart_now n FULL JOIN old o USING (report_id)
                           WHERE n.digest IS DISTINCT FROM o.digest)
                   SELECT * FROM mart_now WHERE report_id IN (SELECT report_id FROM ids)
                   UNION ALL
                   SELECT * FROM old WHERE report_id IN (SELECT report_id FROM ids)""", [name])
    passed = ""
    if name == "mart_publication" and as_of_before is not None and as_of_before != as_of:
        # a missing row exists once make_date(Y + 2, deadline month, 31) < as_of (mart_publication.sql)
        passed = f"""UNION SELECT agency_key FROM mart_publication WHERE status = 'published'
                       AND make_date(report_year + 2, CASE WHEN deadline IS NULL THEN 3 ELSE month(deadline) END, 31)
                           >= least(DATE '{as_of_before}', DATE '{as_of}')
                       AND make_date(report_year + 2, CASE WHEN deadline IS NULL THEN 3 ELSE month(deadline) END, 31)
                           < greatest(DATE '{as_of_before}', DATE '{as_of}')"""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE mart_scope_body AS
                    SELECT agency_key FROM mart_changed WHERE agency_key IS NOT NULL
                    UNION
                    SELECT coalesce(n.agency_key, o.agency_key)
                    FROM mart_body_now n FULL JOIN (SELECT * FROM mart_body_input WHERE mart = ?) o USING (agency_key)
                    WHERE n.digest IS DISTINCT FROM o.digest
                    {passed}""", [name])
    _scope_regions(con)


def _scope_regions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE OR REPLACE TEMP TABLE mart_scope_region AS
                   SELECT DISTINCT u.level, u.code, c.report_year
                   FROM mart_changed c,
                        unnest([{'level': 'county', 'code': c.county_code}, {'level': 'city', 'code': c.city_code},
                                {'level': 'province', 'code': c.province_code}]) AS t(u)
                   WHERE u.code IS NOT NULL AND c.report_year IS NOT NULL""")


def _store_changed(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute("DELETE FROM mart_input WHERE mart = ? AND report_id IN (SELECT report_id FROM mart_changed)", [name])
    con.execute("""INSERT INTO mart_input SELECT ?, * FROM mart_now
                   WHERE report_id IN (SELECT report_id FROM mart_changed)""", [name])
    con.execute("DELETE FROM mart_body_input WHERE mart = ? AND agency_key IN (SELECT agency_key FROM mart_scope_body)",
                [name])
    con.execute("""INSERT INTO mart_body_input SELECT ?, * FROM mart_body_now
                   WHERE agency_key IN (SELECT agency_key FROM mart_scope_body)""", [name])


def _digest(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], texts: list[str]) -> str:
    """Digest of some SQL texts and of the content of some (small) tables."""
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8"))
    for t in tables:
        h.update(repr(con.execute(f"SELECT count(*), bit_xor(hash(x)) FROM {t} x").fetchall()).encode())
    return h.hexdigest()[:32]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
