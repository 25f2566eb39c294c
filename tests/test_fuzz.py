"""Fuzzing extract → parse (issue 8): a fixed-seed sample of the fuzz run, and property tests.

``bench/fuzz.py`` (``make fuzz``) runs 10,000 cases; here a few hundred of the same cases run
through the parse pool, and Hypothesis drives small mutations of real documents through
:func:`xxgk.parse.api.parse_bytes` in-process. Targets: no traceback (``parse_failed``), no
hang (``timeout``), no ``memory``, and every result an outcome of the contract.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.fuzz.harness import run
from xxgk.fuzz.mutate import corpus_documents
from xxgk.parse.api import OUTCOMES, parse_bytes
from xxgk.parse.glued import AMBIGUOUS, NO_SOLUTION, TOO_MANY, UNIQUE, solve_table3_row, splits
from xxgk.parse.pool import ParseLimits

SAMPLE = 300


def test_fixed_seed_sample_has_no_traceback_hang_or_memory_failure():
    tally = run(seed=20261207, count=SAMPLE, limits=ParseLimits(seconds=30))
    assert tally.cases == SAMPLE
    assert tally.bad == [], tally.report()
    assert set(tally.outcomes) <= set(OUTCOMES)


_DOCS = corpus_documents()
_SMALL = settings(max_examples=60, derandomize=True, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_SMALL
@given(doc=st.sampled_from([d for d in _DOCS if not d[0].endswith(".pdf")]),
       edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=8)), min_size=1, max_size=6))
def test_edited_documents_end_in_an_outcome(doc, edits):
    name, data = doc
    for where, insert in edits:
        at = int(where * len(data))
        data = data[:at] + insert + data[at + len(insert) // 2:]
    result = parse_bytes(data, name, name)
    assert result.outcome in OUTCOMES and result.outcome not in ("parse_failed", "timeout", "memory")


@_SMALL
@given(data=st.binary(max_size=3000), name=st.sampled_from(["x.pdf", "x.docx", "x.html", "x.txt", "x.doc", "x"]))
def test_arbitrary_bytes_end_in_an_outcome(data, name):
    assert parse_bytes(data, name, name).outcome in ("unreadable", "not_a_report", "too_large")


@settings(max_examples=100, derandomize=True, deadline=None)
@given(six=st.lists(st.integers(0, 120), min_size=6, max_size=6))
def test_glued_row_solver_is_exact_on_consistent_rows(six):
    cells = (*six, sum(six))
    digits = "".join(map(str, cells))
    brute = [c for c in splits(digits, 7) if sum(c[:6]) == c[6]]
    sp = solve_table3_row(digits)
    assert cells in brute
    assert sp.reason == (UNIQUE if len(brute) == 1 else AMBIGUOUS if len(brute) <= 10_000 else TOO_MANY)
    assert sp.candidates == brute


@settings(max_examples=200, derandomize=True, deadline=None)
@given(digits=st.text("0123456789", min_size=7, max_size=16))
def test_glued_row_solver_matches_enumeration_on_any_run(digits):
    brute = list(itertools.islice((c for c in splits(digits, 7) if sum(c[:6]) == c[6]), 10_001))
    sp = solve_table3_row(digits)
    assert sp.candidates == (brute if len(brute) <= 10_000 else [])
    if not brute:
        assert sp.reason == NO_SOLUTION
