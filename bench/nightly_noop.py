"""Nightly crawl cost: a full crawl of the portal simulator, then a night where nothing changed.

The no-op night should cost a fraction of the full one: stored pages are asked for
conditionally (304), pages without validators are trusted while their list entry is unchanged,
attachments are not downloaded again. Prints both wall times, request counts and bytes, and the
ratio. Usage: python bench/nightly_noop.py [--sources data/sources.toml] [--min-gap 0.05] [--jitter 0.02]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.crawl.http import ClientConfig  # noqa: E402
from xxgk.crawl.run import crawl  # noqa: E402
from xxgk.crawl.sources import Pacing, load_sources  # noqa: E402
from xxgk.mirror import Mirror  # noqa: E402
from xxgk.rawstore import RawStore  # noqa: E402
from xxgk.warehouse.db import connect  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", default=str(ROOT / "data" / "sources.toml"))
    ap.add_argument("--min-gap", type=float, default=0.05, help="per-host gap in seconds (real nights: 1)")
    ap.add_argument("--jitter", type=float, default=0.02)
    args = ap.parse_args()

    pacing = Pacing(args.min_gap, args.jitter)
    registry = load_sources(args.sources)
    registry = replace(registry, pacing=pacing, sources=tuple(replace(s, pacing=None) for s in registry.sources))
    config = ClientConfig(pacing=pacing, user_agent=registry.user_agent or ClientConfig().user_agent)
    with tempfile.TemporaryDirectory() as tmp, Mirror(day=0) as mirror:
        con = connect(Path(tmp) / "bench.duckdb")
        raw = RawStore(Path(tmp) / "raw")
        runs, requests, sent = [], [], []
        for night in ("full", "noop"):
            mirror.clear_log()
            t0 = time.perf_counter()
            summary = crawl(registry, raw, con, connect_to=[f"::127.0.0.1:{mirror.port}"], allow_http=True,
                            night=night, config=config)
            elapsed = time.perf_counter() - t0
            log = mirror.access_log
            runs.append(elapsed)
            requests.append(len(log))
            sent.append(sum(r.bytes_sent for r in log))
            print(f"{night:>5}: {elapsed:6.2f} s  {len(log):4d} requests  {sum(r.bytes_sent for r in log):9d} bytes  "
                  f"stored {summary.count('new') + summary.count('changed')} documents")
        con.close()
    print(f"no-op / full = {runs[1] / runs[0]:.3f} (time), {requests[1] / requests[0]:.3f} (requests), "
          f"{sent[1] / sent[0]:.3f} (bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
