"""Glued-digit solver: recover table cells from digit runs that lost their cell boundaries.

Why this exists: crawler text exports of report pages flatten table rows, so
``一、本年新收政府信息公开申请数量200 000121`` stands for the seven cells 20,0,0,0,0,1,21 and
table 4 arrives as ``21317000001324019`` for its fifteen cells. The template fixes how many
cells a row has (spec §1.2–§1.3), and the consistency rules (spec §3: R02 row totals, R06–R08
table-4 totals, R01 column balance, R03 outcome total) say which splits can be right. The solver
counts the splits that satisfy those rules and accepts a reading only when exactly one is
left; otherwise it reports every candidate (or why there are none), so the caller can mark the
cells ``ambiguous`` instead of guessing.

The row search counts without enumerating (a run of n digits has about n**6 splits into a
table-3 row) and is bounded: a row whose search would pass ``MAX_STEPS`` steps is given up as
``too_many_candidates`` in well under a second, whatever its length (``bench/glued_solver.py``
prints the times). Realistic rows (7–15 counts of a few digits) take milliseconds.

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
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from xxgk.schema import C7, TABLE3_ROWS, outcome_leaves

Cells = tuple[int, ...]

# --- reasons (Split.reason) -----------------------------------------------------------------

UNIQUE = "unique"  # exactly one split satisfies the row's own rules
UNIQUE_CROSS_ROW = "unique_cross_row"  # several row-local splits; R01/R03 across rows leave one
AMBIGUOUS = "ambiguous"  # several splits remain; all listed in ``candidates``
NO_SOLUTION = "no_solution"  # no split satisfies the rules (or too few/many digits)
TOO_MANY = "too_many_candidates"  # more admissible splits than the cap, or too many to search; none listed
INVALID = "invalid_input"  # the text is not digits and whitespace

#: Default cap on admissible candidates per row; beyond it the row is ``too_many_candidates``.
MAX_CANDIDATES = 10_000
#: Search steps one row may take (states counted plus total cells tried); past it the row is
#: ``too_many_candidates`` with a note saying the search gave up. Bounds the time per row.
MAX_STEPS = 200_000
#: Longest digit run searched at all; longer runs are ``too_many_candidates`` before any work (a
#: row of counts is a few dozen digits; Python refuses int() of strings over 4,300 digits).
MAX_RUN_DIGITS = 1_000
#: Widest part the least-sum tables cover; remainders wider than this skip that check.
_MIN_TABLE_WIDTH = 64
_RES_DIGITS = 4  # sums are tracked modulo 10**4: a number is congruent to its last four digits
_RES = 10**_RES_DIGITS
_RES_MASK = (1 << _RES) - 1
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


class _GaveUp(Exception):
    """The row's step budget ran out before every split was accounted for."""


def _width(x: int, powers: Sequence[int]) -> int:
    """Decimal digits of ``x >= 1`` (``powers[m] == 10**m``); no string conversion of big ints."""
    return bisect_right(powers, x)


class _RowSearch:
    """Counts, then lists, the splits of one digit run into groups "k parts, then their total".

    Why not enumerate: a run of n digits has on the order of n**(cells-1) splits, so trying
    them (the first solver did, pruned by width bounds) took 24 s at 100 digits and minutes at
    150. Here each group's total cell is chosen, and the parts before it are counted by a
    search over (end position, parts left, remaining sum), the last part first, memoised on
    that state so a count never enumerates. Every state is pruned by facts that hold for *any*
    split, each one cheap:

    * span bounds: j parts summing to R hold at least ``j-1 + width(R - 9(j-1))`` digits (one
      wide part, the rest single nines) and at most what balanced widths allow when every
      w-digit part is at least 10**(w-1) (a printed count has no leading zero);
    * casting out nines: every split of a span sums to the span's digit sum modulo 9;
    * the last digits: a part is congruent to its last four digits modulo 10**4, so the sums
      modulo 10**4 that j parts tiling ``[start, pos)`` can reach are a bit-set table per
      start (few parts over a short span reach few residues: a strong filter);
    * least sums: the smallest sum j parts tiling ``[start, pos)`` can have (parts up to
      ``_MIN_TABLE_WIDTH`` digits wide), a table per start;
    * two parts left: the wider of two parts adding up to R has ``width(R)`` or
      ``width(R) - 1`` digits, so at most four cut positions are tried.

    Candidates are materialised only when the count is at most the cap, by walking states
    whose count is positive (no dead ends). The work is bounded by ``max_steps`` (states
    examined plus total cells tried); past it the search raises :class:`_GaveUp`, which the
    caller reports as ``too_many_candidates``: the row is flagged, never guessed.
    """

    def __init__(self, d: _Digits, groups: Sequence[int], max_width: int | None, max_steps: int) -> None:
        self.d = d
        self.n = n = len(d.s)
        self.dig = [ord(ch) - 48 for ch in d.s]
        self.groups = tuple(groups)
        self.max_width = max_width
        self.steps_left = max_steps
        self.pow = [1] * (n + 2)
        for m in range(1, n + 2):
            self.pow[m] = self.pow[m - 1] * 10
        self.start = [0] * n  # start of the whitespace chunk holding each position
        for q in range(1, n):
            self.start[q] = q if d.reach[q] != d.reach[q - 1] else self.start[q - 1]
        self.zeros = [0] * (n + 1)  # zeros[q]: zero digits in s[:q]
        for q, v in enumerate(self.dig):
            self.zeros[q + 1] = self.zeros[q] + (v == 0)
        self.counts: dict[tuple[int, int, int, int], int] = {}
        self.ways: dict[tuple[int, int], list[tuple[int, int, int]]] = {}  # (start, group) → totals
        self.row_counts: dict[tuple[int, int], int] = {}
        self.tables: dict[int, tuple[list[list[int | None]], list[list[int]]]] = {}

    # -- bookkeeping ---------------------------------------------------------------------

    def _step(self, n: int = 1) -> None:
        self.steps_left -= n
        if self.steps_left < 0:
            raise _GaveUp

    def _cell_ok(self, a: int, b: int) -> bool:
        """``s[a:b]`` is a printable count: inside one chunk, no leading zero, not too wide."""
        return (a < b <= self.d.reach[a] and (b - a == 1 or self.dig[a] != 0)
                and (self.max_width is None or b - a <= self.max_width))

    def _value(self, a: int, b: int) -> int:
        return int(self.d.s[a:b])

    def _digit_sum(self, a: int, b: int) -> int:
        return self.d.digit_sums[b] - self.d.digit_sums[a]

    # -- pruning -------------------------------------------------------------------------

    def _span_ok(self, span: int, j: int, r: int) -> bool:
        """Can j parts summing to ``r >= 1`` occupy exactly ``span`` digits? (widths only)"""
        p = self.pow
        rest = r - 9 * (j - 1)
        if span < j - 1 + (1 if rest <= 9 else _width(rest, p)):
            return False
        q = r // j
        u = 1 if q == 0 else _width(q, p)
        if self.max_width is not None and u >= self.max_width:
            return span <= j * self.max_width
        lo = 0 if u == 1 else p[u - 1]
        bumps = (r - j * lo) // (p[u] - lo)
        return span <= j * u + min(bumps, j)

    def _tables_for(self, i: int, k: int) -> tuple[list[list[int | None]], list[list[int]]]:
        """Least sums (parts up to ``_MIN_TABLE_WIDTH`` wide) and reachable sums modulo
        ``10**_RES_DIGITS`` of j parts tiling ``s[i:pos]``, for j <= k: ``least[j][pos]``, and
        ``residues[j][pos]`` as a bit set (bit x: some tiling sums to x modulo the modulus)."""
        got = self.tables.get(i)
        if got is not None and len(got[0]) > k:
            return got
        n, dig, start, p = self.n, self.dig, self.start, self.pow
        wide = _MIN_TABLE_WIDTH if self.max_width is None else min(_MIN_TABLE_WIDTH, self.max_width)
        self._step((n - i) * k * 4)
        least: list[list[int | None]] = [[None] * (n + 1) for _ in range(k + 1)]
        residues: list[list[int]] = [[0] * (n + 1) for _ in range(k + 1)]
        least[0][i] = 0
        residues[0][i] = 1
        D = _RES_DIGITS
        for j in range(1, k + 1):
            prev_least, prev_res, cur_least, cur_res = least[j - 1], residues[j - 1], least[j], residues[j]
            wider = 0  # OR of prev_res[a] over the a where [a, b) is a valid part at least D wide
            for b in range(i + 1, n + 1):
                first = max(i, start[b - 1])  # no part reaches back across a space
                if b - 1 == start[b - 1]:
                    wider = 0
                if b - D >= first and dig[b - D] != 0:
                    wider |= prev_res[b - D]
                m = _rotate(wider, int(self.d.s[b - D:b])) if wider else 0
                v = 0
                for w in range(1, min(D, b - first + 1)):
                    a = b - w
                    v += dig[a] * p[w - 1]
                    if (w == 1 or dig[a] != 0) and prev_res[a]:
                        m |= _rotate(prev_res[a], v)
                cur_res[b] = m
                best: int | None = None
                v = 0
                for a in range(b - 1, max(first, b - wide) - 1, -1):
                    v += dig[a] * p[b - 1 - a]
                    if a < b - 1 and dig[a] == 0:
                        continue
                    pl = prev_least[a]
                    if pl is not None and (best is None or pl + v < best):
                        best = pl + v
                cur_least[b] = best
        self.tables[i] = (least, residues)
        return least, residues

    # -- counting ------------------------------------------------------------------------

    def count(self, i: int, pos: int, j: int, r: int, k: int) -> int:
        """Splits of ``s[i:pos]`` into j parts adding up to r (k: the group's part count)."""
        key = (i, pos, j, r)
        got = self.counts.get(key)
        if got is None:
            self._step()
            got = self.counts[key] = self._count(i, pos, j, r, k)
        return got

    def _count(self, i: int, pos: int, j: int, r: int, k: int) -> int:
        span = pos - i
        if span < j:
            return 0
        if r == 0:  # every part is a lone "0"
            return int(span == j and self.zeros[pos] - self.zeros[i] == span)
        if not self._span_ok(span, j, r):
            return 0
        least, residues = self._tables_for(i, k)
        if not residues[j][pos] >> (r % _RES) & 1:
            return 0
        wr = _width(r, self.pow)
        if wr <= _MIN_TABLE_WIDTH:
            lo = least[j][pos]
            if lo is None or lo > r:
                return 0
        if j == 1:
            return int(self._cell_ok(i, pos) and self._value(i, pos) == r)
        if j == 2:
            return sum(1 for _ in self._two_parts(i, pos, r))
        total = 0
        v = 0
        last = max(i + j - 1, self.start[pos - 1], pos - wr)
        if self.max_width is not None:
            last = max(last, pos - self.max_width)
        for a in range(pos - 1, last - 1, -1):
            v += self.dig[a] * self.pow[pos - 1 - a]
            if a < pos - 1 and self.dig[a] == 0:
                continue
            if v > r:
                break  # a wider part without a leading zero is larger still
            total += self.count(i, a, j - 1, r - v, k)
        return total

    def _two_parts(self, i: int, pos: int, r: int) -> Iterator[Cells]:
        """The splits of ``s[i:pos]`` into two parts adding up to ``r >= 1``."""
        wr = _width(r, self.pow)
        for b in sorted({i + wr - 1, i + wr, pos - wr + 1, pos - wr}):
            if i < b < pos and self._cell_ok(i, b) and self._cell_ok(b, pos):
                x, y = self._value(i, b), self._value(b, pos)
                if x + y == r:
                    yield (x, y)

    def _totals(self, i: int, gi: int) -> Iterator[tuple[int, int, int]]:
        """Candidate total cells ``[t, e)`` (with value) of group ``gi`` starting at i."""
        k = self.groups[gi]
        later = sum(g + 1 for g in self.groups[gi + 1:])
        n, dig = self.n, self.dig
        if later == 0:  # the row's last cell: it ends the run
            for t in range(max(i + k, self.start[n - 1]), n):
                if self._cell_ok(t, n):
                    yield t, n, self._value(t, n)
            return
        for t in range(i + k, n - later):
            total = 0
            end = min(self.d.reach[t], n - later)
            if self.max_width is not None:
                end = min(end, t + self.max_width)
            for e in range(t + 1, end + 1):
                total = total * 10 + dig[e - 1]
                yield t, e, total
                if dig[t] == 0:
                    break

    def row_count(self, i: int = 0, gi: int = 0) -> int:
        """Splits of ``s[i:]`` into the groups from ``gi`` on, each group's parts summing to its total."""
        if gi == len(self.groups):
            return int(i == self.n)
        got = self.row_counts.get((i, gi))
        if got is not None:
            return got
        k = self.groups[gi]
        ways: list[tuple[int, int, int]] = []
        total = 0
        for t, e, value in self._totals(i, gi):
            self._step()
            if (self._digit_sum(i, t) - self._digit_sum(t, e)) % 9:
                continue  # casting out nines: no split of s[i:t] sums to this total
            c = self.count(i, t, k, value, k)
            if c:
                rest = self.row_count(e, gi + 1)
                if rest:
                    ways.append((t, e, value))
                    total += c * rest
        self.ways[(i, gi)] = ways
        self.row_counts[(i, gi)] = total
        self.tables.pop(i, None)  # every count from this start is memoised: free the bit sets
        return total

    # -- listing -------------------------------------------------------------------------

    def _parts(self, i: int, pos: int, j: int, r: int, k: int) -> Iterator[Cells]:
        if j == 1:
            yield (r,)
            return
        if r == 0:
            yield (0,) * j
            return
        if j == 2:
            yield from self._two_parts(i, pos, r)
            return
        v = 0
        wr = _width(r, self.pow)
        last = max(i + j - 1, self.start[pos - 1], pos - wr)
        if self.max_width is not None:
            last = max(last, pos - self.max_width)
        for a in range(pos - 1, last - 1, -1):
            v += self.dig[a] * self.pow[pos - 1 - a]
            if a < pos - 1 and self.dig[a] == 0:
                continue
            if v > r:
                break
            if self.counts.get((i, a, j - 1, r - v)):
                for rest in self._parts(i, a, j - 1, r - v, k):
                    yield (*rest, v)

    def solutions(self, i: int = 0, gi: int = 0) -> Iterator[Cells]:
        """Every counted split (call after :meth:`row_count`), in no particular order."""
        if gi == len(self.groups):
            yield ()
            return
        k = self.groups[gi]
        for t, e, value in self.ways[(i, gi)]:
            for parts in self._parts(i, t, k, value, k):
                for rest in self.solutions(e, gi + 1):
                    yield (*parts, value, *rest)


def _rotate(bits: int, shift: int) -> int:
    """Residue set ``{x + shift mod _RES : x in bits}`` of a ``_RES``-bit mask."""
    shift %= _RES
    return ((bits << shift) | (bits >> (_RES - shift))) & _RES_MASK


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
    if len(d.s) > MAX_RUN_DIGITS:
        return Split(None, [], TOO_MANY, f"{len(d.s)} digits: longer than the {MAX_RUN_DIGITS} searched")
    search = _RowSearch(d, groups, max_width, MAX_STEPS)
    try:
        count = search.row_count()
    except _GaveUp:
        return Split(None, [], TOO_MANY, f"gave up after {MAX_STEPS} search steps on {len(d.s)} digits: "
                                         "too many partial splits to rule out")
    if count > cap:
        return Split(None, [], TOO_MANY, f"{count} splits satisfy the row totals, more than {cap}")
    if count == 0:
        return Split(None, [], NO_SOLUTION, f"no split into {n} cells satisfies the row totals")
    found = sorted(search.solutions(), key=_width_key)
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
    for the 2021-labels/one-（六）-row hybrid, plus group subtotal rows such as
    ``denied.total`` that some reports print, which only R02 constrains) to either the row's known 7 cells in C7 order
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
    keys = [r.key for r in TABLE3_ROWS[layout]]
    subtotals = {f"{k.split('.')[0]}.total" for k in keys if "." in k}  # denied.total … (R02 only)
    allowed = set(keys) | {"other.total"} | subtotals
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
    "MAX_RUN_DIGITS",
    "MAX_STEPS",
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
