"""Cell accuracy of the parser on every bundled document that has ground truth.

For each truth file of the bundled corpus (data/corpus, seeds included), the document is parsed and every
template cell of the truth compared: value exactly (the ``accept`` list for cells the truth
marks ambiguous) and status (a printed number must come out ``reported``). Documents the truth
says are not reports must be set aside with a reason. Prints one line per document, the
overall figure, and the set-aside list.

    .venv/bin/python bench/accuracy.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.truth import cell_mismatches  # noqa: E402
from xxgk.parse.api import parse_file  # noqa: E402

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


def main() -> int:
    total = right = 0
    set_aside: list[str] = []
    failures = 0
    print(f"{'document':<34} {'cells exact':>12} {'accuracy':>9}")
    for doc, truth_path in truth_files():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        result = parse_file(str(doc))
        name = doc.relative_to(CORPUS)
        if truth.get("is_report", True) is False:
            reason = result.issues[0].message if result.issues else ""
            ok = not result.is_report
            failures += not ok
            set_aside.append(f"  {name}: {'set aside' if ok else 'NOT set aside'}: {reason}")
            continue
        n = count_cells(truth["values"])
        wrong = [m for m in cell_mismatches(result, truth) if "extra cell" not in m] if result.is_report else [""] * n
        extra = len(cell_mismatches(result, truth)) - len(wrong) if result.is_report else 0
        total += n
        right += n - len(wrong)
        failures += bool(wrong) or bool(extra)
        note = f"  (+{extra} cells not in the truth)" if extra else ""
        print(f"{str(name):<34} {n - len(wrong):>5} / {n:<5} {100 * (n - len(wrong)) / n:>8.2f}%{note}")
    print(f"{'overall':<34} {right:>5} / {total:<5} {100 * right / max(total, 1):>8.2f}%")
    print("documents set aside:")
    print("\n".join(set_aside) or "  none")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
