"""How much work one document may ask of the extractors, checked before the work is done.

Why: a night parses whatever the portals serve, and a few KB can demand hours or gigabytes
(issue 8): 13 KB of HTML with ``rowspan=300 colspan=200`` cells expanded to a 2.2 GB grid, a
323 KB DOCX held 100 MB of XML, a 5,000-page PDF took 8 minutes. A document past a limit
raises :class:`~xxgk.extract.errors.TooLarge` and is recorded as ``too_large`` with the limit
it broke; nothing is truncated silently. The limits sit far above any real report (the
figures in brackets), so a well-formed report never meets them.
"""

from __future__ import annotations

from xxgk.extract.errors import TooLarge

#: Bytes of one input document [report PDFs: < 5 MB; scanned ones: tens of MB].
MAX_INPUT_BYTES = 128 * 2**20
#: Characters of text one document may extract to [a long report: ~60,000].
MAX_TEXT_CHARS = 4_000_000
#: Longest run of digits in the text [a count: ~10 digits; a glued table row: ~60]. Every
#: number is read with int() or Decimal somewhere; past 4,300 digits Python refuses, and
#: reading huge runs costs quadratic time.
MAX_DIGIT_RUN = 1_000
#: Span-expanded grid positions of one table [a template table: ~300; big annexes: ~10,000].
MAX_TABLE_CELLS = 50_000
#: Columns one Word cell may span (``w:gridSpan``, ``w:gridBefore``): Word's own maximum is 63.
MAX_DOCX_SPAN = 64
#: Members of a DOCX package, and uncompressed bytes of one XML part and of all parts
#: [document.xml of a report: 0.1–3 MB; a package with images: < 50 MB].
MAX_ZIP_MEMBERS = 5_000
MAX_XML_PART_BYTES = 32 * 2**20
MAX_ZIP_BYTES = 256 * 2**20
#: Pages of one PDF [reports: 3–40], pages read by pdfplumber (the pages holding tables, at
#: ~0.1 s each), characters and page objects per page [a dense page: ~3,000 characters].
MAX_PDF_PAGES = 500
MAX_PDF_TABLE_PAGES = 100
MAX_PAGE_CHARS = 100_000
MAX_PAGE_OBJECTS = 200_000


def check(what: str, size: int, limit: int) -> None:
    """Raise :class:`TooLarge` naming the limit when ``size`` exceeds it."""
    if size > limit:
        raise TooLarge(f"{what}: {size:,} exceeds the limit of {limit:,}")
