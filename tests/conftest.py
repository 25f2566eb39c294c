"""Shared fixtures: paths to the bundled test documents and their ground truth."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.pop("DAGSTER_HOME", None)  # tests use ephemeral Dagster instances, never a developer's

ROOT = Path(__file__).resolve().parents[1]
# Real reports with hand-typed ground truth: bundled once in data/corpus (the portal simulator
# serves the same files).
CORPUS = ROOT / "data" / "corpus"
SEEDS = CORPUS / "seeds"
SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))

