"""Small lxml helpers shared by the family adapters and the page classifiers."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WS = re.compile(r"\s+")


def parse(text: str) -> lxml.html.HtmlElement:
    """A whole document (fragments are wrapped in html/body), tolerant of XML declarations,
    which lxml refuses in str input."""
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        text = "<html></html>"
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>")


def squash(s: str | None) -> str:
    """Collapse whitespace (incl. NBSP and ideographic space) to single spaces."""
    return _WS.sub(" ", (s or "").replace("\u00a0", " ").replace("\u3000", " ")).strip()


def text_of(el: lxml.html.HtmlElement | None) -> str:
    return squash(el.text_content()) if el is not None else ""


def meta(root: lxml.html.HtmlElement, name: str) -> str | None:
    for el in root.iter("meta"):
        if (el.get("name") or "").lower() == name.lower():
            return squash(el.get("content")) or None
    return None


def absolute(base: str, href: str | None) -> str | None:
    """Resolve a link the way a browser would (incl. protocol-relative ``//host/…``); None for
    script, mail and fragment-only links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or re.match(r"(javascript|mailto|tel|data):", href, re.I):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts._replace(fragment="").geturl()


def strip_invisible(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Drop scripts, styles, titles and comments (in place) so text is what a reader sees."""
    for el in list(root.iter("script", "style", "title", "noscript", "template", lxml.etree.Comment)):
        el.drop_tree()
    return root


def by_class(name: str, tag: str = "*") -> str:
    """XPath for elements carrying CSS class ``name`` (lxml's cssselect needs an extra package)."""
    return f"//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
