"""Family B — Hanweb JPaaS "页面构建单元" (portals.md §1 B; 海宁 and the Zhejiang platform).

The column page holds no list, only ``<script src=…unitbuild.js url="/api-gateway/…/unit"
queryData="{'webId':'…','pageId':'…',…}">`` (single-quoted pseudo-JSON). The list comes from
that gateway as JSON ``{"data":{"html":"<li><a title=… href=…>…</a><span>date</span>…
<table class=pagination rows=15 count=388 …>"}}``; further pages need
``paramJson={"pageNo":N,"pageSize":rows}`` (bare ``pageNo`` is ignored). Item links may be
protocol-relative. Attachments go through a download gateway whose ``fileUrl`` token expires,
so an attachment's identity is the gateway path plus ``fileName``, never the token.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from xxgk.crawl import dom
from xxgk.crawl.adapters import article as art
from xxgk.crawl.adapters.model import Article, Link, ListPage, PageRequest

_UNITBUILD = re.compile(r"<script[^>]*unitbuild\.js[^>]*>", re.I)
_ATTR = re.compile(r"""(\w+)\s*=\s*("([^"]*)"|'([^']*)')""")
_PSEUDO_PAIR = re.compile(r"""['"](\w+)['"]\s*:\s*['"]([^'"]*)['"]""")

BODY = (dom.by_class("main-txt"), "//*[@id='zoom']", dom.by_class("bt-content"), dom.by_class("TRS_Editor"))
ATTACHMENTS = (dom.by_class("attachment"), dom.by_class("fj"))
TITLE = (dom.by_class("con-title"), "//h1")
TOKEN_PARAMS = frozenset({"fileurl", "token", "t", "timestamp", "sign", "expires"})


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(3) if m.group(3) is not None else m.group(4) for m in _ATTR.finditer(tag)}


def query_data(raw: str) -> dict[str, str]:
    """``{'parseType':'bulidstatic','webId':'3185',…}`` → dict (values kept verbatim)."""
    return dict(_PSEUDO_PAIR.findall(raw))


def api_request(base: str, unit_url: str, query: dict[str, str], page: int | None = None,
                rows: int | None = None) -> PageRequest:
    params = dict(query)
    if page is not None:
        params["paramJson"] = json.dumps({"pageNo": page, "pageSize": rows}, separators=(",", ":"))
    return PageRequest(f"{urljoin(base, unit_url)}?{urlencode(params)}")


def parse_list(request: PageRequest, text: str) -> ListPage:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _parse_api(request, stripped)
    follow = []
    for tag in _UNITBUILD.findall(text):
        attrs = _attrs(tag)
        if attrs.get("url") and attrs.get("querydata"):
            follow.append(api_request(request.url, attrs["url"], query_data(attrs["querydata"])))
    return ListPage(follow=tuple(follow))


def _parse_api(request: PageRequest, text: str) -> ListPage:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        return ListPage()
    html = ((payload.get("data") or {}).get("html") or "") if isinstance(payload, dict) else ""
    root = dom.parse(html)
    items: dict[str, Link] = {}
    for li in root.iter("li"):
        for a in li.iter("a"):
            url = dom.absolute(request.url, a.get("href"))
            if url:
                title = dom.squash(a.get("title")) or dom.text_of(a)
                items.setdefault(url, Link(url=url, title=title, published=art.norm_date(dom.text_of(li))))
    follow: list[PageRequest] = []
    total = None
    for table in root.xpath(dom.by_class("pagination", "table")):
        rows, count = int(table.get("rows") or 0), int(table.get("count") or 0)
        total = count
        page_no = _page_no(request.url)
        if rows > 0 and page_no == 1:
            unit_url = table.get("uniturl") or urlsplit(request.url).path
            query = query_data(table.get("querydata") or "") or _base_query(request.url)
            follow = [api_request(request.url, unit_url, query, n, rows)
                      for n in range(2, math.ceil(count / rows) + 1)]
        break
    return ListPage(items=tuple(items.values()), follow=tuple(follow), total=total)


def _page_no(url: str) -> int:
    params = dict(parse_qsl(urlsplit(url).query))
    try:
        return int(json.loads(params.get("paramJson", "{}")).get("pageNo", 1))
    except (ValueError, AttributeError):
        return 1


def _base_query(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(url).query) if k != "paramJson"}


def parse_article(url: str, text: str) -> Article | None:
    return art.parse_article(url, text, body=BODY, attachment_regions=ATTACHMENTS, title=TITLE,
                             key_of=attachment_key)


def attachment_key(url: str) -> str:
    """The download gateway's URL without its expiring token (``fileUrl``) parameters."""
    parts = urlsplit(url)
    if "download" not in parts.path:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in TOKEN_PARAMS]
    return parts._replace(query=urlencode(kept)).geturl()
