"""Fuzz extract → parse: mutated corpus documents and bombs through the parse pool.

Prints the count of cases per outcome, the peak memory of one case, the slowest cases and
every bad case (``parse_failed``: a traceback; ``timeout``: a hang; ``memory``). A case is
reproduced from its seed and index: ``--case N`` writes that case's bytes to a file.

    .venv/bin/python bench/fuzz.py                 # 10,000 cases, seed 0 (make fuzz)
    .venv/bin/python bench/fuzz.py --cases 500 --seed 7
    .venv/bin/python bench/fuzz.py --case 1234 --seed 0 --out /tmp/case
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.fuzz.harness import case, run  # noqa: E402
from xxgk.parse.pool import ParseLimits  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="first case index")
    ap.add_argument("--workers", type=int, default=0, help="parse processes (0: one per core)")
    ap.add_argument("--seconds", type=float, default=ParseLimits.seconds, help="time limit per case")
    ap.add_argument("--memory-mb", type=int, default=ParseLimits.memory_mb, help="memory limit per case")
    ap.add_argument("--case", type=int, help="write this case's bytes to --out instead of running")
    ap.add_argument("--out", default="fuzz-case", help="file name stem for --case")
    args = ap.parse_args()
    if args.case is not None:
        c = case(args.seed, args.case)
        path = Path(f"{args.out}-{c.name}")
        path.write_bytes(c.data)
        print(f"#{c.index} {c.label} -> {path} ({len(c.data)} bytes)")
        return 0
    limits = ParseLimits(seconds=args.seconds, memory_mb=args.memory_mb, workers=args.workers)
    started = time.monotonic()
    tally = run(args.seed, args.cases, limits, start=args.start)
    print(tally.report())
    print(f"wall time {time.monotonic() - started:.0f} s with {limits.processes} worker processes")
    return 1 if tally.bad else 0


if __name__ == "__main__":
    sys.exit(main())
