"""Validating every parsed report against the rule suites with Great Expectations.

The suites are the JSON files in ``expectations/`` (one expectation per rule, tagged with
``meta.rule``). GX runs on its pandas path (its SQL datasource on DuckDB is broken upstream,
GX issue 11579) through file-context Checkpoints, so every run also updates the Data Docs.
GX's verdicts become the ``rule_result`` table. An expectation that *raised* is a broken
check, not bad data: it aborts the stage with :class:`BrokenExpectation` instead of being
reported as a data failure.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl

from xxgk.quality.frames import cell_frame, instance_frame, instances_by_report, read_reports
from xxgk.rules.instances import CELL_RULES, Instance, to_result
from xxgk.warehouse.db import fits_decimal, transaction

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
SUITES = ("rule_instances", "cells")
DOCS_SITE = "xxgk"


class BrokenExpectation(RuntimeError):
    """An expectation raised while running: the check is broken, the data is not judged."""


@dataclass
class ValidationSummary:
    reports: int = 0
    instances: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # rule -> failing instances
    error_reports: list[str] = field(default_factory=list)  # reports with an error-severity failure
    data_docs: Path | None = None


def load_suite(name: str) -> dict[str, Any]:
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def run_validation(con: duckdb.DuckDBPyConnection, gx_root: Path, docs_dir: Path) -> ValidationSummary:
    """Validate all parsed reports, store ``rule_result``, rebuild Data Docs under ``docs_dir``."""
    reports = read_reports(con)
    instances = instances_by_report(reports)
    frames = {"rule_instances": instance_frame(instances), "cells": cell_frame(reports)}
    failing = _run_gx(frames, gx_root, docs_dir)
    rows = _results(instances, failing)
    _store(con, rows)
    summary = ValidationSummary(reports=len(reports), instances=len(rows), data_docs=docs_dir / "index.html")
    for rid, r in rows:
        if r.status == "fail":
            summary.failures[r.rule] = summary.failures.get(r.rule, 0) + 1
            if r.severity == "error" and rid not in summary.error_reports:
                summary.error_reports.append(rid)
    return summary


def _run_gx(frames: dict[str, pd.DataFrame], gx_root: Path, docs_dir: Path) -> dict[str, set[tuple[str, str]]]:
    """Run both checkpoints; return rule -> {(report_id, scope-or-cell-path)} that GX found unexpected."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="file", project_root_dir=str(gx_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if DOCS_SITE not in (context.get_config().data_docs_sites or {}):
        context.add_data_docs_site(DOCS_SITE, {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        })
    source = context.data_sources.add_or_update_pandas("warehouse")
    failing: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name in SUITES:
        frame = frames[name]
        key_col = "scope" if name == "rule_instances" else "path"
        asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name)
        batch_def = next((b for b in asset.batch_definitions if b.name == "whole"), None) \
            or asset.add_batch_definition_whole_dataframe("whole")
        suite = context.suites.add_or_update(gx.ExpectationSuite(**load_suite(name)))
        vd = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_def, suite=suite))
        checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
            name=f"nightly_{name}", validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DOCS_SITE])],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["report_id", key_col]},
        ))
        result = checkpoint.run(batch_parameters={"dataframe": frame})
        for run in result.run_results.values():
            for r in run.results:
                rule = r.expectation_config.meta["rule"]
                error = _raised(r.exception_info)
                if error is not None:
                    raise BrokenExpectation(f"{name}/{rule}: {error}")
                for row in (r.result or {}).get("unexpected_index_list") or []:
                    failing[rule].add((row["report_id"], row[key_col]))
    return failing


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


def _results(instances: dict[str, list[Instance]], failing: dict[str, set[tuple[str, str]]]) -> list[tuple[str, Any]]:
    rows = []
    for rid, insts in instances.items():
        for i in insts:
            if not i.applicable:
                status = "n/a"
            elif not i.assessable:
                status = "not_assessable"
            elif i.rule in CELL_RULES:
                i.cells = sorted(p for r, p in failing.get(i.rule, set()) if r == rid)
                i.lhs = type(i.rhs)(len(i.cells)) if i.rhs is not None else None
                status = "fail" if i.cells else "pass"
            else:
                status = "fail" if (rid, i.scope) in failing.get(i.rule, set()) else "pass"
            rows.append((rid, to_result(i, status)))
    return rows


def _store(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, Any]]) -> None:
    """Replace ``rule_result`` in one transaction (bulk insert through a polars frame). A side
    too large for the column (a sum of cells near the limit) is stored empty, with a note."""
    def side(v: Any) -> str | None:
        return None if v is None or not fits_decimal(v) else str(v)

    def note(r: Any) -> str:
        wide = [s for s, v in (("lhs", r.lhs), ("rhs", r.rhs)) if v is not None and not fits_decimal(v)]
        extra = f"out_of_range: {' and '.join(wide)} does not fit DECIMAL(24,6)" if wide else ""
        return "; ".join(x for x in (r.note, extra) if x)

    frame = pl.DataFrame(
        [[rid, r.rule, r.scope, r.status, r.severity, side(r.lhs), side(r.rhs), r.involves_blank, list(r.cells),
          note(r)] for rid, r in rows],
        schema={"report_id": pl.Utf8, "rule": pl.Utf8, "scope": pl.Utf8, "status": pl.Utf8, "severity": pl.Utf8,
                "lhs": pl.Utf8, "rhs": pl.Utf8, "involves_blank": pl.Boolean, "cells": pl.List(pl.Utf8),
                "note": pl.Utf8},
        orient="row",
    )
    with transaction(con, incoming_rules=frame):
        con.execute("DELETE FROM rule_result")
        con.execute("INSERT INTO rule_result SELECT * FROM incoming_rules")
