"""Great Expectations Data Docs that work with no network.

GX's page templates load jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from CDNs,
so offline the pages show two buttons and ``$ is not defined``. After every build the
vendored copies (``vendor/datadocs``, see its README) are copied next to the pages and every
CDN link is rewritten to them, with the ``integrity``/``crossorigin`` attributes that a
``file://`` page cannot satisfy removed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "vendor" / "datadocs"
LOCAL_DIR = "static/vendor"

CDN: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed.min.js",
}
# GX's navbar and dark-mode CSS take their logo from a web bucket; the site has its own copy.
LOGO_BUCKET = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
_ATTRS = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')
_FAVICON = re.compile(r'href="(?:\.\./)*static/images/favicon\.ico"')


def make_offline(site: Path) -> int:
    """Vendor the assets into ``site`` and rewrite every page and stylesheet; returns the
    number of files changed."""
    shutil.copytree(VENDOR, site / LOCAL_DIR, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    changed = 0
    for page in [*site.rglob("*.html"), *(site / "static" / "styles").glob("*.css")]:
        text = page.read_text(encoding="utf-8")
        if "https://" not in text and "favicon" not in text:
            continue
        prefix = os.path.relpath(site, page.parent).replace(os.sep, "/")
        new = text
        for url, local in CDN.items():
            new = new.replace(f'"{url}"', f'"{prefix}/{LOCAL_DIR}/{local}"')
        new = new.replace(f"{LOGO_BUCKET}full_logo_dark.png", f"{prefix}/static/images/logo-long.png")
        new = new.replace(LOGO_BUCKET, f"{prefix}/static/images/")
        new = _ATTRS.sub("", new)
        # GX links the favicon one folder too shallow on validation pages
        new = _FAVICON.sub(f'href="{prefix}/static/images/favicon.ico"', new)
        if new != text:
            tmp = page.with_name(f".{page.name}.tmp")
            tmp.write_text(new, encoding="utf-8")
            os.replace(tmp, page)
            changed += 1
    return changed


def remote_links(site: Path) -> list[str]:
    """Every script or stylesheet a page still loads from the network (should be none)."""
    pattern = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"')
    return sorted({m for page in site.rglob("*.html") for m in pattern.findall(page.read_text(encoding="utf-8"))})
