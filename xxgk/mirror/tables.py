"""The three statistics tables as grids of merged cells, laid out like the national template.

Real report pages print 表二/表三/表四 as HTML tables with heavy ``rowspan``/``colspan``
(portals.md §2, report-format.md §1); the simulator must reproduce those merges so that the
extractor's span expansion is exercised. One layout feeds both the HTML and the Word renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from xxgk.schema import C6, C7, TABLE2_CAPTIONS, TABLE2_ROWS, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_COLUMNS, TABLE4_ROWS

Cells = dict[tuple[str, str, str], str]  # (table, row, col) -> text as printed


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


Grid = list[list[Cell]]


@dataclass(frozen=True)
class Labels:
    """Header and row labels as a report prints them (seeds keep their own variants)."""

    t2_captions: dict[str, str]
    t2_cols: dict[str, str]
    t2_rows: dict[str, str]
    t3_corner: str
    t3_cols: dict[str, str]
    t3_groups: dict[str, str]
    t3_rows: dict[str, str]
    t4_cols: tuple[str, ...]


T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_GROUPS = {
    "outcomes": "三、本年度办理结果",
    "denied": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


def template_labels(version: str) -> Labels:
    """The template's own wording, used for generated reports."""
    cols: dict[str, str] = {}
    for r in TABLE2_ROWS[version]:
        for c in r.columns:
            cols[c.key] = c.label
    return Labels(
        t2_captions=dict(TABLE2_CAPTIONS),
        t2_cols=cols,
        t2_rows={r.key: r.label for r in TABLE2_ROWS[version]},
        t3_corner=T3_CORNER,
        t3_cols={c.key: c.label for c in TABLE3_COLUMNS},
        t3_groups=dict(T3_GROUPS),
        t3_rows={r.key: r.label for r in TABLE3_ROWS[version]},
        t4_cols=tuple(c.label for c in TABLE4_COLUMNS) * 3,
    )


def table2(version: str, cells: Cells, lb: Labels) -> Grid:
    """表二: one block per 第二十条 item, 4 columns wide (caption row, header row, data rows)."""
    grid: Grid = []
    rows = TABLE2_ROWS[version]
    for item in dict.fromkeys(r.item for r in rows):
        item_rows = [r for r in rows if r.item == item]
        grid.append([Cell(lb.t2_captions[item], colspan=4)])
        grid.append([Cell("信息内容")] + _spread([lb.t2_cols[c.key] for c in item_rows[0].columns]))
        for r in item_rows:
            grid.append(
                [Cell(lb.t2_rows[r.key])] + _spread([cells.get(("table2", r.key, c.key), "") for c in r.columns])
            )
    return grid


def _spread(texts: list[str]) -> list[Cell]:
    """Fill three value columns; the last text spans what is left."""
    out = [Cell(t) for t in texts[:-1]]
    return out + [Cell(texts[-1], colspan=4 - len(texts))]


def table3(version: str, cells: Cells, lb: Labels) -> Grid:
    """表三: 3 label columns + 7 data columns under a 3-row header block."""
    c = lb.t3_cols
    grid: Grid = [
        [Cell(lb.t3_corner, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell(c["natural_person"], rowspan=2), Cell("法人或其他组织", colspan=5), Cell(c["total"], rowspan=2)],
        [Cell(c[k]) for k in C6[1:]],
    ]
    rows = TABLE3_ROWS[version]
    outcome_rows = [r for r in rows if r.key not in ("new_received", "carried_over", "carried_forward")]
    group_sizes: dict[str, int] = {}
    for r in rows:
        if r.group:
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    seen_groups: set[str] = set()
    for r in rows:
        values = [Cell(cells.get(("table3", r.key, k), "")) for k in C7]
        label = Cell(lb.t3_rows[r.key])
        if r.key in ("new_received", "carried_over", "carried_forward"):
            grid.append([Cell(label.text, colspan=3)] + values)
            continue
        row: list[Cell] = []
        if r is outcome_rows[0]:
            row.append(Cell(lb.t3_groups["outcomes"], rowspan=len(outcome_rows)))
        if r.group:
            if r.group not in seen_groups:
                seen_groups.add(r.group)
                row.append(Cell(_group_label(r.group, lb), rowspan=group_sizes[r.group]))
            row.append(label)
        else:
            row.append(Cell(label.text, colspan=2))
        grid.append(row + values)
    return grid


def _group_label(group: str, lb: Labels) -> str:
    key = {v: k for k, v in T3_GROUPS.items()}[group]
    return lb.t3_groups[key]


def table4(cells: Cells, lb: Labels) -> Grid:
    """表四: 15 columns; 行政复议's five headers span the two lower header rows."""
    h = lb.t4_cols
    values = [
        Cell(cells.get(("table4", row, col), ""))
        for row, _ in TABLE4_ROWS
        for col in ("upheld", "corrected", "other", "pending", "total")
    ]
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [Cell(t, rowspan=2) for t in h[:5]] + [Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(t) for t in h[5:]],
        values,
    ]


def simple(rows: list[list[str]]) -> Grid:
    """A plain table without merges (the free-form statistics of pre-2019 reports)."""
    return [[Cell(t) for t in row] for row in rows]


def placed(grid: Grid) -> list[tuple[int, int, Cell]]:
    """Absolute (row, col) of every cell, honouring the spans above it (HTML table layout)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def width(grid: Grid) -> int:
    return max(c + cell.colspan for _, c, cell in placed(grid))
