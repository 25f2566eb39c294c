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
    ("total", ("总计", "合计")),
)

# Header vocabulary of table 3 (column labels and the printed 勾稽关系 note).
T3_HEADER_WORDS = (
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
    "勾稽关系", "本列数据",
)


@lru_cache(maxsize=4096)
def match_table3_row(label: str) -> str | None:
    """Canonical table-3 row key for a printed row label, or None if nothing matches."""
    n = normalize(label)
    if not n:
        return None
    bare = strip_enumerator(n)
    if bare in ("其他", "其它"):
        return "other.other"
    for key, words in _T3_KEYWORDS:
        if any(w in n for w in words):
            return key
    return None


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
    n = normalize(label)
    for key, words in _T2_KEYWORDS:
        if any(w in n for w in words):
            return key
    return None


# --- template version signals (spec §1.4) -----------------------------------------------

SIGNALS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
SIGNALS_2019 = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "第二十条第(九)项",
    "政府集中采购",
)


# --- where tables are ---------------------------------------------------------------------

# Words printed only inside the template's tables (headers and row labels, never common in
# prose): a page of a paginated format holding any of them holds part of a table.
TABLE_VOCABULARY = (
    "信息内容", "本年制发件数", "本年处理决定数量", "本年收费金额", "本年新制作数量", "上一年项目数量",
    "申请人情况", "法人或其他组织", "勾稽关系", "属于国家秘密", "不掌握相关政府信息", "没有现成信息",
    "补正后申请内容", "信访举报投诉类", "要求提供公开出版物", "逾期不补正", "结转下年度继续办理",
    "结果维持", "结果纠正", "尚未审结", "未经复议直接起诉", "复议后起诉",
)
