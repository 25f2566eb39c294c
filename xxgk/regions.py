"""Administrative divisions (GB/T 2260) used to place a report's agency.

The table (``data/regions.csv``) holds code, name, level and parent, so marts can roll county
→ city → province. Matching accepts the name without its suffix (汝州 for 汝州市; 平潭综合实验区
→ 平潭) because agencies and body texts write it that way.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGIONS_CSV = Path(__file__).resolve().parents[1] / "data" / "regions.csv"
_SUFFIXES = ("自治县", "自治州", "新区", "市", "区", "县", "省", "州", "盟", "旗")
_LEVEL_RANK = {"county": 3, "city": 2, "province": 1}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None

    @property
    def short(self) -> str:
        for s in _SUFFIXES:
            if self.name.endswith(s) and len(self.name) - len(s) >= 2:
                return self.name[: -len(s)]
        return self.name


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    with REGIONS_CSV.open(encoding="utf-8") as f:
        return tuple(Division(r["code"], r["name"], r["level"], r["parent_code"] or None) for r in csv.DictReader(f))


def find_in(text: str) -> Division | None:
    """The most specific division named in ``text`` (county over city over province).

    Full names win over short ones. A short name shared by several divisions (淮安 for 淮安市
    and 淮安区) names the higher level, the usual reading when the suffix is dropped.
    """
    full = [d for d in divisions() if d.name in text]
    if full:
        return max(full, key=lambda d: (_LEVEL_RANK[d.level], len(d.name)))
    short = [d for d in divisions() if d.short in text]
    if not short:
        return None
    owners: dict[str, list[Division]] = {}
    for d in divisions():
        owners.setdefault(d.short, []).append(d)
    unambiguous = [d for d in short if len(owners[d.short]) == 1]
    if unambiguous:
        return max(unambiguous, key=lambda d: (_LEVEL_RANK[d.level], len(d.name)))
    return min(short, key=lambda d: (_LEVEL_RANK[d.level], -len(d.name)))


def most_mentioned(text: str) -> Division | None:
    """The division named most often in a body text (for titles that omit the place)."""
    counts = {d: text.count(d.short) for d in divisions()}
    best = max(counts.items(), key=lambda kv: (kv[1], _LEVEL_RANK[kv[0].level]), default=None)
    return best[0] if best and best[1] > 0 else None


def agency_key(agency: str | None, region_code: str | None) -> str | None:
    """A stable identity of a reporting body across years: region code + agency name without
    place names, so 洪泽区人民政府 (2023 title) and 淮安市洪泽区人民政府 (2024 title) are one body."""
    if not agency:
        return None
    bare = agency
    for d in sorted(divisions(), key=lambda d: -len(d.name)):
        bare = bare.replace(d.name, "")
    return f"{region_code or '-'}:{bare or agency}"
