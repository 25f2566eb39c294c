"""A synthetic national corpus: N report documents of bodies across China, for the scale bench.

Bodies sit in the real administrative divisions (the vendored areacodes dataset,
``data/areacodes/result.csv``): every county, city and province has its government (an
``area`` report), its government office and departments; counties have townships. Every body
publishes every year of its series, so cross-year rules have pairs (R17–R19 hold by
construction), except where the corpus plants what the warehouse must find:

* publisher errors at a known rate (one total changed: R02 or R06 fails), listed in the manifest;
* late reports (posted after the 条例 第四十九条 deadline: departments 31 January, governments
  31 March), missing years (a body that published the year before publishes nothing), and
  silent edits (a second version of a report, one number changed, posted later).

Volumes are skewed like real ones: most bodies receive 0–10 applications a year, a few cities
and provinces thousands. Documents are rendered in the shapes portals produce (the simulator's
TRS-style HTML page, the crawler archives' flattened text, the official Word template filled
in; PDFs optional, LibreOffice is slow) and written in a crawler archive's layout (one folder
per article), which a ``directory`` source ingests; ``manifest.jsonl`` holds the truth.

    .venv/bin/python bench/national.py OUT_DIR --reports 10000 [--seed 1] [--pdf-share 0]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.shapes import (  # noqa: E402
    Truth,
    docx_applies,
    docx_to_pdf,
    layout,
    shape_docx,
    shape_html,
    shape_text_content,
    synthetic_truth,
)

AREACODES = ROOT / "data" / "areacodes" / "result.csv"
YEARS = tuple(range(2019, 2025))
DEPARTMENTS = ("财政局", "教育局", "民政局", "司法局", "卫生健康委员会", "自然资源和规划局", "生态环境局",
               "住房和城乡建设局", "交通运输局", "农业农村局", "市场监督管理局", "应急管理局", "信访局")
# The rest of a government's departments: a body in each, once every division has its first ones.
MORE_DEPARTMENTS = ("发展和改革局", "工业和信息化局", "公安局", "人力资源和社会保障局", "水利局", "商务局",
                    "文化广电和旅游局", "退役军人事务局", "审计局", "统计局", "医疗保障局", "林业局", "城市管理局",
                    "行政审批服务局", "数据资源管理局", "体育局", "科学技术局", "民族宗教事务局", "人民防空办公室",
                    "粮食和物资储备局", "机关事务管理局", "乡村振兴局", "档案馆", "地方金融监督管理局",
                    "综合行政执法局")
NAMES = {"html": "page.html", "text": "page.txt", "docx": "report.docx", "pdf": "report.pdf"}
TOWNSHIPS = 15  # street offices of a county with all its bodies
LEVEL = {"省级": "province", "地级": "city", "县级": "county"}


@dataclass(frozen=True)
class Body:
    agency: str
    region_code: str
    kind: str  # government | office | department | township
    level: str  # province | city | county

    @property
    def scope(self) -> str:
        return "area" if self.kind == "government" else "agency"

    def deadline(self, year: int) -> date:
        """When the report of ``year`` is due (the last day of the deadline month of year + 1)."""
        return date(year + 1, self.deadline_month, 31)

    @property
    def deadline_month(self) -> int:
        """条例 第四十九条: governments at county level and above by 31 March, their departments by 31 January."""
        return 3 if self.kind == "government" else 1


def regions(path: Path = AREACODES) -> list[tuple[str, str, str]]:
    """(code, full name, level) of the divisions in use at the end of the dataset."""
    out = []
    with path.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["状态"] != "在用" or row["级别"] not in LEVEL:
                continue
            level = LEVEL[row["级别"]]
            prefix = row["一级行政区"] if level != "province" else ""
            if level == "county" and row["二级行政区"] not in ("", "直辖"):
                prefix += row["二级行政区"]
            name = row["名称"] if level == "province" else prefix + row["名称"]
            out.append((row["代码"], name, level))
    return out


def bodies(n: int, rnd: random.Random, areacodes: Path = AREACODES) -> list[Body]:
    """``n`` reporting bodies, spread over the divisions like the real population: every division
    first gets its government, its office, six departments and (counties) three street offices,
    about 34,000 bodies; beyond that each gets the rest of its departments and street offices,
    about 171,000 in all (China has well over 100,000 reporting bodies)."""
    places = regions(areacodes)
    rnd.shuffle(places)
    out: list[Body] = []
    first: dict[str, list[str]] = {}
    for code, name, level in places:
        out += [Body(f"{name}人民政府", code, "government", level),
                Body(f"{name}人民政府办公室", code, "office", level)]
        first[code] = rnd.sample(DEPARTMENTS, 6)
        out += [Body(f"{name}{d}", code, "department", level) for d in first[code]]
        if level == "county":
            out += [Body(f"{name}第{i}街道办事处", code, "township", level) for i in range(1, 4)]
        if len(out) >= n:
            return out[:n]
    for code, name, level in places:
        out += [Body(f"{name}{d}", code, "department", level) for d in DEPARTMENTS + MORE_DEPARTMENTS
                if d not in first[code]]
        if level == "county":
            out += [Body(f"{name}第{i}街道办事处", code, "township", level) for i in range(4, TOWNSHIPS + 1)]
        if len(out) >= n:
            break
    return out[:n]


def volume(body: Body, rnd: random.Random) -> int:
    """Applications scale: most bodies 0–10 a year, governments of cities and provinces thousands."""
    if body.kind == "government" and body.level in ("city", "province"):
        return rnd.choice([300, 1000, 3000])
    if body.kind in ("government", "office"):
        return rnd.choice([10, 40, 120])
    return rnd.choice([2, 4, 8, 10, 20])


@dataclass
class Doc:
    truth: Truth
    body: Body
    version: int  # 1, or 2 for a silent edit
    posted: date
    shape: str  # html | text | docx | pdf
    planted: str | None  # the rule a planted publisher error breaks


def series(body: Body, rnd: random.Random, seed: int, rates: dict[str, float]) -> Iterator[Doc]:
    """The body's reports, one per year (with the planted gaps, errors, delays and edits)."""
    prev: Truth | None = None
    v = volume(body, rnd)
    for year in YEARS:
        template = "2019" if year <= 2020 else "2021"
        truth = synthetic_truth(f"{body.region_code}-{body.agency}-{year}", template, year,
                                seed * 1_000_003 + zlib.crc32(f"{body.agency}{year}".encode()), agency=body.agency,
                                volume=v, prev=prev)
        prev = truth
        if year > YEARS[0] and rnd.random() < rates["missing"]:
            continue  # published the year before, nothing this year
        deadline = body.deadline(year)
        posted = deadline - timedelta(days=rnd.randint(0, 40))
        if rnd.random() < rates["late"]:
            posted = deadline + timedelta(days=rnd.randint(1, 90))
        planted = None
        if rnd.random() < rates["error"]:
            truth, planted = plant_error(truth, rnd)
        shape = rnd.choices(["html", "text", "docx", "pdf"],
                            [0.6, 0.25, 0.15 - rates["pdf"], rates["pdf"]])[0]
        if shape in ("docx", "pdf") and not docx_applies(truth):
            shape = "html"
        yield Doc(truth, body, 1, posted, shape, planted)
        if rnd.random() < rates["edit"]:
            yield Doc(silent_edit(truth, rnd), body, 2, posted + timedelta(days=rnd.randint(5, 200)), shape, planted)


def plant_error(t: Truth, rnd: random.Random) -> tuple[Truth, str]:
    """A publisher's error: one printed total that disagrees with its parts."""
    values = {tb: {r: dict(c) for r, c in rows.items()} for tb, rows in t.values.items()}
    if rnd.random() < 0.5:
        values["table4"]["review"]["total"] += 1  # type: ignore[operator]
        return replace(t, values=values), "R06"
    values["table3"]["granted"]["total"] += 1  # type: ignore[operator]
    return replace(t, values=values), "R02"


def silent_edit(t: Truth, rnd: random.Random) -> Truth:
    """A second version posted later with one table-2 number changed (a silent edit)."""
    values = {tb: {r: dict(c) for r, c in rows.items()} for tb, rows in t.values.items()}
    row = rnd.choice([r for r in values["table2"] if "decisions" in values["table2"][r]] or list(values["table2"]))
    col = next(iter(values["table2"][row]))
    values["table2"][row][col] = (values["table2"][row][col] or Decimal(0)) + 1
    return replace(t, values=values)


def render(doc: Doc) -> tuple[bytes, str]:
    lay = layout(doc.truth)
    if doc.shape == "text":
        return shape_text_content(lay, header=True), "page.txt"
    if doc.shape in ("docx", "pdf"):
        return shape_docx(doc.truth), "report.docx"
    return shape_html(lay), "page.html"


def _render_into(job: tuple[Doc, str]) -> tuple[str, bytes | None]:
    """In a worker: write the document into its folder; a PDF's DOCX comes back for LibreOffice."""
    doc, folder = job
    data, name = render(doc)
    Path(folder).mkdir(parents=True, exist_ok=True)
    if doc.shape == "pdf":
        return folder, data
    (Path(folder) / name).write_bytes(data)
    return folder, None


def _entry(doc: Doc, path: str) -> str:
    deadline = doc.body.deadline(doc.truth.year)
    return json.dumps({
        "path": path, "agency": doc.body.agency, "region_code": doc.body.region_code,
        "level": doc.body.level, "kind": doc.body.kind, "scope": doc.body.scope, "year": doc.truth.year,
        "template": doc.truth.template, "version": doc.version, "posted": doc.posted.isoformat(),
        "deadline": deadline.isoformat(), "shape": doc.shape, "planted_error": doc.planted,
        "values": {tb: {r: {c: None if v is None else str(v) for c, v in cols.items()}
                        for r, cols in rows.items()} for tb, rows in doc.truth.values.items()},
    }, ensure_ascii=False) + "\n"


def _written(manifest: Path) -> int:
    """Documents a killed run already wrote: the complete lines of the manifest (a torn last
    line is cut off; its document is written again)."""
    if not manifest.exists():
        return 0
    data = manifest.read_bytes()
    keep = data[:data.rfind(b"\n") + 1]
    if len(keep) != len(data):
        manifest.write_bytes(keep)
    return keep.count(b"\n")


def write(out: Path, n_reports: int, seed: int, rates: dict[str, float], areacodes: Path = AREACODES,
          workers: int | None = None) -> dict[str, int]:
    """Write about ``n_reports`` documents under ``out`` (a crawler archive's layout) and
    ``out/manifest.jsonl``; returns counts.

    The documents are drawn in one sequence (one random stream), rendered on every core in
    batches (memory stays flat in N), and a document's manifest line is written after its file:
    a run that was killed goes on from its manifest when started again with the same arguments
    (a million documents take about an hour)."""
    rnd = random.Random(seed)
    per_body = len(YEARS) * (1 - rates["missing"]) * (1 + rates["edit"])
    counts = {"documents": 0, "bodies": 0, "planted_errors": 0, "late": 0, "edits": 0, "pdf": 0}
    out.mkdir(parents=True, exist_ok=True)
    done = _written(out / "manifest.jsonl")
    pdf_batch: dict[str, bytes] = {}
    batch: list[tuple[Doc, str]] = []

    def flush(pool, manifest) -> None:
        for (doc, folder), (_, docx) in zip(batch, pool.map(_render_into, batch, chunksize=16), strict=True):
            if docx is not None:
                pdf_batch[folder] = docx
            manifest.write(_entry(doc, str((Path(folder) / NAMES[doc.shape]).relative_to(out))))
        manifest.flush()
        batch.clear()

    with multiprocessing.get_context("fork").Pool(workers or os.cpu_count()) as pool, \
            (out / "manifest.jsonl").open("a", encoding="utf-8") as manifest:
        for body in bodies(int(n_reports / per_body) + 1, rnd, areacodes):
            counts["bodies"] += 1
            for doc in series(body, rnd, seed, rates):
                if counts["documents"] >= n_reports:
                    break
                folder = out / body.region_code[:2] / body.region_code / f"{doc.truth.year}" / (
                    f"{counts['documents']}_{doc.truth.title}" + (f"_v{doc.version}" if doc.version > 1 else ""))
                if counts["documents"] >= done:
                    batch.append((doc, str(folder)))
                elif doc.shape == "pdf" and not (folder / "report.pdf").exists():
                    pdf_batch[str(folder)] = render(doc)[0]  # written before the kill, not converted
                counts["documents"] += 1
                counts["planted_errors"] += doc.planted is not None
                counts["edits"] += doc.version > 1
                counts["late"] += doc.posted > body.deadline(doc.truth.year)
                if len(batch) >= 2000:
                    flush(pool, manifest)
            if counts["documents"] >= n_reports:
                break
        flush(pool, manifest)
    for i in range(0, len(pdf_batch), 200):  # LibreOffice converts in batches
        chunk = dict(list(pdf_batch.items())[i:i + 200])
        for folder, pdf in docx_to_pdf(chunk).items():
            (Path(folder) / "report.pdf").write_bytes(pdf)
            counts["pdf"] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--error-rate", type=float, default=0.01)
    ap.add_argument("--late-rate", type=float, default=0.1)
    ap.add_argument("--missing-rate", type=float, default=0.03)
    ap.add_argument("--edit-rate", type=float, default=0.02)
    ap.add_argument("--pdf-share", type=float, default=0.0)
    ap.add_argument("--areacodes", type=Path, default=AREACODES, help="the divisions (areacodes result.csv)")
    a = ap.parse_args()
    rates = {"error": a.error_rate, "late": a.late_rate, "missing": a.missing_rate, "edit": a.edit_rate,
             "pdf": a.pdf_share}
    t = time.perf_counter()
    counts = write(a.out, a.reports, a.seed, rates, a.areacodes)
    print(f"{counts['documents']} documents of {counts['bodies']} bodies in {time.perf_counter() - t:.1f} s: "
          f"{counts['planted_errors']} planted errors, {counts['late']} late, {counts['edits']} silent edits, "
          f"{counts['pdf']} PDFs -> {a.out}")


if __name__ == "__main__":
    main()
