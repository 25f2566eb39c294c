"""Family C, TRS WCM static sites.

``trs``: generated columns shaped like the NDRC pages (corpus/portal-pages/gov): ``index.html``,
``index_1.html`` … with ``createPageHTML(pages, current, "index", "html")``, articles at
``./YYYYMM/tYYYYMMDD_ID.html`` (+ the ``_ext.html`` mobile twin the ``uaredirect`` script
points to), attachments ``./P0….docx`` beside them, and a 350-byte stub for pages past the end.

``trs_real``: 平潭, served from the real captured pages (list + the three articles we hold);
the other reports the real list links were never captured and answer 404.
"""

from __future__ import annotations

import math
import re

from xxgk.mirror import files, render
from xxgk.mirror.catalogue import Column, Report
from xxgk.mirror.messages import Response
from xxgk.mirror.render import esc
from xxgk.mirror.site import Site, beijing

_PAGE = re.compile(r"index(?:_(\d+))?\.s?html?$")


def stub(site: Site) -> Response:
    """What TRS answers for ``index_N`` past the last page: a tiny page with status 200."""
    text = f'<html><head><meta charset="utf-8"><title>{site.host.site_name}</title></head><body></body></html>'
    text += "<!--" + " " * max(0, 350 - len(text.encode()) - 7) + "-->"
    return Response.html(text)


def handle(site: Site) -> Response | None:
    path = site.req.path
    for col in site.columns():
        base = site.column_path(col)
        m = _PAGE.fullmatch(path[len(base) :]) if path.startswith(base) else None
        if path == base or m:
            return _list(site, col, int(m.group(1) or 0) if m else 0)
    if site.host.family == "trs_real":
        r = site.report_at(path)
        return site.validators(Response.data(site.file_bytes(r), "text/html"), r) if r else None
    return _article_or_file(site, path)


def _list(site: Site, col: Column, page: int) -> Response:
    if site.host.family == "trs_real":
        if page > 0:
            return stub(site)
        r = Response.data(files.data_bytes(col.page_file), "text/html")
        newest = max((beijing(x.posted) for x in site.cat.listed(col, site.day)), default=0.0)
        return r.validators(files.sha12(r.body), newest)
    items = site.listed(col)
    pages = max(1, math.ceil(len(items) / col.page_size))
    page = site.page_no(page + 1) - 1
    if page >= pages or (page > 0 and site.broken_paging("stub")):
        return stub(site)
    chunk = items[page * col.page_size : (page + 1) * col.page_size]
    lis = []
    for i, r in enumerate(chunk):
        if i and i % 5 == 0:
            lis.append('                <li class="empty"></li>')
        href = site.link(r)
        base = site.column_path(col)
        if href.startswith(base):
            href = "./" + href[len(base) :]
        lis.append(
            f'                    <li><a href="{esc(href)}" target="_blank" title="{esc(r.title)}">{esc(r.title)}</a>'
            f"\n                        <span>{r.posted:%Y/%m/%d}</span></li>"
        )
    text = render.fill(
        "trs_list.html",
        column_name=esc(col.name),
        site_name=esc(site.host.site_name),
        host=site.host.name,
        site_code=site.host.site_code,
        items="\n".join(lis),
        pager=f'createPageHTML({pages}, {page}, "index", "html");',
        view_count=site.views(),
    )
    return Response.html(text)


def _article_or_file(site: Site, path: str) -> Response | None:
    mobile = path.endswith("_ext.html")
    r = site.report_at(path.replace("_ext.html", ".html") if mobile else path)
    if r is not None:
        return _article(site, r, mobile) if mobile else site.validators(_article(site, r, mobile), r)
    folder, _, name = path.rpartition("/")
    for r in site.cat.reports:
        if r.host != site.host.name or not site.path_of(r).startswith(folder + "/"):
            continue
        for a in r.attachments:
            if (
                a.via == "static"
                and a.present(site.day)
                and files.trs_name(r, a) == name
                and site.report_at(site.path_of(r))
            ):
                body = files.attachment_bytes(a, lambda r=r: site.content(r), r.posted)
                return site.validators(
                    Response.data(body, files.CONTENT_TYPES.get(a.ext, "application/octet-stream")), r
                )
    return None


def _article(site: Site, r: Report, mobile: bool) -> Response:
    col = next(c for c in site.columns() if c.id == r.column)
    links = site.attachments(r)
    attachments = (
        '<div class="attachment"><div class="attachment_l">附件：</div><div class="attachment_r"><p>\n'
        + "<BR>".join(links)
        + "\n</p></div></div>"
        if links
        else ""
    )
    name = site.path_of(r).rsplit("/", 1)[1]
    text = render.fill(
        "trs_article.html",
        title=esc(r.title),
        site_name=esc(site.host.site_name),
        host=site.host.name,
        site_code=site.host.site_code,
        column_name=esc(col.name),
        pub_datetime=f"{r.posted:%Y-%m-%d %H:%M:%S}",
        source=esc(r.agency),
        mobile_name=name.replace(".html", "_ext.html") if not mobile else name,
        pub_date_slash=f"{r.posted:%Y/%m/%d}",
        view_count=site.views(),
        body=render.cover_html(r.title, []) if r.cover else render.body_html(site.content(r)),
        attachments=attachments,
    )
    return Response.html(text)
