"""Family D — SiteServer CMS (portals.md §1 D; 汝州 and the 平顶山 cluster).

Channel pages are ``/channels/{id}.html`` and their further pages ``/channels/{id}_{n}.html``
(SiteServer's ``_{pageIndex}`` rule); items link to ``/contents/{channel}/{id}.html``. The
pager is plain links, so every ``_{n}`` link of the same channel on a page is followed; the
channel id, not the host, ties pages together (bare and ``www.`` hosts serve the same site).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from xxgk.crawl import dom
from xxgk.crawl.adapters import article as art
from xxgk.crawl.adapters.model import Article, Link, ListPage, PageRequest

_CHANNEL = re.compile(r"/channels/(\d+)(?:_(\d+))?\.html?$")
_CONTENT = re.compile(r"/contents/\d+/\d+\.html?$")
_PAGES = re.compile(r"共\s*(\d+)\s*页")

# ``div.article`` also holds the 点击数 counter, so it is the last resort, not the first choice.
BODY = ("//*[@id='zoom']", dom.by_class("article-con"), dom.by_class("article-content"), dom.by_class("TRS_Editor"),
        dom.by_class("article"))
ATTACHMENTS = (dom.by_class("attachment"), dom.by_class("fj"))
TITLE = (dom.by_class("article-title"), "//h1", dom.by_class("title"))


def parse_list(request: PageRequest, text: str) -> ListPage:
    own = _CHANNEL.search(urlsplit(request.url).path)
    root = dom.parse(text)
    items: dict[str, Link] = {}
    follow: dict[str, PageRequest] = {}
    for a in root.iter("a"):
        url = dom.absolute(request.url, a.get("href"))
        if not url:
            continue
        path = urlsplit(url).path
        if _CONTENT.search(path):
            container = a.getparent()
            while container is not None and container.tag not in ("li", "tr", "dl"):
                container = container.getparent()
            title = dom.squash(a.get("title")) or dom.text_of(a)
            published = art.norm_date(dom.text_of(container)) if container is not None else None
            items.setdefault(url, Link(url=url, title=title, published=published))
            continue
        m = _CHANNEL.search(path)
        if own and m and m.group(1) == own.group(1) and m.group(2) and url != request.url:
            follow.setdefault(url, PageRequest(url))
    pages = _PAGES.search(dom.text_of(root))
    return ListPage(items=tuple(items.values()), follow=tuple(follow.values()),
                    total=int(pages.group(1)) if pages else None)


def parse_article(url: str, text: str) -> Article | None:
    return art.parse_article(url, text, body=BODY, attachment_regions=ATTACHMENTS, title=TITLE)


def attachment_key(url: str) -> str:
    return url
