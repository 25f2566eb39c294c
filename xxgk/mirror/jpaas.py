"""Family B, Hanweb JPaaS "页面构建单元" (Zhejiang's platform; 海宁).

Column pages hold no list, only the ``unitbuild.js`` loader whose attributes name the list API;
the list comes as JSON from the publish gateway, paged only through ``paramJson`` (bare
``pageNo``/``page`` are ignored). Articles carry ``div.main-txt#zoom``, ``table.xxgktab`` and
metas; attachments go through the download gateway with an expiring ``fileUrl`` token.
Structure from corpus/portal-pages/zj (col_main.html, unit_api.json, zj_detail_energy.html).
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from xxgk.mirror import files, render
from xxgk.mirror.catalogue import Column, Report
from xxgk.mirror.messages import Response
from xxgk.mirror.render import esc
from xxgk.mirror.site import Site

UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DOWNLOAD = files.JPAAS_DOWNLOAD


def handle(site: Site) -> Response | None:
    path = site.req.path
    if path == UNIT_API:
        return _unit(site)
    if path == DOWNLOAD:
        return _download(site)
    if path.startswith("/col/col") and path.endswith("/index.html"):
        col = site.column(path[len("/col/col") : -len("/index.html")])
        return _column_page(site, col) if col else None
    r = site.report_at(path)
    return _article(site, r) if r else None


def _tpl_set(site: Site) -> str:
    return hashlib.sha256(site.host.name.encode()).hexdigest()[:21]


def _ancestors(site: Site, col: Column) -> list[Column]:
    chain = [col]
    while chain[0].parent:
        parent = next(c for c in site.columns() if c.id == chain[0].parent)
        chain.insert(0, parent)
    return chain


def _breadcrumb(site: Site, col: Column) -> str:
    return "".join(f'\n >\n<a href="{site.column_path(c)}">\n{esc(c.name)}\n\n</a>\n' for c in _ancestors(site, col))


def _column_page(site: Site, col: Column) -> Response:
    top = _ancestors(site, col)[0]
    nav = "\n".join(
        f'<li><a title="{esc(c.name)}" href="{site.column_path(c)}">'
        f'<div id="" class="lanmu_old">{esc(c.name)}</div></a></li>\n'
        for c in site.cat.children(top)
    )
    page = render.fill(
        "jpaas_column.html",
        web_id=site.host.web_id,
        col_id=col.id_on(site.day),
        column_name=esc(col.name),
        site_name=esc(site.host.site_name),
        host=site.host.name,
        site_code=site.host.site_code,
        breadcrumb=_breadcrumb(site, col),
        parent_name=esc(top.name),
        parent_id=top.id_on(site.day),
        left_nav=nav,
        unit_script_id=hashlib.md5(col.id.encode()).hexdigest(),
        tpl_set_id=_tpl_set(site),
        page_timestamp=render.now_ms(),
    )
    return Response.html(page)


def _json(obj: dict) -> Response:
    return Response.data(json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")


def _error(code: str, message: str) -> Response:
    return _json({"success": False, "code": code, "message": message, "data": None, "traceId": _trace()})


def _trace() -> str:
    return hashlib.md5(str(render.now_ms()).encode()).hexdigest()


def _unit(site: Site) -> Response:
    """The list API: ``pageId`` names the column, ``paramJson`` the page."""
    req = site.req
    if not req.arg("pageId"):
        return _error("400", "pageId不能为空")
    col = site.column(req.arg("pageId"))
    if col is None:
        return _error("500", "页面不存在")
    try:
        pj = json.loads(req.arg("paramJson") or "{}")
    except json.JSONDecodeError:
        pj = {}
    page = site.page_no(max(1, int(pj.get("pageNo", 1) or 1)))
    size = max(1, min(int(pj.get("pageSize", col.page_size) or col.page_size), 100))
    items = site.listed(col)
    chunk = items[(page - 1) * size : page * size]
    lis = "".join(_item(site, r) for r in chunk)
    html_ = render.fill(
        "jpaas_unit.html",
        items=lis,
        web_id=site.host.web_id,
        col_id=col.id_on(site.day),
        tpl_set_id=_tpl_set(site),
        rows=size,
        count=len(items),
        page_no=page,
    )
    return _json(
        {
            "roles": None,
            "permissions": None,
            "success": True,
            "message": "生成成功",
            "code": "200",
            "data": {"html": html_},
            "traceId": _trace(),
            "messageType": 2,
        }
    )


def _item(site: Site, r: Report) -> str:
    shown = r.title if len(r.title) <= 30 else r.title[:30] + "..."
    return (
        f'\n      <li class="clearfix"><a class="bt-left" title="{esc(r.title)}" href="{esc(site.link(r))}" '
        f'target="_blank">{esc(shown)}</a><span class="bt-right">{r.posted:%Y-%m-%d}</span></li>\n\n'
    )


def _article(site: Site, r: Report) -> Response:
    col = next(c for c in site.columns() if c.id == r.column)
    path = site.path_of(r)
    page = render.fill(
        "jpaas_article.html",
        web_id=site.host.web_id,
        article_key=hashlib.md5(r.key.encode()).hexdigest(),
        title=esc(r.title),
        col_id=col.id_on(site.day),
        site_name=esc(site.host.site_name),
        host=site.host.name,
        site_code=site.host.site_code,
        column_name=esc(col.name),
        pub_datetime=f"{r.posted:%Y-%m-%d %H:%M}",
        pub_date=f"{r.posted:%Y-%m-%d}",
        source=esc(r.agency or site.host.site_name),
        path=path,
        page_timestamp=render.now_ms(),
        breadcrumb=_breadcrumb(site, col),
        index_no=f"{hashlib.sha256(r.agency.encode()).hexdigest()[:17].upper()}M/{r.posted.year}-{r.article_id}",
        view_count=site.views(),
        body=site.body(r, img_base=path.rsplit("/", 1)[0] + "/"),
    )
    return Response.html(page)


def _download(site: Site) -> Response:
    """The gateway: a live token gives the file, an old one a JSON error with status 200."""
    redeemed = files.redeem(site.cat.secret, site.req.arg("fileUrl"))
    if redeemed is None:
        return _error("400", "参数错误")
    ref, valid = redeemed
    if not valid:
        return _error("500", "文件链接已失效，请刷新页面后重新下载")
    key, aid = ref.split("|")
    r = site.cat.report(key)
    att = next((a for a in r.attachments if files.att_id(r, a) == aid and a.present(site.day)), None)
    if att is None or site.report_at(site.path_of(r)) is None:
        return _error("404", "文件不存在")
    body = files.attachment_bytes(att, lambda: site.content(r), r.posted)
    resp = Response.data(body, files.CONTENT_TYPES.get(att.ext, "application/octet-stream"))
    resp.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(att.name)}")
    return resp
