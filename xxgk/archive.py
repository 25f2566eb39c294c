"""Importing an existing archive of report pages (``xxgk import DIR``).

Public crawler archives lay a portal out as one folder per article holding ``page.html``
(the page), ``page.txt`` (its text export: header lines, then the body flattened into one
paragraph), ``links.tsv`` (links and images found on the page) and the attachments; other
collections are plain files. An article folder is **one report in several shapes**: each shape
is parsed, the best reading kept, and the shapes compared cell by cell; a disagreement is an
issue on the report, never settled silently. Folder names carry the article's title
(``80578_平潭…2020年政府信息公开工作年度报告``), passed to the parser as the crawler's title hint.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.model import Issue, ParseResult

# Files that describe an article rather than hold it.
METADATA_FILES = frozenset({"links.tsv", "MANIFEST.tsv", "manifest.jsonl", "README.md", "meta.json", "index.json"})
_PAGE_FILES = ("page.html", "page.htm", "page.txt")
_DOC_ID = re.compile(r"^\d+[_\-\s]+")
# Which shape to trust when several parse: structure first (cells with printed boundaries).
_PREFERENCE = {".html": 0, ".htm": 0, ".docx": 1, ".pdf": 2, ".doc": 3, ".wps": 3, ".txt": 4}


@dataclass
class Article:
    """One report as an archive holds it: its folder (or file) and its shapes."""

    path: Path
    title_hint: str | None
    files: list[Path]


@dataclass
class Imported:
    article: Article
    result: ParseResult  # the reading kept (the most structured shape that parsed)
    shape: str  # file name of that shape
    others: dict[str, str] = field(default_factory=dict)  # other shapes → their outcome
    disagreements: list[str] = field(default_factory=list)


def articles(root: Path) -> Iterator[Article]:
    """Article folders (holding a page.html/page.txt) and the loose files outside them.

    One pass of ``scandir`` over the tree (a nightly directory source walks its whole archive:
    globbing it once per page name and once more for loose files cost four walks and a ``stat``
    per file). Symlinked folders are not followed (a link loop cannot hang the night)."""
    folders: list[tuple[Path, list[Path]]] = []
    loose: list[Path] = []
    stack = [str(root)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError:  # vanished or unreadable: the files under it are not seen tonight
            continue
        files = [Path(e.path) for e in entries if e.is_file() and e.name not in METADATA_FILES
                 and not e.name.startswith(".")]
        stack += [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        if any(p.name in _PAGE_FILES for p in files):
            folders.append((Path(here), sorted(files)))
        else:
            loose += files
    for folder, files in sorted(folders):
        yield Article(folder, _DOC_ID.sub("", folder.name).strip() or None, files)
    for p in sorted(loose):
        yield Article(p, _DOC_ID.sub("", p.stem).strip() or None, [p])


def import_article(article: Article) -> Imported:
    from xxgk.parse.api import parse_bytes  # the crawler uses articles() without the parser
    from xxgk.parse.metadata import Hints

    hints = Hints(title=article.title_hint)
    results = {p.name: parse_bytes(p.read_bytes(), p.name, str(p), hints) for p in article.files}
    ranked = sorted(results, key=lambda n: (_rank(results[n]), _PREFERENCE.get(Path(n).suffix.lower(), 5)))
    kept = ranked[0]
    out = Imported(article, results[kept], kept, {n: results[n].outcome for n in ranked[1:]})
    for name in ranked[1:]:
        out.disagreements += [f"{name}: {d}" for d in disagreements(results[kept], results[name])]
    if out.disagreements:
        shown = "; ".join(out.disagreements[:5])
        out.result.issues.append(Issue("shapes_disagree", f"{len(out.disagreements)} cells differ between the "
                                                          f"shapes of this article: {shown}"))
    return out


def _rank(r: ParseResult) -> int:
    return {"parsed": 0, "partial": 1, "tables_unreadable": 2, "not_a_report": 3, "unreadable": 4}[r.outcome]


def disagreements(a: ParseResult, b: ParseResult) -> list[str]:
    """Cells both shapes read as printed numbers, with different values."""
    if not (a.cells and b.cells):
        return []
    theirs = {c.path: c for c in b.cells}
    out = []
    for c in a.cells:
        d = theirs.get(c.path)
        if d is not None and c.status == d.status == "reported" and c.value != d.value:
            out.append(f"{c.path} {c.value} vs {d.value}")
    return out


@dataclass
class ImportSummary:
    imported: list[Imported]

    def counts(self) -> Counter[str]:
        return Counter(i.result.outcome for i in self.imported)

    def lines(self) -> list[str]:
        """What was found, parsed, flagged and set aside: one line per article, then totals."""
        out = []
        for i in self.imported:
            r = i.result
            flagged = sum(c.status in ("illegible", "ambiguous", "inferred") for c in r.cells)
            failing = sorted({x.rule for x in r.rules if x.status == "fail"})
            reason = next((x.message for x in r.issues if x.code == "not_a_report"), "")
            what = (f"{len(r.cells)} cells, {flagged} flagged, failing {','.join(failing) or '-'}"
                    if r.cells else reason)
            out.append(f"{r.outcome:<17} {r.report.year or '-':<5} {(r.report.agency or '-')[:28]:<28} {what}"
                       + (f"  [shapes disagree: {len(i.disagreements)}]" if i.disagreements else ""))
        c = self.counts()
        out.append(f"found {len(self.imported)} articles: " + ", ".join(f"{v} {k}" for k, v in sorted(c.items())))
        return out


def import_archive(root: Path) -> ImportSummary:
    return ImportSummary([import_article(a) for a in articles(root)])
