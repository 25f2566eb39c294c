"""The warehouse's reference tables: ``region``, ``template_label``, ``measure``/``measure_cell``
and the body dimension ``agency`` with each report's place (``report_region``).

Each is rebuilt inside one transaction, with its comments re-applied: a reader never sees a
half-built dimension. The reference tables are small and rebuilt whole; ``report_region`` (a row
per report) is kept and only the reports whose placement inputs changed are placed again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from xxgk import regions
from xxgk.schema import TABLE2_CAPTIONS, TABLE2_ROWS, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_COLUMNS, TABLE4_ROWS
from xxgk.warehouse.db import sql_file, transaction
from xxgk.warehouse.measures import MEASURES, measure_cells

_STATUS = {"在用": "in_use", "弃用": "retired", "变更": "changed"}


def load_regions(con: duckdb.DuckDBPyConnection) -> int:
    """Replace ``region`` with every record of the vendored areacodes dataset (+ the nation)."""
    rows = []
    for rec in regions.records():
        d = rec.division
        rows.append([d.code, d.name, d.short, d.level, d.parent_code, d.valid_from, d.valid_to, _STATUS[rec.status],
                     list(d.successors), [f"{c}[{y}]" for c, y in rec.transfers],
                     regions.series_code(d.code, d.valid_from if d.valid_to is None else d.valid_to - 1)])
    n = regions.NATIONAL
    rows.append([n.code, n.name, n.name, n.level, None, n.valid_from, None, "in_use", [], [], n.code])
    frame = pl.DataFrame(rows, orient="row", schema={
        "code": pl.Utf8, "name": pl.Utf8, "short_name": pl.Utf8, "level": pl.Utf8, "parent_code": pl.Utf8,
        "valid_from": pl.Int32, "valid_to": pl.Int32, "status": pl.Utf8, "successors": pl.List(pl.Utf8),
        "transfers": pl.List(pl.Utf8), "series_code": pl.Utf8})
    with transaction(con, incoming_region=frame):
        con.execute(sql_file("dimensions/region.sql"))
    return len(rows)


def load_reference(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Replace ``template_label``, ``measure`` and ``measure_cell`` (from :mod:`xxgk.schema` and
    :mod:`xxgk.warehouse.measures`)."""
    labels = []
    for version, rows2 in TABLE2_ROWS.items():
        for r in rows2:
            for c in r.columns:
                labels.append([version, "table2", r.key, c.key, r.label, c.label, TABLE2_CAPTIONS[r.item], c.unit,
                               _kind(c.key, c.unit)])
    for layout, rows3 in TABLE3_ROWS.items():
        for r3 in rows3:
            for c in TABLE3_COLUMNS:
                labels.append([layout, "table3", r3.key, c.key, r3.label, _t3_col_label(c.label), r3.group, c.unit,
                               "count"])
        subtotals = [("denied.total", "（三）不予公开（小计）"), ("unable.total", "（四）无法提供（小计）"),
                     ("not_processed.total", "（五）不予处理（小计）")]
        if layout == "2021":
            subtotals.append(("other.total", "（六）其他处理（小计，或2019式单行）"))
        for key, label in subtotals:
            for c in TABLE3_COLUMNS:
                labels.append([layout, "table3", key, c.key, label, _t3_col_label(c.label), None, c.unit, "count"])
    for version in ("2019", "2021"):
        for key, label in TABLE4_ROWS:
            for c in TABLE4_COLUMNS:
                labels.append([version, "table4", key, c.key, label, c.label, None, c.unit, "count"])
    label_frame = pl.DataFrame(labels, orient="row", schema={
        "template": pl.Utf8, "table": pl.Utf8, "row": pl.Utf8, "col": pl.Utf8, "row_label": pl.Utf8,
        "col_label": pl.Utf8, "group_label": pl.Utf8, "unit": pl.Utf8, "kind": pl.Utf8})
    measure_frame = pl.DataFrame(
        [[m.key, m.label, m.unit, m.unit in ("万元", "元"), list(m.templates), m.comparable, m.description]
         for m in MEASURES], orient="row",
        schema={"measure": pl.Utf8, "label": pl.Utf8, "unit": pl.Utf8, "money": pl.Boolean,
                "templates": pl.List(pl.Utf8), "comparable_across_templates": pl.Boolean, "description": pl.Utf8})
    cell_frame = pl.DataFrame(measure_cells(), orient="row", schema={
        "measure": pl.Utf8, "layout": pl.Utf8, "table": pl.Utf8, "row": pl.Utf8, "col": pl.Utf8})
    with transaction(con, incoming_label=label_frame, incoming_measure=measure_frame, incoming_measure_cell=cell_frame):
        con.execute(sql_file("dimensions/reference.sql"))
    return {"template_label": label_frame.height, "measure": measure_frame.height, "measure_cell": cell_frame.height}


def _kind(col: str, unit: str) -> str:
    if unit in ("万元", "元"):
        return "money"
    return "signed count" if col == "items_change" else "count"


def _t3_col_label(label: str) -> str:
    """Table-3 columns under 法人或其他组织 carry their group: 法人或其他组织 > 商业企业."""
    return label if label in ("自然人", "总计") else f"法人或其他组织 > {label}"


# --- bodies ----------------------------------------------------------------------------------

_ZONE = re.compile(r"开发区|高新区|高新技术产业|经济技术|保税区|实验区|示范区|试验区|园区|管委会|管理委员会|新区")
_TOWNSHIP = re.compile(r"(镇|乡|街道)(人民政府|政府|办事处)?$|街道办事处$")
_OFFICE = re.compile(r"政府办公室$|政府办公厅$|政府办$")
_GOVERNMENT = re.compile(r"人民政府$")


def agency_type(agency: str, scope: str | None) -> str:
    """What kind of body the name says it is: government (a people's government), government_office
    (its 办公室/办公厅), township (乡镇 government or 街道办事处), development_zone (开发区, 新区,
    实验区 and their 管委会), or department (everything else: 局, 委员会, 办, 中心 …)."""
    bare = regions.bare_name(agency)
    if _TOWNSHIP.search(bare):
        return "township"
    if _OFFICE.search(bare):
        return "government_office"
    if _ZONE.search(bare) and (scope == "area" or _ZONE.search(bare[-6:])):
        return "development_zone"
    if _GOVERNMENT.search(bare) or (scope == "area" and regions.find_in(agency) is not None):
        return "government"
    return "department"


PLACE_BATCH = 50_000
_PLACED = (("report_id", "VARCHAR"), ("agency_key", "VARCHAR"), ("report_year", "INTEGER"), ("agency", "VARCHAR"),
           ("region_code", "VARCHAR"), ("region_name", "VARCHAR"), ("region_level", "VARCHAR"),
           ("series_code", "VARCHAR"), ("county_code", "VARCHAR"), ("city_code", "VARCHAR"),
           ("province_code", "VARCHAR"), ("agency_type", "VARCHAR"), ("body_level", "VARCHAR"),
           ("placed_by", "VARCHAR"), ("place_note", "VARCHAR"), ("source_id", "VARCHAR"),
           ("source_region_code", "VARCHAR"))  # the columns of report_region


@dataclass(frozen=True)
class AgencySummary:
    agencies: int
    unresolved: int
    reports_placed: int


def build_agencies(con: duckdb.DuckDBPyConnection, source_regions: Mapping[str, str] | None = None) -> AgencySummary:
    """Bring ``report_region`` (every report with an agency, placed in its report year) up to date
    and rebuild ``agency`` (one row per ``agency_key``) from it.

    Placing a report is a Python pass (names matched against the divisions of its year), so only
    the reports whose placement inputs changed are placed again: new or reloaded reports (their
    name, key, parsed region, year, scope or first source differ from the digest kept in
    ``mart_input`` under ``'placement'``) and reports gone. Everything is placed again when the
    placement itself changed (its code, the divisions dataset or the sources' regions: the
    ``'placement'`` row of ``mart_state``). ``reports_placed`` counts the reports placed this time.
    """
    source_regions = dict(source_regions or {})
    version = _placement_version(source_regions)
    state = con.execute("SELECT inputs FROM mart_state WHERE mart = 'placement'").fetchall()
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'report_region' "
                         "AND schema_name = 'main' AND NOT temporary").fetchone()[0]
    full = not state or state[0][0] != version or not exists
    con.execute("""CREATE OR REPLACE TEMP TABLE place_now AS
                   SELECT *, hash(agency, agency_key, region_code, report_year, scope, source_id) AS digest FROM (
                       SELECT r.report_id, r.agency, r.agency_key, r.region_code, r.report_year, r.scope,
                              arg_min(d.source_id, d.first_seen_at) AS source_id
                       FROM report r LEFT JOIN document d USING (sha256)
                       WHERE r.agency IS NOT NULL GROUP BY ALL)""")
    kept = "false" if full else ("EXISTS (SELECT 1 FROM mart_input m WHERE m.mart = 'placement' "
                                 "AND m.report_id = p.report_id AND m.digest = p.digest)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE incoming_report_region ({', '.join(f'{c} {t}' for c, t in _PLACED)})")
    placed = 0
    after = ""  # report ids are taken in order, PLACE_BATCH at a time: memory stays flat in the reports placed
    while batch := con.execute(f"""SELECT report_id, agency, agency_key, region_code, report_year, scope, source_id
                                   FROM place_now p WHERE NOT {kept} AND report_id > ?
                                   ORDER BY report_id LIMIT {PLACE_BATCH}""", [after]).fetchall():
        frame = pl.DataFrame([_place(*r, source_regions) for r in batch], orient="row",
                             schema={c: pl.Int32 if t == "INTEGER" else pl.Utf8 for c, t in _PLACED})
        con.register("placed_batch", frame)
        con.execute("INSERT INTO incoming_report_region SELECT * FROM placed_batch")
        con.unregister("placed_batch")
        placed += len(batch)
        after = batch[-1][0]
    with transaction(con):
        if full:
            con.execute("CREATE OR REPLACE TABLE report_region AS SELECT * FROM incoming_report_region WHERE false")
            con.execute("DELETE FROM mart_input WHERE mart = 'placement'")
        # the rows to drop: reports placed again and reports gone (or no longer named)
        con.execute("""CREATE OR REPLACE TEMP TABLE place_redo AS
                       SELECT report_id FROM incoming_report_region
                       UNION SELECT report_id FROM mart_input m WHERE mart = 'placement'
                             AND NOT EXISTS (SELECT 1 FROM place_now p WHERE p.report_id = m.report_id)""")
        con.execute(sql_file("dimensions/agency.sql"))
        con.execute("DELETE FROM mart_input WHERE mart = 'placement' "
                    "AND report_id IN (SELECT report_id FROM place_redo)")
        con.execute("""INSERT INTO mart_input (mart, report_id, agency_key, report_year, digest)
                       SELECT 'placement', report_id, agency_key, report_year, digest FROM place_now
                       WHERE report_id IN (SELECT report_id FROM incoming_report_region)""")
        con.execute("DELETE FROM mart_state WHERE mart = 'placement'")
        gone = con.execute("SELECT count(*) FROM place_redo").fetchone()[0] - placed
        con.execute("INSERT INTO mart_state VALUES ('placement', ?, NULL, ?, ?, NULL, NULL, ?, ?)",
                    [version, datetime.now(UTC).replace(tzinfo=None),
                     "full" if full else ("incremental" if placed or gone else "unchanged"), gone, placed])
        con.execute("DROP TABLE place_redo")
    con.execute("DROP TABLE place_now")
    con.execute("DROP TABLE incoming_report_region")
    n, unresolved = con.execute("SELECT count(*), count(*) FILTER (region_code IS NULL) FROM agency").fetchall()[0]
    return AgencySummary(n, unresolved, placed)


def _place(rid: str, agency: str, key: str, parsed_code: str | None, year: int | None, scope: str | None,
           source_id: str | None, source_regions: Mapping[str, str]) -> list:
    """One report's row of ``report_region``: its body placed in the divisions of its year."""
    source_code = source_regions.get(source_id or "")
    placed = regions.place_agency(agency, year, source_code, parsed_code)
    d = placed.division
    chain = {a.level: a for a in regions.ancestors(d.code, year)} if d is not None else {}
    kind = agency_type(agency, scope)
    body_level = "township" if kind == "township" else (d.level if d is not None else None)
    return [rid, key, year, agency, d.code if d else None, d.name if d else None, d.level if d else None,
            regions.series_code(d.code, year) if d else None,
            chain["county"].code if "county" in chain else None,
            chain["city"].code if "city" in chain else None,
            chain["province"].code if "province" in chain else None,
            kind, body_level, placed.how, placed.note or None, source_id, source_code]


def _placement_version(source_regions: Mapping[str, str]) -> str:
    """Digest of what placing a report depends on besides the report: the placement code, the
    divisions dataset and the region each source's reports default to."""
    h = hashlib.sha256()
    for path in (Path(regions.__file__), Path(__file__), regions.AREACODES_CSV):
        h.update(path.read_bytes())
    h.update(repr(sorted(source_regions.items())).encode())
    return h.hexdigest()[:32]
