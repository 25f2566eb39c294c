"""Command line: ``xxgk parse``, ``xxgk run``, ``xxgk crawl``, ``xxgk mirror``.

Each subcommand is a thin shell over a library function; heavy imports (Dagster, GX) happen
inside the subcommand that needs them so ``xxgk parse`` stays fast.
"""

from __future__ import annotations

import argparse
import sys

from xxgk.crawl import cli as crawl_cli
from xxgk.mirror import cli as mirror_cli


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="xxgk", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse one report document and print the result")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the JSON contract (default: a summary)")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("run", help="run the whole nightly job once, in this process")
    p.add_argument("--data-dir", help="where raw files, the warehouse and Data Docs go (default: ./data)")
    p.set_defaults(func=_cmd_run)

    crawl_cli.register(sub)
    mirror_cli.register(sub)
    return ap


def _cmd_parse(args: argparse.Namespace) -> int:
    from xxgk.parse.api import parse_file, print_result

    result = parse_file(args.file)
    print_result(result, as_json=args.json)
    if result.unreadable:
        return 1
    return 0 if result.is_report else 2


def _cmd_run(args: argparse.Namespace) -> int:
    from pipelines.run import print_summary, run_nightly

    summary = run_nightly(args.data_dir)
    print_summary(summary)
    return 0 if summary.success else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
