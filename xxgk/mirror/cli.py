"""`xxgk mirror` subcommand: run the portal simulator in the foreground."""

from __future__ import annotations

import argparse
import time


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `mirror` subcommand to the main CLI parser (set func on the subparser)."""
    p = sub.add_parser("mirror", help="local portal simulator (virtual hosts on 127.0.0.1)")
    msub = p.add_subparsers(dest="mirror_command", required=True)
    s = msub.add_parser("serve", help="serve the simulated portals until interrupted")
    s.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    s.add_argument("--day", type=int, default=0, help="simulated night of the scenario (0-5)")
    s.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from xxgk.mirror import Mirror

    with Mirror(day=args.day, port=args.port) as m:
        print(f"xxgk mirror: http://127.0.0.1:{m.port}/ (day {m.day})", flush=True)
        print("hosts (send them as the Host header, e.g. curl --connect-to HOST:80:127.0.0.1:PORT):")
        for h in m.hosts:
            print(f"  {h}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped")
    return 0
