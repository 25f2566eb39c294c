"""Rule validation in the warehouse: GX verdicts equal the catalogue's (the CLI's), every truth
report keeps its truth rule results through GX, planted errors fail exactly their rule with the
right classification, validation is incremental, broken checks raise, Data Docs work offline."""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, SEEDS
from tests.truth import rule_mismatches
from xxgk.model import Cell, Fact, Region, ReportMeta, RuleResult
from xxgk.parse.api import parse_file
from xxgk.parse.batch import to_record
from xxgk.quality import datadocs, suites, validate
from xxgk.quality.dashboard import write_dashboard
from xxgk.rules.instances import build_instances, evaluate, status_of, to_result
from xxgk.warehouse.db import connect
from xxgk.warehouse.dimensions import build_agencies, load_reference, load_regions
from xxgk.warehouse.load import load_records
from xxgk.warehouse.marts import apply_views

TRUTH = {"seed000": "seeds/000_c1eaaf8cdc2dffbd", "seed001": "seeds/001_39cbfd32513a2536",
         "seed002": "seeds/002_258c9fe9a95a7785", "seed003": "seeds/003_fff17be27cddb8b3",
         "seed004": "seeds/004_3ea6a6549f11e7d9", "hongze2023": "hongze_2023", "huaian2024": "huaian_2024",
         "pingtan2023": "pingtan_2023", "pingtan2025": "pingtan_2025"}
CROSS_YEAR = frozenset({"R17", "R18", "R19"})


def _truth(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / f"{TRUTH[name]}.json").read_text(encoding="utf-8"))


@cache
def _record(name: str) -> str:
    """The parse record of a truth document (JSON text: callers get a fresh copy)."""
    source = CORPUS / _truth(name)["source_file"] if not name.startswith("seed") else SEEDS / _truth(name)[
        "source_file"]
    return json.dumps(to_record(hashlib.sha256(source.read_bytes()).hexdigest(), parse_file(str(source))))


def record(name: str, variant: str = "") -> dict[str, Any]:
    r = json.loads(_record(name), parse_float=Decimal)
    if variant:
        r["sha256"] = hashlib.sha256(f"{name}/{variant}".encode()).hexdigest()
    return r


def cell(r: dict[str, Any], path: str) -> dict[str, Any]:
    table, row, col = path.split("/")
    return next(c for c in r["cells"] if (c["table"], c["row"], c["col"]) == (table, row, col))


def set_value(r: dict[str, Any], path: str, value: Any, status: str = "reported") -> None:
    c = cell(r, path)
    c["value"] = None if value is None else Decimal(str(value))
    c["status"] = status
    c["raw"] = "" if value is None else str(value)


def add(r: dict[str, Any], path: str, delta: int) -> None:
    set_value(r, path, cell(r, path)["value"] + delta)


def as_cells(r: dict[str, Any]) -> list[Cell]:
    return [Cell(**{**c, "value": None if c["value"] is None else Decimal(str(c["value"]))}) for c in r["cells"]]


def as_meta(r: dict[str, Any]) -> ReportMeta:
    m = dict(r["report"])
    region = m.pop("region")
    return ReportMeta(**m, region=Region(**region) if region else None)


def as_facts(r: dict[str, Any]) -> list[Fact]:
    return [Fact(f["quote"], tuple(f["expression"]), f["stated"], f["in_scope"]) for f in r.get("facts", [])]


def rid(r: dict[str, Any]) -> str:
    return r["sha256"][:16]


# --- planted errors: one number (or one cross-year link) changed, exactly one rule fails -----------

def _r01(r):
    add(r, "table3/new_received/natural_person", 1)
    add(r, "table3/new_received/commercial", -1)


def _r02(r):
    add(r, "table3/granted/natural_person", 1)
    add(r, "table3/denied.enforcement_file/natural_person", -1)


def _r03(r):
    add(r, "table3/partially_granted/natural_person", 1)
    add(r, "table3/partially_granted/commercial", -1)


def _r04(r):
    """A printed （三）不予公开 subtotal row, consistent but for one cell."""
    leaves = [c for c in r["cells"] if c["table"] == "table3" and c["row"].startswith("denied.")]
    for col in ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other", "total"):
        total = sum(c["value"] for c in leaves if c["col"] == col)
        r["cells"].append({**copy.deepcopy(leaves[0]), "row": "denied.total", "col": col, "value": total,
                           "raw": str(total), "locator": f"text:line 1:r1c{col}"})
    add(r, "table3/denied.total/natural_person", 1)


PLANTED = {
    "R01": ("seed004", _r01, "publisher_error"),
    "R02": ("seed004", _r02, "publisher_error"),
    "R03": ("seed004", _r03, "publisher_error"),
    "R04": ("seed004", _r04, "publisher_error"),
    "R06": ("seed004", lambda r: add(r, "table4/review/total", 1), "publisher_error"),
    "R07": ("seed004", lambda r: add(r, "table4/litigation_direct/total", 1), "publisher_error"),
    "R08": ("seed004", lambda r: add(r, "table4/litigation_after_review/total", 1), "publisher_error"),
    "R09": ("seed004", lambda r: set_value(r, "table2/art20_5.licensing/decisions", -3), "publisher_error"),
    "R10": ("seed004", lambda r: set_value(r, "table2/art20_5.licensing/decisions", "2.5"), "publisher_error"),
    "R11": ("seed004", lambda r: set_value(r, "table2/art20_5.licensing/decisions", None, "blank"),
            "publisher_error"),
    "R12": ("seed004", lambda r: set_value(r, "table2/art20_5.licensing/decisions", None, "illegible"),
            "parse_suspect"),
    "R13": ("seed004", lambda r: set_value(r, "table2/art20_1.regulations/issued", 1), "publisher_error"),
    "R14": ("seed003", lambda r: add(r, "table2/art20_1.regulations/newly_published", 1), "publisher_error"),
    "R15": ("seed003", lambda r: set_value(r, "table2/art20_5.licensing/items_change",
                                           -cell(r, "table2/art20_5.licensing/prev_year_items")["value"] - 1),
            "publisher_error"),
    "R16": ("seed004", lambda r: set_value(r, "table2/art20_8.admin_fees/fee_amount", "0.12345"), "publisher_error"),
    "R20": ("seed004", lambda r: r["facts"][0].update(stated=r["facts"][0]["stated"] + 1), "publisher_error"),
    "R21": ("seed004", lambda r: r["report"].update(year=2020), "publisher_error"),
}
# R05 (a printed 法人或其他组织 subtotal column) is n/a for every template report we can parse.


def _pair(base: str, rule: str, plant: bool) -> tuple[dict, dict]:
    """The base report as year Y of a body of its own, and a previous-year report (Y − 1) whose
    cells continue exactly into it; ``plant`` breaks one link of ``rule``."""
    cur = record(base, f"{rule}/cur/{plant}")
    prev = record(base, f"{rule}/prev/{plant}")
    agency = f"测试{rule}{'甲' if plant else '乙'}局"
    for r in (cur, prev):
        r["report"]["agency"] = agency
    prev["report"]["year"] = cur["report"]["year"] - 1
    for c in prev["cells"]:  # carried_forward(Y-1) = carried_over(Y)
        if c["table"] == "table3" and c["row"] == "carried_forward":
            o = cell(cur, f"table3/carried_over/{c['col']}")
            c.update(value=o["value"], status=o["status"], raw=o["raw"])
    if cur["report"]["template"] == "2021":
        for x in ("regulations", "normative_documents"):
            p = f"table2/art20_1.{x}"
            stock = cell(cur, f"{p}/in_force")["value"] - cell(cur, f"{p}/issued")["value"] \
                + cell(cur, f"{p}/repealed")["value"]
            set_value(prev, f"{p}/in_force", stock)
    else:
        for row in ("art20_5.licensing", "art20_5.other_services", "art20_6.penalty", "art20_6.coercion",
                    "art20_8.admin_fees"):
            set_value(prev, f"table2/{row}/items_change", 0)
            set_value(prev, f"table2/{row}/prev_year_items", cell(cur, f"table2/{row}/prev_year_items")["value"])
    if plant:
        {"R17": lambda: add(prev, "table3/carried_forward/natural_person", 1),
         "R18": lambda: add(prev, "table2/art20_1.normative_documents/in_force", 1),
         "R19": lambda: add(prev, "table2/art20_5.licensing/prev_year_items", 1)}[rule]()
    return prev, cur


PAIRS = {"R17": "seed004", "R18": "seed004", "R19": "seed003"}


def _variants() -> dict[str, list[dict]]:
    out = {}
    for rule, (base, plant, _) in PLANTED.items():
        r = record(base, rule)
        plant(r)
        out[rule] = [r]
    for rule, base in PAIRS.items():
        out[rule] = list(_pair(base, rule, True))
        out[f"{rule}-ok"] = list(_pair(base, rule, False))
    return out


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """Every truth report and every planted variant in one warehouse, validated once."""
    tmp = tmp_path_factory.mktemp("quality")
    con = connect(tmp / "w.duckdb")
    variants = _variants()
    load_records(con, [record(n) for n in TRUTH] + [r for rs in variants.values() for r in rs])
    summary = validate.run_validation(con, tmp / "gx", tmp / "docs", run_id="night-1")
    yield con, tmp, variants, summary
    con.close()


def stored(con, report_id: str) -> dict[tuple[str, str], RuleResult]:
    rows = con.execute("SELECT rule, scope, status, severity, lhs, rhs, involves_blank, cells, note, classification "
                       "FROM rule_result WHERE report_id = ?", [report_id]).fetchall()
    return {(r[0], r[1]): RuleResult(*r[:8], note=r[8] or "", classification=r[9]) for r in rows}


def _plain(r: RuleResult) -> tuple:
    return (r.status, r.severity, None if r.lhs is None else Decimal(r.lhs), None if r.rhs is None else Decimal(r.rhs),
            r.involves_blank, list(r.cells), r.classification)


def python_results(recs: list[dict]) -> list[RuleResult]:
    """The catalogue's own verdicts in Python (the CLI's path), the previous year included."""
    *prev, cur = recs
    previous = (as_meta(prev[0]), as_cells(prev[0])) if prev else None
    cells = as_cells(cur)
    by = {c.path: c for c in cells} | ({f"prev:{c.path}": c for c in previous[1]} if previous else {})
    return [to_result(i, status_of(i), by) for i in build_instances(cells, as_meta(cur), as_facts(cur), previous)]


def test_suites_are_rendered_from_the_catalogue():
    for name, suite in suites.render().items():
        assert (suites.EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8") == suites.dumps(suite), \
            f"expectations/{name}.json is stale: run python -m xxgk.quality.suites"


@pytest.mark.parametrize("name", list(TRUTH))
def test_truth_reports_keep_their_truth_rule_results_through_gx(warehouse, name):
    con = warehouse[0]
    truth = _truth(name)
    got = stored(con, rid(record(name)))
    applicable = {**truth, "rule_results": [r for r in truth["rule_results"]
                                            if not (r["rule"] in ("R14", "R15") and r["status"] == "n/a")]}
    assert rule_mismatches(type("R", (), {"rules": list(got.values())})(), applicable) == []


@pytest.mark.parametrize("name", list(TRUTH))
def test_gx_verdicts_equal_the_cli_verdicts(warehouse, name):
    con = warehouse[0]
    r = record(name)
    cli = {(x.rule, x.scope): _plain(x) for x in evaluate(as_cells(r), as_meta(r), as_facts(r))}
    gx = {k: _plain(v) for k, v in stored(con, rid(r)).items()}
    assert gx == cli


def test_publisher_errors_of_seed_000_and_hongze_2023(warehouse):
    con = warehouse[0]
    got = con.execute(
        "SELECT report_id, rule, classification, cells FROM rule_result WHERE status = 'fail' AND severity = 'error' "
        "AND report_id IN (?, ?) ORDER BY ALL", [rid(record("seed000")), rid(record("hongze2023"))]).fetchall()
    review = [f"table4/review/{c}" for c in ("total", "upheld", "corrected", "other", "pending")]
    after = [f"table4/litigation_after_review/{c}" for c in ("total", "upheld", "corrected", "other", "pending")]
    assert sorted(got) == sorted([
        (rid(record("seed000")), "R06", "publisher_error", review),
        (rid(record("hongze2023")), "R06", "publisher_error", review),
        (rid(record("hongze2023")), "R08", "publisher_error", after),
    ])


def _changed(got: dict, truth: dict) -> dict:
    """Instances whose status differs from the truth's, or that the truth does not have."""
    want = {(t["rule"], t["scope"]): t["status"] for t in truth["rule_results"]}
    return {k: v.status for k, v in got.items() if want.get(k) != v.status and k[0] not in CROSS_YEAR}


@pytest.mark.parametrize("rule", list(PLANTED))
def test_planted_error_fails_exactly_its_rule(warehouse, rule):
    con, _, variants, _ = warehouse
    base, _, classification = PLANTED[rule]
    (r,) = variants[rule]
    truth = _truth(base)
    for got in ({k: v for k, v in stored(con, rid(r)).items()},                       # GX in the warehouse
                {(x.rule, x.scope): x for x in python_results([r])}):               # the CLI's evaluator
        changed = _changed(got, truth)
        assert changed and {k[0] for k in changed} == {rule}, changed
        failing = [v for k, v in got.items() if k[0] == rule and v.status == "fail"]
        assert failing and {f.classification for f in failing} == {classification}
        assert all(f.cells for f in failing if rule != "R21")


@pytest.mark.parametrize("rule", list(PAIRS))
def test_planted_cross_year_error_fails_exactly_its_rule(warehouse, rule):
    con, _, variants, _ = warehouse
    for variant, want_fail in ((rule, True), (f"{rule}-ok", False)):
        prev, cur = variants[variant]
        truth = _truth(PAIRS[rule])
        for got in (stored(con, rid(cur)), {(x.rule, x.scope): x for x in python_results([prev, cur])}):
            assert _changed(got, truth) == {}
            cross = {k: v for k, v in got.items() if k[0] in CROSS_YEAR and v.status not in ("n/a",)}
            assert cross, variant
            failing = {k[0] for k, v in cross.items() if v.status == "fail"}
            assert failing == ({rule} if want_fail else set()), (variant, cross)
            assert all(v.classification == "publisher_error" and any(c.startswith("prev:") for c in v.cells)
                       for v in cross.values() if v.status == "fail")


def test_glued_or_low_confidence_cells_make_a_parse_suspect(tmp_path: Path):
    r = record("seed004", "glued")
    add(r, "table4/review/total", 1)
    cell(r, "table4/review/upheld").update({"read": "glued", "confident": False})
    results = {(x.rule, x.scope): x for x in evaluate(as_cells(r), as_meta(r), as_facts(r))}
    assert results[("R06", "table4 review")].classification == "parse_suspect"


def test_validation_is_incremental(warehouse):
    con, tmp, _, first = warehouse
    assert first.reports == con.execute(
        "SELECT count(*) FROM report WHERE parse_status IN ('parsed', 'partial')").fetchone()[0]
    before = con.execute("SELECT report_id, rule, scope, status, run_id FROM rule_result ORDER BY ALL").fetchall()
    again = validate.run_validation(con, tmp / "gx", tmp / "docs", run_id="night-2")
    assert (again.reports, again.batches) == (0, 0)
    assert con.execute("SELECT report_id, rule, scope, status, run_id FROM rule_result ORDER BY ALL"
                       ).fetchall() == before
    # a new previous-year report: it and the body's next-year report are validated, nothing else
    prev = record("seed001", "late previous year")
    prev["report"]["year"] -= 1
    load_records(con, [prev])
    third = validate.run_validation(con, tmp / "gx", tmp / "docs", run_id="night-3")
    assert (third.reports, third.batches) == (2, 1)
    runs = dict(con.execute("SELECT report_id, min(run_id) FROM rule_result GROUP BY 1").fetchall())
    assert sorted(k for k, v in runs.items() if v == "night-3") == sorted([rid(prev), rid(record("seed001"))])
    r17 = dict(con.execute("SELECT scope, status FROM rule_result WHERE report_id = ? AND rule = 'R17' AND "
                           "status = 'fail'", [rid(record("seed001"))]).fetchall())
    # seed 001 carried over 3 applications of natural persons; its re-dated copy carried forward 2
    assert r17 == {"cross-year table3 col=natural_person": "fail", "cross-year table3 col=total": "fail"}


def test_broken_expectation_raises_instead_of_failing_data(tmp_path: Path, monkeypatch):
    con = connect(tmp_path / "w.duckdb")
    load_records(con, [record("seed004")])
    original = validate.load_suite

    def broken(name: str):
        suite = original(name)
        if name == "report_rules":  # a typo in a suite file: the column does not exist
            suite["expectations"][0]["kwargs"]["column_list"][0] = "no_such_column"
        return suite

    monkeypatch.setattr(validate, "load_suite", broken)
    with pytest.raises(validate.BrokenExpectation):
        validate.run_validation(con, tmp_path / "gx", tmp_path / "docs")


def test_data_docs_offline_named_after_the_run_and_bounded(tmp_path: Path):
    con = connect(tmp_path / "w.duckdb")
    docs = tmp_path / "docs"
    for night, name in enumerate(["seed001", "seed002", "seed004"], start=1):
        load_records(con, [record(name)])
        validate.run_validation(con, tmp_path / "gx", docs, run_id=f"night-{night}", history=2)
    assert datadocs.remote_links(docs) == []
    runs = sorted({p.name for p in (docs / "validations" / "report_rules").iterdir()})
    assert runs == ["night-2-b001", "night-3-b001"]
    stores = tmp_path / "gx" / "gx" / "uncommitted" / "validations" / "report_rules"
    assert sorted(p.name for p in stores.iterdir()) == runs
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "night-3-b001" in index and "night-1-b001" not in index
    assert (docs / "static" / "vendor" / "jquery.min.js").is_file()


def test_report_pages_are_rendered_again_only_when_what_they_show_changes(warehouse):
    con, tmp, _, _ = warehouse
    load_regions(con)
    load_reference(con)
    build_agencies(con)  # the pages are written after the reports are placed and the views made
    apply_views(con)
    out, docs = tmp / "pages", tmp / "docs" / "index.html"
    first = write_dashboard(con, out, docs)
    assert first.report_pages > 1 and first.pages_rendered == first.report_pages
    assert write_dashboard(con, out, docs).pages_rendered == 0  # nothing changed: no page rendered

    rid, notes = con.execute("SELECT report_id, list(note ORDER BY rule, scope) FROM rule_result WHERE status = 'fail' "
                             "GROUP BY report_id ORDER BY report_id LIMIT 1").fetchone()
    page = out / "reports" / f"{rid}.html"
    con.execute("UPDATE rule_result SET note = 'a new note' WHERE report_id = ? AND status = 'fail'", [rid])
    try:
        again = write_dashboard(con, out, docs)
        assert again.pages_rendered == 1 and "a new note" in page.read_text(encoding="utf-8")
        page.unlink()
        assert write_dashboard(con, out, docs).pages_rendered == 1 and page.exists()  # a lost page comes back
    finally:
        for (rule, scope), note in zip(con.execute("SELECT rule, scope FROM rule_result WHERE report_id = ? AND "
                                                   "status = 'fail' ORDER BY rule, scope", [rid]).fetchall(),
                                       notes, strict=True):
            con.execute("UPDATE rule_result SET note = ? WHERE report_id = ? AND rule = ? AND scope = ?",
                        [note, rid, rule, scope])


def test_report_pages_taken_in_batches_are_the_pages_taken_at_once(warehouse, monkeypatch):
    """The pages are built a batch of failing reports at a time (memory flat at national scale):
    batches of one report give the same pages, byte for byte, as one batch of all."""
    import xxgk.quality.dashboard as dashboard

    con, tmp, _, _ = warehouse
    load_regions(con)
    load_reference(con)
    build_agencies(con)
    apply_views(con)
    docs = tmp / "docs" / "index.html"
    whole = write_dashboard(con, tmp / "whole", docs)
    monkeypatch.setattr(dashboard, "PAGE_BATCH", 1)
    batched = write_dashboard(con, tmp / "batched", docs)
    assert batched.report_pages == whole.report_pages > 1

    def pages(out):
        return {p.name: p.read_bytes() for p in (out / "reports").iterdir()}

    assert pages(tmp / "batched") == pages(tmp / "whole")
