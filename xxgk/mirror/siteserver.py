"""Family D, SiteServer CMS (平顶山 cluster; 汝州).

``/channels/{id}.html`` and ``/channels/{id}_{n}.html`` (n ≥ 2) list items in
``div.public-list1 li`` with a ``下一页`` link in ``span.public-page-nav``; a page number past
the end gives page 1 again. Content pages ``/contents/{channel}/{id}.html`` have the body in
``div.article`` and metadata in ``div.xxgk-table``. The bare host (``ruzhou.gov.cn``) is the
old site: the same pages in GBK, declared ``<meta charset="gb2312">`` and no charset in the
header, with characters outside GB2312 in them (portals.md §5.2).
"""

from __future__ import annotations

import math
import re

from xxgk.mirror import render
from xxgk.mirror.catalogue import Column, Report
from xxgk.mirror.messages import Response
from xxgk.mirror.render import esc
from xxgk.mirror.site import Site

_CHANNEL = re.compile(r"/channels/(\d+)(?:_(\d+))?\.html")


def handle(site: Site) -> Response | None:
    m = _CHANNEL.fullmatch(site.req.path)
    if m:
        col = site.column(m.group(1))
        return _channel(site, col, int(m.group(2) or 1)) if col else None
    r = site.report_at(site.req.path)
    return site.validators(_content(site, r), r) if r else None


def _page(site: Site, text: str) -> Response:
    """UTF-8 on the www host; GBK labelled gb2312 (header without charset) on the old host."""
    if site.alias and site.host.alias_charset:
        return Response.html(text, charset=site.host.alias_charset, declare=False)
    return Response.html(text)


def _charset(site: Site) -> str:
    return "gb2312" if site.alias and site.host.alias_charset else "utf-8"


def _parent(site: Site, col: Column) -> Column:
    return next((c for c in site.columns() if c.id == col.parent), col)


def _url(site: Site, col: Column, n: int) -> str:
    cid = col.id_on(site.day)
    return f"/channels/{cid}.html" if n == 1 else f"/channels/{cid}_{n}.html"


def _channel(site: Site, col: Column, n: int) -> Response:
    items = site.listed(col)
    pages = max(1, math.ceil(len(items) / col.page_size))
    n = site.page_no(n)
    if n > pages:
        n = 1  # SiteServer answers an out-of-range page with page 1 again (F14)
    chunk = items[(n - 1) * col.page_size : n * col.page_size]
    lis = "\n".join(
        f'        <li><a href="{esc(site.link(r))}" title="{esc(r.title)}" target="_blank">{esc(r.title)}</a>'
        f"<span>{r.posted:%Y-%m-%d}</span></li>"
        for r in chunk
    )
    nav = [f'<a href="{_url(site, col, 1)}">首页</a>']
    nav.append(f'<a href="{_url(site, col, n - 1)}">上一页</a>' if n > 1 else "<span>上一页</span>")
    nav.append(f'<a href="{_url(site, col, n + 1)}">下一页</a>' if n < pages else "<span>下一页</span>")
    nav.append(f'<a href="{_url(site, col, pages)}">尾页</a>')
    nav.append(f"<span>共{pages}页 当前第{n}页</span>")
    parent = _parent(site, col)
    text = render.fill(
        "siteserver_channel.html",
        charset=_charset(site),
        column_name=esc(col.name),
        site_name=esc(site.host.site_name),
        host=site.served_as,
        site_code=site.host.site_code,
        parent_id=parent.id_on(site.day),
        parent_name=esc(parent.name),
        breadcrumb="" if parent is col else f' &gt; <a href="{_url(site, col, 1)}">{esc(col.name)}</a>',
        left_nav="\n".join(
            f'      <li><a href="{_url(site, c, 1)}">{esc(c.name)}</a></li>' for c in site.cat.children(parent)
        ),
        items=lis,
        pager=" ".join(nav),
        view_count=site.views(),
        maketime=render.maketime(),
    )
    return _page(site, text)


def _content(site: Site, r: Report) -> Response:
    col = next(c for c in site.columns() if c.id == r.column)
    parent = _parent(site, col)
    text = render.fill(
        "siteserver_content.html",
        charset=_charset(site),
        title=esc(r.title),
        site_name=esc(site.host.site_name),
        host=site.served_as,
        site_code=site.host.site_code,
        column_name=esc(col.name),
        pub_datetime=f"{r.posted:%Y-%m-%d %H:%M}",
        pub_date=f"{r.posted:%Y-%m-%d}",
        source=esc(r.agency or site.host.site_name),
        parent_id=parent.id_on(site.day),
        parent_name=esc(parent.name),
        breadcrumb="" if parent is col else f' &gt; <a href="{_url(site, col, 1)}">{esc(col.name)}</a>',
        view_count=site.views(),
        body=site.body(r),
    )
    return _page(site, text)
