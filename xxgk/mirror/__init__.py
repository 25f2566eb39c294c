"""Local portal simulator on 127.0.0.1 (issue 4): real CMS page structures, faults F1–F20 and
the nightly scenarios of portals.md §5, driven by ``data/mirror/catalogue.toml``.

The public names are imported on first use, so the main CLI (which registers ``xxgk mirror``)
does not load the server for ``xxgk parse``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xxgk.mirror.accesslog import AccessRecord
    from xxgk.mirror.expected import ExpectedReport
    from xxgk.mirror.server import Mirror

__all__ = ["AccessRecord", "ExpectedReport", "Mirror"]
_HOMES = {"AccessRecord": "xxgk.mirror.accesslog", "ExpectedReport": "xxgk.mirror.expected",
          "Mirror": "xxgk.mirror.server"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(name)
