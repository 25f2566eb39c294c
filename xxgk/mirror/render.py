"""HTML rendering shared by the families: page templates, report bodies, tables, chrome.

Page templates in ``data/mirror/templates`` are cut down from the real captured pages of each
CMS family (corpus/portal-pages); ``{{name}}`` slots are filled here. Bodies are rendered the
way real report pages print them: ``<p style="text-indent:2em">`` paragraphs, bold section
headings, and bordered tables with rowspan/colspan (cf. the real 平潭 pages).
"""

from __future__ import annotations

import html
import re
import time
from functools import cache
from pathlib import Path

from xxgk.mirror import tables
from xxgk.mirror.catalogue import DATA_DIR
from xxgk.mirror.content import ReportContent

_SLOT = re.compile(r"\{\{(\w+)\}\}")
_TD = 'style="padding:5px;border:1px solid windowtext" valign="center"'


@cache
def _template(name: str, root: Path = DATA_DIR / "templates") -> str:
    return (root / name).read_text(encoding="utf-8")


def fill(name: str, **slots: object) -> str:
    """Fill a page template; a slot without a value is a bug, not an empty string."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in slots:
            raise KeyError(f"{name}: no value for slot {m.group(1)}")
        return str(slots[m.group(1)])

    return _SLOT.sub(sub, _template(name))


def esc(text: str) -> str:
    """HTML-escape, writing NBSP the way CMS editors store it."""
    return html.escape(text, quote=True).replace("\u00a0", "&nbsp;")


def cell_html(text: str) -> str:
    return "<br/>".join(esc(part) for part in text.split("\n"))


def table_html(grid: tables.Grid) -> str:
    rows = []
    for i, row in enumerate(grid):
        tds = []
        for cell in row:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            tds.append(f'<td{span} {_TD}><p style="text-indent: 0em;">{cell_html(cell.text)}</p></td>')
        cls = ' class="firstRow"' if i == 0 else ""
        rows.append(f"<tr{cls}>{''.join(tds)}</tr>")
    return (
        '<table style="border-collapse:collapse;border:none" cellspacing="0" align="center" border="1">'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def grid_for(content: ReportContent, kind: str) -> tables.Grid:
    assert content.labels is not None
    if kind == "table2":
        return tables.table2(content.template, content.cells, content.labels)
    if kind == "table3":
        return tables.table3(content.template, content.cells, content.labels)
    return tables.table4(content.cells, content.labels)


def body_html(content: ReportContent, img_base: str = "") -> str:
    """The report body as an editor would have saved it."""
    out = []
    for b in content.blocks:
        if b.kind == "title":
            out.append(f'<p style="text-align: center;"><strong>{esc(b.text)}</strong></p>')
        elif b.kind == "h":
            out.append(f'<p style="text-indent: 2em;"><strong>{esc(b.text)}</strong></p>')
        elif b.kind == "p":
            out.append(f'<p style="text-indent: 2em;">{esc(b.text)}</p>')
        elif b.kind == "img":
            out.append(f'<p style="text-align: center;"><img src="{img_base}{esc(b.text)}" alt="" /></p>')
        elif b.kind == "legacy_table":
            out.append(table_html(tables.simple([list(r) for r in b.rows])))
        else:
            out.append(table_html(grid_for(content, b.kind)))
    return "".join(out)


def cover_html(title: str, links: list[str]) -> str:
    """A short cover note whose report is only in the attachment (portals.md §2, split reports)."""
    return f'<p style="text-indent: 2em;">{esc(title)}全文详见附件。</p>' + attachment_links_html(links)


def attachment_links_html(links: list[str]) -> str:
    return "".join(f'<p style="text-indent: 2em;">附件：{a}</p>' for a in links)


def now_ms() -> int:
    """Page chrome timestamp (fault F16: differs on every response)."""
    return time.time_ns() // 1_000_000


def maketime() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")
