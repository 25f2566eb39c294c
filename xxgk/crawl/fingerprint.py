"""Fingerprints that decide "same content or new version".

Hashing whole pages would make every night a change: portals re-render chrome (view
counters, ``pageTimestamp``, ``Maketime``, expiring download tokens) on every request. So an
article is fingerprinted by the squashed text of its content region and the names of its
attachments (not its title, so a ``(图文)`` twin or a re-titled page with the same content is the
same content); a list page by the items and further pages it yields; a file by its bytes.
"""

from __future__ import annotations

import hashlib
import json

from xxgk.crawl.adapters.model import Article, ListPage


def _digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def article_fingerprint(article: Article) -> str:
    return _digest({"text": article.body_text,
                    "attachments": sorted(a.name for a in article.attachments)})


def list_fingerprint(page: ListPage) -> str:
    return _digest({"items": sorted([i.url, i.title, i.published or ""] for i in page.items),
                    "follow": sorted(r.key for r in page.follow), "total": page.total})
