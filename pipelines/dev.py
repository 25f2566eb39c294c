"""``make dev``: the Dagster UI with the crawl pointed at the bundled portal simulator.

Starts the simulator on a free local port, sets the deployment variables of
:mod:`pipelines.resources` so every portal host goes to it over plain http, and runs
``dg dev`` on http://127.0.0.1:3000 until interrupted. Works with no network.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xxgk.mirror import Mirror

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    venv = Path(sys.executable).parent
    data = ROOT / "data"
    with Mirror(day=0) as mirror:
        print(f"portal simulator on 127.0.0.1:{mirror.port} serving {len(mirror.hosts)} hosts", flush=True)
        env = {**os.environ,
               "XXGK_DATA_DIR": str(data), "XXGK_WAREHOUSE": str(data / "warehouse" / "xxgk.duckdb"),
               "XXGK_SOURCES": str(data / "sources.toml"),
               "XXGK_CONNECT_TO": " ".join(f"{h}::127.0.0.1:{mirror.port}" for h in mirror.hosts),
               "XXGK_ALLOW_HTTP": "1",
               "VIRTUAL_ENV": str(venv.parent), "PATH": f"{venv}{os.pathsep}{os.environ.get('PATH', '')}"}
        proc = subprocess.Popen([str(venv / "dg"), "dev", "-h", "127.0.0.1", "-p", "3000", *argv], cwd=ROOT, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            return proc.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
