"""Label normalisation and label → canonical key matching (spec §2.5).

Labels reach us with full-width punctuation, spaces and line breaks inside words, straight or
curly quotes, OCR misspellings and truncations. Matching therefore works on a normalised form
and on *distinctive keywords* rather than whole strings; the table mappers then check that
matches come in template order, which catches the rare keyword collision.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+", re.UNICODE)
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]+\)|\d+[.、)]|\(\d+\))")


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """NFKC, no whitespace of any kind (NBSP, U+3000, line breaks), no quotes. Cached: labels
    repeat on every row a span covers."""
    t = unicodedata.normalize("NFKC", text)
    t = _WS.sub("", t).replace("\u00a0", "").replace("\u3000", "")
    return t.translate(_QUOTES)


def strip_enumerator(norm: str) -> str:
    """``1.属于国家秘密`` → ``属于国家秘密``; ``(七)总计`` → ``总计`` (input already normalised)."""
    return _ENUM.sub("", norm, count=1)


# --- table 3 rows ----------------------------------------------------------------------

# (key, keywords): the first key with any keyword contained in the normalised label wins.
# Order matters only where one keyword could appear in another row's label; those cases are
# ordered deliberately (e.g. 逾期不补正 before 不予处理 leaves, 结转下年度 before 上年结转).
_T3_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new_received", ("本年新收", "新收申请", "新收政府信息公开申请")),
    ("carried_forward", ("结转下年度", "转结下年度", "下年度继续办理")),
    ("carried_over", ("上年结转", "上年转结")),
    ("granted", ("予以公开",)),
    ("partially_granted", ("部分公开",)),
    ("denied.state_secret", ("国家秘密",)),
    ("denied.law_prohibited", ("禁止公开", "法律行政法规", "法律行政止公开", "法律行政")),
    ("denied.security_stability", ("三安全一稳定", "三安全", "一稳定")),
    ("denied.third_party_rights", ("第三方",)),
    ("denied.internal_affairs", ("内部事务",)),
    ("denied.process_info", ("过程性",)),
    ("denied.enforcement_file", ("执法案卷",)),
    ("denied.admin_query", ("查询事项",)),
    ("unable.not_held", ("不掌握",)),
    ("unable.needs_creation", ("另行制作", "没有现成")),
    ("unable.unclear_after_correction", ("仍不明确", "补正后申请")),
    ("other.no_correction", ("逾期不补正", "不补正")),
    ("other.fee_unpaid", ("缴纳费用", "收费通知")),
    ("not_processed.petition", ("信访举报", "举报投诉", "信访")),
    ("not_processed.duplicate", ("重复申请",)),
    ("not_processed.publication", ("出版物",)),
    ("not_processed.excessive", ("大量反复", "反复申请")),
    ("not_processed.confirm_or_reissue", ("重新出具", "确认或重新", "已获取信息")),
    ("other.total", ("其他处理",)),
    ("total", ("总计", "合计")),  # matched by _TOTAL: only as a row label, never the column header
)

# Header vocabulary of table 3 (column labels and the printed 勾稽关系 note).
T3_HEADER_WORDS = (
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
    "勾稽关系", "本列数据",
)
# Words of table 4's header (and of its row labels when it is printed transposed).
T4_HEADER_WORDS = (
    "行政复议", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉", "行政诉讼",
)


@lru_cache(maxsize=4096)
def match_table3_row(label: str) -> str | None:
    """Canonical table-3 row key for a printed row label, or None if nothing matches."""
    keys = match_table3_rows(normalize(label))
    return keys[-1] if keys else None


_TOTAL = re.compile(r"(?:\(七\)|七\)|办理结果)\s*(?:总计|合计)|^(?:总计|合计)")
_OTHER_LEAF = re.compile(r"^(?:\d{1,2}[.、])?(?:其他|其它)$")


@lru_cache(maxsize=8192)
def match_table3_rows(norm: str) -> list[str]:
    """Every table-3 row a normalised label text names, in printed order.

    One piece of label text can name several rows: labels printed one per line with their
    numbers below (PDF text layers), or a merged OCR line. A bare ``总计``/``其他`` is the
    column header; only ``（七）总计`` and a ``3.其他`` leaf are rows.
    """
    if not norm:
        return []
    hits: list[tuple[int, int, str]] = []
    for key, words in _T3_KEYWORDS:
        if key == "total":
            continue
        for w in words:
            for m in re.finditer(re.escape(w), norm):
                if not any(a < m.end() and m.start() < b for a, b, _ in hits):
                    hits.append((m.start(), m.end(), key))
    bare = strip_enumerator(norm)
    if (m := _TOTAL.search(norm)) or (m := _TOTAL.search(bare)):
        hits.append((m.start(), m.end(), "total"))
    if _OTHER_LEAF.match(norm) or _OTHER_LEAF.match(bare):
        hits.append((0, len(norm), "other.other"))
    out: list[str] = []
    for _, _, key in sorted(hits):
        if not out or out[-1] != key:
            out.append(key)
    return out


def is_table3_header(label: str) -> bool:
    """Column-header text. A bare ``总计``/``其他`` is the column; with an enumerator
    (``（七）总计``, ``3.其他``) it is a row label, which an unfilled row must stay."""
    n = normalize(label)
    return any(w in n for w in T3_HEADER_WORDS) or n in ("总计", "其他", "合计")


# --- table 2 ---------------------------------------------------------------------------

_T2_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("art20_1.normative_documents", ("规范性文件",)),
    ("art20_1.regulations", ("规章",)),
    ("art20_5.licensing", ("行政许可",)),
    ("art20_5.other_services", ("对外管理服务",)),
    ("art20_6.penalty", ("行政处罚",)),
    ("art20_6.coercion", ("行政强制",)),
    ("art20_8.admin_fees", ("事业性收费",)),
    ("art20_9.centralized_procurement", ("集中采购", "政府采购")),
)


def match_table2_row(label: str) -> str | None:
    keys = match_table2_rows(normalize(label))
    return keys[-1] if keys else None


@lru_cache(maxsize=4096)
def match_table2_rows(norm: str) -> list[str]:
    """Every table-2 row a normalised label text names, in printed order."""
    hits: list[tuple[int, int, str]] = []
    for key, words in _T2_KEYWORDS:
        for w in words:
            for m in re.finditer(re.escape(w), norm):
                if not any(a < m.end() and m.start() < b for a, b, _ in hits):
                    hits.append((m.start(), m.end(), key))
    out: list[str] = []
    for _, _, key in sorted(hits):
        if not out or out[-1] != key:
            out.append(key)
    return out


# --- template version signals (spec §1.4) -----------------------------------------------

SIGNALS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
SIGNALS_2019 = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "第二十条第(九)项",
    "政府集中采购",
)
# Text that opens table 2: its captions, its first header cell, its column headers.
TABLE2_MARKERS = ("第二十条", "信息内容", "处理决定数量", *SIGNALS_2021, *SIGNALS_2019[:5])


# --- where tables are ---------------------------------------------------------------------

# Words printed only inside the template's tables (headers and row labels, never common in
# prose): a page of a paginated format holding any of them holds part of a table.
TABLE_VOCABULARY = (
    "信息内容", "本年制发件数", "本年处理决定数量", "本年收费金额", "本年新制作数量", "上一年项目数量",
    "申请人情况", "法人或其他组织", "勾稽关系", "属于国家秘密", "不掌握相关政府信息", "没有现成信息",
    "补正后申请内容", "信访举报投诉类", "要求提供公开出版物", "逾期不补正", "结转下年度继续办理",
    "结果维持", "结果纠正", "尚未审结", "未经复议直接起诉", "复议后起诉",
)
