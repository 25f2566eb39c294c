"""Article pages of every family: cut out the content region, find the attached files.

The content region is what decides whether a report changed (page chrome such as view
counters, ``pageTimestamp`` or ``Maketime`` lives outside it), so each family names its
containers in priority order and the first non-empty one wins.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from urllib.parse import parse_qs, unquote, urlsplit

import lxml.html

from xxgk.crawl import dom
from xxgk.crawl.adapters.model import Article, Attachment

FILE_EXTS = frozenset({"pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd", "rtf"})
DOWNLOAD_PATHS = ("/module/download/downfile.jsp", "/api-gateway/jpaas-web-server/front/document/download")
NAME_PARAMS = ("filename", "showname", "fileName", "name")

_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def norm_date(text: str | None) -> str | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


def select_first(root: lxml.html.HtmlElement, xpaths: Sequence[str]) -> lxml.html.HtmlElement | None:
    """First element matching the first XPath that matches one with visible content."""
    for xp in xpaths:
        for el in root.xpath(xp):
            if dom.text_of(el) or el.xpath(".//img|.//table|.//a[@href]"):
                return el
    return None


def ext_of(name: str) -> str:
    tail = name.rsplit("/", 1)[-1]
    if "." not in tail:
        return ""
    ext = tail.rsplit(".", 1)[-1].lower().strip()
    return ext if re.fullmatch(r"[a-z0-9]{1,5}", ext) else ""


def attachment_from_link(base: str, a: lxml.html.HtmlElement,
                         key_of: Callable[[str], str]) -> Attachment | None:
    """An ``<a>`` that points at a report file, or None."""
    url = dom.absolute(base, a.get("href"))
    if url is None:
        return None
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    lower_query = {k.lower(): v for k, v in query.items()}
    name = (a.get("download") or "").strip()
    if not name:
        for p in NAME_PARAMS:
            if lower_query.get(p.lower()):
                name = unquote(lower_query[p.lower()])
                if ext_of(name):
                    break
    path_ext = ext_of(unquote(parts.path))
    is_gateway = any(parts.path.endswith(p) for p in DOWNLOAD_PATHS)
    if not (path_ext in FILE_EXTS or is_gateway or ext_of(name) in FILE_EXTS):
        return None
    if not name:
        text = dom.text_of(a)
        name = text if ext_of(text) in FILE_EXTS else unquote(parts.path.rsplit("/", 1)[-1])
    ext = ext_of(name) if ext_of(name) in FILE_EXTS else path_ext
    return Attachment(url=url, name=name, ext=ext, key=key_of(url))


def find_attachments(base: str, regions: Sequence[lxml.html.HtmlElement],
                     key_of: Callable[[str], str]) -> tuple[Attachment, ...]:
    seen: dict[str, Attachment] = {}
    for region in regions:
        for a in region.iter("a"):
            att = attachment_from_link(base, a, key_of)
            if att is not None and att.key not in seen:
                seen[att.key] = att
    return tuple(seen.values())


def parse_article(url: str, text: str, *, body: Sequence[str], attachment_regions: Sequence[str] = (),
                  title: Sequence[str] = (), key_of: Callable[[str], str] = lambda u: u) -> Article | None:
    """Generic article parse; None when the page has no content region (a soft 404, e.g. a
    home page served for an unknown slug)."""
    root = dom.parse(text)
    content = select_first(root, body)
    if content is None:
        return None
    regions = [content] + [el for xp in attachment_regions for el in root.xpath(xp)]
    attachments = find_attachments(url, regions, key_of)
    heading = dom.meta(root, "ArticleTitle")
    if not heading:
        el = select_first(root, title)
        heading = dom.text_of(el) if el is not None else None
    if not heading:
        t = root.find(".//title")
        heading = dom.text_of(t) if t is not None else None
    published = norm_date(dom.meta(root, "PubDate"))
    body_html = lxml.html.tostring(content, encoding="unicode", with_tail=False)
    body_text = dom.text_of(dom.strip_invisible(copy.deepcopy(content)))
    return Article(title=heading, published=published, body_html=body_html, body_text=body_text,
                   attachments=attachments)
