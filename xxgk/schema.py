"""Canonical key scheme of the national report template (spec ``report-format.md`` §1–§2).

Everything downstream (parsers, rules, warehouse, marts) speaks these keys, so they live
in one place. Labels here are the template's own wording; variants are handled by
:mod:`xxgk.labels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TemplateVersion = Literal["2019", "2021"]
TableName = Literal["table2", "table3", "table4"]

TABLES: tuple[TableName, ...] = ("table2", "table3", "table4")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class Table2Row:
    key: str  # "<item>.<row>", e.g. "art20_1.regulations"
    label: str
    columns: tuple[Column, ...]

    @property
    def item(self) -> str:
        return self.key.split(".", 1)[0]


# --- table 2 -------------------------------------------------------------------------

TABLE2_CAPTIONS: dict[str, str] = {
    "art20_1": "第二十条第（一）项",
    "art20_5": "第二十条第（五）项",
    "art20_6": "第二十条第（六）项",
    "art20_8": "第二十条第（八）项",
    "art20_9": "第二十条第（九）项",
}

_C21_DOCS = (
    Column("issued", "本年制发件数", "件"),
    Column("repealed", "本年废止件数", "件"),
    Column("in_force", "现行有效件数", "件"),
)
_C21_DECISIONS = (Column("decisions", "本年处理决定数量", "件"),)

_C19_DOCS = (
    Column("newly_made", "本年新制作数量", "件"),
    Column("newly_published", "本年新公开数量", "件"),
    Column("total_published", "对外公开总数量", "件"),
)
_C19_ITEMS3 = (
    Column("prev_year_items", "上一年项目数量", "项"),
    Column("items_change", "本年增/减", "项"),
    Column("decisions", "处理决定数量", "件"),
)
_C19_ITEMS2 = _C19_ITEMS3[:2]

TABLE2_ROWS: dict[TemplateVersion, tuple[Table2Row, ...]] = {
    "2021": (
        Table2Row("art20_1.regulations", "规章", _C21_DOCS),
        Table2Row("art20_1.normative_documents", "行政规范性文件", _C21_DOCS),
        Table2Row("art20_5.licensing", "行政许可", _C21_DECISIONS),
        Table2Row("art20_6.penalty", "行政处罚", _C21_DECISIONS),
        Table2Row("art20_6.coercion", "行政强制", _C21_DECISIONS),
        Table2Row("art20_8.admin_fees", "行政事业性收费",
                  (Column("fee_amount", "本年收费金额（单位：万元）", "万元"),)),
    ),
    "2019": (
        Table2Row("art20_1.regulations", "规章", _C19_DOCS),
        Table2Row("art20_1.normative_documents", "规范性文件", _C19_DOCS),
        Table2Row("art20_5.licensing", "行政许可", _C19_ITEMS3),
        Table2Row("art20_5.other_services", "其他对外管理服务事项", _C19_ITEMS3),
        Table2Row("art20_6.penalty", "行政处罚", _C19_ITEMS3),
        Table2Row("art20_6.coercion", "行政强制", _C19_ITEMS3),
        Table2Row("art20_8.admin_fees", "行政事业性收费", _C19_ITEMS2),
        Table2Row(
            "art20_9.centralized_procurement",
            "政府集中采购",
            (Column("procurement_items", "采购项目数量", "项"), Column("procurement_amount", "采购总金额", "元")),
        ),
    ),
}

# Columns whose values are money (decimals allowed) or signed; every other cell is a count.
MONEY_COLUMNS = frozenset({"fee_amount", "procurement_amount"})
SIGNED_COLUMNS = frozenset({"items_change"})

# --- table 3 -------------------------------------------------------------------------

TABLE3_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人", "件"),
    Column("commercial", "商业企业", "件"),
    Column("research", "科研机构", "件"),
    Column("social_welfare", "社会公益组织", "件"),
    Column("legal_service", "法律服务机构", "件"),
    Column("other", "其他", "件"),
    Column("total", "总计", "件"),
)
C7: tuple[str, ...] = tuple(c.key for c in TABLE3_COLUMNS)
C6: tuple[str, ...] = C7[:-1]


@dataclass(frozen=True)
class Table3Row:
    key: str
    label: str
    group: str | None = None  # label of the enclosing （三）…（六） group, if any


_T3_HEAD = (
    Table3Row("new_received", "一、本年新收政府信息公开申请数量"),
    Table3Row("carried_over", "二、上年结转政府信息公开申请数量"),
    Table3Row("granted", "（一）予以公开"),
    Table3Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    Table3Row("denied.state_secret", "1.属于国家秘密", "（三）不予公开"),
    Table3Row("denied.law_prohibited", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    Table3Row("denied.security_stability", "3.危及“三安全一稳定”", "（三）不予公开"),
    Table3Row("denied.third_party_rights", "4.保护第三方合法权益", "（三）不予公开"),
    Table3Row("denied.internal_affairs", "5.属于三类内部事务信息", "（三）不予公开"),
    Table3Row("denied.process_info", "6.属于四类过程性信息", "（三）不予公开"),
    Table3Row("denied.enforcement_file", "7.属于行政执法案卷", "（三）不予公开"),
    Table3Row("denied.admin_query", "8.属于行政查询事项", "（三）不予公开"),
    Table3Row("unable.not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    Table3Row("unable.needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供"),
    Table3Row("unable.unclear_after_correction", "3.补正后申请内容仍不明确", "（四）无法提供"),
    Table3Row("not_processed.petition", "1.信访举报投诉类申请", "（五）不予处理"),
    Table3Row("not_processed.duplicate", "2.重复申请", "（五）不予处理"),
    Table3Row("not_processed.publication", "3.要求提供公开出版物", "（五）不予处理"),
    Table3Row("not_processed.excessive", "4.无正当理由大量反复申请", "（五）不予处理"),
    Table3Row("not_processed.confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
)
_T3_OTHER_2021 = (
    Table3Row(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    Table3Row(
        "other.fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
    ),
    Table3Row("other.other", "3.其他", "（六）其他处理"),
)
_T3_OTHER_2019 = (Table3Row("other.total", "（六）其他处理"),)
_T3_TAIL = (
    Table3Row("total", "（七）总计"),
    Table3Row("carried_forward", "四、结转下年度继续办理"),
)

# Table-3 row layouts. "2021_single_other" is the real-world hybrid (spec §2.3): 2021 labels
# elsewhere, but （六）其他处理 printed as one data row keyed ``other.total``.
TABLE3_ROWS: dict[str, tuple[Table3Row, ...]] = {
    "2021": _T3_HEAD + _T3_OTHER_2021 + _T3_TAIL,
    "2019": _T3_HEAD + _T3_OTHER_2019 + _T3_TAIL,
}

NON_OUTCOME_ROWS = frozenset({"new_received", "carried_over", "total", "carried_forward"})


def outcome_leaves(rows: tuple[Table3Row, ...]) -> tuple[str, ...]:
    """Rows that partition （七）总计 (rule R03)."""
    return tuple(r.key for r in rows if r.key not in NON_OUTCOME_ROWS)


# --- table 4 -------------------------------------------------------------------------

TABLE4_ROWS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼 > 未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼 > 复议后起诉"),
)
TABLE4_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", "件"),
    Column("corrected", "结果纠正", "件"),
    Column("other", "其他结果", "件"),
    Column("pending", "尚未审结", "件"),
    Column("total", "总计", "件"),
)
T4_PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")


# --- the template as a list of cells --------------------------------------------------


@dataclass(frozen=True)
class CellKey:
    table: TableName
    row: str
    col: str
    unit: str

    @property
    def path(self) -> str:
        """``table/row/col``, the form used in rule results and ground truth."""
        return f"{self.table}/{self.row}/{self.col}"


def template_cells(table2_version: TemplateVersion, table3_layout: str) -> list[CellKey]:
    """Every template cell of a report, in printed order (2021: 200 cells, 2019: 198)."""
    cells: list[CellKey] = []
    for r in TABLE2_ROWS[table2_version]:
        cells += [CellKey("table2", r.key, c.key, c.unit) for c in r.columns]
    for r3 in TABLE3_ROWS[table3_layout]:
        cells += [CellKey("table3", r3.key, c.key, c.unit) for c in TABLE3_COLUMNS]
    for r4, _ in TABLE4_ROWS:
        cells += [CellKey("table4", r4, c.key, c.unit) for c in TABLE4_COLUMNS]
    return cells


def unit_of(table: str, row: str, col: str) -> str:
    """Canonical unit of a cell (spec §2.2): 件 unless the column says otherwise."""
    if table == "table2":
        for rows in TABLE2_ROWS.values():
            for r in rows:
                if r.key == row:
                    for c in r.columns:
                        if c.key == col:
                            return c.unit
    return "件"
