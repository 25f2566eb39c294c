"""Shared fixtures: paths to the bundled test documents and their ground truth."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.pop("DAGSTER_HOME", None)  # tests use ephemeral Dagster instances, never a developer's

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
