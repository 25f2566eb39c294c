"""Family A — Hanweb JCMS "classic" (portals.md §1 A; 嘉兴, 海曙, Jiangsu).

The column page carries its first group of records as CDATA inside
``<div id=UNIT><script type="text/xml"><datastore>…<record><![CDATA[<li>…]]></record>``
(an HTML parser sees nothing there), often twice (PC and mobile units with the same records).
The unit's ``jpage({totalRecord, perPage, groupSize, proxyUrl, ajaxParam: param_UNIT})`` call
says how many records exist; the rest come from ``dataproxy.jsp`` in groups, POSTing the
``param_UNIT`` object with ``startrecord``/``endrecord``/``perpage`` in the query, which is
what jquery.jpage itself does. Adjacent groups may overlap by one record (dedup by URL), and
a stale or empty (54-byte) proxy answer just yields no items.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin

from xxgk.crawl import dom
from xxgk.crawl.adapters import article as art
from xxgk.crawl.adapters.model import Article, Link, ListPage, PageRequest

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_UNIT = re.compile(r"<div[^>]+id=['\"]?(\w+)['\"]?[^>]*>\s*<script[^>]+type=['\"]text/xml['\"]", re.I)
_JPAGE = re.compile(r"\$\(\s*['\"]#(\w+)['\"]\s*\)\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
_PARAM = re.compile(r"var\s+param_(\w+)\s*=\s*\{(.*?)\}\s*;", re.S)
_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w./%\-]+))")
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)

BODY = ("//*[@id='zoom']", dom.by_class("bt-content"), dom.by_class("artile_zw"), dom.by_class("TRS_Editor"),
        "//*[@id='content_xiangxi']", dom.by_class("main-txt"), dom.by_class("article"))
ATTACHMENTS = (dom.by_class("attachment"), dom.by_class("fj"), "//*[@id='fj']")
TITLE = (dom.by_class("bt-art-title"), "//*[@id='title_con']", dom.by_class("con-title"), "//h1")

MAX_PER_REQUEST = 300  # servers truncate perpage above about 300 (portals.md §1 A)


def js_object(body: str) -> dict[str, str]:
    """The flat ``{key:'v', n:3}`` literals Hanweb pages use (not JSON: unquoted keys)."""
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _PAIR.finditer(body)}


def records(text: str, base: str) -> tuple[Link, ...]:
    """Items of every ``<record>`` CDATA block, first occurrence of each URL kept."""
    items: dict[str, Link] = {}
    for html in _RECORD.findall(text):
        root = dom.parse(html)
        for a in root.iter("a"):
            url = dom.absolute(base, a.get("href"))
            if not url:
                continue
            title = dom.squash(a.get("title")) or dom.text_of(a)
            items.setdefault(url, Link(url=url, title=title, published=art.norm_date(dom.text_of(root))))
    return tuple(items.values())


def _unit_config(text: str) -> tuple[str, dict[str, str], dict[str, str]] | None:
    """(unit id, jpage options, ajax params) of the first unit that carries a data store."""
    units = _UNIT.findall(text)
    calls = {}
    for unit, opts in _JPAGE.findall(text):
        if unit not in calls or "dataStore" in opts:
            calls[unit] = js_object(opts)
    params = {unit: js_object(body) for unit, body in _PARAM.findall(text)}
    for unit in units:
        if unit in calls:
            return unit, calls[unit], params.get(unit, {})
    return None


def parse_list(request: PageRequest, text: str) -> ListPage:
    items = records(text, request.url)
    if request.method == "POST" or "<datastore>" in text[:200].lower():
        total = _TOTAL.search(text)
        return ListPage(items=items, total=int(total.group(1)) if total else None)
    config = _unit_config(text)
    if config is None:
        return ListPage(items=items)
    _unit, opts, params = config
    total = int(opts.get("totalRecord", "0") or 0)
    per_page = int(opts.get("perPage", "15") or 15)
    group = per_page * int(opts.get("groupSize", "3") or 3)
    proxy = urljoin(request.url, opts.get("proxyUrl", "/module/web/jpage/dataproxy.jsp"))
    step = min(group, MAX_PER_REQUEST)
    form = tuple(sorted((k, v) for k, v in params.items()))
    follow = []
    for start in range(group + 1, total + 1, step):
        end = min(start + step - 1, total)
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page})
        follow.append(PageRequest(f"{proxy}?{query}", method="POST", data=form))
    return ListPage(items=items, follow=tuple(follow), total=total)


def parse_article(url: str, text: str) -> Article | None:
    return art.parse_article(url, text, body=BODY, attachment_regions=ATTACHMENTS, title=TITLE)


def attachment_key(url: str) -> str:
    return url
