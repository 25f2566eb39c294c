"""The template's six sections (spec §1.1), as headings are recognised.

Headings are recognised by their wording, not their numeral: table-3 row labels start
``一、`` … ``四、`` as well (spec §5.9), and provincial layouts number their sections
differently (上海: 四、政府信息公开申请情况). The patterns live with the tokeniser
(:func:`xxgk.parse.stream.heading_at`), which finds headings anywhere in running text.
"""

from __future__ import annotations

from xxgk.labels import normalize
from xxgk.parse.stream import heading_at


def heading_number(text: str) -> int | None:
    """Section number if ``text`` is one of the section headings, else None."""
    n = normalize(text).lstrip("#")
    if len(n) > 40:
        return None
    h = heading_at(n)
    return h[0] if h is not None and h[1] == 0 else None
