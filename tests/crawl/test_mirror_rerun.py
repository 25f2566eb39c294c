"""Killing a crawl midway and running it again loses nothing and duplicates nothing; re-running a
finished night changes nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.crawl.mirrorkit import ROOT, Crawler
from xxgk.mirror import Mirror

CHILD = """
import sys
sys.path.insert(0, {root!r})
from tests.crawl.mirrorkit import Crawler
class M: port = {port}
from pathlib import Path
Crawler(Path({tmp!r}), M).night("n1")
"""


def state(c: Crawler):
    docs = c.con.execute("SELECT locator, count(*), count(DISTINCT sha256) FROM document "
                         "GROUP BY 1 ORDER BY 1").fetchall()
    items = c.con.execute("SELECT url, kind, status, fingerprint, versions FROM crawl_item ORDER BY url").fetchall()
    reports = {k: (r.version, r.urls) for k, r in c.found("n1").items()}
    return docs, items, reports


def test_kill_midway_and_rerun_loses_and_duplicates_nothing(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    killed.mkdir()
    clean.mkdir()
    with Mirror(day=1) as m:
        child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), port=m.port, tmp=str(killed))],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            if len(list((killed / "raw").glob("*/*"))) >= 25:
                break
            time.sleep(0.02)
        assert child.poll() is None, "the crawl finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait()

        resumed = Crawler(killed, m)
        partial = resumed.con.execute("SELECT count(*) FROM document").fetchone()[0]
        resumed.night("n1")
        reference = Crawler(clean, m)
        reference.night("n1")
        expected = set(reference.expected(1))

        assert 0 < partial < reference.con.execute("SELECT count(*) FROM document").fetchone()[0]
        docs, items, reports = state(resumed)
        assert (docs, items, reports) == state(reference)
        assert all(n == 1 for _, n, _ in docs)  # one row per locator: nothing duplicated
        assert set(reports) == expected
        for (sha,) in resumed.con.execute("SELECT sha256 FROM document").fetchall():
            assert resumed.raw.has(sha)  # nothing lost
        resumed.close()
        reference.close()


def test_rerunning_a_finished_night_changes_nothing(tmp_path):
    with Mirror(day=1) as m:
        c = Crawler(tmp_path, m, "jiaxing", "pingtan", "hongze")
        c.night("n1")
        before = (state(c), c.raw_objects())
        m.clear_log()
        s = c.night("n1")
        assert (state(c), c.raw_objects()) == before
        assert s.count("new") == 0 and s.count("changed") == 0
        assert all(r.status == 304 or r.path.startswith(("/robots.txt", "/col/", "/module/web/jpage/", "/zwgk/"))
                   or r.status >= 400 or r.path.endswith(".pdf") and r.status == 200 and r.bytes_sent < 1000
                   for r in m.access_log)
        c.close()
