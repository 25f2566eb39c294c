"""Numbers the report states in prose (sections 一, 三, 四) that have a table counterpart (R20).

A fact is a phrase such as ``共收到政府信息公开申请58件`` read as *stated value* + *table
expression* (here ``table3/new_received/total``). Only phrasings listed in spec §3.2 and seen
in real reports are recognised, and a phrase whose sentence narrows the population (市本级,
区本级, 代表…, 其中网上申请) is kept but marked out of scope: a missed fact costs nothing, a
wrongly read one would raise a false alarm.
"""

from __future__ import annotations

import re
import unicodedata

from xxgk.model import Fact

# Table expressions: cell paths added up; ``group.*`` means every leaf row of that group.
NEW = ("table3/new_received/total",)
CARRIED = ("table3/carried_over/total",)
HANDLED = ("table3/total/total",)
FORWARD = ("table3/carried_forward/total",)
REVIEW = ("table4/review/total",)
LITIGATION = ("table4/litigation_direct/total", "table4/litigation_after_review/total")

_N = r"(\d+)(?:件|起)"
# (pattern, expression). Earlier patterns claim their text first, so the more specific come first.
_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"行政争议(?:案件)?(?:共)?" + _N, REVIEW + LITIGATION),
    (r"行政复议结果纠正" + _N, ("table4/review/corrected",)),
    (r"行政复议(?:案件)?(?:共)?" + _N, REVIEW),
    (r"行政诉讼(?:案件)?(?:共)?" + _N, LITIGATION),
    (r"(?:新)?(?:收到|受理)[^,。;:]{0,12}?(?:申请|公开件)(?:共计|共)?" + _N, NEW),
    (r"上年(?:度)?(?:结转|转结)(?:申请)?" + _N, CARRIED),
    (r"(?:依法)?办结(?:依申请公开)?(?:申请)?" + _N, HANDLED),
    (r"(?:结转|转)(?:至)?下年度(?:继续办理)?(?:的)?" + _N, FORWARD),
    (r"予以公开(?:的)?" + _N, ("table3/granted/total",)),
    (r"部分公开(?:的)?" + _N, ("table3/partially_granted/total",)),
    (r"不予公开(?:的)?" + _N, ("table3/denied.*/total",)),
    (r"无法提供(?:的)?" + _N, ("table3/unable.*/total",)),
    (r"不予处理(?:的)?" + _N, ("table3/not_processed.*/total",)),
    (r"其他处理(?:的)?" + _N, ("table3/other.*/total",)),
)
_MAY_STATE = re.compile(r"[\d无未]")
_COMPILED = tuple((re.compile(p), e) for p, e in _PATTERNS)
_NONE = re.compile(r"(?:全年)?无依申请公开|未收到(?:任何)?(?:政府信息公开|依申请公开)申请")
# Words that make a clause speak of another population than the tables. 本级 narrows only an
# area-wide report (a government's report covers its departments and towns; an office's does not).
_NARROWER = ("代表", "网上申请", "当面申请", "信函申请", "传真申请")
_CLAUSE = re.compile(r"[^,。;；!！?？\n]+")
# A category joined to another without its own number (予以公开及部分公开42件) states their
# sum, not its own count.
_JOINED = re.compile(r"(?:公开|提供|处理|复议|诉讼|结转)[及和与、]$")


def extract_facts(narrative: dict[int, list[str]], scope: str | None) -> list[Fact]:
    """Facts of sections 一, 三 and 四 (``narrative``: prose lines per section, tables removed)."""
    facts: list[Fact] = []
    for number in (1, 3, 4):
        previous = ""
        for text in narrative.get(number, []):
            if _is_nil(text) and "依申请公开" in previous:  # (二)依申请公开情况 / 无 (seed 002)
                facts.append(Fact(f"{previous.strip()} / {text.strip()}", NEW, 0))
            facts += facts_in(text, scope)
            previous = text
    return facts


def _is_nil(text: str) -> bool:
    return re.sub(r"[\s。.]", "", unicodedata.normalize("NFKC", text)) == "无"


def facts_in(text: str, scope: str | None = None) -> list[Fact]:
    out: list[Fact] = []
    narrower = _NARROWER + (("本级",) if scope == "area" else ())
    for clause in _CLAUSE.findall(unicodedata.normalize("NFKC", text)):
        if not _MAY_STATE.search(clause):
            continue  # no number and no 无/未: no fact to find
        s = re.sub(r"\s+", "", clause)
        in_scope = not any(w in s for w in narrower)
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, Fact]] = []
        for pattern, expression in _COMPILED:
            for m in pattern.finditer(s):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append(m.span())
                if _JOINED.search(s[: m.start()]):
                    continue
                found.append((m.start(), Fact(m.group(0), expression, int(m.group(1)), in_scope)))
        m = _NONE.search(s)
        if m and not found:
            found.append((m.start(), Fact(m.group(0), NEW, 0, in_scope)))
        out += [f for _, f in sorted(found, key=lambda x: x[0])]
    return out
