"""The night's mutable state and the view of one host that a family answers a request with.

:class:`Night` holds what changes while the simulator runs (simulated day, view counters, F20
list-request counts); :class:`Site` bundles, for one request, the host, its catalogue entries
for the day and the fault flags, so family modules stay small and stateless.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

from xxgk.mirror import content as content_mod
from xxgk.mirror import files, render
from xxgk.mirror.catalogue import Catalogue, Column, Host, Report, column_path
from xxgk.mirror.content import ReportContent
from xxgk.mirror.faults import error_page, soft404
from xxgk.mirror.messages import Request, Response

DEFAULT_TOKEN_TTL = 60.0  # seconds a JPaaS fileUrl stays valid after the page was rendered (F12)


def beijing(t: datetime) -> float:
    """Epoch seconds of a catalogue time (written in China Standard Time)."""
    return t.replace(tzinfo=timezone(timedelta(hours=8))).timestamp()


class Night:
    """Simulator state that depends on the simulated day; reset by ``set_day``."""

    def __init__(self, cat: Catalogue, day: int) -> None:
        self.cat = cat
        self.day = day
        self.lock = threading.Lock()
        self.views: Counter[tuple[str, str]] = Counter()
        self.list_requests: Counter[tuple[str, str]] = Counter()
        self.revealed: set[str] = set()  # reports shown early by F20

    def reset(self, day: int) -> None:
        self.day = day
        self.forget_faults()

    def forget_faults(self) -> None:
        """F20's effects end with its rule."""
        with self.lock:
            self.list_requests.clear()
            self.revealed.clear()

    def bump_view(self, host: str, path: str) -> int:
        with self.lock:
            self.views[(host, path)] += 1
            return 1000 + self.views[(host, path)]

    def bump_list(self, host: str, col_id: str) -> int:
        with self.lock:
            self.list_requests[(host, col_id)] += 1
            return self.list_requests[(host, col_id)]


class Site:
    """One host as a family sees it while answering one request."""

    def __init__(self, night: Night, host: Host, req: Request) -> None:
        self.night = night
        self.cat = night.cat
        self.day = night.day
        self.host = host
        self.req = req
        self.served_as = req.host  # the alias the client used
        self.alias = req.host != host.name

    # --- catalogue views ---------------------------------------------------------------
    def columns(self) -> list[Column]:
        return self.cat.columns_of(self.host.name)

    def column(self, col_id: str) -> Column | None:
        return self.cat.column(self.host.name, col_id, self.day)

    def column_path(self, col: Column) -> str:
        return column_path(self.host, col, self.day)

    def top_columns(self) -> list[Column]:
        return [c for c in self.columns() if not c.parent]

    def listed(self, col: Column) -> list[Report]:
        """A column's items tonight, with the list faults applied (F20 early item, F13 doubles)."""
        early = None
        if "F20" in self.req.flags and self.night.bump_list(self.host.name, col.id) > int(
            self.req.flags["F20"]["after"]
        ):
            early = self.cat.next_arrival(col, self.day)
        items = self.cat.listed(col, self.day, early_until=early)
        if early is not None:
            with self.night.lock:
                self.night.revealed.update(r.key for r in items if not r.present(self.day))
        if "F13" in self.req.flags:
            items = [r for r in items for _ in (0, 1)]
        return items

    def page_no(self, requested: int) -> int:
        """Fault F14 ``page1``: the server ignores the requested page."""
        f14 = self.req.flags.get("F14")
        return 1 if f14 and f14["mode"] == "page1" else requested

    def broken_paging(self, mode: str) -> bool:
        f14 = self.req.flags.get("F14")
        return bool(f14 and f14["mode"] == mode)

    def report_at(self, path: str) -> Report | None:
        """The report or notice served at ``path`` tonight (None: not found)."""
        r = self.cat.find(self.host.name, path, self.day)
        if r is None or r.status in ("missing", "dead"):
            return None
        if r.present(self.day) or r.key in self.night.revealed:
            return r
        return None

    def content(self, r: Report) -> ReportContent:
        return content_mod.content_for(self.cat, r, self.day)

    # --- links -------------------------------------------------------------------------
    def path_of(self, r: Report) -> str:
        return self.cat.path_on(r, self.day)

    def abs_url(self, path: str, host: str | None = None) -> str:
        return f"{self.host.scheme}://{host or self.host.name}{path}"

    def link(self, r: Report) -> str:
        """How a list links an item (relative, protocol-relative, absolute, on the alias host)."""
        if r.kind == "spam_link":
            return r.url
        path = self.path_of(r)
        if r.link == "protocol-relative":
            return f"//{self.host.name}{path}"
        if r.link == "absolute":
            return self.abs_url(path)
        if r.link == "alias":
            return self.abs_url(path, self.host.aliases[0])
        return path

    def attachments(self, r: Report) -> list[str]:
        """``<a>`` elements of the report's attachments present tonight."""
        out = []
        for a in r.attachments:
            if a.present(self.day):
                token = ""
                if a.via == "gateway":
                    ttl = float(self.req.flags.get("F12", {}).get("ttl", DEFAULT_TOKEN_TTL))
                    token = files.mint(self.cat.secret, f"{r.key}|{files.att_id(r, a)}", ttl)
                out.append(files.link_html(r, a, self.host.web_id, token))
        return out

    def body(self, r: Report, img_base: str = "") -> str:
        """Article body: the report, or a cover note when the text is only in the attachment."""
        links = self.attachments(r)
        if r.cover:
            return render.cover_html(r.title, links)
        return render.body_html(self.content(r), img_base) + render.attachment_links_html(links)

    def validators(self, resp: Response, r: Report) -> Response:
        """ETag/Last-Modified of a static page or file: they move only when the content does."""
        changes = [e.day for e in r.edits if e.day <= self.day]
        changes += [a.from_day for a in r.attachments if a.present(self.day)]
        etag = "-".join([self.version(r)] + [files.att_id(r, a)[:8] for a in r.attachments if a.present(self.day)])
        if self.alias:
            etag += "-" + self.served_as  # another host, another representation (GBK)
        return resp.validators(etag, beijing(r.posted) + 86400 * max(changes, default=0))

    def version(self, r: Report) -> str:
        """Content version id: the report model's hash, or the bytes' hash of a file report."""
        if r.content.startswith(("file:", "pingtan:")):
            return files.sha12(self.file_bytes(r))
        main = [a for a in r.attachments if a.present(self.day) and r.cover]
        if main and main[-1].file != "docx:self":
            return files.sha12(files.static_bytes(main[-1].file))
        return self.content(r).version

    def file_bytes(self, r: Report) -> bytes:
        """Bytes of a report that *is* a file (a PDF linked straight from the list, a real page)."""
        kind, _, name = r.content.partition(":")
        return files.static_bytes(name) if kind == "file" else files.data_bytes(f"corpus/pingtan_{name}")

    def views(self) -> int:
        return self.night.bump_view(self.host.name, self.req.path)

    # --- shared pages ------------------------------------------------------------------
    def home(self) -> Response:
        links = "\n".join(
            f'    <li><a href="{self.column_path(c)}">{render.esc(c.name)}</a></li>' for c in self.top_columns()
        )
        page = render.fill(
            "home.html",
            site_name=render.esc(self.host.site_name),
            host=self.host.name,
            site_code=self.host.site_code,
            links=links,
            view_count=self.views(),
        )
        return Response.html(page)

    def not_found(self) -> Response:
        """The host's own way of saying "no such page" (some never say 404: F15)."""
        mode = self.host.not_found
        if mode == "404":
            return error_page(404)
        return soft404({"soft404": "text"}.get(mode, mode), self.home)
