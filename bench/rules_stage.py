"""The rules stage (GX validation into ``rule_result``) at 1k, 10k and 100k reports.

For each N a synthetic warehouse is built from the truth reports (seeds and corpus, parsed
once): N copies with their own ids, bodies and years (three consecutive years per body, so
the cross-year rules have pairs). Then, each in a fresh process so peak memory is its own:
a full night (every report new) and a night with nothing new. Prints time and peak RSS per
night and the no-op night's cost as a share of the full one (target: memory flat in N, ratio
under 0.05).

    .venv/bin/python bench/rules_stage.py [N ...]     (default 1000 10000 100000)

Measured on the 2-core box (batches of 2,000 reports):

     reports  full night  peak MB  no-op night  peak MB   ratio
        1000      25.8 s      920       0.07 s      188  0.0027
       10000      83.7 s     1994       0.03 s      193  0.0004
      100000     904.9 s     2377       2.43 s      239  0.0027
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "data" / "corpus"
SOURCES = [*sorted((CORPUS / "seeds").glob("*.txt")), CORPUS / "hongze_2023.pdf", CORPUS / "huaian_2024.pdf",
           CORPUS / "pingtan_2023.html", CORPUS / "pingtan_2025.html"]


def build(db: Path, n: int) -> None:
    from xxgk.parse.api import parse_file
    from xxgk.parse.batch import to_record
    from xxgk.warehouse.db import connect
    from xxgk.warehouse.load import load_records

    con = connect(db)
    records = []
    for p in SOURCES:
        r = to_record(hashlib.sha256(p.read_bytes()).hexdigest(), parse_file(str(p)))
        records.append(json.loads(json.dumps(r), parse_float=Decimal))
    load_records(con, records)
    con.execute("CREATE TEMP TABLE base AS SELECT row_number() OVER (ORDER BY report_id) - 1 AS b, * FROM report "
                "WHERE parse_status IN ('parsed', 'partial')")
    nbase = con.execute("SELECT count(*) FROM base").fetchone()[0]
    con.execute(f"""CREATE TEMP TABLE m AS SELECT i, printf('%016x', i + 4096) AS rid, i % {nbase} AS b,
                    (i // ({nbase} * 3)) * {nbase} + i % {nbase} AS body, (i // {nbase}) % 3 AS k
                    FROM range({n}) t(i)""")
    con.execute("BEGIN")
    con.execute("""INSERT INTO report SELECT m.rid, m.rid || repeat('0', 48), r.title, r.agency,
                       'synth:' || m.body, r.region_code, r.region_name,
                       CASE WHEN r.template = '2019' THEN 2018 + m.k ELSE 2021 + m.k END,
                       r.template, r.table3_layout, r.scope, r.source || '#' || m.i, r.parse_status, r.parse_message,
                       r.parser_version, r.parsed_at
                   FROM m JOIN base r USING (b)""")
    con.execute("""INSERT INTO cell SELECT m.rid, c.* EXCLUDE (report_id) FROM m JOIN base r USING (b)
                   JOIN cell c ON c.report_id = r.report_id""")
    con.execute("""INSERT INTO narrative_fact SELECT m.rid, f.* EXCLUDE (report_id) FROM m JOIN base r USING (b)
                   JOIN narrative_fact f ON f.report_id = r.report_id""")
    con.execute("DELETE FROM cell WHERE report_id IN (SELECT report_id FROM base)")
    con.execute("DELETE FROM narrative_fact WHERE report_id IN (SELECT report_id FROM base)")
    con.execute("DELETE FROM parse_issue WHERE report_id IN (SELECT report_id FROM base)")
    con.execute("DELETE FROM report WHERE report_id IN (SELECT report_id FROM base)")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()


def night(db: Path, work: Path, run_id: str) -> dict:
    """One validation run in this process: seconds and peak RSS."""
    import duckdb

    from xxgk.quality.validate import run_validation

    con = duckdb.connect(str(db))
    started = time.perf_counter()
    s = run_validation(con, work / "gx", work / "docs", run_id=run_id)
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "peak_mb": peak_mb(), "validated": s.reports, "batches": s.batches}


def peak_mb() -> float:
    """This process's peak resident memory. Not ``getrusage``: its ``ru_maxrss`` survives
    fork and exec, so a child would report its parent's peak (the warehouse build's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(sizes: list[int]) -> None:
    print(f"{'reports':>8} {'full night':>11} {'peak MB':>8} {'no-op night':>12} {'peak MB':>8} {'ratio':>7}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            db = work / "w.duckdb"
            build(db, n)
            runs = []
            for run_id in ("full", "noop"):
                out = subprocess.run([sys.executable, __file__, "--night", str(db), str(work), run_id],
                                     capture_output=True, text=True, check=True)
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            full, noop = runs
            assert full["validated"] == n and noop["validated"] == 0, runs
            print(f"{n:>8} {full['seconds']:>9.1f} s {full['peak_mb']:>8.0f} {noop['seconds']:>10.2f} s "
                  f"{noop['peak_mb']:>8.0f} {noop['seconds'] / full['seconds']:>7.4f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--night"]:
        print(json.dumps(night(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000, 100000])
