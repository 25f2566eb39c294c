"""What a report says, independent of any page chrome: title lines, narrative, table cells.

Seed reports come from ``data/corpus/seeds``: the narrative from the text file, the table cells
from the hand-checked JSON beside it (``values`` plus the raw spelling of non-plain cells), so a
page rendered here parses back to exactly the seed's ground truth whatever shape the text file
flattened the tables into. Generated reports come from :mod:`xxgk.mirror.synth`. A content
version id hashes only this model, so chrome and the page family never change it; an edit does.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from xxgk.mirror.catalogue import CORPUS_DIR, Catalogue, Report
from xxgk.mirror.tables import T3_CORNER, Cells, Labels, template_labels
from xxgk.schema import TABLE2_ROWS


@dataclass(frozen=True)
class Block:
    """One piece of a report body, in reading order.

    kind: ``title`` (centred title line), ``h`` (section heading), ``p`` (paragraph),
    ``table2``/``table3``/``table4`` (a statistics table), ``legacy_table`` (free-form
    pre-2019 statistics, rows in ``rows``), ``img`` (an illustration; text = file name)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ReportContent:
    title: str
    blocks: tuple[Block, ...]
    template: str  # 2021 | 2019 | legacy | notice
    cells: Cells = field(default_factory=dict)
    labels: Labels | None = None

    @property
    def version(self) -> str:
        """Hash of text and cells; illustrations and chrome do not count."""
        h = hashlib.sha256()
        for b in self.blocks:
            if b.kind != "img":
                h.update(f"{b.kind}\x1f{b.text}\x1f{b.rows}\x1e".encode())
        for k in sorted(self.cells):
            h.update(f"{k}\x1f{self.cells[k]}\x1e".encode())
        return h.hexdigest()[:12]

    def plain_text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kind in ("title", "h", "p"))


# --- seeds -----------------------------------------------------------------------------

_HEADINGS = (
    ("一", "总体情况"),
    ("二", "主动公开政府信息情况"),
    ("三", "收到和处理政府信息公开申请情况"),
    ("四", "行政复议"),
    ("五", "存在的主要问题"),
    ("六", "其他需要报告的事项"),
)
_NOTE = re.compile(r"\s\([a-zA-Z].*\)$")  # annotations the seed JSON adds to damaged labels


def _clean(line: str) -> str:
    """Drop markdown residue of the OCR'd seed (``#`` headings, ``-`` bullets)."""
    line = re.sub(r"^\s*#+\s*", "", line)
    line = re.sub(r"^\s*-\s+", "", line)
    return line.strip(" \t\u3000")


def _heading(line: str) -> int | None:
    for i, (num, word) in enumerate(_HEADINGS, start=1):
        if line.startswith(num + "、") and word in line and len(line) < 40:
            return i
    return None


def _narrative(text: str) -> tuple[list[str], list[Block]]:
    """Title lines and body blocks of a seed text; table sections become table blocks.

    The title is the run of short leading lines (004 splits it over two lines)."""
    lines = [line for line in (_clean(raw) for raw in text.split("\n")) if line]
    n = 0
    while n < len(lines) and len(lines[n]) <= 40 and _heading(lines[n]) is None:
        n += 1
    title = lines[:n] if "报告" in "".join(lines[:n]) else []
    blocks: list[Block] = []
    section = 0
    for line in lines[len(title) :]:
        k = _heading(line)
        if k is not None:
            section = k
            blocks.append(Block("h", line))
            if k in (2, 3, 4):
                blocks.append(Block(f"table{k}"))
        elif section not in (2, 3, 4):  # inside 2-4 is the flattened table: rendered from the JSON
            blocks.append(Block("p", line))
    return title, blocks


def _as_printed(seed: dict, template: dict) -> dict:
    """A seed's label set, or the template's when the seed's is OCR-damaged (a page rendered
    from it stands for the clean original the OCR was made from)."""
    if any(v is None or _NOTE.search(v) for v in seed.values()):
        return dict(template)
    return {**template, **seed}


def _seed_labels(lap: dict, version: str, corner: str) -> Labels:
    base = template_labels(version)
    items = list(dict.fromkeys(r.item for r in TABLE2_ROWS[version]))
    t2 = lap["table2"]
    return Labels(
        t2_captions=dict(zip(items, t2["captions"], strict=True)),
        t2_cols=_as_printed(t2["cols"], base.t2_cols),
        t2_rows=_as_printed(t2["rows"], base.t2_rows),
        t3_corner=corner,
        t3_cols=_as_printed(lap["table3_cols"], base.t3_cols),
        t3_groups=_as_printed(lap["table3_groups"], base.t3_groups),
        t3_rows=_as_printed(lap["table3_rows"], base.t3_rows),
        t4_cols=tuple(
            _as_printed(dict(enumerate(lap["table4_cols_as_printed"])), dict(enumerate(base.t4_cols))).values()
        ),
    )


def _printed(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@cache
def load_seed(seed_id: str, seeds_dir: Path = CORPUS_DIR / "seeds") -> ReportContent:
    text = (seeds_dir / f"{seed_id}.txt").read_text(encoding="utf-8")
    truth = json.loads((seeds_dir / f"{seed_id}.json").read_text(encoding="utf-8"))
    version = truth["template_version"]
    corner = next(
        (re.sub(r"[|\t].*$", "", _clean(line)) for line in text.split("\n") if "本列数据的勾稽关系" in line),
        T3_CORNER,
    )
    cells: Cells = {}
    for table, rows in truth["values"].items():
        for row, cols in rows.items():
            for col, v in cols.items():
                cells[(table, row, col)] = _printed(v)
    for c in truth["raw_nonplain_cells"]:
        cells[(c["table"], c["row"], c["col"])] = c["raw"]
    title, blocks = _narrative(text)
    return ReportContent(
        title=truth["title_as_printed"],
        blocks=tuple([Block("title", t) for t in title] + blocks),
        template=version,
        cells=cells,
        labels=_seed_labels(truth["labels_as_printed"], version, corner),
    )


# --- per report and day -----------------------------------------------------------------


def content_for(cat: Catalogue, r: Report, day: int) -> ReportContent:
    """The report's content on ``day`` (edits applied; a (图文) twin adds an illustration)."""
    base = _base(cat, r.twin_of or r.key)
    edits = [e for e in (cat.report(r.twin_of) if r.twin_of else r).edits if e.day <= day]
    if edits:
        cells = dict(base.cells)
        for e in edits:
            cells[(e.table, e.row, e.col)] = e.value
        base = replace(base, cells=cells)
    if r.twin_of:
        base = replace(base, blocks=(Block("img", f"{r.article_id}_1.png"),) + base.blocks)
    return base


def _base(cat: Catalogue, key: str) -> ReportContent:
    from xxgk.mirror import synth  # synth builds this module's types

    if key not in cat.content_cache:
        r = cat.report(key)
        if r.content.startswith("seed:"):
            made = load_seed(r.content[5:])
        elif r.content == "legacy":
            made = synth.legacy(r.agency, r.year, r.key)
        elif r.content == "notice":
            made = synth.notice(r.title, r.key)
        elif r.content == "synthetic":
            made = synth.report(r.agency, r.year, r.key)
        else:
            raise ValueError(f"{key}: {r.content} is a file, it has no content model")
        cat.content_cache[key] = made
    return cat.content_cache[key]  # type: ignore[return-value]
