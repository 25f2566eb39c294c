"""The marts and the publication at N reports (default 10k and 100k): a full build, a night with nothing new,
and a night with one new report.

For each N a synthetic warehouse (``tests/warehouse/synthetic.py``: bodies in the real
divisions, six report years each, cloned in SQL, 1% failing an error rule) is built and placed
(``agency``, views). Then, each in a fresh process so peak memory is its own: the marts rebuilt
from scratch and a first publication; a crawl night that finds nothing new; a night that loads
one new report (placed like the ``agency`` asset places it, which is timed apart: it is not
this stage). Prints time and peak RSS of marts and publication per night, and each night's
cost as a share of the full one.

    .venv/bin/python bench/marts_stage.py [N ...] [--keep DIR]    (default 10000 100000)

Figures (100,000 and 1,000,000 reports, with and without the DuckDB memory limit) are in
``docs/performance.md``.

Where the incremental nights' time still goes: each of the five mart builds computes the
digests of every report version (``mart_input_now``, ~1.5 s at 100k) and evaluates the shared views
(``report_current``, ``region_report``, ``v_report``) over all reports before the scope filter
applies (DuckDB does not push a semi-join through them): O(reports) with a small constant, not
O(cells). Publication hashes every table per partition (O(rows), no writes) and rewrites the
changed year's partitions: a new 2024 report rewrites 2024's ``cell`` partition (1/6 of the cells).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(db: Path, n: int) -> dict:
    from tests.warehouse.synthetic import Nights, bulk_warehouse
    from xxgk.warehouse.db import connect
    from xxgk.warehouse.dimensions import build_agencies, load_reference, load_regions
    from xxgk.warehouse.marts import apply_views

    con = connect(db)
    load_regions(con)
    load_reference(con)
    reports = bulk_warehouse(con, n)
    Nights(con).night()  # the crawl night that found them (the date missing reports are judged at)
    build_agencies(con)
    apply_views(con)
    con.execute("CHECKPOINT")
    con.close()
    return {"reports": reports}


def night(db: Path, published: Path, kind: str, n: int) -> dict:
    """One night's marts and publication in this process: seconds and peak RSS."""
    from tests.warehouse.synthetic import Nights, population, truth_of
    from xxgk.warehouse.db import connect
    from xxgk.warehouse.dimensions import build_agencies
    from xxgk.warehouse.marts import apply_views, build, ordered
    from xxgk.warehouse.publish import publish

    con = connect(db)  # the pipeline's settings (memory limit)
    apply_views(con)  # the views of this checkout (the agency asset applies them every night)
    placed = 0.0
    if kind != "full":
        nights = Nights(con)
        nights.nights = {"noop": 1, "one": 2}[kind]
        nights.night()
        if kind == "one":
            body = population(n // 6 + 3)[-1]
            nights.add([(body, truth_of(body, 2024), 1)])
            t = time.perf_counter()
            build_agencies(con)
            apply_views(con)
            placed = time.perf_counter() - t
    started = time.perf_counter()
    modes = {name: (b.mode, b.deleted, b.inserted) for name in ordered()
             if (b := build(con, name, full=kind == "full"))}
    marts = time.perf_counter() - started
    t = time.perf_counter()
    pub = publish(con, db, published)
    publish_s = time.perf_counter() - t
    con.close()
    return {"seconds": time.perf_counter() - started, "marts": marts, "publish": publish_s, "placed": placed,
            "peak_mb": peak_mb(), "modes": modes, "written": pub.written, "reused": pub.reused}


def peak_mb() -> float:
    """This process's peak resident memory (``VmHWM``: ``ru_maxrss`` would survive fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(sizes: list[int], keep: Path | None) -> None:
    print(f"{'reports':>8} {'night':>6} {'marts':>9} {'publish':>9} {'total':>9} {'peak MB':>8} {'ratio':>7} "
          f"{'partitions written/reused':>26}")
    for n in sizes:
        with tempfile.TemporaryDirectory(dir=keep) as tmp:
            work = Path(tmp)
            db = work / "w.duckdb"
            base = keep / f"base-{n}.duckdb" if keep else None
            if base is None or not base.exists():
                t = time.perf_counter()
                build(work / "w.duckdb.tmp", n)
                (work / "w.duckdb.tmp").rename(base or db)
                print(f"{n:>8} (synthetic warehouse built in {time.perf_counter() - t:.0f} s)", flush=True)
            if base is not None:
                shutil.copyfile(base, db)
            published = work / "published" / "xxgk.duckdb"
            full = None
            for kind in ("full", "noop", "one"):
                out = subprocess.run([sys.executable, __file__, "--night", str(db), str(published), kind, str(n)],
                                     capture_output=True, text=True, check=True)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                full = full or r
                print(f"{n:>8} {kind:>6} {r['marts']:>7.2f} s {r['publish']:>7.2f} s {r['seconds']:>7.2f} s "
                      f"{r['peak_mb']:>8.0f} {r['seconds'] / full['seconds']:>7.4f} "
                      f"{r['written']:>12}/{r['reused']:<13}"
                      + (f" (placing the new report: {r['placed']:.2f} s)" if r["placed"] else ""), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--night"]:
        print(json.dumps(night(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], int(sys.argv[5]))))
    else:
        ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        ap.add_argument("sizes", type=int, nargs="*", default=[10000, 100000])
        ap.add_argument("--keep", type=Path, default=None,
                        help="folder keeping each size's synthetic warehouse for the next run (built once)")
        a = ap.parse_args()
        main(a.sizes, a.keep)
