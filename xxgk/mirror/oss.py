"""The Zhejiang OSS attachment host that JCMS/JPaaS pages link files on (portals.md §1 A).

A whitelisted non-portal host: ``/jcms_files/jcms1/web{WEBID}/site/attach/0/{hex}.{ext}``.
Unknown keys get the object store's XML error, as the real one answers.
"""

from __future__ import annotations

from xxgk.mirror import files
from xxgk.mirror.messages import Response
from xxgk.mirror.site import Site

_NO_SUCH_KEY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchKey</Code>\n'
    "  <Message>The specified key does not exist.</Message>\n</Error>\n"
)


def handle(site: Site) -> Response | None:
    name = site.req.path.rsplit("/", 1)[-1]
    if not site.req.path.startswith("/jcms_files/"):
        return None
    for r in site.cat.reports:
        for a in r.attachments:
            if a.via != "oss" or f"{files.att_id(r, a)}.{a.ext}" != name or not a.present(site.day):
                continue
            if r.present(site.day):
                body = files.attachment_bytes(a, lambda r=r: site.content(r), r.posted)
                resp = Response.data(body, files.CONTENT_TYPES.get(a.ext, "application/octet-stream"))
                return site.validators(resp, r)
    return Response.data(_NO_SUCH_KEY.encode(), "application/xml", status=404)
