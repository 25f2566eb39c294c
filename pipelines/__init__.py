"""Dagster wiring of the xxgk pipeline (the one ``Definitions`` lives in ``definitions.py``)."""
