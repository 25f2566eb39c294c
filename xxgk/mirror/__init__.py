"""Local portal simulator on 127.0.0.1 (issue 4): real CMS page structures, faults F1–F20 and
the nightly scenarios of portals.md §5, driven by ``data/mirror/catalogue.toml``."""

from xxgk.mirror.accesslog import AccessRecord
from xxgk.mirror.expected import ExpectedReport
from xxgk.mirror.server import Mirror

__all__ = ["AccessRecord", "ExpectedReport", "Mirror"]
