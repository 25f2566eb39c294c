"""Command line: ``xxgk parse``, ``xxgk run``, ``xxgk crawl``, ``xxgk mirror``.

Each subcommand is a thin shell over a library function; heavy imports (Dagster, GX) happen
inside the subcommand that needs them so ``xxgk parse`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from xxgk.crawl import cli as crawl_cli
from xxgk.mirror import cli as mirror_cli


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="xxgk", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("parse", help="parse one report document and print the result",
                       description="Exit status: 0 parsed, 3 a template report whose tables could not all be "
                                   "read (partial / tables_unreadable), 2 not a template report, 1 unreadable "
                                   "document or file, 64 usage error.")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the JSON contract (default: a summary)")
    p.add_argument("--title", help="the report's title as the list page gave it (used when the document has none)")
    p.add_argument("--agency", help="the reporting body (used when the title does not name it)")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("import", help="parse a folder of report files or a crawler archive (page.html/page.txt "
                                      "per article) and say what was found, parsed, flagged and set aside",
                       description="Exit status: 0 when every template report parsed, 3 when some could not all "
                                   "be read, 1 when the folder does not exist.")
    p.add_argument("folder")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("run", help="run the whole nightly job once, in this process",
                       description="Crawl, parse, load, check and build marts once. With --mirror the bundled "
                                   "portal simulator stands in for the real portals (no internet needed).")
    p.add_argument("--data-dir", help="where raw files, the warehouse and Data Docs go (default: ./data)")
    p.add_argument("--sources", help="sources file (default: data/sources.toml)")
    p.add_argument("--connect-to", action="append", default=[], metavar="HOST1:PORT1:HOST2:PORT2",
                   help="as curl's --connect-to, repeatable (see `xxgk crawl --help`)")
    p.add_argument("--allow-http", action="store_true", help="send https URLs of mapped hosts as plain http")
    p.add_argument("--mirror", action="store_true",
                   help="start the bundled portal simulator and send every portal host to it")
    p.add_argument("--mirror-day", type=int, default=0, help="simulator night (0 = back catalogue)")
    p.add_argument("--only", action="append", default=[], metavar="SOURCE_ID",
                   help="crawl only these sources (repeatable): retry or backfill one portal; the rest keep "
                        "what they hold")
    p.add_argument("--night", help="label of the crawl in the tables (default: today's date); with --only, the "
                                   "night being retried")
    p.set_defaults(func=_cmd_run)

    crawl_cli.register(sub)
    mirror_cli.register(sub)
    return ap


EXIT_CODES = {"parsed": 0, "unreadable": 1, "too_large": 1, "parse_failed": 1, "timeout": 1, "memory": 1,
              "not_a_report": 2, "partial": 3, "tables_unreadable": 3}
EXIT_USAGE = 64  # sysexits EX_USAGE: argparse's own 2 would read as "not a report"


def _cmd_parse(args: argparse.Namespace) -> int:
    from xxgk.parse.api import parse_file, print_result
    from xxgk.parse.metadata import Hints

    if not os.path.isfile(args.file):
        print(f"xxgk parse: cannot read {args.file}: no such file", file=sys.stderr)
        return EXIT_CODES["unreadable"]
    result = parse_file(args.file, Hints(title=args.title, agency=args.agency))
    print_result(result, as_json=args.json)
    return EXIT_CODES[result.outcome]


def _cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from xxgk.archive import import_archive

    root = Path(args.folder)
    if not root.is_dir():
        print(f"xxgk import: {root} is not a folder", file=sys.stderr)
        return 1
    summary = import_archive(root)
    print("\n".join(summary.lines()))
    counts = summary.counts()
    return 3 if counts["partial"] or counts["tables_unreadable"] else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from pipelines.resources import CrawlSettings
    from pipelines.run import print_summary, run_nightly
    from xxgk.crawl.sources import load_sources

    # Dagster resources keep the arguments they were built with: build, never copy-and-update.
    rules = list(args.connect_to)
    options = {"allow_http": "1" if args.allow_http else "", "only": " ".join(args.only), "night": args.night}
    if args.sources:
        options["sources_file"] = args.sources
    try:  # an unknown --only id is a usage error, not a failed night
        load_sources(CrawlSettings(**options).sources_file).only(args.only)
    except (OSError, ValueError) as e:
        print(f"xxgk run: {e}", file=sys.stderr)
        return EXIT_USAGE
    if not args.mirror:
        summary = run_nightly(args.data_dir, CrawlSettings(connect_to=" ".join(rules), **options))
    else:
        from xxgk.mirror import Mirror

        with Mirror(day=args.mirror_day) as mirror:
            print(f"portal simulator on 127.0.0.1:{mirror.port} serving {len(mirror.hosts)} hosts")
            rules += [f"{h}::127.0.0.1:{mirror.port}" for h in mirror.hosts]
            # a local simulator: plain http, and no politeness gap to wait out
            options.update(allow_http="1", min_gap=0.0, jitter=0.0)
            summary = run_nightly(args.data_dir, CrawlSettings(connect_to=" ".join(rules), **options))
    print_summary(summary)
    return 0 if summary.success else 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`xxgk parse f --json | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
