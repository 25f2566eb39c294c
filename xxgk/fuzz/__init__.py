"""Hostile inputs for extract → parse (issue 8): bomb generators, mutators of real documents,
and a harness that runs them through the isolated parse pool and tallies the outcomes.

Used by ``bench/fuzz.py`` (10,000 cases) and ``tests/test_fuzz.py`` (a fixed-seed sample).
Nothing here is imported by the pipeline.
"""
