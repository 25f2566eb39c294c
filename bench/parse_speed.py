"""Parse speed over the bundled corpus: HTML reports/s, PDF seconds/page, two PDF engines.

HTML: the whole parse (extract + map + rules) of every corpus HTML page, repeated.
PDF, side by side on every corpus PDF:

* ``pdfplumber``: every page through pdfplumber (ruled tables + characters);
* ``pypdfium2``: every page's text through pypdfium2 (no table structure);
* ``hybrid`` (what :func:`xxgk.extract.pdf.extract_pdf` does): pypdfium2 for every page, and
  pdfplumber only on the pages holding tables.

The hybrid is used only where it gives results identical to pdfplumber everywhere: the bench
checks that both produce the same tables, the same paragraph text (whitespace aside) and the
same parsed cells, and says so.

Pool: the corpus documents parsed as the nightly job does, through the parse pool
(:mod:`xxgk.parse.pool`, one worker process per document at a time, with time and memory
limits), with one worker and with one per core, against a plain loop in this process: the
pool's cost of isolation and its speed-up. Figures are printed, never asserted.

    .venv/bin/python bench/parse_speed.py [repeats]
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.document import Document, Paragraph, Table  # noqa: E402
from xxgk.extract.pdf import _pdfium_texts, _plumber_page, extract_pdf  # noqa: E402
from xxgk.labels import normalize  # noqa: E402
from xxgk.parse.api import parse_bytes  # noqa: E402
from xxgk.parse.pool import Job, ParseLimits, ParsePool  # noqa: E402
from xxgk.parse.report import parse_document  # noqa: E402

CORPUS = ROOT / "data" / "corpus"


def plumber_everywhere(data: bytes) -> Document:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        blocks = [b for i, page in enumerate(pdf.pages) for b in _plumber_page(page, i + 1)]
        return Document(blocks=blocks, media_type="application/pdf", pages=len(pdf.pages))


def timed(fn, repeats: int, clock=time.process_time) -> tuple[float, object]:  # noqa: ANN001
    """Best time over ``repeats`` runs. By default the CPU time of this process: figures per core
    that other work on the machine does not inflate (wall time would); the pool's comparison
    needs wall time (``clock=time.perf_counter``), its work being in other processes."""
    best = float("inf")
    out = None
    for _ in range(repeats):
        t = clock()
        out = fn()
        best = min(best, clock() - t)
    return best, out


def same_content(a: Document, b: Document) -> bool:
    def key(doc: Document) -> tuple[list, list]:
        tables = [[[c.text for c in r] for r in blk.rows] for blk in doc.blocks if isinstance(blk, Table)]
        text = normalize("".join(blk.text for blk in doc.blocks if isinstance(blk, Paragraph)))
        return tables, [text]

    return key(a) == key(b)


def same_cells(a: Document, b: Document) -> bool:
    ca = [(c.path, c.value, c.status) for c in parse_document(a, "a").cells]
    cb = [(c.path, c.value, c.status) for c in parse_document(b, "b").cells]
    return ca == cb


def main(repeats: int = 5) -> None:
    html = sorted(CORPUS.glob("*.html"))
    data = [p.read_bytes() for p in html]
    t, _ = timed(lambda: [parse_bytes(d, p.name, p.name) for d, p in zip(data, html, strict=True)], repeats * 4)
    print(f"HTML: {len(html)} pages, {t / len(html) * 1000:.1f} ms/report, {len(html) / t:.0f} reports/s (one core)")

    print(f"\nPDF (best of {repeats}) {'pages':>6} {'pdfplumber':>11} {'pypdfium2':>10} {'hybrid':>8}"
          f"  identical")
    totals = [0, 0.0, 0.0, 0.0]
    for p in sorted(CORPUS.glob("*.pdf")):
        b = p.read_bytes()
        t_plumber, doc_plumber = timed(lambda b=b: plumber_everywhere(b), repeats)
        t_pdfium, _ = timed(lambda b=b: _pdfium_texts(b), repeats)
        t_hybrid, doc_hybrid = timed(lambda b=b: extract_pdf(b), repeats)
        pages = doc_hybrid.pages or 1
        identical = same_content(doc_plumber, doc_hybrid) and same_cells(doc_plumber, doc_hybrid)
        print(f"{p.name:<20} {pages:>6} {t_plumber / pages:>9.3f} s {t_pdfium / pages:>8.4f} s"
              f" {t_hybrid / pages:>6.3f} s  {'yes' if identical else 'NO'}")
        for i, v in enumerate((pages, t_plumber, t_pdfium, t_hybrid)):
            totals[i] += v
    n = totals[0]
    print(f"{'all PDFs':<20} {n:>6} {totals[1] / n:>9.3f} s {totals[2] / n:>8.4f} s {totals[3] / n:>6.3f} s"
          "  (seconds per page; extraction only)")
    t_parse, _ = timed(lambda: [parse_bytes(p.read_bytes(), p.name, p.name) for p in sorted(CORPUS.glob("*.pdf"))],
                       repeats)
    print(f"full parse of the PDFs (hybrid + mapping + rules): {t_parse / n:.3f} s/page")
    pool_speed(repeats)


def _burn(n: int) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - t


def machine_parallelism(processes: int) -> float:
    """How many times one process's throughput ``processes`` processes get right now."""
    one = _burn(5_000_000)
    with multiprocessing.get_context("forkserver").Pool(processes) as pool:
        each = pool.map(_burn, [5_000_000] * processes)
    return processes * one / max(each)


def pool_speed(copies: int, repeats: int = 3) -> None:
    """Every corpus document ``copies`` times: in-process loop vs the pool with 1 and N workers
    (best of ``repeats``; first-use costs such as imports and pdfminer's CMaps untimed)."""
    kinds = [p for p in sorted(CORPUS.glob("*")) if p.suffix in (".pdf", ".html", ".docx")]
    docs = kinds * copies
    jobs = [Job(f"{i}", p.name, p.name, path=str(p)) for i, p in enumerate(docs)]
    for p in kinds:
        parse_bytes(p.read_bytes(), p.name, p.name)
    loop, _ = timed(lambda: [parse_bytes(p.read_bytes(), p.name, p.name) for p in docs], repeats, time.perf_counter)
    cores = os.cpu_count() or 1
    print(f"\npool: {len(docs)} documents (the corpus {copies}x), wall time, best of {repeats}; the machine "
          f"runs {cores} pure-Python loops {machine_parallelism(cores):.2f}x as fast as one (a shared host "
          "gives less than its core count)")
    print(f"  loop in one process   {loop:6.2f} s")
    for workers in sorted({1, cores}):
        with ParsePool(ParseLimits(workers=workers)) as pool:
            list(pool.run(jobs[: len(kinds) * workers]))  # start and warm up the workers
            wall, done = timed(lambda pool=pool: list(pool.run(jobs)), repeats, time.perf_counter)
        assert len(done) == len(jobs)  # type: ignore[arg-type]
        print(f"  pool, {workers} worker{'s' if workers > 1 else ' '}      {wall:6.2f} s   "
              f"speed-up over the loop {loop / wall:4.2f}x")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
