"""Decoding accuracy and cost of :func:`xxgk.charset.decode` over real report texts.

Every corpus report (the five plain-text seeds and the three 平潭 HTML pages) is encoded in
UTF-8, GB18030, GBK, UTF-16LE/BE and UTF-32LE/BE, with and without a byte-order mark, and
decoded under no declaration, a truthful one and each lying one (HTTP header). Prints the
number of cases, the mis-decodes (any difference from the original text) and the time per
decode by encoding. Figures are printed, never asserted.

    .venv/bin/python bench/charset_decode.py
"""

from __future__ import annotations

import codecs
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk import charset  # noqa: E402

CORPUS = ROOT / "data" / "corpus"
ENCODINGS = ("utf-8", "gb18030", "gbk", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
DECLARED = (None, "utf-8", "gbk", "gb2312", "utf-16", "utf-16le", "utf-32", "big5", "iso-8859-1")


def main() -> int:
    texts = {p.name: p.read_text(encoding="utf-8")
             for p in sorted((CORPUS / "seeds").glob("*.txt")) + sorted(CORPUS.glob("pingtan_20*.html"))}
    cases = wrong = 0
    times: dict[str, list[float]] = defaultdict(list)
    for name, text in texts.items():
        for enc in ENCODINGS:
            try:
                raw = text.encode(enc)
            except UnicodeEncodeError:
                continue
            for data, label in ((raw, enc), (BOMS.get(enc, b"") + raw, f"{enc}+BOM")):
                if label.endswith("BOM") and enc not in BOMS:
                    continue
                for declared in DECLARED:
                    t = time.perf_counter()
                    decoded, _ = charset.decode(data, f"text/html; charset={declared}" if declared else None)
                    times[label].append(time.perf_counter() - t)
                    cases += 1
                    if decoded != text:
                        wrong += 1
                        print(f"MIS-DECODE {name} {label} declared {declared}")
    print(f"{len(texts)} real reports, {cases} cases (encoding x BOM x declaration): {wrong} mis-decodes")
    print(f"{'bytes as':16} {'ms/decode (median)':>18} {'max':>8}")
    for label, ts in times.items():
        print(f"{label:16} {statistics.median(ts) * 1000:18.2f} {max(ts) * 1000:8.2f}")
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
