"""Resources, configured in one place: where everything lives, what to crawl, the warehouse.

Deployments configure them with environment variables read by Dagster when a run starts
(``dg.EnvVar``), never at import: ``XXGK_DATA_DIR``, ``XXGK_WAREHOUSE`` (the DuckDB file,
normally ``$XXGK_DATA_DIR/warehouse/xxgk.duckdb``), ``XXGK_SOURCES``, ``XXGK_CONNECT_TO``
(space-separated curl-style rules), ``XXGK_ALLOW_HTTP`` (``1`` to send https URLs of mapped
hosts as plain http). ``make dev`` sets them to crawl the bundled portal simulator
(:mod:`pipelines.dev`); a deployment sets them in its environment or in a ``.env`` file, which
``dg dev`` reads (and lets win over the environment). ``xxgk run`` and the tests build the
resources directly with :func:`make_resources`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from xxgk.parse.pool import ParseLimits
from xxgk.rawstore import RawStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SOURCES = PROJECT_ROOT / "data" / "sources.toml"


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

    ``connect_to`` holds curl-style ``HOST1:PORT1:HOST2:PORT2`` rules separated by spaces (a
    local mirror of the portals, keeping real URLs); ``min_gap``/``jitter`` override the
    sources file's pacing (only sensible against a local mirror).
    """

    sources_file: str = str(DEFAULT_SOURCES)
    connect_to: str = ""
    allow_http: str = ""  # "1": plain http to mapped hosts
    min_gap: float | None = None
    jitter: float | None = None
    night: str | None = None

    @property
    def connect_rules(self) -> list[str]:
        return self.connect_to.split()

    @property
    def plain_http(self) -> bool:
        return self.allow_http.strip().lower() in ("1", "true", "yes")


class ParseSettings(dg.ConfigurableResource):
    """Per-document limits of the parse stage (:class:`xxgk.parse.pool.ParseLimits`): wall time,
    memory, worker processes (0: one per core)."""

    seconds: float = ParseLimits.seconds
    memory_mb: int = ParseLimits.memory_mb
    workers: int = ParseLimits.workers

    def limits(self) -> ParseLimits:
        return ParseLimits(seconds=self.seconds, memory_mb=self.memory_mb, workers=self.workers)


def make_resources(data_dir: str | os.PathLike[str] | None = None, crawl: CrawlSettings | None = None,
                   parse: ParseSettings | None = None) -> dict:
    """The resource dict for ``xxgk run`` and tests pointing at a chosen folder (parse limits
    from ``XXGK_PARSE_SECONDS``, ``XXGK_PARSE_MEMORY_MB``, ``XXGK_PARSE_WORKERS`` unless given)."""
    paths = XxgkPaths(data_dir=str(data_dir or DEFAULT_DATA_DIR))
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)  # DuckDB does not create folders
    env = ParseLimits.from_env()
    parse = parse or ParseSettings(seconds=env.seconds, memory_mb=env.memory_mb, workers=env.workers)
    return {"paths": paths, "crawl_settings": crawl or CrawlSettings(), "parse_settings": parse,
            "duckdb": Warehouse(database=str(paths.warehouse))}


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file; its folder is created on first use (DuckDB does not)."""

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with super().get_connection() as con:
            yield con


@dg.definitions
def resources() -> dg.Definitions:
    """The deployment's resources, configured from the environment when a run starts."""
    return dg.Definitions(resources={
        "paths": XxgkPaths(data_dir=dg.EnvVar("XXGK_DATA_DIR")),
        "crawl_settings": CrawlSettings(sources_file=dg.EnvVar("XXGK_SOURCES"), connect_to=dg.EnvVar("XXGK_CONNECT_TO"),
                                        allow_http=dg.EnvVar("XXGK_ALLOW_HTTP")),
        "parse_settings": ParseSettings(),
        "duckdb": Warehouse(database=dg.EnvVar("XXGK_WAREHOUSE")),
    })
