"""National scale: time and peak memory of every stage of the nightly job, full night vs the
nights after it, on a synthetic national corpus (``bench/national.py``).

The corpus (N documents plus the ``--new`` documents a later night brings) is read by one
``directory`` source per province, like a crawler archive sorted by region. Four nights run
on the same data folder:

* ``full``: everything is new (a first night, or a backfill);
* ``noop``: nothing changed (the cost a night with nothing new must keep near zero);
* ``new``: the next ``--new`` documents of the corpus appear (an ordinary night);
* ``again``: nothing changed since ``new`` (a no-op night after an ordinary one).

Every stage (asset, with its checks) runs as its own materialization of the real Dagster job in
a fresh process, so its peak memory is its own: the resident memory of that process and every
process it started (the parse workers), sampled every 0.5 s (``psutil``; every 0.1 s took a
third of a core from the run measured), Dagster's import included (about 250 MB). Times are the
stage's own (import and start-up are printed apart).
Prints one line per stage and night, the totals, the ratios of the later nights to the full
one, every cell of the warehouse against the corpus's truth, and the sizes of the warehouse and
the publication.

A million reports take longer than a working session (about an hour to render the corpus, most
of a day of nights): killed midway, the benchmark goes on where it stopped when it is started
again with the same arguments (``progress.json`` in the work folder; ``--fresh`` starts over).

    .venv/bin/python bench/scale.py --reports 10000 --new 100 [--work /tmp/scale] [--seed 1]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RATES = {"error": 0.01, "late": 0.1, "missing": 0.03, "edit": 0.02, "pdf": 0.0}


def make_corpus(work: Path, n: int, new: int, seed: int, released: bool) -> tuple[Path, Path]:
    """The first ``n`` documents under ``work/corpus`` and the next ``new`` held back under
    ``work/later`` (same layout), generated once per (n, new, seed); a generation that was
    killed goes on where it stopped. ``released``: the later documents were already moved in
    (a resumed benchmark past its third night)."""
    import national

    corpus, later = work / "corpus", work / "later"
    stamp = work / "corpus.json"
    want = {"reports": n, "new": new, "seed": seed}
    have = json.loads(stamp.read_text()) if stamp.exists() else {}
    if {k: have.get(k) for k in want} != want:
        for d in (corpus, later):
            shutil.rmtree(d, ignore_errors=True)
        have = dict(want)  # another corpus: generated from the start
        stamp.write_text(json.dumps(have))
    if not have.get("complete"):
        t = time.perf_counter()
        counts = national.write(corpus, n + new, seed, RATES)
        print(f"corpus: {counts['documents']} documents of {counts['bodies']} bodies "
              f"({counts['planted_errors']} planted errors, {counts['late']} late, {counts['edits']} edits) "
              f"in {time.perf_counter() - t:.0f} s", flush=True)
        stamp.write_text(json.dumps({**want, "complete": True}))
    if not released:
        for article in sorted(corpus.glob("*/*/*/*")):  # <province>/<code>/<year>/<index>_<title>/
            if int(article.name.split("_", 1)[0]) >= n:  # also after a run that released them
                dest = later / article.relative_to(corpus)
                dest.parent.mkdir(parents=True, exist_ok=True)
                article.rename(dest)
    return corpus, later


def write_sources(work: Path, corpus: Path) -> Path:
    """One directory source per province (every province, so a later night's folders are read)."""
    import national

    lines = []
    for code, name, level in sorted(national.regions()):
        if level != "province":
            continue
        folder = corpus / code[:2]
        folder.mkdir(parents=True, exist_ok=True)
        lines += ["[[source]]", f'id = "dir-{code[:2]}"', 'family = "directory"', f'region_code = "{code}"',
                  f'region_name = "{name}"', f'agency = "{name}人民政府"', f'path = "{folder}"', ""]
    path = work / "sources.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def release(corpus: Path, later: Path) -> int:
    """Move the held-back documents into the corpus: the next night's new reports."""
    moved = 0
    for article in sorted(later.glob("*/*/*/*")):
        dest = corpus / article.relative_to(later)
        dest.parent.mkdir(parents=True, exist_ok=True)
        article.rename(dest)
        moved += 1
    return moved


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled in a thread (walking the
    process table costs CPU the measured run would otherwise have)."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.proc = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


class Progress:
    """What a benchmark has measured so far (``progress.json`` in its work folder), so that a
    run killed midway, or longer than a session, goes on where it stopped when started again with
    the same arguments. The stage that was running when the benchmark was killed runs again (every
    stage resumes its own work); the wall time and peak memory of its killed attempts are added
    to its figures, and the number of attempts is printed."""

    def __init__(self, path: Path, args: dict, fresh: bool) -> None:
        self.path = path
        state = json.loads(path.read_text()) if path.exists() and not fresh else {}
        self.resumed = state.get("args") == args
        self.state = state if self.resumed else {"args": args, "released": False, "nights": {}, "truth": {},
                                                 "running": None}

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1))
        tmp.replace(self.path)

    def done(self, night: str, stage: str) -> dict | None:
        return self.state["nights"].get(night, {}).get(stage)

    def attempts(self, night: str, stage: str) -> dict:
        """Wall time, peak and count of this stage's earlier, killed attempts."""
        run = self.state["running"]
        if run and run["night"] == night and run["stage"] == stage:
            return run
        return {"night": night, "stage": stage, "seconds": 0.0, "peak_mb": 0.0, "attempts": 0}

    def finish(self, night: str, stage: str, result: dict) -> None:
        self.state["nights"].setdefault(night, {})[stage] = result
        self.state["running"] = None
        self.save()


def _die_with_parent() -> None:
    """In the stage's process before it starts: killed when the benchmark is (Linux), so a
    resumed benchmark never runs beside an orphaned stage of the killed one."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _watch(cmd: list[str], out: Path, log, progress: Progress, night: str, stage: str) -> tuple[int, str, float, dict]:
    """Run ``cmd`` with its stdout in ``out``, sampling its tree's memory and saving its elapsed
    time and peak every 30 s; returns (exit code, stdout, peak MB of this attempt, earlier attempts)."""
    before = dict(progress.attempts(night, stage))
    started = time.perf_counter()
    with out.open("w") as stdout:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=log, text=True, cwd=ROOT, preexec_fn=_die_with_parent)  # noqa: PLW1509 (no thread runs: the last sampler was joined)
        mem = TreeMemory(proc.pid)
        while True:
            try:
                proc.wait(timeout=30)
                break
            except subprocess.TimeoutExpired:
                progress.state["running"] = {**before, "seconds": before["seconds"] + time.perf_counter() - started,
                                             "peak_mb": max(before["peak_mb"], mem.peak / 2**20),
                                             "attempts": before["attempts"] + 1}
                progress.save()
    return proc.returncode, out.read_text(), mem.stop(), before


def run_stage(stage: str, data_dir: Path, sources: Path, log, progress: Progress, night: str) -> dict:
    """One stage in a fresh process; its own timing plus the sampled peak memory of its tree."""
    cmd = [sys.executable, __file__, "--stage", stage, "--data-dir", str(data_dir), "--sources", str(sources)]
    started = time.perf_counter()
    code, out, peak, before = _watch(cmd, data_dir.parent / "stage.out", log, progress, night, stage)
    if code:
        raise SystemExit(f"stage {stage} failed (exit {code}); see {log.name}")
    res = json.loads(out.strip().splitlines()[-1])
    res.update(seconds=res["seconds"] + before["seconds"], peak_mb=max(peak, before["peak_mb"]),
               attempts=before["attempts"] + 1, process_seconds=time.perf_counter() - started, commit=_commit())
    return res


def _commit() -> str:
    """The code a stage ran (a benchmark resumed in a later session may run on newer code)."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False).stdout.strip()


def run_whole(data_dir: Path, sources: Path, log, progress: Progress, night: str) -> dict:
    """The whole night as ``xxgk run`` runs it (one process, wall time), with each stage's time
    from its progress lines and the peak memory of the run's process tree."""
    cmd = [sys.executable, "-c", "import sys; from xxgk.cli import main; sys.exit(main())", "run",
           "--data-dir", str(data_dir), "--sources", str(sources)]
    started = time.perf_counter()
    code, out, peak, before = _watch(cmd, data_dir.parent / "stage.out", log, progress, night, "whole")
    log.write(out)
    stages = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\[\d+/\d+\] (\S+) .*\(([\d.]+) s\)$", out, re.M)}
    return {"seconds": time.perf_counter() - started + before["seconds"], "peak_mb": max(peak, before["peak_mb"]),
            "stages": stages, "exit": code, "attempts": before["attempts"] + 1, "commit": _commit()}


def stage_main(stage: str, data_dir: str, sources: str) -> None:
    """In the stage's process: materialize one asset and its checks with the nightly job,
    configured as a deployment is (its environment variables)."""
    t0 = time.perf_counter()
    os.environ.update({"XXGK_DATA_DIR": data_dir, "XXGK_WAREHOUSE": str(Path(data_dir) / "warehouse" / "xxgk.duckdb"),
                       "XXGK_SOURCES": sources, "XXGK_CONNECT_TO": "", "XXGK_ALLOW_HTTP": "0"})
    (Path(data_dir) / "warehouse").mkdir(parents=True, exist_ok=True)
    import dagster as dg

    from pipelines.definitions import defs

    job = defs().resolve_job_def("nightly")
    ready = time.perf_counter()
    result = job.execute_in_process(asset_selection=[dg.AssetKey(stage)], instance=dg.DagsterInstance.ephemeral(),
                                    raise_on_error=False)
    seconds = time.perf_counter() - ready
    failed = [e.step_key for e in result.all_events if e.is_step_failure]
    checks = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    print(json.dumps({"seconds": seconds, "startup_seconds": ready - t0, "failed_steps": failed,
                      "failed_checks": sorted(k for k, ok in checks.items() if not ok)}))


def truth_parts(corpus: Path, every: int = 20_000) -> list[Path]:
    """The corpus's truth (``manifest.jsonl``) as Parquet files of ``every`` documents each, one
    row per cell (locator, table, row, col, truth): written once per manifest, read a part at a
    time (a million documents are 200 million cells)."""
    import polars as pl

    folder = corpus.parent / "truth"
    manifest = corpus / "manifest.jsonl"
    stamp = folder / "manifest.stat"
    key = f"{manifest.stat().st_size} {manifest.stat().st_mtime_ns}"
    if not (stamp.exists() and stamp.read_text() == key):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        rows: list[tuple] = []
        docs = part = 0

        def flush() -> None:
            nonlocal part
            pl.DataFrame(rows, schema=["locator", "table", "row", "col", "truth"], orient="row").write_parquet(
                folder / f"part-{part:04d}.parquet")
            part += 1
            rows.clear()

        with manifest.open(encoding="utf-8") as f:
            for line in f:
                m = json.loads(line)
                locator = str((corpus / m["path"]).resolve())
                rows += [(locator, table, row, col, v) for table, trs in m["values"].items()
                         for row, cols in trs.items() for col, v in cols.items()]
                docs += 1
                if docs % every == 0:
                    flush()
        if rows:
            flush()
        stamp.write_text(key)
    return sorted(folder.glob("part-*.parquet"))


def truth_check(db: Path, corpus: Path) -> str:
    """Cells of the warehouse against the corpus's truth, joined by the file each report came
    from, a part of the truth at a time: exact, flagged (ambiguous/illegible/inferred: no value
    claimed), missing, and wrong (a value claimed that is not the printed one: must be 0)."""
    import duckdb

    from xxgk.warehouse.db import duckdb_config

    counts: dict[str, int] = {}
    con = duckdb.connect(str(db), read_only=True, config=duckdb_config())
    for part in truth_parts(corpus):
        for outcome, n in con.execute("""
            WITH truth AS (SELECT * FROM read_parquet(?)),
            reports AS (
                SELECT r.report_id, d.locator FROM report r JOIN document d ON d.sha256 = r.sha256
                WHERE d.locator IN (SELECT locator FROM truth)),
            got AS (
                SELECT p.locator, c."table", c.row, c.col, c.value, c.status
                FROM cell c JOIN reports p USING (report_id)
                WHERE c.report_id IN (SELECT report_id FROM reports))
            SELECT CASE WHEN g.status IS NULL THEN 'missing'
                        WHEN g.status IN ('ambiguous', 'illegible', 'inferred') THEN 'flagged'
                        WHEN g.value IS NOT DISTINCT FROM t.truth::DECIMAL(24, 6) THEN 'exact'
                        ELSE 'wrong' END, count(*)
            FROM truth t LEFT JOIN got g USING (locator, "table", row, col)
            WHERE t.locator IN (SELECT locator FROM document)
            GROUP BY ALL""", [str(part)]).fetchall():
            counts[outcome] = counts.get(outcome, 0) + n
    con.close()
    total = sum(counts.values())
    return (f"truth: {total} cells of the documents ingested: {counts.get('exact', 0)} exact, "
            f"{counts.get('flagged', 0)} flagged, {counts.get('missing', 0)} missing, {counts.get('wrong', 0)} wrong")


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--new", type=int, default=100, help="documents the third night brings")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=None, help="folder for corpus and data (default: a temp folder)")
    ap.add_argument("--workers", type=int, default=0, help="parse worker processes (0: one per core)")
    ap.add_argument("--whole", action="store_true",
                    help="run each night as one `xxgk run` (wall time of the whole run) instead of stage by stage")
    ap.add_argument("--fresh", action="store_true",
                    help="start over even if the work folder holds a benchmark killed midway with the same arguments")
    a = ap.parse_args()

    from pipelines.definitions import defs
    from pipelines.run import stage_names

    work = a.work or Path(os.environ.get("TMPDIR", "/tmp")) / f"xxgk-scale-{a.reports}"
    work.mkdir(parents=True, exist_ok=True)
    progress = Progress(work / "progress.json", {"reports": a.reports, "new": a.new, "seed": a.seed,
                                                 "whole": a.whole, "workers": a.workers}, a.fresh)
    corpus, later = make_corpus(work, a.reports, a.new, a.seed, progress.state["released"])
    sources = write_sources(work, corpus)
    data = work / "data"
    if not progress.resumed:
        shutil.rmtree(data, ignore_errors=True)
    progress.save()
    os.environ["XXGK_PARSE_WORKERS"] = str(a.workers)
    stages = ["whole"] if a.whole else stage_names(defs())
    how = "one xxgk run per night" if a.whole else "every stage in its own process"
    print(f"{a.reports} reports, {os.cpu_count()} cores; {how} "
          f"(peak = resident memory of the process and its children)"
          f"{'; resumed from ' + str(progress.path) if progress.resumed else ''}", flush=True)
    print(f"{'night':<6} {'stage':<22} {'seconds':>9} {'peak MB':>8}", flush=True)
    with (work / "stages.log").open("a") as log:
        for night in ("full", "noop", "new", "again"):
            if night == "new" and not progress.state["released"]:
                print(f"       (+{release(corpus, later)} documents)", flush=True)
                progress.state["released"] = True
                progress.save()
            for stage in stages:
                r = progress.done(night, stage)
                if r is None:
                    r = run_whole(data, sources, log, progress, night) if a.whole else \
                        run_stage(stage, data, sources, log, progress, night)
                    progress.finish(night, stage, r)
                again = f"  ({r['attempts']} attempts)" if r.get("attempts", 1) > 1 else ""
                if a.whole:
                    for name, secs in r["stages"].items():
                        print(f"{night:<6} {name:<22} {secs:>9.2f}", flush=True)
                    status = "" if r["exit"] == 0 else f"  exit {r['exit']}"
                    print(f"{night:<6} {'whole run (wall)':<22} {r['seconds']:>9.2f} {r['peak_mb']:>8.0f}"
                          f"{status}{again}", flush=True)
                else:
                    failed = r["failed_steps"] + r["failed_checks"]
                    print(f"{night:<6} {stage:<22} {r['seconds']:>9.2f} {r['peak_mb']:>8.0f}"
                          f"{f'  failed: {failed}' if failed else ''}{again}", flush=True)
            results = progress.state["nights"][night]
            if not a.whole:
                total = sum(r["seconds"] for r in results.values())
                peak = max(r["peak_mb"] for r in results.values())
                startup = sum(r["startup_seconds"] for r in results.values()) / len(stages)
                print(f"{night:<6} {'total':<22} {total:>9.2f} {peak:>8.0f}  (+{startup:.1f} s start-up per stage)",
                      flush=True)
            if night in ("full", "new"):
                if night not in progress.state["truth"]:
                    progress.state["truth"][night] = truth_check(data / "warehouse" / "xxgk.duckdb", corpus)
                    progress.save()
                print(progress.state["truth"][night], flush=True)
    nights = progress.state["nights"]
    full = sum(r["seconds"] for r in nights["full"].values())
    for night in ("noop", "new", "again"):
        print(f"{night} / full = {sum(r['seconds'] for r in nights[night].values()) / full:.4f}")
    wh = data / "warehouse"
    print(f"warehouse {size_mb(wh / 'xxgk.duckdb'):.0f} MB, raw store {size_mb(data / 'raw'):.0f} MB, "
          f"parse results {size_mb(data / 'parsed'):.0f} MB, publication {size_mb(wh / 'published'):.0f} MB ({work})")
    (work / "scale.json").write_text(json.dumps(nights, indent=1))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--stage"]:
        ap = argparse.ArgumentParser()
        ap.add_argument("--stage")
        ap.add_argument("--data-dir")
        ap.add_argument("--sources")
        s = ap.parse_args()
        stage_main(s.stage, s.data_dir, s.sources)
    else:
        main()
