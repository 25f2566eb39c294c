"""What the family adapters return: plain values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    url: str                      # absolute
    title: str                    # the full title (``title`` attribute before link text)
    published: str | None = None  # YYYY-MM-DD from the list, when shown


@dataclass(frozen=True)
class PageRequest:
    """A list page (or list API call) to fetch. ``data`` is a POST form as sorted pairs, so
    requests are hashable and the crawler can tell it has already asked for one."""

    url: str
    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """Identity in the crawl state: the URL of a GET, method + URL + form otherwise."""
        if self.method == "GET" and not self.data:
            return self.url
        return f"{self.method} {self.url} " + "&".join(f"{k}={v}" for k, v in self.data)


@dataclass(frozen=True)
class ListPage:
    items: tuple[Link, ...] = ()
    follow: tuple[PageRequest, ...] = ()  # further pages of the same list this page reveals
    total: int | None = None              # what the page claims the list's size is


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str        # file name as shown (``download`` attr, ``fileName``/``showname``, text)
    ext: str         # extension promised by the name or URL, lower case, no dot ("" unknown)
    key: str         # stable identity: the URL without expiring tokens


@dataclass(frozen=True)
class Article:
    title: str | None
    published: str | None
    body_html: str                   # the content region only (what a version is about)
    body_text: str                   # its text, whitespace squashed
    attachments: tuple[Attachment, ...] = ()
