"""Stage 3, warehouse: parse results → ``report``/``cell``/``parse_issue``; rules as asset checks."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.resources import XxgkPaths
from xxgk.quality.validate import SUITES, load_suite, run_validation
from xxgk.rules.catalogue import RULES
from xxgk.warehouse.db import apply_ddl
from xxgk.warehouse.load import load_parsed

CHECKED_RULES = sorted({e["meta"]["rule"] for s in SUITES for e in load_suite(s)["expectations"]})


@dg.asset(group_name="warehouse", deps=["parsed_reports"], pool="duckdb", kinds={"duckdb"})
def cells(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Long-format template cells (one row per report × table × row × column) with their reports."""
    with duckdb.get_connection() as con:
        apply_ddl(con)
        s = load_parsed(con, paths.parsed_dir)
        n_cells, n_reports = con.execute("SELECT count(*), count(DISTINCT report_id) FROM cell").fetchone()
    return dg.MaterializeResult(metadata={"loaded": s.loaded, "unchanged": s.unchanged,
                                          "reports_with_cells": n_reports, "cells": n_cells})


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(rule, asset="cells", blocking=True, description=RULES[rule].name)
           for rule in CHECKED_RULES],
    pool="duckdb",
)
def consistency_rules(paths: XxgkPaths, duckdb: DuckDBResource):
    """Rules R01–R21 through the Great Expectations suites in ``expectations/``.

    A failing report is data, not a broken pipeline: the check reports it as a WARN with the
    failing reports listed, the report stays in the warehouse flagged in ``rule_result``, and
    the marts leave it out. A broken expectation raises and so blocks the marts.
    """
    with duckdb.get_connection() as con:
        summary = run_validation(con, paths.gx_root, paths.data_docs)
        failing = dict(con.execute(
            "SELECT rule, list(DISTINCT report_id ORDER BY report_id) FROM rule_result "
            "WHERE status = 'fail' GROUP BY rule").fetchall())
    for rule in CHECKED_RULES:
        reports = failing.get(rule, [])
        yield dg.AssetCheckResult(
            check_name=rule, asset_key="cells", passed=not reports,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"failing_reports": len(reports), "report_ids": ", ".join(reports[:50]),
                      "severity": RULES[rule].severity, "data_docs": str(summary.data_docs)},
        )
