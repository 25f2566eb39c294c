"""Recognising answers that are not what they claim to be: anti-bot challenges (F4, F5) and
"not found" pages served with status 200 (F15).

A challenge is recorded and the host is left alone for the night; its script is never run
(portals.md §4.3). A soft 404 is treated like a 404. Both tests are pure functions of the
status, the bytes and the decoded text, so they can be checked on captured pages.
"""

from __future__ import annotations

import re

from xxgk.crawl import dom

CHALLENGE_STATUSES = frozenset({412, 512, 521})

_CHALLENGE_SCRIPT = re.compile(
    r"\$_ts|__jsl_clearance|__jsluid|_\$[a-z]{2}\s*=|document\.cookie\s*=[^;]*;[^<]*location", re.I | re.S)
_SOFT404_TITLE = re.compile(r"404|not\s*found|页面不存在|页面未找到|找不到|访问出错|错误页面|非法请求", re.I)
_SOFT404_TEXT = re.compile(
    r"非法请求|页面不存在|页面未找到|您访问的页面|找不到(您要|该)?页面|404\s*not\s*found|\b404\b", re.I)


def page_title(text: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def visible_text(text: str) -> str:
    """What a reader would see: markup, scripts, styles and the title removed."""
    return dom.text_of(dom.strip_invisible(dom.parse(text)))


def is_challenge(status: int, text: str) -> bool:
    """412/512/521, or a page that is only a cookie-setting/redirecting script, or the empty
    shell (an empty ``<title>``, nothing else) a failed 瑞数 challenge leaves behind."""
    if status in CHALLENGE_STATUSES:
        return True
    if status >= 300 or len(text) > 20_000:
        return False
    visible = visible_text(text)
    if _CHALLENGE_SCRIPT.search(text) and len(visible) < 200:
        return True
    # The shell has a <title> but an empty one; a TRS out-of-range stub page (no items, but the
    # site name as title) must not pass for a challenge, or paging would close the host.
    empty_title = re.search(r"<title[^>]*>\s*</title>", text, re.I) is not None
    has_content = re.search(r"<(a|img|table|p|li|div)\b", _strip_scripts(text), re.I) is not None
    return empty_title and not visible and not has_content


def _strip_scripts(text: str) -> str:
    return re.sub(r"<(script|style)\b.*?</\1\s*>", "", text, flags=re.I | re.S)


def soft_404(text: str) -> bool:
    """A 200 answer that says "not found" (``非法请求 404！`` and friends)."""
    if _SOFT404_TITLE.search(page_title(text)):
        return True
    visible = visible_text(text) if len(text) < 20_000 else ""
    return 0 < len(visible) < 400 and _SOFT404_TEXT.search(visible) is not None


HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html"})


def redirected_home(from_path: str, to_path: str) -> bool:
    """A redirect from a deep URL to the site's home page: a dead directory (F15)."""
    return to_path in HOME_PATHS and from_path not in HOME_PATHS
