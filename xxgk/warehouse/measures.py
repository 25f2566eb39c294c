"""Measures: the figures analysts compare across bodies, regions and years, defined once.

A measure is a sum of template cells, per template layout, following the spec's series rules
(report-format.md §2.2–2.3):

* （六）其他处理 is ``other.total`` in the 2019 layout (and in 2021 reports that print it as one
  row) and the sum of its three 2021 leaves otherwise: one measure, ``other_handling``,
  comparable across templates;
* the 2019 and 2021 第二十条第（一）项 columns are different quantities (本年新制作数量 is not
  本年制发件数; 对外公开总数量 is not 现行有效件数): separate measures, never comparable;
* a measure sums leaves only, never a printed subtotal or total together with its parts
  (``denied`` is the eight 不予公开 leaves, not ``denied.total``).

The definitions become the tables ``measure`` and ``measure_cell``; every mart takes its figures
from them, so the rules above hold everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.schema import TABLE2_ROWS, TABLE3_ROWS, TABLE4_ROWS


@dataclass(frozen=True)
class Measure:
    key: str
    label: str                       # Chinese label as the template prints it (or the sum it stands for)
    unit: str                        # 件 | 项 | 万元 | 元
    templates: tuple[str, ...]       # table-2 versions / table-3 layouts it exists in
    cells: dict[str, tuple[tuple[str, str, str], ...]]  # layout -> (table, row, col) summed
    description: str

    @property
    def comparable(self) -> bool:
        """Whether a series may run across the 2019 and 2021 templates."""
        return {"2019", "2021"} <= {t[:4] for t in self.templates}


_T3 = {layout: tuple(r.key for r in rows) for layout, rows in TABLE3_ROWS.items()}
_T3["2021_single_other"] = tuple(k for k in _T3["2021"] if not k.startswith("other.")) + ("other.total",)
_LAYOUTS3 = ("2019", "2021", "2021_single_other")


def _t3(rows_by_layout: dict[str, tuple[str, ...]], col: str = "total") -> dict[str, tuple[tuple[str, str, str], ...]]:
    return {lay: tuple(("table3", r, col) for r in rows) for lay, rows in rows_by_layout.items() if rows}


def _t3_row(row: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    return _t3({lay: (row,) for lay in _LAYOUTS3})


def _t3_group(prefix: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    return _t3({lay: tuple(r for r in _T3[lay] if r.startswith(prefix + ".") and r != prefix + ".total")
                for lay in _LAYOUTS3})


def _t4(rows: tuple[str, ...], col: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    return {lay: tuple(("table4", r, col) for r in rows) for lay in _LAYOUTS3}


def _t2(version: str, row: str, col: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    return {version: (("table2", row, col),)}


def _t2_both(row: str, col: str) -> dict[str, tuple[tuple[str, str, str], ...]]:
    return {v: (("table2", row, col),) for v in ("2019", "2021")}


_LIT = ("litigation_direct", "litigation_after_review")

MEASURES: tuple[Measure, ...] = (
    Measure("new_received", "一、本年新收政府信息公开申请数量", "件", _LAYOUTS3, _t3_row("new_received"),
            "Applications received this year (table 3, 总计 column)."),
    Measure("carried_over", "二、上年结转政府信息公开申请数量", "件", _LAYOUTS3, _t3_row("carried_over"),
            "Applications carried over from the previous year."),
    Measure("handled", "（七）总计", "件", _LAYOUTS3, _t3_row("total"),
            "Applications handled this year: the printed （七）总计 of 三、本年度办理结果."),
    Measure("carried_forward", "四、结转下年度继续办理", "件", _LAYOUTS3, _t3_row("carried_forward"),
            "Applications carried forward to next year."),
    Measure("granted", "（一）予以公开", "件", _LAYOUTS3, _t3_row("granted"), "Granted in full."),
    Measure("partially_granted", "（二）部分公开", "件", _LAYOUTS3, _t3_row("partially_granted"),
            "Granted in part (区分处理)."),
    Measure("denied", "（三）不予公开（八项之和）", "件", _LAYOUTS3, _t3_group("denied"),
            "Denied: the sum of the eight 不予公开 leaves (a printed subtotal is never added)."),
    Measure("unable", "（四）无法提供（三项之和）", "件", _LAYOUTS3, _t3_group("unable"),
            "Unable to provide: the sum of the three 无法提供 leaves."),
    Measure("not_processed", "（五）不予处理（五项之和）", "件", _LAYOUTS3, _t3_group("not_processed"),
            "Not processed: the sum of the five 不予处理 leaves."),
    Measure("other_handling", "（六）其他处理", "件", _LAYOUTS3,
            _t3({"2019": ("other.total",), "2021_single_other": ("other.total",),
                 "2021": ("other.no_correction", "other.fee_unpaid", "other.other")}),
            "Other handling: 2019 prints one row (other.total); 2021 prints three leaves, summed here. "
            "Comparable across templates (spec §2.3)."),
    Measure("review_total", "行政复议 总计", "件", _LAYOUTS3, _t4(("review",), "total"),
            "Administrative reviews (table 4, 总计)."),
    Measure("review_corrected", "行政复议 结果纠正", "件", _LAYOUTS3, _t4(("review",), "corrected"),
            "Reviews whose result corrected the body."),
    Measure("review_pending", "行政复议 尚未审结", "件", _LAYOUTS3, _t4(("review",), "pending"),
            "Reviews not concluded."),
    Measure("litigation_total", "行政诉讼 总计（两类之和）", "件", _LAYOUTS3, _t4(_LIT, "total"),
            "Lawsuits: 未经复议直接起诉 + 复议后起诉, each by its printed 总计."),
    Measure("litigation_corrected", "行政诉讼 结果纠正（两类之和）", "件", _LAYOUTS3, _t4(_LIT, "corrected"),
            "Lawsuits whose result corrected the body."),
    Measure("litigation_pending", "行政诉讼 尚未审结（两类之和）", "件", _LAYOUTS3, _t4(_LIT, "pending"),
            "Lawsuits not concluded."),
    Measure("licensing_decisions", "行政许可 处理决定数量", "件", ("2019", "2021"),
            _t2_both("art20_5.licensing", "decisions"), "Licensing decisions (same meaning in both templates)."),
    Measure("penalty_decisions", "行政处罚 处理决定数量", "件", ("2019", "2021"),
            _t2_both("art20_6.penalty", "decisions"), "Penalty decisions."),
    Measure("coercion_decisions", "行政强制 处理决定数量", "件", ("2019", "2021"),
            _t2_both("art20_6.coercion", "decisions"), "Coercion decisions."),
    Measure("normative_documents_issued_2021", "行政规范性文件 本年制发件数", "件", ("2021",),
            _t2("2021", "art20_1.normative_documents", "issued"), "2021 template only; not the 2019 本年新制作数量."),
    Measure("normative_documents_repealed_2021", "行政规范性文件 本年废止件数", "件", ("2021",),
            _t2("2021", "art20_1.normative_documents", "repealed"), "2021 template only."),
    Measure("normative_documents_in_force_2021", "行政规范性文件 现行有效件数", "件", ("2021",),
            _t2("2021", "art20_1.normative_documents", "in_force"), "2021 template only; not the 2019 对外公开总数量."),
    Measure("normative_documents_newly_made_2019", "规范性文件 本年新制作数量", "件", ("2019",),
            _t2("2019", "art20_1.normative_documents", "newly_made"), "2019 template only."),
    Measure("normative_documents_total_published_2019", "规范性文件 对外公开总数量", "件", ("2019",),
            _t2("2019", "art20_1.normative_documents", "total_published"), "2019 template only."),
    Measure("regulations_issued_2021", "规章 本年制发件数", "件", ("2021",),
            _t2("2021", "art20_1.regulations", "issued"), "2021 template only."),
    Measure("regulations_in_force_2021", "规章 现行有效件数", "件", ("2021",),
            _t2("2021", "art20_1.regulations", "in_force"), "2021 template only."),
    Measure("fee_amount_2021", "行政事业性收费 本年收费金额（万元）", "万元", ("2021",),
            _t2("2021", "art20_8.admin_fees", "fee_amount"),
            "2021 only (money, 万元); unrelated to the 2019 fee item counts."),
    Measure("procurement_amount_2019", "政府集中采购 采购总金额（元）", "元", ("2019",),
            _t2("2019", "art20_9.centralized_procurement", "procurement_amount"), "2019 only (money, 元)."),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)
MONEY_MEASURES = frozenset(m.key for m in MEASURES if m.unit in ("万元", "元"))


def measure_cells() -> list[tuple[str, str, str, str, str]]:
    """(measure, layout, table, row, col) rows of ``measure_cell``. ``layout`` is matched against
    the report's table-2 version for table-2 cells and its table-3 layout otherwise."""
    return [(m.key, layout, t, r, c) for m in MEASURES for layout, cells in m.cells.items() for t, r, c in cells]


def _check() -> None:
    """Every cell a measure names exists in its template (a typo would silently sum nothing)."""
    t2 = {v: {(r.key, c.key) for r in rows for c in r.columns} for v, rows in TABLE2_ROWS.items()}
    t4 = {r for r, _ in TABLE4_ROWS}
    for key, layout, table, row, col in measure_cells():
        if table == "table2":
            assert (row, col) in t2[layout], (key, row, col)
        elif table == "table3":
            assert row in _T3[layout], (key, layout, row)
        else:
            assert row in t4, (key, row)


_check()
