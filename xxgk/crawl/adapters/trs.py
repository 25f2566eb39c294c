"""Family C — TRS WCM static sites (portals.md §1 C; 平潭, ministries).

A column is ``…/{column}/index.html`` and its page k (0-based) is ``index_k.html``; page 0
announces the page count in ``createPageHTML(N, k, "index", "html")`` (or the 3-number form
``createPageHTML(records, pages, current, …)``, or ``var countPage = N``, or a TRS list
model's ``recordCount``/``prepage``). Articles are ``./YYYYMM/tYYYYMMDD_ID.html`` below the
column directory; links elsewhere on the page (related interpretations in ``div.popbox``,
navigation) are not items. Out-of-range pages are tiny stubs with no items.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin, urlsplit

from xxgk.crawl import dom
from xxgk.crawl.adapters import article as art
from xxgk.crawl.adapters.model import Article, Link, ListPage, PageRequest

_ARTICLE = re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$")
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_RECORDS = re.compile(r"recordCount\s*:\s*['\"]?(\d+)")
_PER_PAGE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")
_PAGE_NAME = re.compile(r"^(?P<stem>.*?)(?:_(?P<k>\d+))?\.(?P<ext>s?html?)$")

BODY = (dom.by_class("TRS_Editor"), dom.by_class("trs_editor_view"), dom.by_class("TRS_UEDITOR"),
        dom.by_class("Custom_UnionStyle"), dom.by_class("article_con"), "//*[@id='zoom']")
ATTACHMENTS = (dom.by_class("attachment"), dom.by_class("article_attachment"), "//*[@id='file_xmb']")
TITLE = ("//h1", dom.by_class("article_title"), "//h2")


def column_dir(url: str) -> str:
    """The directory a TRS column lives in (``…/zfxxgknb/`` for ``…/zfxxgknb/index_2.html``)."""
    return urljoin(url, "./")


def page_count(text: str) -> int | None:
    m = _CREATE_PAGE.search(text)
    if m:
        ints = [int(x) for x in re.findall(r"(?<![\"'\w])(\d+)(?![\"'\w])", m.group(1))]
        if len(ints) >= 3:
            return ints[1]
        if ints:
            return ints[0]
    m = _COUNT_PAGE.search(text)
    if m:
        return int(m.group(1))
    rec, per = _RECORDS.search(text), _PER_PAGE.search(text)
    if rec and per and int(per.group(1)) > 0:
        return math.ceil(int(rec.group(1)) / int(per.group(1)))
    return None


def page_urls(url: str, text: str, default_ext: str = "html") -> tuple[str, ...]:
    """All pages of the column except page 0, named after the page at hand (a bare directory
    URL such as 平潭's ``…/zfxxgknb/`` takes ``default_ext``, the site's article extension)."""
    pages = page_count(text)
    if not pages or pages <= 1:
        return ()
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    m = _PAGE_NAME.match(name) if name else None
    stem, ext = (m.group("stem"), m.group("ext")) if m else ("index", default_ext)
    cm = _CREATE_PAGE.search(text)
    if cm:
        strings = re.findall(r"[\"']([^\"']*)[\"']", cm.group(1))
        if strings:
            stem = strings[0] or stem
        if len(strings) > 1 and strings[1]:
            ext = strings[1]
    base = column_dir(url)
    return tuple(f"{base}{stem}_{k}.{ext}" for k in range(1, pages))


def parse_list(request: PageRequest, text: str) -> ListPage:
    root = dom.parse(text)
    base = column_dir(request.url)
    for el in root.xpath(dom.by_class("popbox")):
        el.drop_tree()
    items: dict[str, Link] = {}
    for a in root.iter("a"):
        url = dom.absolute(request.url, a.get("href"))
        if not url or not url.startswith(base) or not _ARTICLE.search(urlsplit(url).path):
            continue
        title = dom.squash(a.get("title")) or dom.text_of(a)
        container = a.getparent()
        while container is not None and container.tag not in ("li", "dl", "tr"):
            container = container.getparent()
        published = art.norm_date(dom.text_of(container)) if container is not None else None
        items.setdefault(url, Link(url=url, title=title, published=published))
    article_ext = next((u.rsplit(".", 1)[-1] for u in items), "html")
    follow = tuple(PageRequest(u) for u in page_urls(request.url, text, article_ext))
    return ListPage(items=tuple(items.values()), follow=follow, total=page_count(text))


def parse_article(url: str, text: str) -> Article | None:
    return art.parse_article(url, text, body=BODY, attachment_regions=ATTACHMENTS, title=TITLE)


def attachment_key(url: str) -> str:
    return url
