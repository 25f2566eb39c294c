"""Resources, configured in one place: where everything lives, what to crawl, the warehouse."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from xxgk.parse.pool import ParseLimits
from xxgk.rawstore import RawStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = Path(os.environ.get("XXGK_DATA_DIR", PROJECT_ROOT / "data"))
DEFAULT_SOURCES = Path(os.environ.get("XXGK_SOURCES", PROJECT_ROOT / "data" / "sources.toml"))


class XxgkPaths(dg.ConfigurableResource):
    """Every generated file location of a deployment, derived from one data directory."""

    data_dir: str = str(DEFAULT_DATA_DIR)

    @property
    def root(self) -> Path:
        return Path(self.data_dir)

    @property
    def raw_store(self) -> RawStore:
        return RawStore(self.root / "raw")

    @property
    def parsed_dir(self) -> Path:
        return self.root / "parsed"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "xxgk.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "warehouse" / "published" / "xxgk.duckdb"

    @property
    def gx_root(self) -> Path:
        return self.root / "gx"

    @property
    def quality_pages(self) -> Path:
        return self.root / "quality"

    @property
    def data_docs(self) -> Path:
        return self.root / "quality" / "data_docs"


class CrawlSettings(dg.ConfigurableResource):
    """What the nightly crawl reads and where its connections go.

    ``connect_to`` holds curl-style ``HOST1:PORT1:HOST2:PORT2`` rules (a local mirror of the
    portals, keeping real URLs); ``min_gap``/``jitter`` override the sources file's pacing (only
    sensible against a local mirror). Environment variables set the defaults for deployments:
    ``XXGK_SOURCES``, ``XXGK_CONNECT_TO`` (space-separated), ``XXGK_ALLOW_HTTP=1``.
    """

    sources_file: str = str(DEFAULT_SOURCES)
    connect_to: list[str] = os.environ.get("XXGK_CONNECT_TO", "").split()
    allow_http: bool = os.environ.get("XXGK_ALLOW_HTTP", "") == "1"
    min_gap: float | None = None
    jitter: float | None = None
    night: str | None = None


class ParseSettings(dg.ConfigurableResource):
    """Per-document limits of the parse stage (:class:`xxgk.parse.pool.ParseLimits`): wall time,
    memory, worker processes (0: one per core). Environment defaults for deployments:
    ``XXGK_PARSE_SECONDS``, ``XXGK_PARSE_MEMORY_MB``, ``XXGK_PARSE_WORKERS``."""

    seconds: float = ParseLimits.from_env().seconds
    memory_mb: int = ParseLimits.from_env().memory_mb
    workers: int = ParseLimits.from_env().workers

    def limits(self) -> ParseLimits:
        return ParseLimits(seconds=self.seconds, memory_mb=self.memory_mb, workers=self.workers)


def make_resources(data_dir: str | os.PathLike[str] | None = None, crawl: CrawlSettings | None = None,
                   parse: ParseSettings | None = None) -> dict:
    """The resource dict for ``Definitions``, ``xxgk run`` and tests pointing at a temporary folder."""
    paths = XxgkPaths(data_dir=str(data_dir or DEFAULT_DATA_DIR))
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)  # DuckDB does not create folders
    return {"paths": paths, "crawl_settings": crawl or CrawlSettings(), "parse_settings": parse or ParseSettings(),
            "duckdb": DuckDBResource(database=str(paths.warehouse))}
