"""The load stage at scale: a night's new reports into an empty warehouse vs one of 100,000
reports (the cost must follow what is new, not what exists), and a backfill's peak memory
(it must stay flat in the number of reports: batches of ``LOAD_BATCH``).

Needs parse results to load: the folder of a parser version's result files written by a real
run, e.g. ``bench/scale.py``'s (``<work>/data/parsed/v<PARSER_VERSION>``). Their reports are
given new identities (a new ``sha256`` each) as often as needed, so any number can be loaded;
the 100,000-report warehouse is built from them by cloning rows in SQL. Each measurement runs
in a fresh process on its own copy of the warehouse and prints its time and peak memory
(``VmHWM``).

    .venv/bin/python bench/load_stage.py /tmp/xxgk-scale-10000/data/parsed/v6 [--base 100000] [--new 1000]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.parse.batch import RESULT_SUFFIX, read_result, result_path  # noqa: E402
from xxgk.parse.report import PARSER_VERSION  # noqa: E402
from xxgk.warehouse.db import connect  # noqa: E402
from xxgk.warehouse.load import load_parsed, load_records  # noqa: E402

TABLES = ("report", "cell", "parse_issue", "narrative_fact")


def renamed(sources: list[Path], n: int, tag: str, out: Path) -> Path:
    """``n`` result files under ``out/v<PARSER_VERSION>``: the sources in turn, each with a new
    sha256 (so a new report)."""
    folder = out / f"v{PARSER_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        record = read_result(sources[i % len(sources)])
        record["sha256"] = hashlib.sha256(f"{tag}-{i}-{record['sha256']}".encode()).hexdigest()
        result_path(out, record["sha256"]).write_bytes(
            gzip.compress(json.dumps(record, ensure_ascii=False).encode("utf-8"), 3, mtime=0))
    return out


def build_base(db: Path, sources: list[Path], reports: int) -> None:
    """A warehouse of ``reports`` reports: the source results loaded once, then their rows cloned
    under new report ids in SQL."""
    con = connect(db)
    seed = sources[: min(len(sources), reports)]
    for i in range(0, len(seed), 1000):
        load_records(con, [read_result(p) for p in seed[i:i + 1000]])
    con.execute("CREATE TEMP TABLE seed_ids AS SELECT report_id FROM report")
    for k in range(1, -(-reports // len(seed))):
        new_id = f"substr(md5(report_id || '-{k}'), 1, 16)"
        con.execute(f"INSERT INTO report SELECT * REPLACE ({new_id} AS report_id, sha256 || '-{k}' AS sha256) "
                    "FROM report WHERE report_id IN (SELECT report_id FROM seed_ids)")
        for t in TABLES[1:]:
            con.execute(f"INSERT INTO {t} SELECT * REPLACE ({new_id} AS report_id) FROM {t} "
                        "WHERE report_id IN (SELECT report_id FROM seed_ids)")
    con.execute("CHECKPOINT")
    con.close()


def measure(db: Path, parsed_root: Path) -> dict:
    """In a fresh process: load every result file under ``parsed_root`` into ``db``."""
    out = subprocess.run([sys.executable, __file__, "--measure", str(db), str(parsed_root)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_main(db: str, parsed_root: str) -> None:
    con = connect(Path(db))
    t = time.perf_counter()
    s = load_parsed(con, Path(parsed_root))
    seconds = time.perf_counter() - t
    reports = con.execute("SELECT count(*) FROM report").fetchall()[0][0]
    con.close()
    peak = next(int(line.split()[1]) / 1024 for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "loaded": s.loaded, "reports_after": reports}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", type=Path, help="a folder of result files (…/parsed/v<version>)")
    ap.add_argument("--base", type=int, default=100_000, help="reports already in the large warehouse")
    ap.add_argument("--new", type=int, default=1000, help="reports of an ordinary night")
    ap.add_argument("--backfill", type=int, nargs="*", default=[1000, 10_000, 30_000],
                    help="reports loaded at once into an empty warehouse (peak memory must stay flat)")
    a = ap.parse_args()
    sources = [p for p in sorted(a.results.glob(f"*{RESULT_SUFFIX}")) if read_result(p)["is_report"]]
    if not sources:
        raise SystemExit(f"no report results under {a.results}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        build_base(work / "base.duckdb", sources, a.base)
        print(f"base warehouse of {a.base} reports built in {time.perf_counter() - t:.0f} s "
              f"({(work / 'base.duckdb').stat().st_size / 2**20:.0f} MB) from {len(sources)} parsed reports")
        connect(work / "empty.duckdb").close()
        night = renamed(sources, a.new, "night", work / "night")
        print(f"{'into':>14} {'loaded':>8} {'seconds':>8} {'per report':>11} {'peak MB':>8}")
        rows = []
        for name, base in (("empty", work / "empty.duckdb"), (f"{a.base:,} reports", work / "base.duckdb")):
            db = work / "m.duckdb"
            shutil.copy(base, db)
            r = measure(db, night)
            rows.append(r)
            print(f"{name:>14} {r['loaded']:>8} {r['seconds']:>8.2f} {1000 * r['seconds'] / r['loaded']:>8.2f} ms "
                  f"{r['peak_mb']:>8.0f}", flush=True)
        print(f"a night of {a.new} into {a.base:,} / into empty = {rows[1]['seconds'] / rows[0]['seconds']:.2f}")
        for n in a.backfill:
            folder = renamed(sources, n, f"backfill{n}", work / f"backfill{n}")
            db = work / "m.duckdb"
            shutil.copy(work / "empty.duckdb", db)
            r = measure(db, folder)
            per = 1000 * r["seconds"] / r["loaded"]
            print(f"{'backfill':>14} {r['loaded']:>8} {r['seconds']:>8.2f} {per:>8.2f} ms {r['peak_mb']:>8.0f}",
                  flush=True)
            shutil.rmtree(folder)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure_main(sys.argv[2], sys.argv[3])
    else:
        main()
