"""The spam mirror (fault F18): a non-government host republishing report pages.

Copies like these exist on the public web (portals.md §3: inapptrack.com, rongyikj.com …);
a real list links one by mistake. Its pages carry the copied report body inside ad-laden
chrome, so only a host allowlist, not content, tells them apart.
"""

from __future__ import annotations

from xxgk.mirror import render
from xxgk.mirror.messages import Response
from xxgk.mirror.render import esc
from xxgk.mirror.site import Site


def handle(site: Site) -> Response | None:
    for path, key in site.host.copies:
        if site.req.path == path:
            r = site.cat.report(key)
            text = (
                '<!DOCTYPE html><html><head><meta charset="utf-8">'
                f"<title>{esc(r.title)} - 资讯中心</title></head><body>"
                '<div class="ad"><a href="http://sim-mirror.example.com/vip.html">限时优惠 点击领取</a></div>'
                f'<h1>{esc(r.title)}</h1><div class="content">{render.body_html(site.content(r))}</div>'
                '<div class="ad">广告位招租</div></body></html>'
            )
            return Response.html(text)
    if site.req.path in ("/", "/index.html"):
        links = "".join(f'<li><a href="{p}">{esc(site.cat.report(k).title)}</a></li>' for p, k in site.host.copies)
        return Response.html(
            f'<html><head><meta charset="utf-8"><title>资讯中心</title></head><body><ul>{links}</ul></body></html>'
        )
    return None
