"""Glued-digit solver: recover table cells from digit runs that lost their cell boundaries.

Why this exists: crawler text exports of report pages flatten table rows, so
``一、本年新收政府信息公开申请数量200 000121`` stands for the seven cells 20,0,0,0,0,1,21 and
table 4 arrives as ``21317000001324019`` for its fifteen cells. The template fixes how many
cells a row has (spec §1.2–§1.3), and the consistency rules (spec §3: R02 row totals, R06–R08
table-4 totals, R01 column balance, R03 outcome total) say which splits can be right. The solver
enumerates the splits that satisfy those rules and accepts a reading only when exactly one is
left; otherwise it reports every candidate (or why there are none), so the caller can mark the
cells ``ambiguous`` instead of guessing.

Everything here is pure (no I/O, no global state) and deterministic: candidate lists are
ordered by their cell widths, left to right, shortest first (the order :func:`splits` yields).

Caveats worth knowing when integrating:

* Rules used as constraints assume the *published* table obeys them. A printed total that is
  wrong makes the row unsolvable (``no_solution``) — or, rarely, lets a wrong split through if
  it happens to satisfy the rule. Cross-row rules are only used to choose *among* row-local
  candidates, and if they cannot be satisfied at all the row-local results are kept.
* A blank cell leaves no digits behind, so a glued row with blanks cannot be recovered here.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import islice

from xxgk.schema import C7, TABLE3_ROWS, outcome_leaves

Cells = tuple[int, ...]

# --- reasons (Split.reason) -----------------------------------------------------------------

UNIQUE = "unique"  # exactly one split satisfies the row's own rules
UNIQUE_CROSS_ROW = "unique_cross_row"  # several row-local splits; R01/R03 across rows leave one
AMBIGUOUS = "ambiguous"  # several splits remain; all listed in ``candidates``
NO_SOLUTION = "no_solution"  # no split satisfies the rules (or too few/many digits)
TOO_MANY = "too_many_candidates"  # more admissible splits than the cap; none listed
INVALID = "invalid_input"  # the text is not digits and whitespace

#: Default cap on admissible candidates per row; beyond it the row is ``too_many_candidates``.
MAX_CANDIDATES = 10_000
#: Largest product of ambiguous-row candidate counts searched exactly across rows.
_JOINT_LIMIT = 200_000
#: Largest partial sum-set built while propagating one linear rule (larger: rule skipped).
_SUMSET_LIMIT = 50_000

#: Table-3 row: six applicant columns, then ``total`` (R02).
TABLE3_GROUPS: tuple[int, ...] = (6,)
#: Table-4 row: review, litigation_direct, litigation_after_review; 4 parts then total (R06–R08).
TABLE4_GROUPS: tuple[int, ...] = (4, 4, 4)


@dataclass(frozen=True)
class Split:
    """Outcome of solving one glued row.

    ``values`` is set only when exactly one admissible split remains (``reason`` is
    ``unique`` or ``unique_cross_row``); then ``candidates == [values]``. Otherwise ``values``
    is None and ``candidates`` lists every admissible split (``ambiguous``) or is empty
    (``no_solution``, ``too_many_candidates``, ``invalid_input``). ``note`` says more, for logs
    and for the cell's ``note``.
    """

    values: Cells | None
    candidates: list[Cells] = field(default_factory=list)
    reason: str = ""
    note: str = ""

    @property
    def is_unique(self) -> bool:
        return self.values is not None


# --- digit strings --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Digits:
    """A digit run with its hard boundaries.

    ``s`` holds the digits only; ``reach[i]`` is the end of the whitespace-separated chunk that
    contains position ``i``: a cell starting at ``i`` may not extend past it, because a space
    printed between digits is a real cell boundary (a count never contains a space). A chunk
    may still hold several cells — that is the gluing we undo.
    """

    s: str
    reach: tuple[int, ...]
    digit_sums: tuple[int, ...]  # digit_sums[i] = sum of the digits of s[:i]


def _prepare(digits: str) -> _Digits:
    """Normalise and validate a glued digit string.

    NFKC first, because exports mix full-width digits and ideographic spaces (U+3000) or NBSP
    with ASCII; any whitespace then separates chunks. Anything else (letters, signs, decimal
    points) means the text is not a plain glued count row, which this solver must not guess at.
    """
    text = unicodedata.normalize("NFKC", digits)
    chunks = text.split()
    reach: list[int] = []
    for chunk in chunks:
        if not (chunk.isascii() and chunk.isdigit()):
            raise ValueError(f"not a digit run: {chunk!r}")
        end = len(reach) + len(chunk)
        reach.extend([end] * len(chunk))
    s = "".join(chunks)
    sums = [0]
    for ch in s:
        sums.append(sums[-1] + int(ch))
    return _Digits(s, tuple(reach), tuple(sums))


def _cell_ends(d: _Digits, i: int, max_width: int | None, limit: int | None = None) -> range:
    """End positions ``j`` such that ``d.s[i:j]`` is a well-formed cell.

    A printed count never has a leading zero, so a cell starting with ``0`` is the lone digit
    ``0``; otherwise it may run to the end of its chunk, ``max_width`` digits or ``limit``.
    """
    if d.s[i] == "0":
        return range(i + 1, i + 2)
    end = d.reach[i]
    if max_width is not None:
        end = min(end, i + max_width)
    if limit is not None:
        end = min(end, limit)
    return range(i + 1, end + 1)


def _min_cells(d: _Digits, max_width: int | None) -> list[int]:
    """``m[i]``: fewest cells that can cover ``d.s[i:]``.

    Why: together with "at most one cell per digit" this bounds how many cells the rest of the
    string can take, and every count in between is reachable (split off the last digit of a
    multi-digit cell: ``ab|c`` keeps both parts well-formed), so the bounds are exact and the
    enumeration never walks into a dead end.
    """
    n = len(d.s)
    m = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        m[i] = 1 + min(m[j] for j in _cell_ends(d, i, max_width))
    return m


def _check_width(max_width: int | None) -> None:
    if max_width is not None and max_width < 1:
        raise ValueError(f"max_width must be >= 1, got {max_width}")


def splits(digits: str, n: int, max_width: int | None = None) -> Iterator[Cells]:
    """Every way to read ``digits`` as exactly ``n`` non-negative integer cells.

    Assumptions, each a property of printed statistical tables:

    * a printed count never has a leading zero, so ``"05"`` is two cells ``0, 5`` and never one
      cell 5; the lone ``"0"`` is a cell;
    * whitespace (ASCII, NBSP, U+3000) is a hard boundary that no cell crosses, but one
      whitespace-separated chunk may hold several cells;
    * with ``max_width``, no cell has more than that many digits (use it when the magnitude of
      the counts is known).

    No rule is applied here: this is the raw search space the solvers filter. Splits come in a
    fixed order — by cell widths, left to right, shorter first. Raises ``ValueError`` for text
    that is not digits and whitespace.
    """
    _check_width(max_width)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    d = _prepare(digits)
    size = len(d.s)
    low = _min_cells(d, max_width)

    def rec(i: int, k: int) -> Iterator[Cells]:
        if i == size:
            if k == 0:
                yield ()
            return
        for j in _cell_ends(d, i, max_width):
            if low[j] <= k - 1 <= size - j:
                head = int(d.s[i:j])
                for rest in rec(j, k - 1):
                    yield (head, *rest)

    if low[0] <= n <= size:
        yield from rec(0, n)


# --- row-local rules (R02, R06–R08) ---------------------------------------------------------


def _sum_splits(d: _Digits, i: int, t: int, k: int, target: int, max_width: int | None) -> Iterator[Cells]:
    """Splits of ``d.s[i:t]`` into ``k`` cells that add up to ``target``.

    Why a dedicated search: with the total known, a part can never exceed what is left of it,
    so no part is wider than the remaining target, and the last part is forced. Conversely k
    parts below 10**m add up to less than k·10**m, so reaching the target needs one part of
    at least ``len(str(target // k))`` digits. And a number is congruent to its digit sum
    modulo 9, so *every* split of a span adds up to the span's digit sum modulo 9: a target
    that disagrees is unreachable whatever the split (casting out nines). Together these keep
    the search small on long runs.
    """
    widest = len(str(target // k)) if target >= k else 1
    if not max(k, widest + k - 1) <= t - i <= k * len(str(target)):
        return
    if (target - (d.digit_sums[t] - d.digit_sums[i])) % 9:
        return
    if k == 1:
        if t in _cell_ends(d, i, max_width) and int(d.s[i:t]) == target:
            yield (target,)
        return
    for j in _cell_ends(d, i, max_width, limit=t - (k - 1)):
        v = int(d.s[i:j])
        if v > target:
            break  # longer cells from the same start are larger still
        if t - j > (k - 1) * len(str(target - v)):
            continue  # the rest is too long for k-1 parts no wider than what is left
        for rest in _sum_splits(d, j, t, k - 1, target - v, max_width):
            yield (v, *rest)


def _grouped_splits(d: _Digits, groups: Sequence[int], max_width: int | None) -> Iterator[Cells]:
    """Splits of a whole row made of groups "k parts, then their total".

    Table 3 rows are one group of 6 (R02), the table-4 row three groups of 4 (R06–R08). For each
    group the total cell is chosen first, then the parts are searched against it. Two facts
    about non-negative integers without leading zeros bound the search: no part is wider than
    the total (a part never exceeds it), and the total is at most ``len(str(k))`` digits wider
    than its widest part (k numbers below 10**w add up to less than k·10**w).
    """
    size = len(d.s)
    low = _min_cells(d, max_width)

    def rec(i: int, gi: int) -> Iterator[Cells]:
        if gi == len(groups):
            if i == size:
                yield ()
            return
        k = groups[gi]
        later = sum(g + 1 for g in groups[gi + 1:])
        extra = len(str(k))
        for t in range(i + k, size):
            for e in _cell_ends(d, t, max_width):
                if not low[e] <= later <= size - e:
                    continue
                w = e - t
                span = t - i
                if not (k - 1 + max(1, w - extra) <= span <= k * w):
                    continue
                total = int(d.s[t:e])
                part_width = w if max_width is None else min(w, max_width)
                for parts in _sum_splits(d, i, t, k, total, part_width):
                    for rest in rec(e, gi + 1):
                        yield (*parts, total, *rest)

    yield from rec(0, 0)


def _width_key(cells: Cells) -> tuple[int, ...]:
    """Sort key giving the :func:`splits` order (cell widths, left to right)."""
    return tuple(len(str(v)) for v in cells)


def _solve_grouped(digits: str, groups: Sequence[int], max_width: int | None, cap: int) -> Split:
    """Row-local solve: the splits satisfying every group-total rule, accepted if unique."""
    _check_width(max_width)
    try:
        d = _prepare(digits)
    except ValueError as exc:
        return Split(None, [], INVALID, str(exc))
    n = sum(g + 1 for g in groups)
    if len(d.s) < n:
        return Split(None, [], NO_SOLUTION, f"{len(d.s)} digits cannot fill {n} cells")
    found = list(islice(_grouped_splits(d, groups, max_width), cap + 1))
    if len(found) > cap:
        return Split(None, [], TOO_MANY, f"more than {cap} splits satisfy the row totals")
    found.sort(key=_width_key)
    if not found:
        return Split(None, [], NO_SOLUTION, f"no split into {n} cells satisfies the row totals")
    if len(found) == 1:
        return Split(found[0], found, UNIQUE)
    return Split(None, found, AMBIGUOUS, f"{len(found)} splits satisfy the row totals")


def solve_table3_row(digits: str, max_width: int | None = None, cap: int = MAX_CANDIDATES) -> Split:
    """Split one glued table-3 row into its 7 cells (C7 order) using R02 (total = Σ six columns).

    ``digits`` is the row's number text only (label removed); whitespace in it is a hard cell
    boundary. Example: ``"200 000121"`` → ``(20, 0, 0, 0, 0, 1, 21)``.
    """
    return _solve_grouped(digits, TABLE3_GROUPS, max_width, cap)


def solve_table4_row(digits: str, max_width: int | None = None, cap: int = MAX_CANDIDATES) -> Split:
    """Split the glued table-4 row into its 15 cells using R06–R08.

    Cell order is the printed one (spec §2.4): review, litigation_direct,
    litigation_after_review, each upheld, corrected, other, pending, total. Example:
    ``"21317000001324019"`` → ``(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)``.
    """
    return _solve_grouped(digits, TABLE4_GROUPS, max_width, cap)


# --- cross-row rules (R01, R03) ---------------------------------------------------------------

_Row = tuple[int | None, ...]


@dataclass(frozen=True)
class _Equation:
    """``Σ plus[c] = Σ minus[c]`` over rows, for one column ``col`` (index into C7)."""

    rule: str
    col: int
    plus: tuple[str, ...]
    minus: tuple[str, ...]

    @property
    def rows(self) -> tuple[str, ...]:
        return self.plus + self.minus

    def holds(self, value: Mapping[str, _Row]) -> bool:
        lhs = sum(value[r][self.col] or 0 for r in self.plus)
        rhs = sum(value[r][self.col] or 0 for r in self.minus)
        return lhs == rhs


_OTHER_SUBROWS = ("other.no_correction", "other.fee_unpaid", "other.other")


def _r03_leaves(layout: str, present: Sequence[str]) -> tuple[str, ...]:
    """Outcome leaves for R03, with the real-world hybrid handled.

    A 2021-labelled report may print （六）其他处理 as one row ``other.total`` (spec §2.3); its
    sub-rows were never printed, and R03 then uses ``other.total`` in their place.
    """
    leaves = outcome_leaves(TABLE3_ROWS[layout])
    if "other.total" in present and not any(r in present for r in _OTHER_SUBROWS) and "other.total" not in leaves:
        leaves = tuple(r for r in leaves if r not in _OTHER_SUBROWS) + ("other.total",)
    return leaves


def _table3_equations(layout: str, domains: Mapping[str, list[_Row]]) -> list[_Equation]:
    """R01 and R03 per column, keeping only equations every operand of which is known.

    Why skip rather than count a blank as 0: a wrong assumption about a blank or a missing row
    could prune the true split and make a wrong one look unique; an unused rule only costs
    resolving power.
    """
    present = list(domains)
    templates = [
        ("R01", ("new_received", "carried_over"), ("total", "carried_forward")),
        ("R03", ("total",), _r03_leaves(layout, present)),
    ]
    eqs: list[_Equation] = []
    for rule, plus, minus in templates:
        for c in range(len(C7)):
            eq = _Equation(rule, c, plus, minus)
            if all(r in domains and all(cand[c] is not None for cand in domains[r]) for r in eq.rows):
                eqs.append(eq)
    return eqs


def _sumset(a: set[int], b: set[int]) -> set[int] | None:
    """All sums x + y; None when the set would grow past the limit (the rule is then skipped)."""
    if len(a) * len(b) > _SUMSET_LIMIT:
        return None
    return {x + y for x in a for y in b}


def _propagate(domains: dict[str, list[_Row]], eqs: Sequence[_Equation]) -> bool:
    """Generalised arc consistency on the linear equations, in place; False on a wipe-out.

    A candidate survives an equation only if some choice of the other rows' candidates balances
    it. This never drops a candidate that is part of a full solution, and repeats until nothing
    changes.
    """
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            terms = [(r, 1) for r in eq.plus] + [(r, -1) for r in eq.minus]
            vals = [{sign * (cand[eq.col] or 0) for cand in domains[r]} for r, sign in terms]
            prefix: list[set[int] | None] = [{0}]
            for v in vals:
                p = prefix[-1]
                prefix.append(None if p is None else _sumset(p, v))
            suffix: list[set[int] | None] = [{0}]
            for v in reversed(vals):
                s = suffix[-1]
                suffix.append(None if s is None else _sumset(s, v))
            suffix.reverse()  # suffix[i] = sums of vals[i:]
            for idx, (r, sign) in enumerate(terms):
                if len(domains[r]) == 1 and all(len(domains[o]) == 1 for o, _ in terms):
                    others_ok = eq.holds({o: domains[o][0] for o, _ in terms})
                    if not others_ok:
                        return False
                    continue
                before, after = prefix[idx], suffix[idx + 1]
                if before is None or after is None:
                    continue
                others = _sumset(before, after)
                if others is None:
                    continue
                keep = [cand for cand in domains[r] if -sign * (cand[eq.col] or 0) in others]
                if len(keep) < len(domains[r]):
                    if not keep:
                        return False
                    domains[r] = keep
                    changed = True
    return True


def _joint_search(domains: dict[str, list[_Row]], eqs: Sequence[_Equation]) -> bool:
    """Exact search over the rows still ambiguous; keeps only candidates of full solutions.

    Why after propagation: arc consistency checks each equation alone, so two equations can
    still jointly exclude a candidate. The search is run only when the product of the remaining
    candidate counts is small (``_JOINT_LIMIT``); above it the arc-consistent sets are kept,
    which is still sound whenever the table has a consistent reading at all. Returns False when
    no full solution exists.
    """
    amb = sorted((r for r, dom in domains.items() if len(dom) > 1), key=lambda r: len(domains[r]))
    if not amb or math.prod(len(domains[r]) for r in amb) > _JOINT_LIMIT:
        return True
    depth_of = {r: i for i, r in enumerate(amb)}
    due: list[list[_Equation]] = [[] for _ in amb]
    for eq in eqs:
        depths = [depth_of[r] for r in eq.rows if r in depth_of]
        if depths:
            due[max(depths)].append(eq)
    value: dict[str, _Row] = {r: dom[0] for r, dom in domains.items() if len(dom) == 1}
    seen: dict[str, set[_Row]] = {r: set() for r in amb}
    found = False

    def rec(i: int) -> None:
        nonlocal found
        if i == len(amb):
            found = True
            for r in amb:
                seen[r].add(value[r])
            return
        r = amb[i]
        for cand in domains[r]:
            value[r] = cand
            if all(eq.holds(value) for eq in due[i]):
                rec(i + 1)
        del value[r]

    rec(0)
    if not found:
        return False
    for r in amb:
        domains[r] = [c for c in domains[r] if c in seen[r]]
    return True


def _as_count(v: object) -> int | None:
    """A known cell as an int; None (unknown) for blanks and for non-integral values."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, Decimal, float)):
        raise TypeError(f"table-3 cell must be int or None, got {v!r}")
    try:
        iv = int(v)
    except (ValueError, OverflowError):  # NaN, infinity
        return None
    return iv if iv == v else None


def solve_table3(
    rows: Mapping[str, Sequence[int | None] | str],
    layout: str,
    max_width: int | None = None,
    cap: int = MAX_CANDIDATES,
) -> dict[str, Split]:
    """Solve the glued rows of one table 3, using the other rows through R01 and R03.

    ``rows`` maps canonical row keys (``xxgk.schema.TABLE3_ROWS[layout]``, plus ``other.total``
    for the 2021-labels/one-（六）-row hybrid) to either the row's known 7 cells in C7 order
    (``None`` for a blank/unknown cell) or the row's glued digit string. Rows not given are
    unknown. Returns a :class:`Split` for every glued row (known rows are constraints only).

    Order of work, and why:

    1. Each glued row is solved alone with R02 (:func:`solve_table3_row`). Rows with no or too
       many candidates stay as they are and act as unknown below.
    2. R01 (new_received + carried_over = total + carried_forward) and R03 (total = Σ outcome
       leaves) per column prune the candidate sets by propagation, then by an exact search over
       what is left. An equation with an unknown operand is not used.
    3. A row left with one candidate is ``unique_cross_row`` (or stays ``unique``). If R01/R03
       cannot hold for any combination, the published table breaks a rule somewhere and the
       rules cannot be trusted to choose: every row keeps its row-local result, with a note.
    """
    if layout not in TABLE3_ROWS:
        raise ValueError(f"unknown table-3 layout {layout!r}")
    allowed = {r.key for r in TABLE3_ROWS[layout]} | {"other.total"}
    local: dict[str, Split] = {}
    domains: dict[str, list[_Row]] = {}
    for key, row in rows.items():
        if key not in allowed:
            raise ValueError(f"unknown table-3 row {key!r} for layout {layout!r}")
        if isinstance(row, str):
            sp = solve_table3_row(row, max_width=max_width, cap=cap)
            local[key] = sp
            if sp.candidates:
                domains[key] = list(sp.candidates)
        else:
            cells = tuple(_as_count(v) for v in row)
            if len(cells) != len(C7):
                raise ValueError(f"row {key!r}: {len(cells)} cells, expected {len(C7)}")
            domains[key] = [cells]

    eqs = [eq for eq in _table3_equations(layout, domains) if any(r in local for r in eq.rows)]
    consistent = _propagate(domains, eqs) and _joint_search(domains, eqs)

    out: dict[str, Split] = {}
    for key, sp in local.items():
        if not sp.candidates:
            out[key] = sp
        elif not consistent:
            note = "R01/R03 cannot hold with these rows; row-local (R02) result kept"
            out[key] = replace(sp, note=f"{sp.note}; {note}" if sp.note else note)
        else:
            left = set(domains[key])
            cands = [c for c in sp.candidates if c in left]
            if len(cands) == 1:
                reason = UNIQUE if sp.reason == UNIQUE else UNIQUE_CROSS_ROW
                note = "" if reason == UNIQUE else f"{len(sp.candidates)} R02 splits; R01/R03 leave one"
                out[key] = Split(cands[0], cands, reason, note)
            elif len(cands) == len(sp.candidates):
                out[key] = sp
            else:
                out[key] = Split(None, cands, AMBIGUOUS,
                                 f"{len(sp.candidates)} R02 splits; {len(cands)} left after R01/R03")
    return out


__all__ = [
    "AMBIGUOUS",
    "INVALID",
    "MAX_CANDIDATES",
    "NO_SOLUTION",
    "TABLE3_GROUPS",
    "TABLE4_GROUPS",
    "TOO_MANY",
    "UNIQUE",
    "UNIQUE_CROSS_ROW",
    "Split",
    "solve_table3",
    "solve_table3_row",
    "solve_table4_row",
    "splits",
]
