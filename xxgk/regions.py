"""Administrative divisions (GB/T 2260, 1981–2024) and placing a reporting body in one.

The divisions come from the vendored areacodes dataset (``data/areacodes/result.csv``, see its
README): every county-level-and-above code with the years it was in use and the codes that took
over its area, so a report is placed in the division that existed in its report year and a
retired code still rolls up into its successor for series (清浦区 320811 → 清江浦区 320812 in 2016).

Names are found with one Aho-Corasick automaton over every full name (淮安市) and short name
(淮安, the name without its suffix, as agencies and body texts write it), so a lookup costs the
length of the text, not the number of divisions. Rules, in order:

* longest match: 淮安市洪泽区 names 淮安市 and 洪泽区, never 淮安 and 洪泽;
* full names beat short names (any full name in the text silences the short ones);
* a name several divisions share (鼓楼区, 朝阳区; a 市辖区 and a 县 both called 淮安 when
  shortened) is told apart by a parent named in the same text (福州市鼓楼区) or, in the
  warehouse, by the source's region; left unresolved otherwise, never guessed. A short name
  shared by a city and one of its districts names the city, the usual reading;
* the most specific division wins (county over city over province).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

AREACODES_CSV = Path(__file__).resolve().parents[1] / "data" / "areacodes" / "result.csv"
LEVELS = {"省级": "province", "地级": "city", "县级": "county"}
_LEVEL_RANK = {"county": 3, "city": 2, "province": 1, "national": 0}
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "市", "区", "县", "省", "州",
             "盟", "旗")
# The 56 nationalities as they appear inside autonomous divisions' names (延边朝鲜族自治州 → 延边).
_ETHNIC = tuple(sorted((
    "蒙古族 回族 藏族 维吾尔族 维吾尔 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族").split(), key=len, reverse=True))
# A short name followed by these is a township, street or road of that name (长安镇), not the division.
_NOT_DIVISION_AFTER = tuple("镇乡村街路道巷里")
# Bodies of the central government: their region is the nation.
_NATIONAL_PREFIXES = ("国家", "国务院", "中华人民共和国", "中央", "中国")
NATIONAL_CODE = "000000"


@dataclass(frozen=True)
class Division:
    """One record of the dataset: a code with one name and parent over a span of years."""

    code: str
    name: str
    level: str                         # province | city | county
    parent_code: str | None
    valid_from: int = 1981             # first year in use (inclusive)
    valid_to: int | None = None        # year changed or retired (exclusive); None: in use
    successors: tuple[str, ...] = ()   # codes that took over the area (retired or changed records)

    @property
    def short(self) -> str:
        """The name without its suffix (and nationalities): 汝州市 → 汝州, 延边朝鲜族自治州 → 延边."""
        return short_name(self.name)

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year < self.valid_to)


def short_name(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            stem = name[: -len(s)]
            changed = True
            while changed:
                changed = False
                for e in _ETHNIC:
                    if stem.endswith(e) and len(stem) - len(e) >= 2:
                        stem, changed = stem[: -len(e)], True
                        break
            return stem
    return name


def _codes(text: str) -> tuple[tuple[str, int | None], ...]:
    """``130102[2001];130108`` → ((130102, 2001), (130108, None))."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        m = re.fullmatch(r"(\d{6})(?:\[(\d{4})\])?", part)
        if m:
            out.append((m.group(1), int(m.group(2)) if m.group(2) else None))
    return tuple(out)


@dataclass(frozen=True)
class Record:
    """A division plus what the dataset says about area given away while it stayed in use."""

    division: Division
    status: str                              # 在用 | 弃用 | 变更
    transfers: tuple[tuple[str, int], ...]   # (code, year) that received part of the area


@lru_cache(maxsize=1)
def records() -> tuple[Record, ...]:
    """Every record of the dataset, the latest record of each code first (then by code)."""
    out = []
    with AREACODES_CSV.open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            code, level = r["代码"], LEVELS[r["级别"]]
            if level == "province":
                parent = None
            elif level == "city" or r["二级行政区"] == "直辖":
                parent = code[:2] + "0000"
            else:
                parent = code[:4] + "00"
            new = _codes(r["新代码"])
            in_use = r["状态"] == "在用"
            div = Division(code, r["名称"], level, parent, int(r["启用时间"]),
                           int(r["变更/弃用时间"]) if r["变更/弃用时间"] else None,
                           () if in_use else tuple(c for c, _ in new))
            transfers = tuple((c, y) for c, y in new if y is not None) if in_use else ()
            out.append(Record(div, r["状态"], transfers))
    out.sort(key=lambda rec: (rec.division.code, -rec.division.valid_from))
    return tuple(out)


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Every division record (history included), the latest record of each code first."""
    return tuple(r.division for r in records())


@lru_cache(maxsize=1)
def _by_code() -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in divisions():
        out.setdefault(d.code, []).append(d)
    return {c: tuple(ds) for c, ds in out.items()}


def by_code(code: str | None, year: int | None = None) -> Division | None:
    """The record of ``code`` in ``year`` (the nearest one if the code did not exist that year;
    without a year the latest)."""
    if not code:
        return None
    recs = _by_code().get(code)
    if not recs:
        return NATIONAL if code == NATIONAL_CODE else None
    return recs[0] if year is None else _nearest(recs, year)


def _nearest(recs: Iterable[Division], year: int) -> Division:
    """The record valid in ``year``, else the one whose span is closest to it."""
    def distance(d: Division) -> int:
        if d.valid_in(year):
            return 0
        return d.valid_from - year if year < d.valid_from else year - (d.valid_to or year) + 1
    return min(recs, key=lambda d: (distance(d), -d.valid_from))


NATIONAL = Division(NATIONAL_CODE, "中华人民共和国", "national", None)


@lru_cache(maxsize=1)
def _predecessors() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for d in divisions():
        for s in d.successors:
            if s != d.code:
                out.setdefault(s, set()).add(d.code)
    return {k: frozenset(v) for k, v in out.items()}


def _follow(code: str | None, year: int | None, heir: Callable[[str, Division], str | None]) -> str | None:
    """Follow a retired code to the division in use, one step at a time while ``heir`` names
    the single code it continues under (None: the chain stops at this code)."""
    seen: set[str] = set()
    while code and code not in seen:
        seen.add(code)
        d = by_code(code, year)
        if d is None or d.valid_to is None:
            return code
        nxt = heir(code, d)
        if nxt is None:
            return code
        code, year = nxt, d.valid_to
    return code


def series_code(code: str | None, year: int | None = None) -> str | None:
    """The code a series continues under: a retired code's single successor, followed to the
    division in use. A code split among several successors stays itself (its area has no one
    heir), as does a code still in use."""
    def heir(code: str, d: Division) -> str | None:
        heirs = tuple(s for s in d.successors if s != code)
        return heirs[0] if len(set(d.successors)) == 1 and heirs else None

    return _follow(code, year, heir)


def identity_code(code: str | None, year: int | None = None) -> str | None:
    """The code that identifies a body's place across years: like :func:`series_code` but only
    through one-to-one changes (江宁县 → 江宁区), never through a merger, so two bodies that
    merged keep two identities for the years before."""
    def heir(code: str, d: Division) -> str | None:
        heirs = tuple(set(s for s in d.successors if s != code))
        return heirs[0] if len(heirs) == 1 and not _predecessors().get(heirs[0], frozenset()) - {code} else None

    return _follow(code, year, heir)


def ancestors(code: str | None, year: int | None = None) -> tuple[Division, ...]:
    """The division of ``code`` in ``year`` and its parents up to the province."""
    out: list[Division] = []
    d = by_code(code, year)
    while d is not None and len(out) < 4:
        out.append(d)
        d = by_code(d.parent_code, year)
    return tuple(out)


# --- names -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    full: bool


@lru_cache(maxsize=1)
def _automaton() -> tuple[ahocorasick.Automaton, dict[str, tuple[Division, ...]], dict[str, tuple[Division, ...]]]:
    full: dict[str, list[Division]] = {}
    short: dict[str, list[Division]] = {}
    for d in divisions():
        full.setdefault(d.name, []).append(d)
        if d.short != d.name and len(d.short) >= 2:
            short.setdefault(d.short, []).append(d)
    auto = ahocorasick.Automaton()
    for name in full:
        auto.add_word(name, (name, True))
    for name in short:
        if name not in full:
            auto.add_word(name, (name, False))
    auto.make_automaton()
    return auto, {k: tuple(v) for k, v in full.items()}, {k: tuple(v) for k, v in short.items()}


def mentions(text: str) -> list[Mention]:
    """Division names in ``text``, longest match first, never overlapping, in text order."""
    auto, _, _ = _automaton()
    found = []
    for end, (name, full) in auto.iter(text):
        start = end - len(name) + 1
        if not full and text[end + 1: end + 2] in _NOT_DIVISION_AFTER:
            continue
        found.append(Mention(start, end + 1, name, full))
    found.sort(key=lambda m: (-(m.end - m.start), not m.full, m.start))
    taken: list[Mention] = []
    for m in found:
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


def _candidates(m: Mention, year: int | None) -> list[Division]:
    """Divisions a mention may name: one record per code, the one of the report year."""
    _, full, short = _automaton()
    named = full.get(m.name, ()) if m.full else short.get(m.name, ())
    by: dict[str, list[Division]] = {}
    for d in named:
        by.setdefault(d.code, []).append(d)
    if year is None:  # without a year, divisions in use speak for their name
        recs = [ds[0] for ds in by.values()]
        current = [d for d in recs if d.valid_to is None]
        return current or recs
    valid = [ds for ds in by.values() if any(d.valid_in(year) for d in ds)]
    return [_nearest(ds, year) for ds in (valid or list(by.values()))]


def _pick(found: list[Mention], year: int | None, context: frozenset[str] = frozenset()) -> Division | None:
    """The most specific division the mentions name, parents telling shared names apart."""
    if any(m.full for m in found):
        found = [m for m in found if m.full]
    cands = {m: _candidates(m, year) for m in found}
    named_codes = {m: {d.code for d in ds} for m, ds in cands.items()}

    def support(d: Division, m: Mention) -> int:
        up = {a.code for a in ancestors(d.parent_code, year)}
        hits = sum(1 for other, codes in named_codes.items() if other is not m and codes & up)
        return hits + (1 if (up | {d.code}) & context else 0)

    chosen: list[tuple[int, Mention, Division]] = []
    for m, ds in cands.items():
        if not ds:
            continue
        scored = [(support(d, m), d) for d in ds]
        best = max(s for s, _ in scored)
        top = [d for s, d in scored if s == best]
        if len(top) > 1 and not m.full and best == 0:  # a short name of a city and its district: the city
            high = min(_LEVEL_RANK[d.level] for d in top)
            top = [d for d in top if _LEVEL_RANK[d.level] == high]
        if len(top) == 1:
            chosen.append((best, m, top[0]))
    if not chosen:
        return None
    return max(chosen, key=lambda c: (c[0], _LEVEL_RANK[c[2].level], len(c[2].name)))[2]


def find_in(text: str, year: int | None = None) -> Division | None:
    """The most specific division named in ``text`` (county over city over province); the nation
    for a central body (国家…, 国务院…) that names no division; None when nothing is named or a
    shared name cannot be told apart."""
    if not text:
        return None
    found = mentions(text)
    if not found:
        return NATIONAL if text.startswith(_NATIONAL_PREFIXES) else None
    return _pick(found, year)


@lru_cache(maxsize=4096)
def _named(name: str, full: bool) -> Division | None:
    """The division a name alone names (no year, no parent in sight)."""
    return _pick([Mention(0, len(name), name, full)], None)


def most_mentioned(text: str) -> Division | None:
    """The division named most often in a body text (for titles that omit the place)."""
    counts: Counter[Division] = Counter()
    for m in mentions(text):
        d = _named(m.name, m.full)
        if d is not None:
            counts[d] += 1
    best = max(counts.items(), key=lambda kv: (kv[1], _LEVEL_RANK[kv[0].level]), default=None)
    return best[0] if best else None


# --- bodies ------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def bare_name(agency: str) -> str:
    """The body's name without place names (full names anywhere, short ones in front) and with
    the usual abbreviations spelled out: 嘉兴市政府办公室 → 人民政府办公室."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", agency))
    cut = [m for m in mentions(text) if m.full or m.start == 0]
    bare = "".join(text[a:b] for a, b in _gaps(cut, len(text)))
    if bare.startswith("政府"):
        bare = "人民" + bare
    return bare.replace("政府办公厅", "人民政府办公厅").replace("人民人民", "人民") or text


def _gaps(cut: list[Mention], n: int) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in cut:
        if m.start > pos:
            out.append((pos, m.start))
        pos = max(pos, m.end)
    if pos < n:
        out.append((pos, n))
    return out


def agency_key(agency: str | None, region_code: str | None, year: int | None = None) -> str | None:
    """A stable identity of a reporting body across years: its place's identity code plus its
    name without place names, so 洪泽区人民政府 (2023 title) and 淮安市洪泽区人民政府 (2024 title)
    are one body, and 江宁县人民政府 continues as 江宁区人民政府."""
    if not agency:
        return None
    code = identity_code(region_code, year) if region_code else None
    return f"{code or '-'}:{bare_name(agency)}"


@dataclass(frozen=True)
class Placement:
    """Where a body sits in its report year, and how we know."""

    division: Division | None
    how: str          # name | name+source | body | source | national | unresolved
    note: str = ""


def place_agency(agency: str | None, year: int | None, source_code: str | None = None,
                 parsed_code: str | None = None) -> Placement:
    """The division of a reporting body in ``year``: from its name (parents named with it or the
    source's region telling shared names apart), else from the division the parser found in the
    body, else the source's own region for a body named without any place (a township or a
    department on its county's portal), else unresolved."""
    if not agency:
        return Placement(None, "unresolved", "no agency name")
    text = _SPACES.sub("", unicodedata.normalize("NFKC", agency))
    found = mentions(text)
    if found:
        d = _pick(found, year)
        if d is not None:
            return Placement(d, "name")
        for code, how in ((source_code, "name+source"), (parsed_code, "name+body")):
            if code:
                d = _pick(found, year, frozenset(a.code for a in ancestors(code, year)))
                if d is not None:
                    return Placement(d, how)
        names = "、".join(sorted({m.name for m in found}))
        return Placement(None, "unresolved", f"the name {names} is shared by several divisions")
    if text.startswith(_NATIONAL_PREFIXES):
        return Placement(NATIONAL, "national")
    if parsed_code and (d := by_code(parsed_code, year)) is not None:
        return Placement(d, "body")
    if source_code and (d := by_code(source_code, year)) is not None:
        return Placement(d, "source")
    return Placement(None, "unresolved", "no place in the name, the body or the source")
