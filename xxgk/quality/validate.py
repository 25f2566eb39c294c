"""Validating reports against the rule suites with Great Expectations, incrementally.

Which reports: those with no ``rule_result`` from the current rule version (new, reloaded, or
judged by an older catalogue), plus the next year's report of the same body (its cross-year
rules read them). Nothing else is read: a night with nothing new costs two small queries.

How: in batches of ``batch_size`` reports (memory bounded whatever the warehouse holds), each
read by keyed lookups, turned into the three frames of :mod:`xxgk.quality.frames` and run
through file-context Checkpoints named after the run, so the Data Docs show every night's
verdicts. GX decides pass/fail; :mod:`xxgk.rules.instances` supplies both sides, the cells
and the classification, and must agree with GX on every verdict: a disagreement, like an
expectation that raised, is a broken check (:class:`BrokenExpectation`), never a data failure.
Each batch's rows replace that batch's reports' rows in ``rule_result`` in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from xxgk.quality.frames import VALIDATED, StoredReport, cell_frame, fact_frame, read_batch, report_frame
from xxgk.quality.suites import KEY_COLUMNS, SUITES, load_suite
from xxgk.rules.instances import CELL_RULES, Instance, build_report_instances, status_of, to_result
from xxgk.warehouse.db import fits_decimal, transaction

DOCS_SITE = "xxgk"
HISTORY_NIGHTS = 30
BATCH_SIZE = 2000  # reports per batch: ~1.2 GB peak, about 7 ms per report
# Bump when the verdict logic changes without the suites changing (classification, frames).
VALIDATOR_VERSION = "2"


class BrokenExpectation(RuntimeError):
    """An expectation raised, or GX and the catalogue disagree: the check is broken."""


@dataclass
class ValidationSummary:
    run_id: str
    reports: int = 0  # validated by this run
    batches: int = 0
    instances: int = 0
    reports_total: int = 0  # parsed reports in the warehouse
    failures: dict[str, int] = field(default_factory=dict)  # rule -> reports failing it (whole warehouse)
    error_reports: list[str] = field(default_factory=list)  # reports with a failing error-severity instance
    data_docs: Path | None = None


def rules_version() -> str:
    """Digest of the suites and the validator: results of another version are re-validated."""
    h = hashlib.sha256(VALIDATOR_VERSION.encode())
    for name in SUITES:
        h.update(name.encode())
        h.update(repr(load_suite(name)).encode())
    return h.hexdigest()[:16]


def reports_to_validate(con: duckdb.DuckDBPyConnection, version: str) -> list[str]:
    """Reports without current results, and their bodies' next-year reports, in report_id order."""
    return [r[0] for r in con.execute(f"""
        WITH current AS (
            SELECT DISTINCT x.report_id FROM rule_result x JOIN validation_run v USING (run_id)
            WHERE v.rules_version = ?),
        todo AS (
            SELECT report_id, agency_key, report_year FROM report
            WHERE parse_status IN {VALIDATED} AND report_id NOT IN (SELECT report_id FROM current))
        SELECT report_id FROM todo
        UNION
        SELECT n.report_id FROM report n JOIN todo t
            ON n.agency_key = t.agency_key AND n.report_year = t.report_year + 1
        WHERE n.parse_status IN {VALIDATED}
        ORDER BY 1""", [version]).fetchall()]


def run_validation(con: duckdb.DuckDBPyConnection, gx_root: Path, docs_dir: Path, run_id: str = "manual",
                   batch_size: int = BATCH_SIZE, history: int = HISTORY_NIGHTS) -> ValidationSummary:
    """Validate what changed, upsert ``rule_result``, record the run in ``validation_run``."""
    version = rules_version()
    started = datetime.now(UTC).replace(tzinfo=None)
    todo = reports_to_validate(con, version)
    summary = ValidationSummary(run_id=run_id)
    docs_index = docs_dir / "index.html"
    _start_run(con, run_id, version, started)
    if todo:
        gx = _Gx(gx_root, docs_dir)
        identifiers: list[Any] = []
        batches: dict[str, list[str]] = {}
        for n, ids in enumerate(_chunks(todo, batch_size), start=1):
            name = f"{run_id}-b{n:03d}"  # the Data Docs' run name of this batch
            batches[name] = ids
            reports = read_batch(con, ids)
            verdicts, ids_run = gx.validate(reports, name)
            identifiers += ids_run
            rows = _results(reports, verdicts)
            _upsert(con, ids, rows, run_id)
            summary.batches, summary.reports = n, summary.reports + len(ids)
            summary.instances += len(rows)
        _finish_run(con, run_id, summary)
        kept = _kept_runs(con, history)
        gx.publish(identifiers, kept)
        write_manifest(docs_dir, run_id, batches, kept)
    else:
        _finish_run(con, run_id, summary)
    summary.data_docs = docs_index if docs_index.exists() else None
    summary.reports_total, summary.failures, summary.error_reports = _state(con, run_id)
    return summary


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class Verdicts:
    """What GX found unexpected in one batch."""

    failing: set[tuple[str, str, str]] = field(default_factory=set)  # (report_id, rule, scope)
    cells: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (rid, rule) -> paths
    facts: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # rid -> fact seqs


class _Gx:
    """One file-backed GX context for the run: suites, checkpoints and the Data Docs site."""

    def __init__(self, gx_root: Path, docs_dir: Path) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        import xxgk.quality.gx_identity  # noqa: F401  (registers expect_multicolumn_linear_identity)

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.gx = gx
        self.root = gx_root
        self.docs_dir = docs_dir
        self.context = gx.get_context(mode="file", project_root_dir=str(gx_root))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        sites = self.context.get_config().data_docs_sites or {}
        if DOCS_SITE not in sites:
            self.context.add_data_docs_site(DOCS_SITE, {
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            })
        source = self.context.data_sources.add_or_update_pandas("warehouse")
        self.checkpoints = {}
        for name in SUITES:
            asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name)
            batch_def = next((b for b in asset.batch_definitions if b.name == "whole"), None) \
                or asset.add_batch_definition_whole_dataframe("whole")
            suite = self.context.suites.add_or_update(gx.ExpectationSuite(**load_suite(name)))
            vd = self.context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
            self.checkpoints[name] = self.context.checkpoints.add_or_update(gx.Checkpoint(
                name=f"nightly_{name}", validation_definitions=[vd], actions=[],
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": KEY_COLUMNS[name],
                               "exclude_unexpected_values": True, "partial_unexpected_count": 0}))

    def validate(self, reports: list[StoredReport], run_name: str) -> tuple[Verdicts, list[Any]]:
        from great_expectations.core.run_identifier import RunIdentifier

        frames = {"report_rules": report_frame(reports), "cells": cell_frame(reports),
                  "narrative_facts": fact_frame(reports)}
        out = Verdicts()
        identifiers = []
        run = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
        for name, frame in frames.items():
            if frame.empty:
                continue
            result = self.checkpoints[name].run(batch_parameters={"dataframe": frame}, run_id=run)
            for key, vr in result.run_results.items():
                identifiers.append(key)
                for r in vr.results:
                    meta = r.expectation_config.meta
                    error = _raised(r.exception_info)
                    if error is not None:
                        raise BrokenExpectation(f"{name}/{meta['rule']} {meta['scope']}: {error}")
                    for row in _unexpected_rows(r.result or {}):
                        rid = row["report_id"]
                        if name == "cells":
                            out.cells[(rid, meta["rule"])].add(row["path"])
                        elif name == "narrative_facts":
                            out.facts[rid].add(int(row["seq"]))
                        else:
                            out.failing.add((rid, meta["rule"], meta["scope"]))
        return out, identifiers

    def publish(self, identifiers: list[Any], kept_runs: set[str]) -> None:
        """Prune validation results and pages of runs outside the history, then render this
        run's pages and the index, and make the site work offline."""
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        from xxgk.quality.datadocs import make_offline

        for base in (self.root / "gx" / "uncommitted" / "validations", self.docs_dir / "validations"):
            for suite_dir in [d for d in base.glob("*") if d.is_dir()]:
                for run_dir in suite_dir.iterdir():
                    if run_dir.is_dir() and run_dir.name.rsplit("-b", 1)[0] not in kept_runs:
                        shutil.rmtree(run_dir, ignore_errors=True)
        suites = [ExpectationSuiteIdentifier(name) for name in SUITES]
        self.context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=[*identifiers, *suites])
        make_offline(self.docs_dir)


def write_manifest(docs_dir: Path, run_id: str, batches: dict[str, list[str]], kept: set[str]) -> Path:
    """``runs/<run_id>.json`` beside the Data Docs: each batch's pages and each report's batch,
    so the quality pages link a report to the page that judged it. Manifests of runs outside
    the history go with their pages."""
    folder = docs_dir / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        if old.stem not in kept:
            old.unlink()
    pages = {name: {p.parts[-4]: p.relative_to(docs_dir).as_posix()
                    for p in (docs_dir / "validations").glob(f"*/{name}/*/*.html")} for name in batches}
    manifest = {"run_id": run_id, "batches": pages,
                "reports": {rid: name for name, ids in batches.items() for rid in ids}}
    path = folder / f"{run_id}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest), encoding="utf-8")
    os.replace(tmp, path)
    return path


def report_pages(docs_dir: Path, run_id: str, report_id: str) -> dict[str, str]:
    """The Data Docs pages (suite -> path under the docs folder) that judged a report."""
    path = docs_dir / "runs" / f"{run_id}.json"
    if not path.exists():
        return {}
    manifest = _manifest(path, path.stat().st_mtime_ns)
    return manifest["batches"].get(manifest["reports"].get(report_id, ""), {})


@lru_cache(maxsize=32)
def _manifest(path: Path, _mtime_ns: int) -> dict[str, Any]:
    """A run's manifest, read once per version of the file (the quality pages ask per report)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _unexpected_rows(result: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The key columns of each unexpected row. With ``exclude_unexpected_values`` GX lists them
    column-wise (one record of lists), otherwise one record per row."""
    for record in result.get("unexpected_index_list") or []:
        if record and all(isinstance(v, list) for v in record.values()):
            yield from (dict(zip(record, values, strict=True)) for values in zip(*record.values(), strict=True))
        else:
            yield record


def _raised(info: dict[str, Any] | None) -> str | None:
    """The exception message if the expectation raised. GX reports either one flat record or
    one record per metric it tried to compute."""
    if not info:
        return None
    records = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for rec in records:
        if rec.get("raised_exception"):
            return str(rec.get("exception_message") or "raised")
    return None


def _results(reports: list[StoredReport], v: Verdicts) -> list[tuple[str, Any]]:
    """Rule results of a batch: GX's verdicts, checked against the catalogue's own."""
    rows = []
    for s in reports:
        rid = s.report_id
        for i in build_report_instances(s.report):
            expected = status_of(i)
            status = _gx_status(i, rid, v)
            if status != expected:
                raise BrokenExpectation(
                    f"GX says {status}, the catalogue {expected}: report {rid} {i.rule} {i.scope} "
                    f"(lhs {i.lhs}, rhs {i.rhs}, cells {i.cells[:5]})")
            rows.append((rid, to_result(i, status, s.report.cells)))
    return rows


def _gx_status(i: Instance, rid: str, v: Verdicts) -> str:
    if not i.applicable:
        return "n/a"
    if i.rule in CELL_RULES:
        bad = v.cells.get((rid, i.rule), set())
        if set(i.cells) != bad:
            raise BrokenExpectation(f"GX and the catalogue list different cells: report {rid} {i.rule}: "
                                    f"{sorted(bad ^ set(i.cells))[:5]}")
        return "fail" if bad else "pass"
    if i.rule == "R20":
        return "fail" if v.facts.get(rid) else "pass"
    if (rid, i.rule, i.scope) in v.failing:
        return "fail"
    return "pass" if i.assessable else "not_assessable"


_SCHEMA = {"report_id": pl.Utf8, "rule": pl.Utf8, "scope": pl.Utf8, "status": pl.Utf8, "severity": pl.Utf8,
           "lhs": pl.Utf8, "rhs": pl.Utf8, "involves_blank": pl.Boolean, "cells": pl.List(pl.Utf8),
           "note": pl.Utf8, "classification": pl.Utf8, "run_id": pl.Utf8}


def _upsert(con: duckdb.DuckDBPyConnection, ids: list[str], rows: list[tuple[str, Any]], run_id: str) -> None:
    """Replace these reports' rows of ``rule_result`` (and nothing else) in one transaction."""
    def side(v: Any) -> str | None:  # a sum too large for the column is stored empty, with a note
        return None if v is None or not fits_decimal(v) else str(v)

    def note(r: Any) -> str:
        wide = [s for s, v in (("lhs", r.lhs), ("rhs", r.rhs)) if v is not None and not fits_decimal(v)]
        extra = f"out_of_range: {' and '.join(wide)} does not fit DECIMAL(24,6)" if wide else ""
        return "; ".join(x for x in (r.note, extra) if x)

    frame = pl.DataFrame(
        [[rid, r.rule, r.scope, r.status, r.severity, side(r.lhs), side(r.rhs), r.involves_blank, list(r.cells),
          note(r), r.classification, run_id] for rid, r in rows], schema=_SCHEMA, orient="row")
    cols = ", ".join(_SCHEMA)
    with transaction(con, incoming_rules=frame):
        con.execute("DELETE FROM rule_result WHERE report_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        con.execute(f"INSERT INTO rule_result ({cols}) SELECT {cols} FROM incoming_rules")


def _start_run(con: duckdb.DuckDBPyConnection, run_id: str, version: str, started: datetime) -> None:
    """Recorded first, so the batches a killed run committed count as validated next time."""
    with transaction(con):
        con.execute("DELETE FROM validation_run WHERE run_id = ?", [run_id])
        con.execute("INSERT INTO validation_run (run_id, started_at, rules_version) VALUES (?, ?, ?)",
                    [run_id, started, version])


def _finish_run(con: duckdb.DuckDBPyConnection, run_id: str, s: ValidationSummary) -> None:
    """Close the run's row with the whole warehouse's per-rule counts that night (the
    dashboard's trend). A run that validated nothing left ``rule_result`` as the last finished
    run of this rule version left it: its counts are copied, not recounted."""
    finished = datetime.now(UTC).replace(tzinfo=None)
    if s.reports == 0:
        copied = con.execute("""
            UPDATE validation_run SET finished_at = ?, reports_validated = 0, batches = 0, instances = 0,
                reports_total = p.reports_total, rule_stats = p.rule_stats
            FROM (SELECT reports_total, rule_stats FROM validation_run
                  WHERE finished_at IS NOT NULL AND run_id <> ? AND rules_version =
                        (SELECT rules_version FROM validation_run WHERE run_id = ?)
                  ORDER BY started_at DESC LIMIT 1) p
            WHERE run_id = ?""", [finished, run_id, run_id, run_id]).fetchone()[0]
        if copied:
            return
    con.execute("""
        UPDATE validation_run SET finished_at = ?, reports_validated = ?, batches = ?, instances = ?,
            reports_total = (SELECT count(*) FROM report WHERE parse_status IN ('parsed', 'partial')),
            rule_stats = (
                SELECT list({'rule': rule, 'pass': p, 'fail': f, 'not_assessable': na_, 'na': n,
                             'publisher_error': pe, 'parse_suspect': ps, 'reports_failing': rf} ORDER BY rule)
                FROM (SELECT rule, count(*) FILTER (status = 'pass') AS p, count(*) FILTER (status = 'fail') AS f,
                             count(*) FILTER (status = 'not_assessable') AS na_, count(*) FILTER (status = 'n/a') AS n,
                             count(*) FILTER (classification = 'publisher_error') AS pe,
                             count(*) FILTER (classification = 'parse_suspect') AS ps,
                             count(DISTINCT report_id) FILTER (status = 'fail') AS rf
                      FROM rule_result GROUP BY rule))
        WHERE run_id = ?""", [finished, s.reports, s.batches, s.instances, run_id])


def _kept_runs(con: duckdb.DuckDBPyConnection, history: int) -> set[str]:
    """The runs whose validation results stay in the Data Docs: the last ``history`` that
    validated anything."""
    return {r[0] for r in con.execute(
        "SELECT run_id FROM validation_run WHERE reports_validated > 0 ORDER BY started_at DESC LIMIT ?",
        [history]).fetchall()}


def _state(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[int, dict[str, int], list[str]]:
    total, failures = con.execute(
        "SELECT reports_total, map_from_entries(list_transform("
        "list_filter(rule_stats, lambda s: s.reports_failing > 0), lambda s: {'k': s.rule, 'v': s.reports_failing})) "
        "FROM validation_run WHERE run_id = ?", [run_id]).fetchone()
    errors = [r[0] for r in con.execute(
        "SELECT DISTINCT report_id FROM rule_result WHERE status = 'fail' AND severity = 'error' ORDER BY 1"
    ).fetchall()]
    return total or 0, dict(sorted((failures or {}).items())), errors
