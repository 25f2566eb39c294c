"""Crash and restart (issue 8): ``xxgk run`` killed at each stage, with a persistent
``DAGSTER_HOME`` (pool ``duckdb`` limited to one slot), then run again, finishes and publishes
the same warehouse as a run that was never interrupted; a run that must wait says for whom."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
XXGK = str(Path(sys.executable).with_name("xxgk"))
# What the night produced, keyed by where it came from: two crawls of the simulator store pages
# whose chrome (counters, timestamps) differs, so hashes and report ids are not comparable.
QUERIES = {
    "document": "SELECT source_id, locator, name, media_type, title_hint, published_hint FROM document",
    "report": "SELECT source, title, agency, agency_key, region_code, region_name, report_year, template, "
              "table3_layout, scope, parse_status, parse_message, parser_version FROM report",
    "cell": "SELECT r.source, c.* EXCLUDE (report_id) FROM cell c JOIN report r USING (report_id)",
    "rule_result": "SELECT r.source, x.* EXCLUDE (report_id, run_id) FROM rule_result x "
                   "JOIN report r USING (report_id)",
    "parse_issue": "SELECT r.source, i.* EXCLUDE (report_id) FROM parse_issue i JOIN report r USING (report_id)",
    "narrative_fact": "SELECT r.source, f.* EXCLUDE (report_id) FROM narrative_fact f JOIN report r USING (report_id)",
    "mart_region_year": "SELECT * EXCLUDE (area_report_id) FROM mart_region_year",
    "region": "SELECT * FROM region",
}


def content(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t, q in QUERIES.items():
            rows = con.execute(f"{q} ORDER BY ALL").fetchall()
            out[t] = f"{len(rows)}:{hashlib.sha256(repr(rows).encode()).hexdigest()}"
        return out
    finally:
        con.close()


class Run:
    """``xxgk run --mirror`` in its own process group, its output read by a thread."""

    def __init__(self, data: Path, home: Path | None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
        if home is not None:
            env["DAGSTER_HOME"] = str(home)
        self.proc = subprocess.Popen([XXGK, "run", "--mirror", "--data-dir", str(data)], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True)
        self.reader.start()

    def wait_for(self, done, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while not done(self.lines):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("".join(self.lines) or "no output")
            time.sleep(0.05)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.reader.join(timeout=30)

    def finish(self) -> str:
        self.proc.wait(timeout=600)
        self.reader.join(timeout=30)
        return "".join(self.lines)


def test_killed_at_each_stage_then_rerun_gives_the_same_warehouse(tmp_path: Path):
    reference = tmp_path / "reference"
    run = Run(reference, None)
    out = run.finish()
    assert run.proc.returncode == 0, out
    stages = [line.split("]", 1)[1].split()[0] for line in out.splitlines() if line.startswith("[")]
    assert stages[0] == "documents" and stages[-1] == "published_warehouse"

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "pipelines" / "dagster.yaml", home / "dagster.yaml")  # pool duckdb: one slot
    data = tmp_path / "data"
    for k in range(1, len(stages) + 1):
        run = Run(data, home)
        if k == 1:  # during the crawl: once the raw store holds something
            run.wait_for(lambda _: (data / "raw").exists() and any((data / "raw").rglob("*")))
        else:  # as stage k starts: right after stage k-1 reported
            run.wait_for(lambda lines, k=k: any(line.startswith(f"[{k - 1}/") for line in lines))
        run.kill()

    # the next run waits for a run of the same folder and says so; then finishes the night
    with open(data / ".xxgk-run.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write("pid 1 since a test\n")
        lock.flush()
        run = Run(data, home)
        run.wait_for(lambda lines: any("waiting: another xxgk run" in line for line in lines))
        fcntl.flock(lock, fcntl.LOCK_UN)
    out = run.finish()
    assert run.proc.returncode == 0, out
    assert "Run finished" in out
    assert "freed run" in out  # the last killed run's pool slot
    published = data / "warehouse" / "published" / "xxgk.duckdb"
    assert content(published) == content(reference / "warehouse" / "published" / "xxgk.duckdb")
