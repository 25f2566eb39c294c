"""Portal article pages (TRS, Hanweb, SiteServer …) → :class:`~xxgk.document.Document`.

Speed is why this is lxml only: a portal page is ~100 KB of navigation around a ~20 KB report,
so the article body is cut out first (the CMS families' body containers, in order of
specificity) and only that subtree is walked. lxml's HTML parser is as lenient as
BeautifulSoup's lxml builder (it *is* that builder's parser), so nothing is gained by handing
the body to BeautifulSoup afterwards.

Tables become span-expanded grids (each copy keeps the ``origin`` of its source cell). Inside
a cell, ``<p>``/``<br>``/``<div>`` boundaries become line breaks, so a label split over
paragraphs (``商业<br>企业``) stays one cell; a cell of only ``&nbsp;`` keeps its NBSP and
reads as blank downstream. Layout tables (a table holding tables) are walked as containers.
"""

from __future__ import annotations

import re

import lxml.etree

from xxgk.charset import decode
from xxgk.crawl.classify import is_challenge
from xxgk.document import Block, Document, GridCell, Paragraph, Table
from xxgk.extract import limits
from xxgk.extract.errors import NotAReport

# Article-body containers of the CMS families, most specific first (portal-pages/README.md).
_BODY_XPATHS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='zoom']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' main-txt ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' bt-content ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article_con ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]",
    "//*[@id='content' or @id='UCAP-CONTENT' or @id='js_content']",
)
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "center", "blockquote", "pre", "dl", "dt", "dd", "tr", "hr", "header", "footer", "caption",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "title", "head", "iframe", "object"})
_ASCII_WS = re.compile(r"[ \t\r\n\f\v]+")  # source formatting only: NBSP and U+3000 are content
_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True)
_BREAK = "\ue000"  # private-use marker for a block boundary (source newlines are only spacing)
_TITLE_META = ("ArticleTitle", "title", "Title")
_DATE_META = ("PubDate", "pubdate", "firstpublishedtime", "publishdate")


def extract_html(data: bytes) -> Document:
    text, codec = decode(data)
    if is_challenge(200, text):
        raise NotAReport("anti-bot challenge or empty page shell, not an article", "challenge_page")
    root = _parse(text)
    title = _meta(root, _TITLE_META)
    body = _article_body(root)
    blocks = _Walker().run(body)
    return Document(
        blocks=blocks,
        media_type="text/html",
        title_hint=title,
        page_titles=[] if title and "信息公开" in title else _page_titles(root),
        published_hint=_meta(root, _DATE_META),
        notes=[f"charset {codec}"],
    )


def _parse(text: str) -> lxml.etree._Element:
    """The page as plain lxml elements: lxml.html's element classes cost a Python lookup per
    element touched, a third of the walk, and nothing here needs their methods."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)  # lxml refuses str with an encoding decl
    root = lxml.etree.fromstring(text, _PARSER) if text.strip() else None
    return root if root is not None else lxml.etree.fromstring("<html></html>", _PARSER)


def _article_body(root: lxml.etree._Element) -> lxml.etree._Element:
    """The first body container with real content; the whole ``<body>`` if none matches."""
    for xp in _BODY_XPATHS:
        for el in root.xpath(xp):
            if el.xpath("string-length(normalize-space(.))") >= 50:
                return el
    body = root.find("body")
    return body if body is not None else root


# Visible title elements of the CMS families' article pages, most specific first.
_TITLE_XPATHS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-title ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' title ')]",
    "//h1", "//h2",
)


def _page_titles(root: lxml.etree._Element) -> list[str]:
    """Titles the page shows besides its metadata: the visible title element, then ``<title>``
    (pages saved without their ``<meta name=ArticleTitle>`` still carry these)."""
    out = []
    for xp in _TITLE_XPATHS:
        for el in root.xpath(xp)[:3]:
            text = lxml.etree.tostring(el, method="text", encoding="unicode", with_tail=False)
            text = _ASCII_WS.sub(" ", text).strip()
            if 0 < len(text) <= 120:
                out.append(text)
    title = root.find(".//title")
    if title is not None and title.text and title.text.strip():
        out.append(_ASCII_WS.sub(" ", title.text).strip())
    return out


def _meta(root: lxml.etree._Element, names: tuple[str, ...]) -> str | None:
    wanted = {n.lower() for n in names}
    for el in root.iter("meta"):
        if (el.get("name") or "").lower() in wanted:
            content = _ASCII_WS.sub(" ", el.get("content") or "").strip()
            if content:
                return content
    return None


class _Walker:
    """Turns a body subtree into paragraphs and tables in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.tables = 0

    def run(self, el: lxml.etree._Element) -> list[Block]:
        self._walk(el)
        self._flush()
        return self.blocks

    def _flush(self) -> None:
        text = _ASCII_WS.sub(" ", "".join(self.line)).strip(" ")
        if text.strip():
            self.blocks.append(Paragraph(text))
        self.line = []

    def _walk(self, el: lxml.etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:  # entities and the like have no str tag
            return
        if tag == "table" and not el.xpath(".//table"):
            self._flush()
            self.tables += 1
            self.blocks.append(table_grid(el, self.tables))
            return
        block = tag in _BLOCK_TAGS or tag in ("table", "td", "th")
        if block:
            self._flush()
        if el.text:
            self.line.append(el.text)
        for child in el:
            self._walk(child)
            if child.tail:
                self.line.append(child.tail)
        if block:
            self._flush()


def table_grid(table: lxml.etree._Element, number: int) -> Table:
    """A ``<table>`` as a grid with row/col spans expanded (copies carry the origin)."""
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    grid: list[dict[int, GridCell]] = [{} for _ in rows]
    cells = 0  # grid positions written so far, checked before each span is expanded
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while c in grid[r]:
                c += 1
            rowspan = _span(td.get("rowspan"), len(rows) - r)
            colspan = _span(td.get("colspan"), 200)
            cells += rowspan * colspan
            limits.check(f"html table #{number}: span-expanded cells", cells, limits.MAX_TABLE_CELLS)
            text = cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[r + dr][c + dc] = GridCell(text, r + dr, c + dc, (r, c))
            c += colspan
    return Table(rows=[[row[c] for c in sorted(row)] for row in grid], source=f"html:table#{number}")


def _span(value: str | None, most: int) -> int:
    """Span attribute as a positive int; portals write ``colspan="3 "``, garbage, or a rowspan
    reaching past the table's last row."""
    m = re.match(r"\d+", value.strip()) if value else None
    if m is None:
        return 1
    digits = m.group(0)  # decimal digits only (int() refuses "²", which str.isdigit accepts)
    return most if len(digits) > 9 else max(1, min(int(digits), most))


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls lxml refuses to store


def _xml_safe(text: str) -> str:
    """Text lxml accepts back into a tree. The HTML parser keeps control characters (a vertical
    tab in a cell) that setting ``.text`` refuses; they are spacing or noise, so a space is
    what they read as (``\v`` and ``\f`` collapse like any spacing below)."""
    return _XML_UNSAFE.sub(" ", text)


def cell_text(td: lxml.etree._Element) -> str:
    """Cell text with block boundaries (``<p>``, ``<br>``, ``<div>`` …) as ``\\n``; NBSP and
    U+3000 kept (they are content), source-formatting whitespace collapsed.

    Most cells are ``<td>text</td>`` or ``<td><p>text</p></td>``: read directly. Others get
    their block boundaries written into the (private) tree as a marker, then one C-level
    ``tostring(method="text")`` collects the text (~300 cells a report: speed matters).
    """
    if len(td) == 0 or (len(td) == 1 and td[0].tag == "p" and len(td[0]) == 0):
        inner = td if len(td) == 0 else td[0]
        return _ASCII_WS.sub(" ", inner.text or "").strip(" ")
    for el in td.iter(*_BLOCK_TAGS):
        el.tail = _BREAK + _xml_safe(el.tail) if el.tail else _BREAK
        if el.tag != "br":
            el.text = _BREAK + _xml_safe(el.text) if el.text else _BREAK
    for el in td.iter(*_SKIP_TAGS):
        el.text = ""
    text = _ASCII_WS.sub(" ", lxml.etree.tostring(td, method="text", encoding="unicode", with_tail=False))
    if _BREAK not in text:
        return text.strip(" ")
    lines = (ln.strip(" ") for ln in text.split(_BREAK))
    return "\n".join(ln for ln in lines if ln)
