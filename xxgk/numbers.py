"""Cell text → number and status, exactly as printed (spec §2.1, §5.4–§5.7).

Truthful numbers: a value is returned only when the text *is* a number (after NFKC and
whitespace removal, with an optional sign word or unit the column allows); anything else is
``illegible`` with the raw text kept. Blank and placeholder cells are told apart because R11
reports them differently from OCR loss.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

PLACEHOLDERS = frozenset({"/", "-", "--", "—", "——", "–", "―", "N/A", "n/a", "NA", "无", "不适用", "空"})

_NUM = re.compile(
    r"^(?P<sign>[+\-]|增|减|增加|减少)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>万元|元|件|项|个|次|条)?$"
)
_ZERO_WORDS = frozenset({"无变化", "持平"})
_WS = re.compile(r"\s+", re.UNICODE)


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal | None
    status: str  # reported | blank | placeholder | illegible
    note: str = ""


@lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """NFKC and no whitespace: ``'\\u00a01 '`` → ``'1'``, ``'１２'`` → ``'12'``, ``'1，234'`` → ``'1,234'``."""
    t = unicodedata.normalize("NFKC", text)
    return _WS.sub("", t).replace("\u00a0", "").replace("\u3000", "")


@lru_cache(maxsize=8192)
def parse_number(text: str, unit: str = "件") -> ParsedNumber:
    """Read one cell. ``unit`` is the column's canonical unit (件, 项, 万元, 元).

    Money written in the other money unit is converted (元 under a 万元 header and vice versa)
    and noted, never silently. Cached: a report repeats the same few cell texts hundreds of
    times, and the result is immutable.
    """
    t = clean(text)
    if t == "":
        return ParsedNumber(None, "blank")
    if t in PLACEHOLDERS or set(t) <= {"-", "—", "/", "–"}:
        return ParsedNumber(None, "placeholder")
    if t in _ZERO_WORDS:
        return ParsedNumber(Decimal(0), "reported", f"word {t!r} read as 0")
    m = _NUM.match(t)
    if not m:
        return ParsedNumber(None, "illegible", "not a number")
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits valid decimals
        return ParsedNumber(None, "illegible", "not a number")
    if m["sign"] in ("-", "减", "减少"):
        value = -value
    note = ""
    printed_unit = m["unit"]
    if printed_unit and printed_unit != unit:
        if unit == "万元" and printed_unit == "元":
            value, note = value / Decimal(10000), "printed in 元, converted to 万元"
        elif unit == "元" and printed_unit == "万元":
            value, note = value * Decimal(10000), "printed in 万元, converted to 元"
        elif printed_unit in ("万元", "元") or unit in ("万元", "元"):
            return ParsedNumber(None, "illegible", f"unit {printed_unit} under a {unit} column")
    return ParsedNumber(value, "reported", note)


def is_value_text(text: str) -> bool:
    """True for cells that hold a value, a blank or a placeholder (not a label)."""
    return parse_number(text).status != "illegible" or _looks_numeric(clean(text))


def _looks_numeric(t: str) -> bool:
    """Money in a count column (``12元``) is still a value cell, only not a count."""
    return bool(_NUM.match(t))
