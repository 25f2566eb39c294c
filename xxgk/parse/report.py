"""Parsing one :class:`~xxgk.document.Document` into a :class:`~xxgk.model.ParseResult`.

One path for every shape: the document is linearised into a token stream
(:mod:`xxgk.parse.stream`), the stream is regrouped into the rows of tables 2–4 and the
narrative (:mod:`xxgk.parse.align`), the rows are mapped to the template's cells, illegible
cells the identities pin down are resolved, and the metadata is read with its fallbacks.

Three honest outcomes (``ParseResult.outcome``):

* ``parsed`` (``partial`` when one of the three tables was not found at all): a template
  report, stored with every cell, each flagged where it could not be read;
* ``tables_unreadable``: the document is a dated template report (it has the template's
  section headings) but no table could be read (tables printed as images, a page that lost its tables);
  stored and listed, so the failure is visible;
* ``not_a_report``: no template tables (a pre-2019 free-form report, a notice, an unfilled
  form), with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.document import Document, Paragraph
from xxgk.labels import normalize
from xxgk.model import Cell, Issue, ParseResult, Region, ReportMeta
from xxgk.parse.align import Stream, regroup
from xxgk.parse.metadata import Hints, find_title, period_year, place, read_title, scope_of, year_in
from xxgk.parse.narrative import extract_facts
from xxgk.parse.resolve import resolve_illegible
from xxgk.parse.stream import linearise
from xxgk.parse.table2 import map_table2, table2_signals
from xxgk.parse.table3 import map_table3
from xxgk.parse.table4 import map_table4
from xxgk.rules.instances import evaluate

PARSER_VERSION = "7"  # 7: a glued row of one digit per cell reads as printed (no inference over printed digits)


@dataclass
class Tables:
    """The three tables of a document mapped to canonical cells, with what decided the layout."""

    cells: list[Cell]
    issues: list[Issue]
    template: str
    table3_layout: str
    rows_found: int  # template rows (tables 2 and 3) read with values, + 1 when table 4 was read
    complete: bool  # each of the three tables found (rows the document lacks are flagged by R12)


def parse_document(doc: Document, source: str, hints: Hints | None = None) -> ParseResult:
    title, _ = find_title(doc, hints)
    if title and (year := year_in(title)) is not None and year <= 2018:  # decided before any table work
        meta = read_meta(doc, source, "\n".join(doc.text_lines()), hints, [])
        meta.template = "pre2019"
        reason = f"report year {year}: before the 2019 template (free-form statistics, out of scope)"
        return ParseResult(meta, [], [], [Issue("not_a_report", reason, "error")], is_report=False,
                           outcome="not_a_report")
    if not _template_words(doc):  # a list page, a notice: nothing of the tables to align
        meta = read_meta(doc, source, "\n".join(doc.text_lines()), hints, issues := [])
        reason = _not_a_report(meta, Tables([], [], "", "", 0, False), set()) or "no table of the template"
        return ParseResult(meta, [], [], [*issues, Issue("not_a_report", reason, "error")], is_report=False,
                           outcome="not_a_report")
    stream = regroup(linearise(doc))
    issues = []
    body = "\n".join(line for lines in stream.narrative.values() for line in lines)
    meta = read_meta(doc, source, body, hints, issues)
    tables = map_tables(stream, meta.year)

    reason = _not_a_report(meta, tables, stream.sections)
    if reason is not None:
        if meta.year is not None and meta.year <= 2018:
            meta.template = "pre2019"
        return ParseResult(meta, [], [], [*issues, Issue("not_a_report", reason, "error")], is_report=False,
                           outcome="not_a_report")
    if tables.rows_found == 0:
        issues.append(Issue("tables_unreadable", "a template report, but none of its tables could be read "
                                                 "(printed as images, or lost from the page)", "error"))
        return ParseResult(meta, [], [], issues, outcome="tables_unreadable")

    meta.template = tables.template  # type: ignore[assignment]
    meta.table3_layout = tables.table3_layout
    issues += tables.issues
    if 1 not in stream.sections:
        issues.append(Issue("section_missing", "section 一、总体情况 not found", "info"))
    facts = extract_facts(stream.narrative, meta.scope)
    outcome = "parsed" if tables.complete else "partial"
    return ParseResult(meta, tables.cells, evaluate(tables.cells, meta, facts), issues, facts=facts, outcome=outcome)


def read_meta(doc: Document, source: str, body: str, hints: Hints | None, issues: list[Issue]) -> ReportMeta:
    """Title, year, agency and region with their fallbacks; each fallback taken is an issue."""
    title, where = find_title(doc, hints)
    info = read_title(title, body) if title else None
    if title is None:
        issues.append(Issue("no_title", "no report title (…政府信息公开工作年度报告) found"))
    elif where in ("header", "crawler"):
        issues.append(Issue("title_from_" + where, f"title taken from the {where}: {title!r}", "info"))
    year = info.year if info else None
    if year is None and (year := period_year(body)) is not None:
        issues.append(Issue("year_from_period", f"report year {year} from the statistics period in the body", "info"))
    if year is None:
        issues.append(Issue("no_year", "no report year in the title or the body"))
    agency, region = (info.agency, info.region) if info else (None, None)
    if agency is None and hints and hints.agency:
        agency, region = place(hints.agency, body)
        issues.append(Issue("agency_from_source", f"agency {agency!r} from the source registry", "info"))
    if agency is None:
        issues.append(Issue("no_agency", "the reporting body is not named"))
    return ReportMeta(
        title=title or "",
        agency=agency,
        region=Region(region.code, region.name) if region else None,
        year=year,
        template=None,
        source=source,
        scope=scope_of(agency),
    )


def map_tables(stream: Stream, year: int | None) -> Tables:
    """Tables 2–4 of a regrouped document → canonical cells (pure; the decision whether the
    document is a report at all is the caller's)."""
    issues: list[Issue] = []
    sig2 = table2_signals(stream.table2_text)
    implied = next(iter(sig2)) if len(sig2) == 1 else ("2019" if year is not None and year <= 2020 else "2021")
    t3 = map_table3(stream.table3, implied)
    template = _table2_version(sig2, t3.layout, year)
    layout = "2021_single_other" if (template == "2021" and t3.layout == "2019") else t3.layout
    if len(sig2) > 1:
        issues.append(Issue("template_conflict", "table 2 carries both 2019 and 2021 labels"))
    t2 = map_table2(stream.table2, template)  # type: ignore[arg-type]
    t4 = map_table4(stream.table4)
    cells = t2.cells + t3.cells + t4.cells
    issues += t2.issues + t3.issues + t4.issues
    inferred = resolve_illegible(cells, t3.layout)
    if inferred:
        issues.append(Issue("cells_inferred", f"{inferred} illegible cells set from the table identities"))
    complete = bool(t2.found and t3.found and t4.found)
    return Tables(cells, issues, template, layout, t2.found + t3.found + int(t4.found), complete)


_TEMPLATE_WORDS = ("本年新收", "上年结转", "予以公开", "行政复议", "结果维持", "信息内容", "规范性文件", "行政许可")


def _template_words(doc: Document) -> bool:
    """Whether any of the tables' distinctive words occurs at all (cheap: no tokenising)."""
    for b in doc.blocks:
        texts = [b.text] if isinstance(b, Paragraph) else [c.text for row in b.rows for c in row]
        for t in texts:
            if any(w in normalize(t) for w in _TEMPLATE_WORDS):
                return True
    return False


def _not_a_report(meta: ReportMeta, tables: Tables, sections: set[int]) -> str | None:
    """Why the document is not a template report, or None. Missing metadata is never a reason."""
    if meta.year is not None and meta.year <= 2018:
        return f"report year {meta.year}: before the 2019 template (free-form statistics, out of scope)"
    if tables.rows_found == 0:
        if meta.year is not None and len(sections & {1, 2, 3, 4, 5, 6}) >= 3:
            return None  # a dated report with the template's sections whose tables could not be read
        if not meta.title:
            return "no report title (…政府信息公开工作年度报告) and no table of the template"
        return ("no table of the template (表二/表三/表四) and not the template's sections: a cover note, "
                "a notice or a page without the report")
    if all(c.status in ("blank", "placeholder") for c in tables.cells):
        return "every template cell is empty: an unfilled form (the template itself), not a report"
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
