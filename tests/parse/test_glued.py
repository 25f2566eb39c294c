"""Glued-digit solver (issue 3, "Glued digits"): exact splits, ambiguity, cross-row pruning."""

from __future__ import annotations

import itertools
import random

import pytest

from xxgk.parse.glued import (
    AMBIGUOUS,
    INVALID,
    NO_SOLUTION,
    TOO_MANY,
    UNIQUE,
    UNIQUE_CROSS_ROW,
    Split,
    solve_table3,
    solve_table3_row,
    solve_table4_row,
    splits,
)
from xxgk.schema import TABLE3_ROWS, outcome_leaves

# (10,1,0,0,0,0,11) and (1,0,10,0,0,0,11) both print as "101000011" and both satisfy R02.
AMBIG_DIGITS = "101000011"
AMBIG_A = (10, 1, 0, 0, 0, 0, 11)
AMBIG_B = (1, 0, 10, 0, 0, 0, 11)


def glue(cells: tuple[int, ...]) -> str:
    return "".join(str(v) for v in cells)


def widths(cells: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(len(str(v)) for v in cells)


def brute_splits(digits: str, n: int, max_width: int | None = None) -> list[tuple[int, ...]]:
    """Reference: every cut set, filtered by the same assumptions, in the documented order."""
    chunks = digits.split()
    s = "".join(chunks)
    hard = set(itertools.accumulate(len(c) for c in chunks[:-1]))
    out = []
    for cuts in itertools.combinations(range(1, len(s)), n - 1):
        if not hard <= set(cuts):
            continue
        b = (0, *cuts, len(s))
        cells = [s[b[i]:b[i + 1]] for i in range(n)]
        if any(len(c) > 1 and c[0] == "0" for c in cells):
            continue
        if max_width is not None and any(len(c) > max_width for c in cells):
            continue
        out.append(tuple(int(c) for c in cells))
    return sorted(out, key=widths)


# --- the two examples of issue 3 -------------------------------------------------------------


def test_issue_example_table3_row() -> None:
    # "200" holds 200 | 20,0 | 2,0,0; "000121" starts with three lone zeros, then 121 | 1,21 |
    # 12,1 | 1,2,1. Of the four 7-cell combinations only 20,0,0,0,0,1,21 has total = Σ six.
    assert list(splits("200 000121", 7)) == [
        (2, 0, 0, 0, 0, 0, 121),
        (20, 0, 0, 0, 0, 1, 21),
        (20, 0, 0, 0, 0, 12, 1),
        (200, 0, 0, 0, 1, 2, 1),
    ]
    sp = solve_table3_row("200 000121")
    assert sp == Split((20, 0, 0, 0, 0, 1, 21), [(20, 0, 0, 0, 0, 1, 21)], UNIQUE)
    assert sp.is_unique


def test_issue_example_table4_row() -> None:
    # 17 digits, 15 cells: exactly one split satisfies R06–R08 (checked against brute force).
    expected = (2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)
    sp = solve_table4_row("21317000001324019")
    assert sp.values == expected
    assert sp.candidates == [expected]
    assert sp.reason == UNIQUE
    ok = [
        c for c in brute_splits("21317000001324019", 15)
        if all(sum(c[g:g + 4]) == c[g + 4] for g in (0, 5, 10))
    ]
    assert ok == [expected]


# --- row-local rules -----------------------------------------------------------------------


def test_row_unique_only_through_r02() -> None:
    assert list(splits("53000412", 7)) == [
        (5, 3, 0, 0, 0, 4, 12),
        (5, 3, 0, 0, 0, 41, 2),
        (5, 30, 0, 0, 4, 1, 2),
        (53, 0, 0, 0, 4, 1, 2),
    ]
    assert solve_table3_row("53000412").values == (5, 3, 0, 0, 0, 4, 12)


def test_row_stays_ambiguous() -> None:
    sp = solve_table3_row(AMBIG_DIGITS)
    assert sp.values is None
    assert sp.reason == AMBIGUOUS
    assert sp.candidates == [AMBIG_B, AMBIG_A]
    assert not sp.is_unique


def test_table4_ambiguous_candidates() -> None:
    # the review group reads like the ambiguous table-3 row; every R06–R08 split is listed.
    digits = "1010011" + "00000" + "00000"
    sp = solve_table4_row(digits)
    expected = [
        c for c in brute_splits(digits, 15) if all(sum(c[g:g + 4]) == c[g + 4] for g in (0, 5, 10))
    ]
    assert expected == [
        (1, 0, 10, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (10, 1, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]
    assert sp.reason == AMBIGUOUS
    assert sp.values is None
    assert sp.candidates == expected


def test_no_solution() -> None:
    # 洪泽区 2023 style: a printed total 0 whose parts are not 0 — the rule cannot be satisfied,
    # and the solver must not "repair" the table.
    sp = solve_table4_row("100000000000000")
    assert sp == Split(None, [], NO_SOLUTION, sp.note)
    assert sp.note
    assert solve_table3_row("1234567").reason == NO_SOLUTION  # 7 lone digits, 1+…+6 ≠ 7
    assert solve_table3_row("12345").reason == NO_SOLUTION  # too few digits for 7 cells
    assert solve_table3_row("1 2 3 4 5 6 7 8").reason == NO_SOLUTION  # more chunks than cells


def test_invalid_input() -> None:
    sp = solve_table3_row("12a0000012")
    assert sp.reason == INVALID and sp.values is None and sp.candidates == []
    with pytest.raises(ValueError):
        list(splits("1.5", 2))


def test_leading_zeros() -> None:
    assert list(splits("105", 2)) == [(10, 5)]  # never 1, 05
    assert list(splits("0012", 3)) == [(0, 0, 12)]
    assert list(splits("0012", 2)) == []  # 0|012 and 00|12 are not printed counts
    # 8 digits, 7 cells: one cell has two digits. Reading the last two as "05" would give the
    # R02-consistent 5,0,0,0,0,0,5 — but a printed count is never "05", so there is no solution.
    assert solve_table3_row("50000005").reason == NO_SOLUTION
    assert solve_table3_row("105000015").values == (10, 5, 0, 0, 0, 0, 15)
    assert solve_table3_row("0000000").values == (0, 0, 0, 0, 0, 0, 0)


def test_spaces_are_hard_boundaries_and_chunks_may_hold_several_cells() -> None:
    assert list(splits("12 3", 2)) == [(12, 3)]
    assert list(splits("12 3", 3)) == [(1, 2, 3)]
    assert list(splits("12 3", 1)) == []
    # full-width digits, NBSP and U+3000 behave like ASCII digits and spaces
    assert list(splits("１２\u00a03\u30004", 3)) == [(12, 3, 4)]
    assert solve_table3_row("２０\u3000０ ０ ０ ０ １ ２１").values == (20, 0, 0, 0, 0, 1, 21)


def test_max_width() -> None:
    assert list(splits("1234", 2)) == [(1, 234), (12, 34), (123, 4)]
    assert list(splits("1234", 2, max_width=2)) == [(12, 34)]
    assert solve_table3_row("200 000121", max_width=1).reason == NO_SOLUTION
    with pytest.raises(ValueError):
        list(splits("12", 2, max_width=0))


def test_too_many_candidates() -> None:
    sp = solve_table3_row(AMBIG_DIGITS, cap=1)
    assert sp == Split(None, [], TOO_MANY, sp.note)


def test_splits_matches_brute_force() -> None:
    rnd = random.Random(20240603)
    for _ in range(400):
        digits = " ".join(
            "".join(rnd.choice("00112345") for _ in range(rnd.randint(1, 5)))
            for _ in range(rnd.randint(1, 3))
        )
        n = rnd.randint(1, 9)
        mw = rnd.choice([None, 1, 2, 3])
        assert list(splits(digits, n, mw)) == brute_splits(digits, n, mw), (digits, n, mw)


def test_row_solvers_match_brute_force() -> None:
    rnd = random.Random(7)
    for _ in range(150):
        six = [rnd.choice([0, 0, rnd.randint(1, 30)]) for _ in range(6)]
        digits = glue((*six, sum(six)))
        ok = [c for c in brute_splits(digits, 7) if sum(c[:6]) == c[6]]
        sp = solve_table3_row(digits)
        assert sp.candidates == ok
        assert (sp.values is not None) == (len(ok) == 1)
        assert tuple(six) + (sum(six),) in ok
    for _ in range(25):
        cells: tuple[int, ...] = ()
        for _ in range(3):
            parts = [rnd.choice([0, 0, 0, rnd.randint(1, 15)]) for _ in range(4)]
            cells += (*parts, sum(parts))
        digits = glue(cells)
        ok = [c for c in brute_splits(digits, 15) if all(sum(c[g:g + 4]) == c[g + 4] for g in (0, 5, 10))]
        assert solve_table4_row(digits).candidates == ok
        assert cells in ok


# --- cross-row rules (table 3) -----------------------------------------------------------------

ZERO = [0] * 7


def _row(*six: int) -> tuple[int, ...]:
    return (*six, sum(six))


def _leaves_zero(layout: str = "2021") -> dict[str, list[int | None] | str]:
    return {k: list(ZERO) for k in outcome_leaves(TABLE3_ROWS[layout])}


def test_table3_r03_resolves_ambiguous_row() -> None:
    rows = _leaves_zero()
    rows["granted"] = AMBIG_DIGITS
    rows["partially_granted"] = list(_row(5, 0, 0, 0, 0, 0))
    rows["total"] = [15, 1, 0, 0, 0, 0, 16]  # = AMBIG_A + partially_granted
    out = solve_table3(rows, "2021")
    assert list(out) == ["granted"]  # known rows are constraints only
    assert out["granted"].values == AMBIG_A
    assert out["granted"].candidates == [AMBIG_A]
    assert out["granted"].reason == UNIQUE_CROSS_ROW


def test_table3_r01_resolves_ambiguous_row() -> None:
    rows: dict[str, list[int | None] | str] = {
        "new_received": [29, 2, 0, 0, 0, 1, 32],
        "carried_over": [1, 0, 0, 0, 0, 0, 1],
        "total": [20, 1, 0, 0, 0, 1, 22],
        "carried_forward": AMBIG_DIGITS,
    }
    out = solve_table3(rows, "2021")
    assert out["carried_forward"].values == AMBIG_A
    assert out["carried_forward"].reason == UNIQUE_CROSS_ROW


def test_table3_correlated_rows_stay_ambiguous() -> None:
    # granted and partially_granted both read A or B; the total says one of each, not which.
    rows = _leaves_zero()
    rows["granted"] = AMBIG_DIGITS
    rows["partially_granted"] = AMBIG_DIGITS
    rows["total"] = [a + b for a, b in zip(AMBIG_A, AMBIG_B, strict=True)]
    out = solve_table3(rows, "2021")
    for key in ("granted", "partially_granted"):
        assert out[key].values is None
        assert out[key].reason == AMBIGUOUS
        assert out[key].candidates == [AMBIG_B, AMBIG_A]
    # …while a total of A + A pins both.
    rows["total"] = [2 * a for a in AMBIG_A]
    out = solve_table3(rows, "2021")
    assert out["granted"].values == AMBIG_A and out["partially_granted"].values == AMBIG_A


def test_table3_blank_operand_is_not_counted_as_zero() -> None:
    rows = _leaves_zero()
    rows["granted"] = AMBIG_DIGITS
    rows["total"] = [None, None, None, 0, 0, 0, 11]  # the columns that would decide are blank
    out = solve_table3(rows, "2021")
    assert out["granted"].reason == AMBIGUOUS
    assert out["granted"].candidates == [AMBIG_B, AMBIG_A]


def test_table3_missing_rows_leave_rules_unused() -> None:
    out = solve_table3({"granted": AMBIG_DIGITS, "total": list(AMBIG_A)}, "2021")
    assert out["granted"].candidates == [AMBIG_B, AMBIG_A]  # other leaves unknown: no R03


def test_table3_inconsistent_rules_keep_row_local_results() -> None:
    rows = _leaves_zero()
    rows["granted"] = AMBIG_DIGITS
    rows["partially_granted"] = "200 000121"
    rows["total"] = [99, 0, 0, 0, 0, 0, 99]  # no reading balances R03
    out = solve_table3(rows, "2021")
    assert out["granted"].reason == AMBIGUOUS
    assert out["granted"].candidates == [AMBIG_B, AMBIG_A]
    assert "R01/R03" in out["granted"].note
    assert out["partially_granted"].values == (20, 0, 0, 0, 0, 1, 21)
    assert out["partially_granted"].reason == UNIQUE


def test_table3_row_without_candidates_passes_through() -> None:
    rows = _leaves_zero()
    rows["granted"] = "1234567"
    rows["total"] = list(ZERO)
    assert solve_table3(rows, "2021")["granted"].reason == NO_SOLUTION


def test_table3_hybrid_single_other_row() -> None:
    # 2021 labels, （六）其他处理 printed as one row other.total: R03 uses it for （六）.
    rows = {k: v for k, v in _leaves_zero().items() if not k.startswith("other.")}
    rows["other.total"] = list(_row(2, 0, 0, 0, 0, 0))
    rows["granted"] = AMBIG_DIGITS
    rows["total"] = [12, 1, 0, 0, 0, 0, 13]
    out = solve_table3(rows, "2021")
    assert out["granted"].values == AMBIG_A


def test_table3_2019_layout() -> None:
    rows = _leaves_zero("2019")
    assert "other.total" in rows and len(rows) == 19
    rows["other.total"] = AMBIG_DIGITS
    rows["total"] = list(AMBIG_B)
    assert solve_table3(rows, "2019")["other.total"].values == AMBIG_B


def test_table3_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        solve_table3({"granted": AMBIG_DIGITS}, "1999")
    with pytest.raises(ValueError):
        solve_table3({"granted_typo": AMBIG_DIGITS}, "2021")
    with pytest.raises(ValueError):
        solve_table3({"granted": [1, 2, 3]}, "2021")


# A city-sized 2021 table (25 rows); several rows are ambiguous alone (e.g. "110000011" reads
# 11,0,… or 1,10,…), all are pinned by R01/R03 together.
_SIX = {
    "granted": (412, 23, 2, 1, 3, 2),
    "partially_granted": (96, 8, 0, 0, 2, 1),
    "denied.state_secret": (1, 0, 0, 0, 0, 0),
    "denied.law_prohibited": (3, 0, 0, 0, 0, 0),
    "denied.security_stability": (0, 0, 0, 0, 0, 0),
    "denied.third_party_rights": (5, 1, 0, 0, 0, 0),
    "denied.internal_affairs": (7, 0, 0, 0, 0, 0),
    "denied.process_info": (12, 2, 0, 0, 0, 0),
    "denied.enforcement_file": (4, 0, 0, 0, 1, 0),
    "denied.admin_query": (18, 0, 0, 0, 0, 0),
    "unable.not_held": (131, 9, 1, 0, 2, 1),
    "unable.needs_creation": (22, 1, 0, 0, 0, 0),
    "unable.unclear_after_correction": (9, 0, 0, 0, 0, 0),
    "not_processed.petition": (27, 0, 0, 0, 0, 0),
    "not_processed.duplicate": (15, 1, 0, 0, 0, 0),
    "not_processed.publication": (2, 0, 0, 0, 0, 0),
    "not_processed.excessive": (6, 0, 0, 0, 0, 0),
    "not_processed.confirm_or_reissue": (3, 0, 0, 0, 0, 0),
    "other.no_correction": (11, 0, 0, 0, 0, 0),
    "other.fee_unpaid": (0, 0, 0, 0, 0, 0),
    "other.other": (4, 1, 0, 0, 0, 0),
    "carried_over": (21, 2, 0, 0, 0, 0),
    "carried_forward": (30, 3, 0, 1, 0, 0),
}
CITY = {k: _row(*v) for k, v in _SIX.items()}
CITY["total"] = (788, 46, 3, 1, 8, 4, 850)
CITY["new_received"] = (797, 47, 3, 2, 8, 4, 861)


def test_city_table_fully_glued() -> None:
    leaves = outcome_leaves(TABLE3_ROWS["2021"])
    for c in range(7):  # the fixture itself obeys R01 and R03
        assert CITY["total"][c] == sum(CITY[r][c] for r in leaves)
        assert CITY["new_received"][c] + CITY["carried_over"][c] == CITY["total"][c] + CITY["carried_forward"][c]
    glued: dict[str, list[int | None] | str] = {k: glue(v) for k, v in CITY.items()}
    alone = {k: solve_table3_row(str(v)) for k, v in glued.items()}
    assert sorted(k for k, sp in alone.items() if sp.reason == AMBIGUOUS) == [
        "carried_forward",
        "carried_over",
        "granted",
        "not_processed.duplicate",
        "other.no_correction",
        "unable.needs_creation",
    ]
    out = solve_table3(glued, "2021")
    assert len(out) == 25
    assert {k: sp.values for k, sp in out.items()} == CITY
    assert out["granted"].reason == UNIQUE_CROSS_ROW
    assert out["total"].reason == UNIQUE


def test_performance_sanity_random_tables() -> None:
    # 40 random fully glued 25-/23-row tables with counts up to a few thousand; each solves
    # well under a second (not timed here). Unique answers must be the truth; otherwise the
    # truth must be among the candidates.
    rnd = random.Random(11)
    for _ in range(40):
        layout = rnd.choice(["2021", "2019"])
        scale = rnd.choice([5, 30, 300, 3000])
        leaves = outcome_leaves(TABLE3_ROWS[layout])

        def row(scale: int = scale) -> tuple[int, ...]:
            return _row(*(rnd.choice([0, 0, 0, rnd.randint(0, scale)]) for _ in range(6)))

        truth = {k: row() for k in leaves}
        truth["total"] = tuple(sum(truth[r][c] for r in leaves) for c in range(7))
        truth["carried_over"] = row()
        truth["carried_forward"] = row()
        truth["new_received"] = tuple(
            truth["total"][c] + truth["carried_forward"][c] - truth["carried_over"][c] for c in range(7)
        )
        if any(v < 0 for v in truth["new_received"]):
            continue
        out = solve_table3({k: glue(v) for k, v in truth.items()}, layout)
        for k, sp in out.items():
            if sp.values is not None:
                assert sp.values == truth[k]
            else:
                assert truth[k] in sp.candidates
