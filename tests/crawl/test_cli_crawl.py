"""`xxgk crawl` end to end: the real CLI process against the simulator via --connect-to."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from tests.crawl.mirrorkit import ROOT
from xxgk.mirror import Mirror


def test_xxgk_crawl_cli_against_the_mirror(tmp_path):
    db, raw = tmp_path / "w.duckdb", tmp_path / "raw"
    with Mirror(day=1) as m:
        done = run_cli("--sources", str(ROOT / "data" / "sources.toml"), "--connect-to", f"::127.0.0.1:{m.port}",
                       "--allow-http", "--db", str(db), "--raw", str(raw), "--night", "n1", "--only", "pingtan",
                       "--only", "huaian", "--min-gap", "0.02", "--jitter", "0")
        hosts = {r.host for r in m.access_log}
    assert done.returncode == 0, done.stderr
    assert "night n1:" in done.stdout and "new 4" in done.stdout
    assert hosts == {"www.pingtan.gov.cn", "www.huaian.gov.cn"}
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM document").fetchone() == (4,)
    assert con.execute("SELECT count(DISTINCT night) FROM fetch_log").fetchone() == (1,)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xxgk.cli", "crawl", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=120)


def test_xxgk_crawl_cli_rejects_bad_arguments(tmp_path):
    bad = run_cli("--connect-to", "nonsense", "--db", str(tmp_path / "w.duckdb"))
    assert bad.returncode == 2 and "--connect-to" in bad.stderr
    unknown = run_cli("--only", "atlantis", "--db", str(tmp_path / "w.duckdb"))
    assert unknown.returncode == 2 and "atlantis" in unknown.stderr
    budget = run_cli("--host-budget", "0", "--db", str(tmp_path / "w.duckdb"))
    assert budget.returncode == 2 and "--host-budget must be > 0" in budget.stderr


def test_xxgk_crawl_cli_night_budget_defers_and_says_so(tmp_path):
    db = tmp_path / "w.duckdb"
    with Mirror(day=1) as m:
        done = run_cli("--sources", str(ROOT / "data" / "sources.toml"), "--connect-to", f"::127.0.0.1:{m.port}",
                       "--allow-http", "--db", str(db), "--raw", str(tmp_path / "raw"), "--night", "n1",
                       "--only", "jiaxing", "--min-gap", "0.2", "--jitter", "0", "--night-budget", "1", "-q")
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(db), read_only=True)
    [(deferred,)] = con.execute("SELECT count(*) FROM fetch_log WHERE outcome = 'deferred'").fetchall()
    assert deferred > 0 and f"deferred {deferred}" in done.stdout
    assert f"ALERT jiaxing: time budget spent: {deferred} fetches deferred to the next night" in done.stdout
