"""Cell accuracy of the parser: the real documents, and every truth in every shape.

Part 1, the bundled documents with ground truth (data/corpus, seeds included): each document is
parsed and every template cell compared with the hand-typed truth; documents the truth says
are no report must be set aside.

Part 2, the metamorphic matrix (``tests/shapes.py``): every truth rendered in every shape
(HTML with spans, TRS cells, text_content() glued, pipes, markdown, one cell per line, TAB,
the filled Word template, its PDF and the PDF's bare text layer, no title, spaces, OCR label
noise, provincial layout). Per shape: cells exact / flagged / confidently wrong, and the
flagged share. A confidently wrong cell is a defect; shapes that keep separators must flag
nothing.

    .venv/bin/python bench/accuracy.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.shapes import (  # noqa: E402
    SHAPES,
    Score,
    all_truths,
    docx_applies,
    docx_to_pdf,
    pdf_text_layer,
    score,
    shape_docx,
)
from tests.truth import cell_mismatches  # noqa: E402
from xxgk.parse.api import parse_bytes, parse_file  # noqa: E402

CORPUS = ROOT / "data" / "corpus"


def truth_files() -> list[tuple[Path, Path]]:
    """(document, truth) pairs: ``X.json`` beside ``X.txt`` (seeds) or naming its ``source_file``."""
    pairs = []
    for truth in sorted(CORPUS.rglob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        if "values" not in data:
            continue
        doc = truth.with_name(data.get("source_file") or truth.stem + ".txt")
        if doc.exists():
            pairs.append((doc, truth))
    return pairs


def count_cells(values: dict | None) -> int:
    return sum(len(cols) for rows in (values or {}).values() for cols in rows.values())


def documents() -> int:
    total = right = failures = 0
    set_aside: list[str] = []
    print(f"{'document':<34} {'cells exact':>12} {'accuracy':>9}")
    for doc, truth_path in truth_files():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        result = parse_file(str(doc))
        name = doc.relative_to(CORPUS)
        if truth.get("is_report", True) is False:
            reason = next((i.message for i in result.issues if i.code == "not_a_report"), "")
            ok = not result.is_report
            failures += not ok
            set_aside.append(f"  {name}: {'set aside' if ok else 'NOT set aside'}: {reason}")
            continue
        n = count_cells(truth["values"])
        wrong = [m for m in cell_mismatches(result, truth) if "extra cell" not in m] if result.is_report else [""] * n
        total += n
        right += n - len(wrong)
        failures += bool(wrong)
        print(f"{str(name):<34} {n - len(wrong):>5} / {n:<5} {100 * (n - len(wrong)) / n:>8.2f}%")
    print(f"{'overall':<34} {right:>5} / {total:<5} {100 * right / max(total, 1):>8.2f}%")
    print("documents set aside:")
    print("\n".join(set_aside) or "  none")
    return failures


def shapes() -> int:
    truths = all_truths()
    office = [t for t in truths if docx_applies(t)]
    docx = {t.name: shape_docx(t) for t in office}
    pdf = docx_to_pdf(docx)
    matrix: dict[str, tuple[list[tuple[bytes, str, object]], bool]] = {}
    for shape, (render, keeps) in SHAPES.items():
        matrix[shape] = ([(*render(t), t) for t in truths], keeps)
    matrix["docx"] = ([(docx[t.name], "r.docx", t) for t in office], True)
    matrix["docx_no_title"] = ([(shape_docx(t, title=False), "r.docx", t) for t in office], True)
    matrix["pdf"] = ([(pdf[t.name], "r.pdf", t) for t in office], True)
    matrix["pdf_text_layer"] = ([(pdf_text_layer(pdf[t.name]), "r.txt", t) for t in office], True)
    print(f"\n{len(truths)} truths ({len(office)} in the Word template), {len(matrix)} shapes")
    print(f"{'shape':<32} {'docs':>4} {'cells':>6} {'exact':>6} {'flagged':>8} {'wrong':>6} {'flagged %':>10}")
    failures = 0
    for shape, (cases, keeps) in matrix.items():
        agg = Score()
        for data, name, t in cases:
            s = score(parse_bytes(data, name, t.name), t)  # type: ignore[arg-type]
            agg.exact += s.exact
            agg.flagged += s.flagged
            agg.wrong += s.wrong
        failures += bool(agg.wrong) or (keeps and agg.flagged > 0)
        print(f"{shape:<32} {len(cases):>4} {agg.cells:>6} {agg.exact:>6} {agg.flagged:>8} {len(agg.wrong):>6} "
              f"{100 * agg.flagged / max(agg.cells, 1):>9.2f}%" + ("" if keeps else "  (glues cells)"))
        for w in agg.wrong[:5]:
            print(f"    WRONG {w}")
    return failures


if __name__ == "__main__":
    sys.exit(1 if documents() + shapes() else 0)
