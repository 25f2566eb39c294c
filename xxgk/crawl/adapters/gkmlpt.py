"""Family E — Guangdong gkmlpt (政府信息公开目录管理平台; portals.md §1 E).

The source URL is the category's list API, ``/gkmlpt/api/all/{categoryId}?sid={SID}`` (the
``SID`` and category ids are in ``window._CONFIG`` of ``/gkmlpt/index``; pick the 年报
category there once, by hand). The API answers JSON ``{"total": N, "articles": [{"title",
"url" | "post_url", "display_publish_time" | "create_time", …}]}``; pages are ``page=1…``.
Articles are ``/gkmlpt/content/{a}/{b}/post_{id}.html``; attachments ``/attachment/…pdf``.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from xxgk.crawl import dom
from xxgk.crawl.adapters import article as art
from xxgk.crawl.adapters.model import Article, Link, ListPage, PageRequest

BODY = ("//*[@id='zoom']", dom.by_class("article-content"), dom.by_class("content"), dom.by_class("TRS_Editor"))
ATTACHMENTS = (dom.by_class("attachment"), dom.by_class("fj"))
TITLE = ("//h1", dom.by_class("title"))


def _date(a: dict) -> str | None:
    shown = art.norm_date(str(a.get("display_publish_time") or ""))
    if shown:
        return shown
    stamp = a.get("create_time") or a.get("publish_time")
    if isinstance(stamp, (int, float)) and stamp > 0:
        return datetime.fromtimestamp(stamp, tz=UTC).strftime("%Y-%m-%d")
    return None


def parse_list(request: PageRequest, text: str) -> ListPage:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        return ListPage()
    if not isinstance(payload, dict):
        return ListPage()
    articles = [a for a in payload.get("articles") or () if isinstance(a, dict)]
    items: dict[str, Link] = {}
    for a in articles:
        url = dom.absolute(request.url, a.get("url") or a.get("post_url"))
        if url:
            items.setdefault(url, Link(url=url, title=dom.squash(a.get("title")), published=_date(a)))
    total = payload.get("total") if isinstance(payload.get("total"), int) else None
    parts = urlsplit(request.url)
    query = dict(parse_qsl(parts.query))
    follow: list[PageRequest] = []
    if total and articles and int(query.get("page", "1") or 1) == 1:
        for n in range(2, math.ceil(total / len(articles)) + 1):
            follow.append(PageRequest(parts._replace(query=urlencode({**query, "page": n})).geturl()))
    return ListPage(items=tuple(items.values()), follow=tuple(follow), total=total)


def parse_article(url: str, text: str) -> Article | None:
    return art.parse_article(url, text, body=BODY, attachment_regions=ATTACHMENTS, title=TITLE)


def attachment_key(url: str) -> str:
    return url
