"""Stage 3, warehouse: parse results → ``report``/``cell``/…; the rules → ``rule_result``.

``rule_results`` is an asset (the table it writes), validated incrementally with Great
Expectations; its checks read that table. Each rule's check reports the severity of the rule
(``ERROR`` for error rules): red in the UI when any report fails it. Those reports are kept
out of the marts one by one (view ``report_ok``), so a body that prints a wrong total does not
stop the night. What does stop it is ``rules_validated`` (blocking, ``ERROR``): a parsed report
left without current results means the marts cannot tell good reports from bad ones.
"""


import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.metadata import file_link, table_metadata
from pipelines.resources import XxgkPaths
from xxgk.quality.validate import reports_to_validate, rules_version, run_validation
from xxgk.rules.catalogue import RULES
from xxgk.warehouse.db import apply_ddl
from xxgk.warehouse.load import load_parsed


@dg.asset(group_name="warehouse", deps=["parsed_reports"], pool="duckdb", kinds={"duckdb"})
def cells(paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Long-format template cells (one row per report × table × row × column) with their
    reports, parse issues and narrative facts."""
    with duckdb.get_connection() as con:
        apply_ddl(con)
        s = load_parsed(con, paths.parsed_dir)
        reports = con.execute("SELECT count(*) FROM report WHERE parse_status IN ('parsed', 'partial')").fetchone()[0]
        meta = table_metadata(con, "cell")
        for table in ("report", "parse_issue", "narrative_fact"):
            meta[f"{table}_rows"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return dg.MaterializeResult(metadata={"loaded": s.loaded, "unchanged": s.unchanged,
                                          "reports_with_cells": reports, **meta,
                                          "warehouse": dg.MetadataValue.path(str(paths.warehouse))})


@dg.asset(group_name="warehouse", deps=["cells"], pool="duckdb", kinds={"duckdb", "great_expectations"})
def rule_results(context: dg.AssetExecutionContext, paths: XxgkPaths, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One row per rule instance of each parsed report (R01–R21), judged by the Great
    Expectations suites in ``expectations/``; only new or changed reports are validated."""
    with duckdb.get_connection() as con:
        s = run_validation(con, paths.gx_root, paths.data_docs, run_id=context.run.run_id)
        meta = table_metadata(con, "rule_result")
        counts = dict(con.execute(
            "SELECT classification, count(*) FROM rule_result WHERE status = 'fail' GROUP BY 1").fetchall())
    docs = {"data_docs": file_link(s.data_docs)} if s.data_docs else {}
    return dg.MaterializeResult(metadata={
        "validated": s.reports, "batches": s.batches, "reports": s.reports_total,
        "reports_with_errors": len(s.error_reports),
        "failing": ", ".join(f"{r} ({n})" for r, n in s.failures.items()) or "none",
        "publisher_errors": counts.get("publisher_error", 0), "parse_suspects": counts.get("parse_suspect", 0),
        **meta, **docs})


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(rule, asset="rule_results", description=f"{r.name}: {r.statement}",
                             metadata={"severity": r.severity}) for rule, r in RULES.items()],
    pool="duckdb",
)
def rule_checks(duckdb: DuckDBResource):
    """Each rule over the whole warehouse: failing reports, publisher errors vs parse suspects."""
    with duckdb.get_connection() as con:
        stats = {r[0]: r[1:] for r in con.execute("""
            SELECT rule, count(DISTINCT report_id) FILTER (status = 'fail'),
                   count(*) FILTER (classification = 'publisher_error'),
                   count(*) FILTER (classification = 'parse_suspect'),
                   count(*) FILTER (status = 'pass'), count(*) FILTER (status = 'fail'),
                   list(DISTINCT report_id ORDER BY report_id) FILTER (status = 'fail')
            FROM rule_result GROUP BY rule""").fetchall()}
    for rule, r in RULES.items():
        reports, publisher, suspect, passed, failed, ids = stats.get(rule, (0, 0, 0, 0, 0, []))
        yield dg.AssetCheckResult(
            check_name=rule, asset_key="rule_results", passed=failed == 0,
            severity=dg.AssetCheckSeverity.ERROR if r.severity == "error" else dg.AssetCheckSeverity.WARN,
            metadata={"failing_reports": reports, "failing_instances": failed, "passing_instances": passed,
                      "publisher_errors": publisher, "parse_suspects": suspect,
                      "report_ids": ", ".join((ids or [])[:50])})


@dg.asset_check(asset="rule_results", blocking=True, pool="duckdb",
                description="every parsed report has results from the current rule suites")
def rules_validated(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        missing = reports_to_validate(con, rules_version())
    return dg.AssetCheckResult(passed=not missing, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"reports_without_results": len(missing),
                                         "report_ids": ", ".join(missing[:50])})
