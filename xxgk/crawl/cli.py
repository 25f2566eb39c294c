"""`xxgk crawl` subcommand."""

from __future__ import annotations

import argparse


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `crawl` subcommand to the main CLI parser (set func on the subparser)."""
    p = sub.add_parser("crawl", help="(not implemented yet)")
    p.set_defaults(func=lambda args: print("not implemented") or 1)
