"""Family A, Hanweb JCMS "classic" (jpage; 嘉兴, 海曙, 洪泽, 淮安).

The first group of records is inside the column page as CDATA in ``<script type="text/xml">``
(invisible to a plain HTML parser), twice: a PC and a mobile unit with identical records. The
rest comes from ``dataproxy.jsp``: GET ``page=`` or POST ``startrecord/endrecord/perpage``
(one look-ahead record, at most 300 per call; beyond the end a 54-byte empty body). The old
``/module/jpage/`` path is a 404. Downloads go through ``downfile.jsp``, which may label a Word
file ``text/html``. 海曙 also has the 信息公开 module (``search.jsp``, ``xxgkAnnualReport.jsp``).
Structure from corpus/portal-pages/jiangsu (js_list.html, js_detail.html).
"""

from __future__ import annotations

import hashlib
import math
from urllib.parse import quote

from xxgk.mirror import files, render
from xxgk.mirror.catalogue import Column, Report
from xxgk.mirror.faults import error_page
from xxgk.mirror.messages import Response
from xxgk.mirror.render import esc
from xxgk.mirror.site import Site

PROXY = "/module/web/jpage/dataproxy.jsp"
OLD_PROXY = "/module/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"
EMPTY = b"<datastore>\r\n<recordset>\r\n</recordset>\r\n</datastore>\r\n"  # 54 bytes (F14)
MAX_RECORDS = 300
_NAV_CLASS = "list-group-item list-group-item-action col-sm-6 col-md-12"
_NO_FILE = (
    '<html><head><meta charset="utf-8"><title>提示</title></head><body><p>文件不存在或已被删除！</p></body></html>'
)


def handle(site: Site) -> Response | None:
    path = site.req.path
    if path == PROXY:
        return _proxy(site)
    if path == OLD_PROXY:
        return error_page(404)
    if path == DOWNFILE:
        return _downfile(site)
    if site.host.xxgk_area and path == "/module/xxgk/search.jsp":
        return _xxgk_search(site)
    if site.host.xxgk_area and path == "/module/xxgk/xxgkAnnualReport.jsp":
        return _xxgk_annual(site)
    for col in site.columns():
        if site.column_path(col) == path:
            return _column_page(site, col)
    r = site.report_at(path)
    if r is None:
        return None
    if r.status == "broken_file":  # the list promises a PDF, the server sends an HTML page (F10)
        return Response.html(_NO_FILE, 200)
    if r.content.startswith("file:"):
        name = r.content[5:]
        resp = Response.data(site.file_bytes(r), files.CONTENT_TYPES[name.rsplit(".", 1)[-1]])
        return site.validators(resp, r)
    return site.validators(_article(site, r), r)


def _unit_id(col: Column, kind: str) -> str:
    return str(400000 + int(hashlib.sha256(f"{col.id}|{kind}".encode()).hexdigest(), 16) % 99999)


def _record(site: Site, r: Report) -> str:
    title = esc(r.title).replace("'", "&#39;")
    return (
        "<record><![CDATA[\n"
        f'    <li class="clearfix bt-list-new"><a title=\'{title}\' target="_blank" href="{esc(site.link(r))}">'
        f'            {esc(r.title)}</a><span class="bt-list-time">{r.posted:%Y-%m-%d}</span>    </li>    ]]></record>'
    )


def _column_page(site: Site, col: Column) -> Response:
    items = site.listed(col)
    first = items[: col.group_size * col.page_size]
    records = "\n".join(_record(site, r) for r in first)
    cid = col.id_on(site.day)
    unit = {
        "web_id": site.host.web_id,
        "col_id": cid,
        "col_id_js": cid if cid.isdigit() else f"'{cid}'",
        "webname_q": quote(quote(site.host.site_name)),
        "site_name": esc(site.host.site_name),
        "records": records,
        "group_size": col.group_size,
        "per_page": col.page_size,
        "total": len(items),
    }
    top = col if not col.parent else next(c for c in site.columns() if c.id == col.parent)
    nav = "\n".join(
        f'<a href="{site.column_path(c)}" class="{_NAV_CLASS}">{esc(c.name)}</a>'
        for c in [top] + site.cat.children(top)
    )
    crumbs = [top] if top is col else [top, col]
    page = render.fill(
        "jcms_column.html",
        web_id=site.host.web_id,
        site_name=esc(site.host.site_name),
        column_name=esc(col.name),
        maketime=render.maketime(),
        host=site.host.name,
        site_code=site.host.site_code,
        scheme=site.host.scheme,
        column_path=site.column_path(col),
        breadcrumb="".join(
            f'<td>><a href="{site.column_path(c)}"class="bt_link">{esc(c.name)}</a></td>' for c in crumbs
        ),
        parent_name=esc(top.name),
        left_nav=nav,
        col_id=cid,
        unit_pc=render.fill("jcms_unit.html", unit_id=_unit_id(col, "pc"), theme="default", show_mode="full", **unit),
        unit_mobile=render.fill(
            "jcms_unit.html", unit_id=_unit_id(col, "m"), theme="lucidity", show_mode="mini", **unit
        ),
    )
    return Response.html(page)


def _proxy(site: Site) -> Response:
    """dataproxy.jsp: GET ``page`` (page size ``perpage``, default one group) or
    ``startrecord``/``endrecord`` (POST or GET) with one look-ahead record, capped at 300."""
    req = site.req
    col = site.column(req.arg("columnid"))
    if col is None or site.broken_paging("empty") or site.broken_paging("stub"):
        return Response.data(EMPTY, "text/xml;charset=UTF-8")
    items = site.listed(col)
    total = len(items)
    if req.arg("startrecord"):
        start = 1 if site.page_no(2) == 1 else max(1, int(req.arg("startrecord")))
        end = int(req.arg("endrecord") or start + col.group_size * col.page_size - 1)
        end = min(end + 1, start + MAX_RECORDS - 1, total)  # look-ahead record, 300 cap
        size = int(req.arg("perpage") or col.page_size)
    else:
        size = min(int(req.arg("perpage") or col.group_size * col.page_size), MAX_RECORDS)
        page = site.page_no(max(1, int(req.arg("page") or 1)))
        start, end = (page - 1) * size + 1, min(page * size, total)
    if start > total:
        return Response.data(EMPTY, "text/xml;charset=UTF-8")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
        f"<totalrecord>{total}</totalrecord>\n<totalpage>{max(1, math.ceil(total / max(size, 1)))}</totalpage>\n"
        "<recordset>\n" + "\n".join(_record(site, r) for r in items[start - 1 : end]) + "\n</recordset>\n</datastore>\n"
    )
    return Response.data(body.encode("utf-8"), "text/xml;charset=UTF-8")


def _xxgk_table(site: Site, r: Report) -> str:
    if not site.host.xxgk_area:
        return ""
    return (
        '<table class="xxgktab" border="0" width="90%"><tr><td>索引号：</td>'
        f"<td>{site.host.xxgk_area}/{r.posted.year}-{r.article_id}</td><td>组配分类：</td>"
        f"<td>{'政府信息公开年报' if r.kind == 'report' else '其他文件'}</td></tr>"
        f"<tr><td>发布机构：</td><td>{esc(r.agency or site.host.site_name)}</td>"
        f"<td>生成日期：</td><td>{r.posted:%Y-%m-%d}</td></tr></table>"
    )


def _article(site: Site, r: Report) -> Response:
    col = next(c for c in site.columns() if c.id == r.column)
    crumbs = [c for c in site.columns() if c.id == col.parent] + [col]
    page = render.fill(
        "jcms_article.html",
        web_id=site.host.web_id,
        site_name=esc(site.host.site_name),
        column_name=esc(col.name),
        title=esc(r.title),
        maketime=render.maketime(),
        host=site.host.name,
        site_code=site.host.site_code,
        pub_datetime=f"{r.posted:%Y-%m-%d %H:%M}",
        pub_date=f"{r.posted:%Y-%m-%d}",
        source=esc(r.agency or site.host.site_name),
        scheme=site.host.scheme,
        path=site.path_of(r),
        guid=f"{r.posted.year}{r.article_id}",
        breadcrumb="".join(
            f'<td> > <a href="{site.column_path(c)}" class="bt_link">{esc(c.name)}</a></td>' for c in crumbs
        ),
        xxgk_table=_xxgk_table(site, r),
        view_count=site.views(),
        body=site.body(r),
        col_id=col.id_on(site.day),
        article_id=r.article_id,
    )
    return Response.html(page)


def _downfile(site: Site) -> Response:
    """downfile.jsp: the file by its 32-hex name; unknown names get an HTML page with 200."""
    wanted = site.req.arg("filename").rsplit(".", 1)[0]
    for r in site.cat.reports:
        if r.host != site.host.name or site.report_at(site.path_of(r)) is None:
            continue
        for a in r.attachments:
            if a.via == "downfile" and a.present(site.day) and files.att_id(r, a) == wanted:
                body = files.attachment_bytes(a, lambda r=r: site.content(r), r.posted)
                resp = Response.data(body, a.content_type or files.CONTENT_TYPES.get(a.ext, "application/octet-stream"))
                resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(a.name)}")
                return site.validators(resp, r)
    return Response.html(_NO_FILE, 200)


# --- 信息公开 module -----------------------------------------------------------------------


def _xxgk_items(site: Site) -> list[Report]:
    """Everything the module publishes: not column-filtered, notices included."""
    items = [
        r
        for r in site.cat.reports
        if r.host == site.host.name and r.kind in ("report", "notice") and site.report_at(site.path_of(r))
    ]
    return sorted(items, key=lambda r: (r.posted, r.key), reverse=True)


def _xxgk_rows(site: Site, items: list[Report]) -> str:
    rows = []
    for i, r in enumerate(items):
        cls = "tr_main_value_odd" if i % 2 == 0 else "tr_main_value_even"
        rows.append(
            f'<tr class="{cls}"><td>{site.host.xxgk_area}/{r.posted.year}-{r.article_id}</td>'
            f'<td><a href="{site.path_of(r)}" target="_blank" title="{esc(r.title)}">{esc(r.title)}</a></td>'
            f"<td>{r.posted:%Y-%m-%d}</td></tr>"
        )
    return "".join(rows)


def _xxgk_search(site: Site) -> Response:
    """POST search.jsp (``currpage`` 1-based, 10 rows, ``共N页``)."""
    items = _xxgk_items(site)
    pages = max(1, math.ceil(len(items) / 10))
    page = site.page_no(max(1, int(site.req.arg("currpage") or 1)))
    chunk = items[(page - 1) * 10 : page * 10]
    html_ = (
        '<table width="100%" class="xxgk_table">'
        '<tr class="tr_main_title"><td>索引号</td><td>名称</td><td>生成日期</td></tr>'
        f"{_xxgk_rows(site, chunk)}</table>"
        f'<div class="xxgk_page">共{len(items)}条记录 共{pages}页 当前第{page}页</div>'
    )
    return Response.html(html_)


def _xxgk_annual(site: Site) -> Response:
    """xxgkAnnualReport.jsp?fbtime=YYYY: the annual reports published in that year."""
    year = site.req.arg("fbtime")
    items = [r for r in _xxgk_items(site) if r.kind == "report" and str(r.posted.year) == year]
    html_ = (
        f'<html><head><meta charset="utf-8"><title>{year}年政府信息公开年度报告</title></head><body>'
        f'<table class="xxgk_table">{_xxgk_rows(site, items)}</table></body></html>'
    )
    return Response.html(html_)
