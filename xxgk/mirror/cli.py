"""`xxgk mirror` subcommand."""

from __future__ import annotations

import argparse


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `mirror` subcommand to the main CLI parser (set func on the subparser)."""
    p = sub.add_parser("mirror", help="(not implemented yet)")
    p.set_defaults(func=lambda args: print("not implemented") or 1)
