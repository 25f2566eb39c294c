"""Resources, configured in one place: where everything lives, what to crawl, the warehouse.

Deployments configure them with environment variables read by Dagster when a run starts
(``dg.EnvVar``), never at import: ``XXGK_DATA_DIR``, ``XXGK_WAREHOUSE`` (the DuckDB file,
normally ``$XXGK_DATA_DIR/warehouse/xxgk.duckdb``), ``XXGK_SOURCES``, ``XXGK_CONNECT_TO``
(space-separated curl-style rules), ``XXGK_ALLOW_HTTP`` (``1`` to send https URLs of mapped
hosts as plain http); the parse stage's ``XXGK_PARSE_*`` settings (:meth:`ParseSettings.from_env`).
``make dev`` sets them to crawl the bundled portal simulator (:mod:`pipelines.dev`); a
deployment sets them in its environment or in a ``.env`` file, which ``dg dev`` reads (and lets
win over the environment). ``xxgk run`` and the tests build the resources directly with
:func:`make_resources`. Where the steps run: ``XXGK_EXECUTOR`` (:mod:`pipelines.jobs`).
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
from xxgk.warehouse.db import duckdb_config

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
    def step_values(self) -> Path:
        """Values handed from one step to another (:class:`StepValues`), a folder per run."""
        return self.root / "steps"

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
    sources file's pacing (only sensible against a local mirror). ``only`` (source ids separated
    by spaces) crawls those portals alone: a retry or a backfill of one portal, launched with
    this resource's run config and, to add to a night already crawled, that night's label in
    ``night``; the other sources keep what they hold.
    """

    sources_file: str = str(DEFAULT_SOURCES)
    connect_to: str = ""
    allow_http: str = ""  # "1": plain http to mapped hosts
    min_gap: float | None = None
    jitter: float | None = None
    night: str | None = None
    only: str = ""

    @property
    def connect_rules(self) -> list[str]:
        return self.connect_to.split()

    @property
    def plain_http(self) -> bool:
        return self.allow_http.strip().lower() in ("1", "true", "yes")


class ParseSettings(dg.ConfigurableResource):
    """Per-document limits of the parse stage (:class:`xxgk.parse.pool.ParseLimits`): wall time,
    memory, worker processes of each parse step (0: one per core); and how many documents one
    parse step takes (the stage runs as one step per shard of that size, in parallel on an
    executor that has several processes or machines, such as the Dask job's)."""

    seconds: float = ParseLimits.seconds
    memory_mb: int = ParseLimits.memory_mb
    workers: int = ParseLimits.workers
    documents_per_step: int = 1000

    def limits(self) -> ParseLimits:
        return ParseLimits(seconds=self.seconds, memory_mb=self.memory_mb, workers=self.workers)

    @classmethod
    def from_env(cls) -> ParseSettings:
        """Settings from ``XXGK_PARSE_SECONDS``, ``XXGK_PARSE_MEMORY_MB``, ``XXGK_PARSE_WORKERS``
        and ``XXGK_PARSE_STEP_DOCUMENTS`` (unset: the defaults). Read where the definitions load:
        every process of a run (the run's, each step's) loads them in the same environment."""
        env = ParseLimits.from_env()
        step = os.environ.get("XXGK_PARSE_STEP_DOCUMENTS")
        return cls(seconds=env.seconds, memory_mb=env.memory_mb, workers=env.workers,
                   documents_per_step=int(step) if step else cls.model_fields["documents_per_step"].default)


class StepValues(dg.ConfigurableIOManagerFactory):
    """Where values handed from one step to another are kept: pickles under ``<data_dir>/steps``.

    Only the parse stage hands values on (its shards of documents, their summaries). On an
    executor that runs steps in other processes or on other machines (Dask, Kubernetes) every
    step must reach them, and the data directory is the one storage all of them share already
    (raw store, parse results); Dagster's default would keep them under ``$DAGSTER_HOME``, which
    a Kubernetes step pod does not have."""

    data_dir: str  # the data directory itself, not a nested XxgkPaths (Dagster warns on nested IO-manager config)

    def create_io_manager(self, context: dg.InitResourceContext) -> dg.IOManager:
        base = XxgkPaths(data_dir=self.data_dir).step_values
        return dg.FilesystemIOManager(base_dir=str(base)).create_io_manager(context)


def make_resources(data_dir: str | os.PathLike[str] | None = None, crawl: CrawlSettings | None = None,
                   parse: ParseSettings | None = None) -> dict:
    """The resource dict for ``xxgk run`` and tests pointing at a chosen folder (parse settings
    from the ``XXGK_PARSE_*`` variables unless given)."""
    paths = XxgkPaths(data_dir=str(data_dir or DEFAULT_DATA_DIR))
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)  # DuckDB does not create folders
    return {"paths": paths, "crawl_settings": crawl or CrawlSettings(),
            "parse_settings": parse or ParseSettings.from_env(),
            "duckdb": Warehouse(database=str(paths.warehouse), connection_config=duckdb_config()),
            "io_manager": StepValues(data_dir=paths.data_dir)}


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
        "parse_settings": ParseSettings.from_env(),
        "duckdb": Warehouse(database=dg.EnvVar("XXGK_WAREHOUSE"), connection_config=duckdb_config()),
        "io_manager": StepValues(data_dir=dg.EnvVar("XXGK_DATA_DIR")),
    })
