"""`xxgk crawl` subcommand: one night's crawl of the sources file into the raw store and DB."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `crawl` subcommand to the main CLI parser (set func on the subparser)."""
    p = sub.add_parser(
        "crawl",
        help="crawl the annual-report columns of the sources file (one night)",
        description="Crawl every source of the sources file once: list pages, report articles "
                    "and their files; store new versions in the raw store and the warehouse.",
    )
    p.add_argument("--sources", default="data/sources.toml", help="sources file (default: %(default)s)")
    p.add_argument("--connect-to", action="append", default=[], metavar="HOST1:PORT1:HOST2:PORT2",
                   help="as curl's --connect-to: send connections for HOST1:PORT1 to HOST2:PORT2, "
                        "keeping the URL and Host header (repeatable; empty HOST1/PORT1 match any)")
    p.add_argument("--allow-http", action="store_true",
                   help="send https URLs of mapped hosts as plain http (for a local mirror)")
    p.add_argument("--db", default="data/warehouse/xxgk.duckdb", help="DuckDB file (default: %(default)s)")
    p.add_argument("--raw", default="data/raw", help="raw store folder (default: %(default)s)")
    p.add_argument("--night", help="label of this run in the tables (default: today's date)")
    p.add_argument("--only", action="append", default=[], metavar="SOURCE_ID",
                   help="crawl only these sources (repeatable)")
    p.add_argument("--min-gap", type=float, help="override the per-host minimum gap in seconds")
    p.add_argument("--jitter", type=float, help="override the per-host jitter in seconds")
    p.add_argument("--host-budget", type=float, metavar="S",
                   help="seconds one host may take tonight (default: the sources file's, else 3600); "
                        "what does not fit is deferred to the next night")
    p.add_argument("--night-budget", type=float, metavar="S",
                   help="seconds the whole crawl may take tonight (default: the sources file's, else 18000)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    p.set_defaults(func=_cmd_crawl)


def _cmd_crawl(args: argparse.Namespace) -> int:
    from xxgk.crawl.connect_to import parse_connect_to
    from xxgk.crawl.run import crawl
    from xxgk.crawl.sources import Pacing, load_sources
    from xxgk.rawstore import RawStore
    from xxgk.warehouse.db import connect

    try:
        registry = load_sources(args.sources).only(args.only)
        rules = [parse_connect_to(spec) for spec in args.connect_to]
    except (OSError, ValueError) as e:  # SourceError is a ValueError
        print(f"xxgk crawl: {e}", file=sys.stderr)
        return 2
    if args.min_gap is not None or args.jitter is not None:
        pacing = Pacing(min_gap=registry.pacing.min_gap if args.min_gap is None else args.min_gap,
                        jitter=registry.pacing.jitter if args.jitter is None else args.jitter)
        registry = replace(registry, pacing=pacing,
                           sources=tuple(replace(s, pacing=None) for s in registry.sources))
    for name in ("host_budget", "night_budget"):
        value = getattr(args, name)
        if value is not None:
            if value <= 0:
                print(f"xxgk crawl: --{name.replace('_', '-')} must be > 0", file=sys.stderr)
                return 2
            registry = replace(registry, **{name: value})
            if name == "host_budget":
                registry = replace(registry, sources=tuple(replace(s, host_budget=None) for s in registry.sources))
    con = connect(args.db)
    try:
        summary = crawl(registry, RawStore(args.raw), con, connect_to=rules,
                        allow_http=args.allow_http, night=args.night,
                        log=(lambda m: None) if args.quiet else (lambda m: print(m, flush=True)))
    finally:
        con.close()
    print(f"night {summary.night}: {summary.elapsed:.1f}s, new {summary.count('new')}, "
          f"changed {summary.count('changed')}, unchanged {summary.count('unchanged')}, "
          f"gone {summary.count('gone')}, deferred {summary.outcomes['deferred']}")
    print("fetch outcomes: " + ", ".join(f"{k}={v}" for k, v in sorted(summary.outcomes.items())))
    for alert in summary.alerts:
        print(f"ALERT {alert}")
    return 0
