"""Family adapters: pure functions from page text to list items, further pages and article
parts. One module per CMS family; :func:`for_family` picks it from a source's ``family``."""

from __future__ import annotations

from types import ModuleType

from xxgk.crawl.adapters import gkmlpt, hanweb_jcms, hanweb_jpaas, siteserver, trs

ADAPTERS: dict[str, ModuleType] = {
    "trs": trs,
    "hanweb_jcms": hanweb_jcms,
    "hanweb_jpaas": hanweb_jpaas,
    "siteserver": siteserver,
    "gkmlpt": gkmlpt,
}


def for_family(family: str) -> ModuleType:
    """The adapter module (``parse_list``, ``parse_article``, ``attachment_key``)."""
    try:
        return ADAPTERS[family]
    except KeyError:
        raise KeyError(f"no crawl adapter for family {family!r}") from None
