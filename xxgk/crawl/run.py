"""One night's crawl: every source, hosts in parallel, each host serially and politely.

Per source: read the whole column listing (all pages; a second pass if the list's size
changed while paging, F20), pick the report links by title convention, fetch each report
article (conditionally when validators are known) and the files it links, and store what is
new. A version is new when the fingerprint of the content region changed, not the page's
bytes (:mod:`xxgk.crawl.fingerprint`). Items that vanished from a *complete* listing are
marked gone; a failed or partial listing marks nothing, so a bad night never erases a report.
When the host's or the night's time budget is spent, every fetch still due is recorded as
``deferred`` (fetch log and item) and comes first the next night.

Library entry point: :func:`crawl`. The CLI (:mod:`xxgk.crawl.cli`) and the pipeline call it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb

from xxgk import charset
from xxgk.archive import articles
from xxgk.crawl import adapters
from xxgk.crawl.adapters.article import FILE_EXTS, ext_of
from xxgk.crawl.adapters.model import Article, Attachment, Link, ListPage, PageRequest
from xxgk.crawl.connect_to import ConnectTo, parse_connect_to
from xxgk.crawl.fingerprint import article_fingerprint, list_fingerprint
from xxgk.crawl.http import ClientConfig, Fetcher, FetchResult, Validators
from xxgk.crawl.sources import Registry, Source
from xxgk.crawl.store import CrawlStore, Document, Item, LogRow, Rows
from xxgk.crawl.titles import ReportTitle, full_agency, parse_report_title, report_year
from xxgk.extract import sniff
from xxgk.rawstore import RawStore, sha256_bytes

#: Outcomes of a download that may just mean "the token in the link expired" (F12).
TOKEN_EXPIRED = frozenset({"blocked", "not_found", "http_error", "attachment_not_file"})

DIRECTORY_BATCH = 2000  # files of a directory source whose rows are written in one bulk transaction
# Documents stored from one source in a night that get a log line each; the rest are counted in
# one line. A backfill of a large archive stores a million: a line each cost 0.5 ms and 0.6 KB
# in Dagster's event log (a log call is an event), so a million cost 8 minutes and 600 MB.
LOGGED_PER_SOURCE = 100


@dataclass
class SourceSummary:
    source_id: str
    outcomes: Counter = field(default_factory=Counter)
    new: int = 0                 # documents stored for the first time at their locator
    changed: int = 0             # new versions of known locators
    unchanged: int = 0           # content confirmed, nothing stored
    gone: int = 0                # items marked gone tonight
    listing_complete: bool = True
    alerts: list[str] = field(default_factory=list)


@dataclass
class CrawlSummary:
    night: str
    elapsed: float
    sources: dict[str, SourceSummary]
    closed_hosts: dict[str, str]

    @property
    def outcomes(self) -> Counter:
        return sum((s.outcomes for s in self.sources.values()), Counter())

    @property
    def alerts(self) -> list[str]:
        return [a for s in self.sources.values() for a in s.alerts]

    def count(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.sources.values())


def crawl(sources: Registry | Sequence[Source], store: RawStore, con: duckdb.DuckDBPyConnection, *,
          connect_to: Sequence[str | ConnectTo] = (), allow_http: bool = False, night: str | None = None,
          log: Callable[[str], None] = lambda message: None, config: ClientConfig | None = None,
          max_workers: int = 8) -> CrawlSummary:
    """Crawl every source once and return what happened.

    ``con`` must have the crawl DDL applied (open it with :func:`xxgk.warehouse.db.connect`).
    ``connect_to`` takes curl-style ``HOST1:PORT1:HOST2:PORT2`` strings; ``allow_http`` lets
    mapped ``https`` URLs go to the mapped address as plain HTTP. ``night`` labels the run in
    the tables (default: today's date); re-running the same night is idempotent.
    """
    t0 = time.monotonic()
    night = night or date.today().isoformat()
    registry = sources if isinstance(sources, Registry) else Registry(tuple(sources))
    if config is None:
        config = ClientConfig(pacing=registry.pacing)
        if registry.user_agent:
            config = replace(config, user_agent=registry.user_agent)
        if registry.host_budget is not None:
            config = replace(config, host_budget=registry.host_budget)
        if registry.night_budget is not None:
            config = replace(config, night_budget=registry.night_budget)
    rules = tuple(r if isinstance(r, ConnectTo) else parse_connect_to(r) for r in connect_to)
    host_pacing = {h: s.pacing for s in registry.sources if s.pacing for h in s.hosts}
    host_budgets = {h: s.host_budget for s in registry.sources if s.host_budget for h in s.hosts}
    state = CrawlStore(con, store, night)
    store.discard_incomplete()  # temp files of a crawl killed midway

    def on_robots(result: FetchResult) -> None:
        owner = next((s.id for s in registry.sources if urlsplit(result.url).hostname in s.hosts), "")
        sha = state.put_bytes(result.body) if result.outcome == "ok" and result.body else None
        state.save(LogRow.of(night, owner, "robots", result, sha256=sha))

    # A group per host (its sources share its pacing); the directory sources are one group: their
    # work is Python under the GIL, and in parallel threads they thrash it (101,000 unchanged
    # files: 56 s across threads, 0.3 ms a file in one).
    groups: dict[str, list[Source]] = {}
    for s in registry.sources:
        groups.setdefault(s.host or "directories", []).append(s)
    summaries: dict[str, SourceSummary] = {}
    with Fetcher(config, connect_to=rules, allow_http=allow_http, host_pacing=host_pacing,
                 host_budgets=host_budgets, on_robots=on_robots) as fetcher:
        def run_group(group: list[Source]) -> None:
            for source in group:
                job = _SourceCrawl(source, fetcher, state, log)
                summaries[source.id] = job.summary
                try:
                    job.run()
                except Exception as e:  # one broken source must not cost the other sources their night
                    job.summary.listing_complete = False
                    job.summary.alerts.append(f"{source.id}: crawl aborted: {type(e).__name__}: {e}")
                    log(f"[{source.id}] crawl aborted: {type(e).__name__}: {e}")

        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(groups)))) as pool:
            for future in [pool.submit(run_group, g) for g in groups.values()]:
                future.result()
        closed = fetcher.closed_hosts()
    ordered = {s.id: summaries[s.id] for s in registry.sources if s.id in summaries}
    return CrawlSummary(night=night, elapsed=time.monotonic() - t0, sources=ordered, closed_hosts=closed)


class _SourceCrawl:
    """The crawl of one source on one night (runs in its host's worker thread)."""

    def __init__(self, source: Source, fetcher: Fetcher, store: CrawlStore, log: Callable[[str], None]) -> None:
        self.source = source
        self.fetcher = fetcher
        self.store = store
        self.night = store.night
        self.log = log
        self.summary = SourceSummary(source.id)
        self.listed_pages: set[str] = set()   # list request keys asked for tonight

    # -- driver -----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.crawl()
        finally:
            stored = self.summary.new + self.summary.changed
            if stored > LOGGED_PER_SOURCE:
                self.log(f"[{self.source.id}] {stored - LOGGED_PER_SOURCE} more documents stored "
                         f"(the first {LOGGED_PER_SOURCE} were logged): {self.summary.new} new, "
                         f"{self.summary.changed} changed")

    def crawl(self) -> None:
        if self.source.family == "directory":
            self.directory()
            return
        adapter = adapters.for_family(self.source.family)
        links, complete = self.listing(adapter)
        self.summary.listing_complete = complete
        reports: dict[str, tuple[Link, ReportTitle]] = {}
        for link in links.values():
            title = parse_report_title(link.title)
            if title is not None:
                reports.setdefault(link.url, (link, title))
        self.log(f"[{self.source.id}] {len(links)} list items, {len(reports)} reports"
                 + ("" if complete else " (listing incomplete)"))
        for link, title in self.deferred_first(reports.values()):
            if self.host_closed():
                self.summary.listing_complete = complete = False
                break
            if ext_of(urlsplit(link.url).path) in FILE_EXTS:
                self.file(link, title, parent=None)
            else:
                self.article(adapter, link, title)
        if complete:
            self.mark_gone(("list",), lambda i: i.url in self.listed_pages)
            self.mark_gone(("article", "file"), lambda i: i.url in reports)
            live = {i.url for i in self.store.items(self.source.id, ("article", "file"))}
            self.mark_gone(("attachment",), lambda i: i.parent_url in live)
        self.alert_closed_hosts()
        if self.summary.outcomes["deferred"]:
            self.summary.alerts.append(f"{self.source.id}: time budget spent: {self.summary.outcomes['deferred']} "
                                       f"fetches deferred to the next night")

    def log_stored(self, line: str) -> None:
        """A stored document's log line, for the first ``LOGGED_PER_SOURCE`` of the night
        (``stored`` has counted it already)."""
        if self.summary.new + self.summary.changed <= LOGGED_PER_SOURCE:
            self.log(line)

    def deferred_first(self, reports: Iterable[tuple[Link, ReportTitle]]) -> list[tuple[Link, ReportTitle]]:
        """Reports whose fetch did not fit into last night's budget go first tonight, so a site
        too big for one night is still read completely over several."""
        def waited(entry: tuple[Link, ReportTitle]) -> bool:
            prev = self.store.item(self.source.id, entry[0].url)
            return prev is not None and prev.last_outcome == "deferred"

        return sorted(reports, key=lambda entry: not waited(entry))

    def host_closed(self) -> bool:
        return self.fetcher.host_state(self.source.host).closed is not None

    def alert_closed_hosts(self) -> None:
        for host, reason in self.fetcher.closed_hosts().items():
            if host in self.source.hosts:
                self.summary.alerts.append(f"{self.source.id}: {host} closed for the night: {reason}")

    def fetch(self, url: str, **kwargs: object) -> FetchResult:
        result = self.fetcher.fetch(url, allowed_hosts=self.source.hosts, **kwargs)  # type: ignore[arg-type]
        self.summary.outcomes[result.outcome] += 1
        return result

    def decode(self, body: bytes, content_type: str | None) -> str:
        return charset.decode(body, content_type, self.source.charset)[0]

    def base_item(self, prev: Item | None, url: str, kind: str) -> Item:
        item = prev or Item(source_id=self.source.id, url=url, kind=kind, first_seen=self.night)
        return replace(item, status="live", gone_since=None, last_seen=self.night)

    def mark_gone(self, kinds: tuple[str, ...], keep: Callable[[Item], bool]) -> None:
        """Mark live items of these kinds gone unless ``keep`` says they are still there."""
        gone = [i.url for i in self.store.items(self.source.id, kinds) if not keep(i)]
        self.store.mark_gone(self.source.id, gone)
        self.summary.gone += len(gone)
        for url in gone[:LOGGED_PER_SOURCE]:
            self.log(f"[{self.source.id}] gone: {url}")
        if len(gone) > LOGGED_PER_SOURCE:
            self.log(f"[{self.source.id}] {len(gone) - LOGGED_PER_SOURCE} more gone (the first {LOGGED_PER_SOURCE} "
                     "were logged)")

    def stored(self, result: FetchResult, prev: Item | None, sha: str, name: str, locator: str,
               title: str | None, published: str | None, parent_sha: str | None) -> tuple[Document, str]:
        """The document row of a newly stored version, and its change label."""
        change = "changed" if prev is not None and prev.sha256 else "new"
        setattr(self.summary, change, getattr(self.summary, change) + 1)
        media = result.media_type or sniff.sniff(result.body or b"")
        return Document(sha256=sha, source_id=self.source.id, locator=locator, name=name, media_type=media,
                        bytes=len(result.body or b""), title_hint=title, published_hint=published,
                        parent_sha256=parent_sha), change

    # -- listing ----------------------------------------------------------------------------

    def listing(self, adapter) -> tuple[dict[str, Link], bool]:
        """All items of the column(s). A second pass runs when a column's pages disagreed about
        its size (a report appeared while paging, F20); items of both passes are kept."""
        items: dict[str, Link] = {}
        complete = True
        for _pass in range(2):
            complete, resized = self.list_pass(adapter, items)
            if not resized or not complete:
                break
            self.log(f"[{self.source.id}] a list changed size while paging: reading it again")
        return items, complete

    def list_pass(self, adapter, items: dict[str, Link]) -> tuple[bool, bool]:
        """Read every column once, page by page; returns (complete, some column resized)."""
        entries = [PageRequest(self.source.canonical_url(u)) for u in self.source.urls]
        asked: set[str] = set()
        complete, resized = True, False
        for entry in entries:
            column_items: set[str] = set()   # repeats are judged within one column's pages
            totals: set[int] = set()
            queue = [entry]
            while queue:
                request = queue.pop(0)
                if request.key in asked:
                    continue
                asked.add(request.key)
                if len(asked) > self.source.max_pages * len(entries):
                    self.summary.alerts.append(f"{self.source.id}: more than {self.source.max_pages} list pages")
                    return False, resized
                page = self.list_page(adapter, request, column_items, is_entry=request is entry)
                if page is None:
                    complete = False
                    if self.host_closed():
                        return False, resized
                    continue
                if page.total is not None:
                    totals.add(page.total)
                for link in page.items:
                    canonical = replace(link, url=self.source.canonical_url(link.url))
                    items.setdefault(canonical.url, canonical)
                    column_items.add(canonical.url)
                queue.extend(r for r in page.follow if r.key not in asked)
            resized = resized or len(totals) > 1
        return complete, resized

    def list_page(self, adapter, request: PageRequest, seen: set[str], is_entry: bool) -> ListPage | None:
        """Fetch and parse one list page; None when the page could not be read tonight."""
        sid, key = self.source.id, request.key
        self.listed_pages.add(key)
        prev = self.store.item(sid, key)
        validators = None
        if prev is not None and prev.sha256 and request.method == "GET":
            validators = Validators(prev.etag, prev.last_modified)
        result = self.fetch(request.url, method=request.method, data=dict(request.data) or None,
                            validators=validators)
        item = replace(self.base_item(prev, key, "list"), last_outcome=result.outcome)
        body = None
        if result.outcome == "not_modified" and prev is not None and prev.sha256:
            body = self.store.get_bytes(prev.sha256)
        elif result.has_body:
            body = result.body
        if body is None:
            self.store.save(LogRow.of(self.night, sid, "list", result, url=key), item)
            if is_entry:
                self.summary.alerts.append(f"{sid}: column page {request.url}: {result.outcome} {result.detail}")
            return None
        landed = request if result.final_url in ("", request.url) else replace(request, url=result.final_url)
        page = adapter.parse_list(landed, self.decode(body, result.content_type))
        fp = list_fingerprint(page)
        fresh = [i for i in page.items if self.source.canonical_url(i.url) not in seen]
        outcome = None
        if not is_entry and page.items and not fresh:
            outcome = "pagination_repeats"
            self.summary.alerts.append(f"{sid}: {request.url} repeats earlier list items (pagination ignored?)")
        elif not is_entry and not page.items and not page.follow:
            outcome = "pagination_short"
            self.summary.alerts.append(f"{sid}: {request.url} was announced but lists nothing (stub or empty page)")
        if outcome:
            self.summary.outcomes[outcome] += 1
        sha, change = None, "unchanged"
        if result.outcome == "ok" and (prev is None or prev.fingerprint != fp):
            sha = self.store.put_bytes(body)
            change = "changed" if prev is not None and prev.fingerprint else "new"
            item = replace(item, fingerprint=fp, sha256=sha, versions=item.versions + 1)
        item = replace(item, etag=result.etag or (prev.etag if prev and result.outcome == "not_modified" else None),
                       last_modified=result.last_modified
                       or (prev.last_modified if prev and result.outcome == "not_modified" else None),
                       last_ok=self.night, last_fetched=self.night if result.outcome == "ok" else item.last_fetched)
        self.store.save(LogRow.of(self.night, sid, "list", result, url=key, outcome=outcome, sha256=sha,
                                  change=change), item)
        return None if outcome else page

    # -- reports ----------------------------------------------------------------------------

    def report_fields(self, item: Item, link: Link, title: ReportTitle, body_text: str = "",
                      published: str | None = None) -> Item:
        """Agency and year from the title; a year already read from the body is kept until the
        body is read again."""
        year = report_year(title, body_text, link.published or published)
        if title.year is None and not body_text and item.report_year is not None:
            year = item.report_year
        agency = full_agency(title.agency, self.source.region_name) or self.source.agency
        return replace(item, title=link.title, published=link.published or item.published,
                       agency=agency, report_year=year, variant=title.variant)

    def trusted(self, prev: Item | None, link: Link) -> bool:
        """Revisit policy: a stored page that sends no validators (so cannot be asked for
        conditionally) and whose list entry is unchanged is trusted for ``recheck_days`` nights
        instead of being downloaded again; a no-op night stays cheap on such sites too."""
        if prev is None or not prev.sha256 or prev.etag or prev.last_modified or prev.status != "live":
            return False
        if prev.title != link.title or (link.published or None) != prev.published:
            return False
        if prev.last_outcome not in ("ok", "not_modified"):
            return False
        age = self.store.nights_since(prev.last_fetched)
        return age is not None and age < self.source.recheck_days

    def article(self, adapter, link: Link, title: ReportTitle) -> None:
        sid, url = self.source.id, link.url
        prev = self.store.item(sid, url)
        if self.trusted(prev, link):
            assert prev is not None and prev.sha256
            item = self.report_fields(self.base_item(prev, url, "article"), link, title)
            self.summary.unchanged += 1
            self.store.save(None, item)
            parsed = adapter.parse_article(url, self.decode(self.store.get_bytes(prev.sha256) or b"", None))
            if parsed is not None:
                self.attachments(adapter, item, parsed, parent_changed=False)
            return
        validators = Validators(prev.etag, prev.last_modified) if prev is not None and prev.sha256 else None
        result = self.fetch(url, validators=validators)
        item = replace(self.report_fields(self.base_item(prev, url, "article"), link, title),
                       last_outcome=result.outcome)
        if result.outcome == "not_modified" and prev is not None and prev.sha256:
            body = self.store.get_bytes(prev.sha256) or b""
            item = replace(item, last_ok=self.night)
            self.summary.unchanged += 1
            self.store.save(LogRow.of(self.night, sid, "article", result, change="unchanged"), item)
            parsed = adapter.parse_article(url, self.decode(body, None))
            if parsed is not None:
                self.attachments(adapter, item, parsed, parent_changed=False)
            return
        if not result.has_body:
            self.store.save(LogRow.of(self.night, sid, "article", result), item)
            return
        if result.media_type in sniff.FILE_TYPES:  # the "article" link served the report file itself
            self.file(link, title, parent=None, result=result)
            return
        parsed = adapter.parse_article(result.final_url or url, self.decode(result.body or b"", result.content_type))
        if parsed is None:
            self.summary.outcomes["soft_404"] += 1
            self.store.save(LogRow.of(self.night, sid, "article", result, outcome="soft_404",
                                      detail="no article content region"),
                            replace(item, last_outcome="soft_404"))
            return
        item = self.report_fields(item, link, title, parsed.body_text, parsed.published)
        fp = article_fingerprint(parsed)
        item = replace(item, etag=result.etag, last_modified=result.last_modified, last_ok=self.night,
                       last_fetched=self.night)
        if prev is not None and prev.fingerprint == fp:
            self.summary.unchanged += 1
            self.store.save(LogRow.of(self.night, sid, "article", result, change="unchanged"), item)
            self.attachments(adapter, item, parsed, parent_changed=False)
            return
        twin = self.store.same_content(sid, item.agency, item.report_year, fp)
        if twin is not None:  # same report content already stored under another URL: provenance only
            item = replace(item, fingerprint=fp, sha256=twin.sha256, versions=item.versions + 1)
            self.summary.unchanged += 1
            self.store.save(LogRow.of(self.night, sid, "article", result, change="unchanged",
                                      detail=f"same content as {twin.url}"), item)
            self.attachments(adapter, item, parsed, parent_changed=prev is None or prev.fingerprint != fp)
            return
        sha = self.store.put_bytes(result.body or b"")
        doc, change = self.stored(result, prev, sha, _page_name(url), url, link.title,
                                  link.published or parsed.published, None)
        item = replace(item, fingerprint=fp, sha256=sha, versions=item.versions + 1)
        self.store.save(LogRow.of(self.night, sid, "article", result, sha256=sha, change=change), item, doc)
        self.log_stored(f"[{sid}] {change} report: {link.title} {url}")
        self.attachments(adapter, item, parsed, parent_changed=True)

    def attachments(self, adapter, parent: Item, article: Article, parent_changed: bool) -> None:
        """Files linked from a report article. A known file is fetched again only when the
        article changed, when it was never stored, or conditionally when it has validators:
        a no-op night costs no downloads."""
        keep: set[str] = set()
        for att in article.attachments:
            keep.add(att.key)
            prev = self.store.item(self.source.id, att.key)
            stable = att.key == att.url
            needed = (prev is None or not prev.sha256 or prev.status == "gone" or parent_changed
                      or prev.last_outcome not in ("ok", "not_modified")  # failed or deferred last time
                      or (stable and bool(prev.etag or prev.last_modified)))
            if not needed:
                assert prev is not None
                self.store.save(None, replace(self.base_item(prev, att.key, "attachment"), parent_url=parent.url))
                continue
            self.attachment(adapter, parent, att, prev)
        self.mark_gone(("attachment",), lambda i: i.parent_url != parent.url or i.url in keep)

    def attachment(self, adapter, parent: Item, att: Attachment, prev: Item | None) -> None:
        stable = att.key == att.url
        validators = Validators(prev.etag, prev.last_modified) if stable and prev is not None and prev.sha256 else None
        result = self.fetch(att.url, expect="file", ext_hint=att.ext, validators=validators)
        if result.outcome in TOKEN_EXPIRED and not stable:
            fresh = self.refresh_link(adapter, parent, att)
            if fresh is not None:
                self.store.save(LogRow.of(self.night, self.source.id, "attachment", result, url=att.url,
                                          detail=f"{result.outcome}: retrying with a fresh token"))
                att = fresh
                result = self.fetch(att.url, expect="file", ext_hint=att.ext)
        link = Link(url=att.key, title=att.name, published=parent.published)
        item = replace(self.base_item(prev, att.key, "attachment"), parent_url=parent.url, title=att.name,
                       published=parent.published, agency=parent.agency, report_year=parent.report_year,
                       variant=parent.variant, last_outcome=result.outcome)
        self.store_file(link, item, prev, result, parent_sha=parent.sha256, name=att.name, kind="attachment",
                        url=att.url)

    def refresh_link(self, adapter, parent: Item, att: Attachment) -> Attachment | None:
        """Re-read the article for a fresh download token (F12); the page is not re-stored."""
        result = self.fetch(parent.url)
        self.store.save(LogRow.of(self.night, self.source.id, "article", result,
                                  detail="re-read for a fresh download link"))
        if not result.has_body:
            return None
        parsed = adapter.parse_article(parent.url, self.decode(result.body or b"", result.content_type))
        if parsed is None:
            return None
        return next((a for a in parsed.attachments if a.key == att.key and a.url != att.url), None)

    def file(self, link: Link, title: ReportTitle, parent: Item | None,
             result: FetchResult | None = None) -> None:
        """A report published directly as a file on the list (or an "article" link that is one)."""
        prev = self.store.item(self.source.id, link.url)
        if result is None and self.trusted(prev, link):
            assert prev is not None
            self.summary.unchanged += 1
            self.store.save(None, self.report_fields(self.base_item(prev, link.url, "file"), link, title))
            return
        if result is None:
            validators = Validators(prev.etag, prev.last_modified) if prev is not None and prev.sha256 else None
            result = self.fetch(link.url, expect="file", ext_hint=ext_of(urlsplit(link.url).path),
                                validators=validators)
        item = replace(self.report_fields(self.base_item(prev, link.url, "file"), link, title),
                       kind="file", last_outcome=result.outcome)
        name = unquote(urlsplit(link.url).path.rsplit("/", 1)[-1]) or "report"
        self.store_file(link, item, prev, result, parent_sha=parent.sha256 if parent else None, name=name,
                        kind="file", url=link.url)

    def store_file(self, link: Link, item: Item, prev: Item | None, result: FetchResult, *,
                   parent_sha: str | None, name: str, kind: str, url: str, queue: list[Rows] | None = None) -> None:
        """Store a fetched file: its bytes (first), then its rows, written now or, with ``queue``,
        appended there for :meth:`CrawlStore.save_many` (a directory source writes in bulk)."""
        sid = self.source.id

        def save(log: LogRow, item: Item, doc: Document | None = None) -> None:
            if queue is None:
                self.store.save(log, item, doc)
            else:
                queue.append((log, item, doc))

        if result.outcome == "not_modified":
            self.summary.unchanged += 1
            save(LogRow.of(self.night, sid, kind, result, url=url, change="unchanged"),
                 replace(item, last_ok=self.night))
            return
        if not result.has_body:
            save(LogRow.of(self.night, sid, kind, result, url=url), item)
            return
        body = result.body or b""
        fp = sha256_bytes(body)
        item = replace(item, etag=result.etag, last_modified=result.last_modified, last_ok=self.night,
                       last_fetched=self.night)
        if prev is not None and prev.fingerprint == fp:
            self.summary.unchanged += 1
            save(LogRow.of(self.night, sid, kind, result, url=url, sha256=fp, change="unchanged"), item)
            return
        sha = self.store.put_bytes(body)
        doc, change = self.stored(result, prev, sha, _file_name(name, result.media_type), item.url, link.title,
                                  link.published, parent_sha)
        item = replace(item, fingerprint=fp, sha256=sha, versions=item.versions + 1)
        save(LogRow.of(self.night, sid, kind, result, url=url, sha256=sha, change=change), item, doc)
        self.log_stored(f"[{sid}] {change} {kind}: {name}")

    # -- directory sources ------------------------------------------------------------------

    def directory(self) -> None:
        """Every file under the folder is a document; a changed file is a new version. Rows are
        written in bulk every ``DIRECTORY_BATCH`` files (bytes always first: a run killed before
        a batch's rows loses nothing, the next night finds the same files and writes them)."""
        root = self.source.path
        assert root is not None
        if not root.is_dir():
            self.summary.alerts.append(f"{self.source.id}: folder {root} does not exist")
            self.summary.listing_complete = False
            return
        seen: set[str] = set()
        known = {i.url: i for i in self.store.items(self.source.id, ("file",), status=None)}
        queue: list[Rows] = []
        for article in articles(root):
            for path in article.files:
                self.directory_file(path, article.title_hint or path.stem, seen, known, queue)
                if len(queue) >= DIRECTORY_BATCH:
                    self.store.save_many(queue)
                    queue.clear()
        self.store.save_many(queue)
        self.mark_gone(("file",), lambda i: i.url in seen)

    def directory_file(self, path: Path, name: str, seen: set[str], known: dict[str, Item],
                       queue: list[Rows]) -> None:
        """One file of a directory source; ``name`` is its title as the folder gives it (a crawler
        archive names each article's folder after the article).

        The file's size and modification time are its validator (kept as the item's ``etag``):
        a file that still has them is not read again, as a portal answers 304, so a night with
        nothing new costs a ``stat`` per file and a few bulk statements whatever the archive's
        size. A file rewritten with other bytes gets a new time; one rewritten with the same
        bytes is read and found unchanged by its hash."""
        locator = str(path.resolve())
        seen.add(locator)
        st = path.stat()
        validator = f"{st.st_size}-{st.st_mtime_ns}"
        prev = known.get(locator)
        started = datetime.now(UTC)
        if prev is not None and prev.sha256 and prev.etag == validator and prev.status == "live":
            result = FetchResult(url=locator, method="READ", outcome="not_modified", started_at=started,
                                 final_url=locator, etag=validator, attempts=1)
        else:
            data = path.read_bytes()
            result = FetchResult(url=locator, method="READ", outcome="ok", started_at=started, final_url=locator,
                                 etag=validator, body=data, media_type=sniff.sniff(data, ext_of(path.name)),
                                 attempts=1)
        self.summary.outcomes[result.outcome] += 1
        title = parse_report_title(name)
        item = self.base_item(prev, locator, "file")
        item = replace(item, title=name, last_outcome=result.outcome,
                       agency=(title.agency or self.source.agency) if title else self.source.agency,
                       report_year=title.year if title else None, variant=title.variant if title else None)
        self.store_file(Link(url=locator, title=name), item, prev, result, parent_sha=None,
                        name=path.name, kind="file", url=locator, queue=queue)


def _page_name(url: str) -> str:
    """A file name for an article page that the extractor's sniffing reads as HTML."""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or "index"
    return name if ext_of(name) in ("html", "htm", "shtml") else f"{name}.html"


def _file_name(name: str, media_type: str | None) -> str:
    """Keep the published name, but make its extension tell the truth about the bytes."""
    real = sniff.EXTENSIONS.get(media_type or "")
    if real and ext_of(name) != real:
        return f"{name}.{real}"
    return name
