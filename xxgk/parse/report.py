"""Parsing one :class:`~xxgk.document.Document` into a :class:`~xxgk.model.ParseResult`.

Order of work: title and year, sections, template signals, the three tables, resolution of
illegible cells, then the decision whether this is a template report at all. A document that
is not one (a pre-2019 free-form report, a notice, a challenge page) is returned with
``is_report=False``, a reason, and no cells: never half-parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.document import Document, Paragraph, Table
from xxgk.model import Cell, Issue, ParseResult, Region, ReportMeta
from xxgk.parse.metadata import find_title, read_title, scope_of
from xxgk.parse.narrative import extract_facts
from xxgk.parse.resolve import resolve_illegible
from xxgk.parse.sections import narrative, split_sections, table_rows
from xxgk.parse.table2 import map_table2, table2_signals
from xxgk.parse.table3 import map_table3
from xxgk.parse.table4 import map_table4
from xxgk.rules.instances import evaluate

PARSER_VERSION = "5"


@dataclass
class Tables:
    """The three tables of a document mapped to canonical cells, with what decided the layout."""

    cells: list[Cell]
    issues: list[Issue]
    template: str
    table3_layout: str


def parse_document(doc: Document, source: str) -> ParseResult:
    issues: list[Issue] = []
    title = find_title(doc)
    sections = split_sections(doc)
    body = "\n".join(doc.text_lines())
    info = read_title(title, body) if title else None
    meta = ReportMeta(
        title=title or "",
        agency=info.agency if info else None,
        region=Region(info.region.code, info.region.name) if info and info.region else None,
        year=info.year if info else None,
        template=None,
        source=source,
        scope=scope_of(info.agency) if info else None,
    )

    tables = None
    reason = _not_a_report(title, meta.year, sections)
    if reason is None:
        tables = map_tables(sections, meta.year)
        reason = _not_filled_in(tables.cells, meta.year)
    if reason is not None or tables is None:
        if meta.year is not None and meta.year <= 2018:
            meta.template = "pre2019"
        return ParseResult(meta, [], [], [Issue("not_a_report", reason or "", "error")], is_report=False)

    meta.template = tables.template  # type: ignore[assignment]
    meta.table3_layout = tables.table3_layout
    issues += tables.issues
    if not narrative(sections.get(1, [])):
        issues.append(Issue("section_missing", "section 一、总体情况 not found", "info"))
    facts = extract_facts(sections, meta.scope)
    return ParseResult(meta, tables.cells, evaluate(tables.cells, meta, facts), issues, facts=facts)


def map_tables(sections: dict[int, list[Paragraph | Table]], year: int | None) -> Tables:
    """Tables 2–4 of a split document → canonical cells (pure; the decision whether the
    document is a report at all is the caller's)."""
    issues: list[Issue] = []
    rows2, rows3, rows4 = (table_rows(sections.get(n, [])) for n in (2, 3, 4))
    t3 = map_table3(rows3)
    sig2 = table2_signals(rows2)
    template = _table2_version(sig2, t3.layout, year)
    layout = "2021_single_other" if (template == "2021" and t3.layout == "2019") else t3.layout
    if len(sig2) > 1:
        issues.append(Issue("template_conflict", "table 2 carries both 2019 and 2021 labels"))
    t2 = map_table2(rows2, template)  # type: ignore[arg-type]
    t4 = map_table4(rows4)
    cells = t2.cells + t3.cells + t4.cells
    issues += t2.issues + t3.issues + t4.issues
    inferred = resolve_illegible(cells, t3.layout)
    if inferred:
        issues.append(Issue("cells_inferred", f"{inferred} illegible cells set from the table identities"))
    return Tables(cells, issues, template, layout)


def _not_a_report(title: str | None, year: int | None, sections: dict) -> str | None:
    if title is None:
        return "no report title (…政府信息公开工作年度报告) found"
    if year is not None and year <= 2018:
        return f"report year {year}: before the 2019 template (free-form statistics, out of scope)"
    if not table_rows(sections.get(3, [])):
        return "no table under 三、收到和处理政府信息公开申请情况"
    return None


def _not_filled_in(cells: list[Cell], year: int | None) -> str | None:
    """An unfilled form (the template as published, every cell empty) or a title without a
    year is not a report, however complete its tables look."""
    if cells and all(c.status in ("blank", "placeholder") for c in cells):
        return "every template cell is empty: an unfilled form (the template itself), not a report"
    if year is None:
        return "no report year in the title"
    return None


def _table2_version(signals: set[str], table3_layout: str, year: int | None) -> str:
    """Table-2 signals decide; without them table 3's layout, then the year (spec §1.4)."""
    if len(signals) == 1:
        return next(iter(signals))
    if table3_layout == "2021":
        return "2021"
    if year is not None:
        return "2019" if year <= 2020 else "2021"
    return table3_layout
