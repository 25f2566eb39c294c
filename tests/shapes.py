"""The same report rendered in the shapes portals and archives produce (metamorphic tests).

Every truth document we hold (the seeds, the real reports of ``data/corpus``, a synthetic 2021
report filled into the official Word template, synthetic 2019 reports) is rendered from its
truth values into each shape below; the parser must give the same cells from every shape:
each cell exact or flagged, none confidently wrong. ``bench/accuracy.py`` prints the figures
per shape, ``tests/parse/test_shapes.py`` asserts them.

Shapes: HTML tables with the template's row/col spans; TRS-style cells whose text is split
over ``<p>``; the body's ``text_content()`` (one paragraph, cells glued), with and without a
crawler archive's header lines; html2text-style pipes; markdown tables (bold headings, the
caption taken for the header row); one cell per line; TAB-separated; a DOCX filled into the
official 2021 template and the PDF LibreOffice makes from it; and variants: the title removed,
spaces inside the year and the numbers, OCR-style noise in the labels, the provincial section
layout with the tables in an appendix.
"""

from __future__ import annotations

import functools
import html
import io
import json
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from tests.conftest import CORPUS
from xxgk.model import ParseResult
from xxgk.schema import (
    C6,
    C7,
    T4_PARTS,
    TABLE2_CAPTIONS,
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_ROWS,
    outcome_leaves,
)

Value = Decimal | None
Values = dict[str, dict[str, dict[str, Value]]]


@dataclass(frozen=True)
class Truth:
    name: str
    title: str
    agency: str
    year: int
    template: str  # table-2 version: "2019" | "2021"
    layout: str  # table-3 rows: "2021" | "2019" (one （六） row, also for 2021_single_other)
    values: Values
    accept: dict[tuple[str, str, str], list] = field(default_factory=dict)

    def v(self, table: str, row: str, col: str) -> Value:
        return self.values[table][row][col]


# --- truths ---------------------------------------------------------------------------------


def _dec(v: object) -> Value:
    return None if v is None else Decimal(str(v))


def corpus_truths() -> list[Truth]:
    """Every report truth of data/corpus (seeds included); documents that are no report skipped."""
    out = []
    for path in sorted(CORPUS.rglob("*.json")):
        t = json.loads(path.read_text(encoding="utf-8"))
        if "values" not in t or t.get("is_report", True) is False:
            continue
        values = {tb: {r: {c: _dec(v) for c, v in cols.items()} for r, cols in rows.items()}
                  for tb, rows in t["values"].items()}
        layout = "2019" if "other.total" in values["table3"] else "2021"
        accept = {(a["table"], a["row"], a["col"]): a["accept"] for a in t.get("ambiguous_cells", [])}
        title = t.get("title_as_printed") or f"{t['agency']}{t['report_year']}年政府信息公开工作年度报告"
        out.append(Truth(path.stem, " ".join(title.split()), t["agency"], t["report_year"], t["template_version"],
                         layout, values, accept))
    return out


def synthetic_truth(name: str, template: str, year: int, seed: int, *, agency: str = "某某市某某区人民政府办公室",
                    volume: int = 40, prev: Truth | None = None) -> Truth:
    """A report consistent under every rule: the skew of real reports (most cells 0, a few
    large; ``volume`` sets how large), signed 2019 item changes, a fee with decimals. With
    ``prev`` (the same body's report of the year before) it continues it: carried-over
    applications are last year's carried-forward ones (R17), stocks chain (R18, R19)."""
    rnd = random.Random(seed)

    def count(big: int = volume) -> Decimal:
        return Decimal(rnd.choice([0, 0, 0, 0, 1, 2, 3, rnd.randint(4, max(big, 4))]))

    layout = "2019" if template == "2019" else "2021"
    leaves = outcome_leaves(TABLE3_ROWS[layout])
    t3: dict[str, dict[str, Value]] = {r.key: {} for r in TABLE3_ROWS[layout]}
    for c in C6:
        for leaf in leaves:
            t3[leaf][c] = count() if c in ("natural_person", "commercial") or rnd.random() < 0.2 else Decimal(0)
        t3["total"][c] = sum((t3[leaf][c] for leaf in leaves), Decimal(0))
        t3["carried_forward"][c] = count(max(volume // 8, 5))
        if prev is not None:
            t3["carried_over"][c] = prev.v("table3", "carried_forward", c)
            t3["carried_forward"][c] = min(t3["carried_forward"][c], t3["total"][c] + t3["carried_forward"][c])
        else:
            t3["carried_over"][c] = min(count(5), t3["total"][c] + t3["carried_forward"][c])
        # new = handled + forward − over must not be negative: handle more when the carry is large
        short = t3["carried_over"][c] - t3["total"][c] - t3["carried_forward"][c]  # type: ignore[operator]
        if short > 0:
            t3[leaves[0]][c] += short  # type: ignore[operator]
            t3["total"][c] += short  # type: ignore[operator]
        t3["new_received"][c] = t3["total"][c] + t3["carried_forward"][c] - t3["carried_over"][c]  # type: ignore[operator]
    for r in t3.values():
        r["total"] = sum((r[c] for c in C6), Decimal(0))  # type: ignore[misc]
    t4: dict[str, dict[str, Value]] = {}
    for r, _ in TABLE4_ROWS:
        parts = {p: count(6) for p in T4_PARTS}
        t4[r] = {**parts, "total": sum(parts.values(), Decimal(0))}
    t2: dict[str, dict[str, Value]] = {}
    chained = prev is not None and prev.template == template
    for row in TABLE2_ROWS[template]:
        cols = [c.key for c in row.columns]
        last = prev.values["table2"].get(row.key) if chained and prev else None
        if "issued" in cols:
            issued, repealed = count(30), count(5)
            base = last["in_force"] if last else Decimal(rnd.randint(0, 400)) + repealed
            repealed = min(repealed, base)  # type: ignore[type-var]
            t2[row.key] = {"issued": issued, "repealed": repealed, "in_force": base + issued - repealed}
        elif "newly_made" in cols:
            made = count(30)
            t2[row.key] = {"newly_made": made, "newly_published": made, "total_published": made + rnd.randint(0, 400)}
        elif "prev_year_items" in cols:
            prev_items = last["prev_year_items"] + last["items_change"] if last else Decimal(rnd.randint(0, 3000))
            change = Decimal(rnd.randint(-int(min(prev_items, 50)), 50))
            t2[row.key] = {"prev_year_items": prev_items, "items_change": change}
            if "decisions" in cols:
                t2[row.key]["decisions"] = Decimal(rnd.randint(0, 400 * volume))
        elif "fee_amount" in cols:
            t2[row.key] = {"fee_amount": Decimal(rnd.randint(0, 9_999_999)) / Decimal(10000)}
        elif "procurement_items" in cols:
            t2[row.key] = {"procurement_items": count(100), "procurement_amount": Decimal(rnd.randint(0, 10**9))}
        else:
            t2[row.key] = {"decisions": Decimal(rnd.randint(0, 500 * volume))}
    return Truth(name, f"{agency}{year}年政府信息公开工作年度报告", agency, year, template, layout,
                 {"table2": t2, "table3": t3, "table4": t4})


def all_truths() -> list[Truth]:
    return corpus_truths() + [
        synthetic_truth("synthetic_2021", "2021", 2023, 1),
        synthetic_truth("synthetic_2019_a", "2019", 2020, 2),
        synthetic_truth("synthetic_2019_b", "2019", 2019, 3),
    ]


# --- the template's tables as grids of spanning cells ------------------------------------------


@dataclass(frozen=True)
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a value cell (numbers), not a label


Grid = list[list[GCell]]


def fmt(v: Value, spaced: bool = False) -> str:
    """A value as a report prints it; blank is empty. ``spaced``: thousands separated by spaces."""
    if v is None:
        return ""
    s = format(v.normalize(), "f") if v != v.to_integral_value() else str(int(v))
    if spaced and v == v.to_integral_value() and abs(v) >= 1000:
        s = f"{int(v):,}".replace(",", " ")
    return s


def _val(v: Value, spaced: bool) -> GCell:
    return GCell(fmt(v, spaced), value=True)


def table2_grid(t: Truth, spaced: bool = False) -> Grid:
    grid: Grid = []
    items: dict[str, list] = {}
    for row in TABLE2_ROWS[t.template]:
        items.setdefault(row.item, []).append(row)
    for item, rows in items.items():
        grid.append([GCell(TABLE2_CAPTIONS[item], colspan=4)])
        cols = rows[0].columns
        header = [GCell("信息内容")] + [GCell(c.label) for c in cols]
        if len(cols) < 3:
            header[-1] = replace(header[-1], colspan=4 - len(cols))
        grid.append(header)
        for row in rows:
            cells = [GCell(row.label)] + [_val(t.v("table2", row.key, c.key), spaced) for c in row.columns]
            if len(cols) < 3:
                cells[-1] = replace(cells[-1], colspan=4 - len(cols))
            grid.append(cells)
    return grid


_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def table3_grid(t: Truth, spaced: bool = False) -> Grid:
    rows = TABLE3_ROWS[t.layout]
    grid: Grid = [
        [GCell(_NOTE, rowspan=3, colspan=3), GCell("申请人情况", colspan=7)],
        [GCell("自然人", rowspan=2), GCell("法人或其他组织", colspan=5), GCell("总计", rowspan=2)],
        [GCell(c.label) for c in TABLE3_COLUMNS[1:6]],
    ]
    handled = [r for r in rows if r.key not in ("new_received", "carried_over", "carried_forward")]
    groups: dict[str | None, int] = {}
    for r in rows:
        groups[r.group] = groups.get(r.group, 0) + 1
    seen: set[str | None] = set()
    for r in rows:
        values = [_val(t.v("table3", r.key, c), spaced) for c in C7]
        if r.key in ("new_received", "carried_over", "carried_forward"):
            grid.append([GCell(r.label, colspan=3), *values])
            continue
        head = [GCell("三、本年度办理结果", rowspan=len(handled))] if r is handled[0] else []
        if r.group is None:
            label = "（六）其他处理" if r.key == "other.total" else r.label
            grid.append([*head, GCell(label, colspan=2), *values])
        else:
            group = [GCell(r.group, rowspan=groups[r.group])] if r.group not in seen else []
            seen.add(r.group)
            grid.append([*head, *group, GCell(r.label), *values])
    return grid


def table4_grid(t: Truth, spaced: bool = False) -> Grid:
    parts = [c.label for c in TABLE4_COLUMNS]
    return [
        [GCell("行政复议", colspan=5), GCell("行政诉讼", colspan=10)],
        [*(GCell(p, rowspan=2) for p in parts), GCell("未经复议直接起诉", colspan=5), GCell("复议后起诉", colspan=5)],
        [GCell(p) for p in parts * 2],
        [_val(t.v("table4", r, c.key), spaced) for r, _ in TABLE4_ROWS for c in TABLE4_COLUMNS],
    ]


def expand(grid: Grid) -> list[list[str]]:
    """The grid with spans expanded; copies empty (what TAB exports of merged cells hold)."""
    out: list[dict[int, str]] = [{} for _ in grid]
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while c in out[r]:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < len(out):
                        out[r + dr][c + dc] = cell.text if (dr, dc) == (0, 0) else ""
            c += cell.colspan
    return [[row[c] for c in sorted(row)] for row in out]


# --- the report around the tables ------------------------------------------------------------------


@dataclass
class Layout:
    """What a rendering needs besides the grids: paragraphs in order, with tables in place."""

    title: str | None
    blocks: list[str | tuple[str, Grid]]  # a paragraph, or ("table", grid)


def layout(t: Truth, *, title: bool = True, spaced: bool | str = False, provincial: bool = False,
           noise: Callable[[str], str] | None = None) -> Layout:
    """``spaced``: a space before 年 in the title, and (True) spaces grouping the thousands of
    every number ≥ 1000; ``"year"``: the year only."""
    y = f"{t.year} 年" if spaced else f"{t.year}年"
    printed_title = t.title.replace(f"{t.year}年", y) if title else None
    numbers = spaced is True
    grids = [table2_grid(t, numbers), table3_grid(t, numbers), table4_grid(t, numbers)]
    if noise is not None:
        grids = [[[replace(c, text=noise(c.text)) if not c.value else c for c in row] for row in g] for g in grids]
    new = t.v("table3", "new_received", "total")
    intro = (f"根据《中华人民共和国政府信息公开条例》编制本报告。本报告所列数据的统计期限自{t.year}年1月1日起"
             f"至{t.year}年12月31日止。")
    applied = f"{t.year}年，本机关共收到政府信息公开申请{fmt(new)}件。" if new is not None else "依申请公开情况见下表。"
    if not provincial:
        blocks: list[str | tuple[str, Grid]] = [
            intro, "一、总体情况", applied, "二、主动公开政府信息情况", ("table", grids[0]),
            "三、收到和处理政府信息公开申请情况", ("table", grids[1]), "四、政府信息公开行政复议、行政诉讼情况",
            ("table", grids[2]), "五、存在的主要问题及改进情况", "一是公开质量有待提高。", "六、其他需要报告的事项",
            "本年度未收取信息处理费。"]
    else:
        blocks = [
            intro, "一、总体情况", "本年度政务公开工作有序推进。", "二、工作机制保障", "健全工作机制。",
            "三、主动公开工作情况", "主动公开情况详见附表。", "四、政府信息公开申请情况", applied,
            "五、政府信息公开行政复议、行政诉讼情况", "详见附表。", "六、存在的主要问题及改进情况",
            "一是公开质量有待提高。",
            "七、其他需要报告的事项", "无。", "附：相关指标统计表", "一、主动公开政府信息情况", ("table", grids[0]),
            "二、收到和处理政府信息公开申请情况", ("table", grids[1]), "三、政府信息公开行政复议、行政诉讼情况",
            ("table", grids[2])]
    return Layout(printed_title, blocks)


# --- shapes -------------------------------------------------------------------------------------------


def _html_cell(c: GCell, trs: bool) -> str:
    attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
    text = html.escape(c.text) if c.text else "&nbsp;"
    if trs:  # TRS editors wrap every cell in <p> and break header words over several
        parts = [text] if c.value or len(c.text) < 4 else [html.escape(c.text[:2]), html.escape(c.text[2:])]
        inner = "".join(f'<p style="text-align:center">{p}</p>' for p in parts)
    else:
        inner = text
    return f"<td{attrs}>{inner}</td>"


def body_html(lay: Layout, trs: bool = False) -> str:
    out = []
    for b in lay.blocks:
        if isinstance(b, str):
            out.append(f"<p>{html.escape(b)}</p>")
        else:
            rows = "".join("<tr>" + "".join(_html_cell(c, trs) for c in row) + "</tr>" for row in b[1])
            out.append(f'<table border="1">{rows}</table>')
    return "".join(out)


def shape_html(lay: Layout, trs: bool = False) -> bytes:
    head = '<meta charset="utf-8">'
    top = ""
    if lay.title:
        t = html.escape(lay.title)
        head += f'<meta name="ArticleTitle" content="{t}"><title>{t}_门户网站</title>'
        top = f'<div class="title">{html.escape(lay.title)}</div>'
    page = (f"<html><head>{head}</head><body><div class=\"nav\">首页 &gt; 政府信息公开年报</div>{top}"
            f'<div class="TRS_Editor">{body_html(lay, trs)}</div><div class="footer">版权所有</div></body></html>')
    return page.encode("utf-8")


def _text_content(lay: Layout) -> str:
    """What ``lxml``'s ``text_content()`` of the article body gives: every text in order, glued."""
    import lxml.html

    body = lxml.html.fromstring(f"<div>{body_html(lay)}</div>")
    return body.text_content()


def shape_text_content(lay: Layout, header: bool = False) -> bytes:
    body = _text_content(lay)
    if not header:
        return ((lay.title + "\n") if lay.title else "").encode("utf-8") + body.encode("utf-8")
    lines = [f"标题: {lay.title or ''}", "发布时间: 2024-01-30 11:44", "文号: ", "发布机构: 某某机关",
             "栏目: 政府信息公开年报", "原文链接: https://www.example.gov.cn/zwgk/t20240130_1.htm",
             "本地目录: zwgk/zfxxgknb/202401/1_report", "页面链接与图片详见 links.tsv(同目录)",
             "==================== 正文 ====================", body]
    return "\n".join(lines).encode("utf-8")


def _lines(lay: Layout, table: Callable[[Grid], list[str]], para: Callable[[str], str] = str) -> bytes:
    out = [para(lay.title)] if lay.title else []
    for b in lay.blocks:
        out += [para(b)] if isinstance(b, str) else table(b[1])
    return "\n".join(out).encode("utf-8")


def shape_pipes(lay: Layout) -> bytes:
    """html2text: each row's cells in order (spans not expanded), a rule after the first row."""
    def table(g: Grid) -> list[str]:
        rows = [" | ".join(c.text for c in row) for row in g]
        return [rows[0], "---|" * (len(g[0]) - 1) + "---", *rows[1:], ""]
    return _lines(lay, table)


def shape_markdown(lay: Layout) -> bytes:
    """Markdown from an OCR/PDF converter: bold headings; the caption row becomes the header row."""
    def table(g: Grid) -> list[str]:
        rows = expand(g)
        width = max(len(r) for r in rows)
        md = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        return ["", md[0], "|" + "---|" * width, *md[1:], ""]
    return _lines(lay, table, lambda p: f"**{p}**" if p[:2] in ("一、", "二、", "三、", "四、", "五、", "六、") else p)


def shape_cell_per_line(lay: Layout) -> bytes:
    """Seeds 000/003: every cell on its own TAB-prefixed line, a blank line after each row."""
    def table(g: Grid) -> list[str]:
        out = []
        for row in g:
            out += ["\t" + c.text.replace("\n", "\n") for c in row]
            out.append("")
        return out
    return _lines(lay, table)


def shape_tab(lay: Layout) -> bytes:
    """Seed 004: one row per line, TAB between cells, merged cells leaving empty cells."""
    return _lines(lay, lambda g: ["\t".join(r) for r in expand(g)])


# --- DOCX filled into the official 2021 template, and its PDF ---------------------------------------------

TEMPLATE_DOCX = CORPUS / "template_2021.docx"
_T2_POSITIONS = {  # (table-2 row key, col key) → (row, col) in the template's first table
    ("art20_1.regulations", "issued"): (2, 1), ("art20_1.regulations", "repealed"): (2, 2),
    ("art20_1.regulations", "in_force"): (2, 3), ("art20_1.normative_documents", "issued"): (3, 1),
    ("art20_1.normative_documents", "repealed"): (3, 2), ("art20_1.normative_documents", "in_force"): (3, 3),
    ("art20_5.licensing", "decisions"): (6, 1), ("art20_6.penalty", "decisions"): (9, 1),
    ("art20_6.coercion", "decisions"): (10, 1), ("art20_8.admin_fees", "fee_amount"): (13, 1),
}


def docx_applies(t: Truth) -> bool:
    """The official template is the 2021 format with three （六） rows."""
    return t.template == "2021" and t.layout == "2021"


def _docx_targets(t: Truth) -> list[tuple[int, int, int, str]]:
    """(table, row, cell, text) of every number the template receives, by grid position."""
    out = [(0, r, c, fmt(t.v("table2", row, col))) for (row, col), (r, c) in _T2_POSITIONS.items()]
    out += [(1, 3 + i, 3 + j, fmt(t.v("table3", r.key, c)))
            for i, r in enumerate(TABLE3_ROWS["2021"]) for j, c in enumerate(C7)]
    out += [(2, 3, i, fmt(t.v("table4", r, c)))
            for i, (r, c) in enumerate((r, c.key) for r, _ in TABLE4_ROWS for c in TABLE4_COLUMNS)]
    return out


@functools.cache
def _docx_cell_index() -> dict[tuple[int, int, int], int]:
    """Where each grid position's ``w:tc`` sits in its ``w:tr`` in the template: found once,
    because python-docx resolves merged cells by walking the rows above on every ``row.cells``
    (most of the time of rendering a document)."""
    import docx

    tables = docx.Document(str(TEMPLATE_DOCX)).tables
    index = {}
    for ti, r, c, _ in _docx_targets(synthetic_truth("index", "2021", 2021, 0)):
        tc = tables[ti].rows[r].cells[c]._tc
        index[(ti, r, c)] = tables[ti]._tbl.tr_lst[r].tc_lst.index(tc)
    return index


def shape_docx(t: Truth, title: bool = True) -> bytes:
    import docx
    from docx.table import _Cell

    d = docx.Document(str(TEMPLATE_DOCX))
    paras = d.paragraphs
    paras[1].text = t.title if title else ""
    descriptions = [p for p in paras if p.text.startswith("（文字描述")]
    intro = (f"本报告所列数据的统计期限自{t.year}年1月1日起至{t.year}年12月31日止。"
             f"{t.year}年，本机关共收到政府信息公开申请{fmt(t.v('table3', 'new_received', 'total'))}件。")
    descriptions[0].text = intro
    for p in descriptions[1:]:
        p.text = "无。"
    tables = d.tables
    index = _docx_cell_index()
    for ti, r, c, text in _docx_targets(t):
        table = tables[ti]
        _Cell(table._tbl.tr_lst[r].tc_lst[index[(ti, r, c)]], table).text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_to_pdf(docxs: dict[str, bytes]) -> dict[str, bytes]:
    """PDFs LibreOffice makes from the DOCX files (one soffice run for all of them)."""
    if not docxs:
        return {}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed for the PDF shape: `make system-packages`")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for name, data in docxs.items():
            (d / f"{name}.docx").write_bytes(data)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{d}/profile", "--convert-to", "pdf",
                        "--outdir", str(d), *sorted(str(p) for p in d.glob("*.docx"))],
                       check=True, capture_output=True, timeout=600)
        return {name: (d / f"{name}.pdf").read_bytes() for name in docxs}


# --- OCR-style noise in labels -----------------------------------------------------------------------------


def ocr_noise(seed: int) -> Callable[[str], str]:
    """Label damage OCR makes: full-width digits and punctuation, l for 1 in an enumerator, a
    character dropped or doubled. Numbers are left alone (that is another test's damage)."""
    rnd = random.Random(seed)

    def damage(text: str) -> str:
        if len(text) < 4 or rnd.random() > 0.5:
            return text
        kind = rnd.choice(["fullwidth", "l1", "drop", "double"])
        if kind == "fullwidth":
            return text.translate(str.maketrans("0123456789.()", "０１２３４５６７８９．（）"))
        if kind == "l1" and text[:2] == "1.":
            return "l." + text[2:]
        i = rnd.randrange(2, len(text) - 1)
        if kind == "drop":
            return text[:i] + text[i + 1:]
        return text[:i] + text[i] + text[i:]

    return damage


# --- the matrix -------------------------------------------------------------------------------------------

# Base shapes: name → (render a layout, keeps the cells' separators). Shapes that keep
# separators must come out exact (nothing flagged); shapes that glue cells may flag what their
# text cannot decide, never more.
BASE_SHAPES: dict[str, tuple[Callable[[Layout], tuple[bytes, str]], bool]] = {
    "html": (lambda lay: (shape_html(lay), "page.html"), True),
    "html_trs_p": (lambda lay: (shape_html(lay, trs=True), "page.html"), True),
    "text_content": (lambda lay: (shape_text_content(lay), "page.txt"), False),
    "text_content_header": (lambda lay: (shape_text_content(lay, header=True), "page.txt"), False),
    "pipes": (lambda lay: (shape_pipes(lay), "page.md"), True),
    "markdown": (lambda lay: (shape_markdown(lay), "page.md"), True),
    "cell_per_line": (lambda lay: (shape_cell_per_line(lay), "page.txt"), True),
    "tab": (lambda lay: (shape_tab(lay), "page.txt"), True),
}
# Variants applied to every base shape: the report as published, without its title, with
# spaces inside the year and the numbers, with OCR noise in the labels, in a provincial layout.
VARIANTS: dict[str, Callable[[Truth], Layout]] = {
    "": layout,
    "no_title": lambda t: layout(t, title=False),
    "spaced": lambda t: layout(t, spaced=True),
    "ocr_labels": lambda t: layout(t, noise=ocr_noise(len(t.name))),
    "provincial": lambda t: layout(t, provincial=True),
}


# Where cells are glued, a space is the only trace of a cell boundary: a space inside a number
# cannot be told from one (``1 168`` is 1 | 168 or 1168). Those shapes get spaces in the year only.
VARIANTS_GLUED = {**VARIANTS, "spaced": lambda t: layout(t, spaced="year")}


def _shape(render: Callable[[Layout], tuple[bytes, str]], variant: Callable[[Truth], Layout]
           ) -> Callable[[Truth], tuple[bytes, str]]:
    return lambda t: render(variant(t))


SHAPES: dict[str, tuple[Callable[[Truth], tuple[bytes, str]], bool]] = {
    f"{base}{'_' + v if v else ''}": (_shape(render, variant), keeps)
    for base, (render, keeps) in BASE_SHAPES.items()
    for v, variant in (VARIANTS if keeps else VARIANTS_GLUED).items()
}


@dataclass
class Score:
    exact: int = 0
    flagged: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.exact + self.flagged + len(self.wrong)


FLAGGED = frozenset({"illegible", "ambiguous", "inferred"})


def score(result: ParseResult, t: Truth) -> Score:
    """Every truth cell: exact (the printed value, as printed), flagged (illegible, ambiguous,
    or inferred with the right value; 0 for a printed blank, as the rules read blanks), or
    wrong (any other value: confidently wrong)."""
    got = {(c.table, c.row, c.col): c for c in result.cells}
    s = Score()
    for table, rows in t.values.items():
        for row, cols in rows.items():
            for col, want in cols.items():
                key = (table, row, col)
                cell = got.get(key)
                allowed = [_dec(a) for a in t.accept.get(key, [])] or [want]
                if cell is None:
                    s.wrong.append(f"{key}: missing")
                elif cell.status in ("illegible", "ambiguous") or (
                        cell.status == "inferred" and (cell.value in allowed or (want is None and cell.value == 0))):
                    s.flagged += 1
                elif cell.value in allowed:
                    s.exact += 1
                else:
                    s.wrong.append(f"{key}: got {cell.value} [{cell.status} {cell.raw!r}], want {want}")
    return s


def pdf_text_layer(pdf: bytes) -> bytes:
    """The PDF's text layer as a crawler saves it (pypdfium2, no table structure): labels wrap
    over lines, a row's last numbers fall onto the next line, headers break word by word."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        tp = page.get_textpage()
        pages.append(tp.get_text_bounded().replace("\r\n", "\n"))
        tp.close()
        page.close()
    doc.close()
    return "\n".join(pages).encode("utf-8")
