"""The parse pool (issue 8): every document ends with a recorded outcome, whatever it does to
its worker, and the batch goes on; failed documents are recorded once and not retried."""

from __future__ import annotations

import json
import random

from tests.conftest import CORPUS
from xxgk.fuzz.bombs import BOMBS, EXPECTED, text_report
from xxgk.model import Issue
from xxgk.parse import api
from xxgk.parse.api import parse_bytes
from xxgk.parse.batch import DocumentRef, parse_documents, read_result, record_json, result_dir
from xxgk.parse.pool import Job, ParseLimits, ParsePool
from xxgk.rawstore import RawStore


def _run(jobs: list[Job], **limits) -> dict[str, tuple[str, str]]:
    with ParsePool(ParseLimits(**limits)) as pool:
        return {d.job.key: (d.result.outcome, " ".join(i.message for i in d.result.issues))
                for d in pool.run(jobs)}


def test_every_bomb_and_the_real_reports_through_the_pool():
    jobs = [Job(p.name, p.name, p.name, path=str(p)) for p in sorted(CORPUS.glob("*.*")) if p.suffix != ".json"
            and p.suffix != ".md"]
    for key, gen in BOMBS.items():
        name, data = gen()
        jobs.append(Job(key, name, name, data=data))
    out = _run(jobs)
    for key, (outcome, reason) in EXPECTED.items():
        assert out[key][0] == outcome, (key, out[key])
        assert reason in out[key][1], (key, out[key])
    assert {k: v[0] for k, v in out.items() if k not in EXPECTED} == {
        "hongze_2023.pdf": "parsed", "hongze_2024.pdf": "parsed", "huaian_2024.pdf": "parsed",
        "pingtan_2018.html": "not_a_report", "pingtan_2023.html": "parsed", "pingtan_2025.html": "parsed",
        "pingtan_list.html": "not_a_report", "template_2021.docx": "not_a_report"}


def _slow_report() -> bytes:
    """Every table-3 row a 300-digit glued run: each gives up after the solver's step bound,
    several seconds in all."""
    rnd = random.Random(5)
    rows = {k: "".join(rnd.choice("0123456789") for _ in range(300)) for k in range(25)}
    return text_report(rows).encode()


def test_a_document_past_its_time_is_stopped_and_the_batch_goes_on():
    quick = text_report().encode()
    out = _run([Job("slow", "slow.txt", "slow", data=_slow_report()), Job("quick", "q.txt", "q", data=quick)],
               seconds=1.0, workers=1)
    assert out["slow"] == ("timeout", "parsing took longer than 1 s; the worker was stopped")
    assert out["quick"][0] == "parsed"  # by the worker that replaced the stopped one


def test_a_document_past_its_memory_is_recorded_and_the_batch_goes_on():
    lines = ("政府\n" * 1_300_000).encode()  # 1.3 M paragraphs: ~300 MB as Python objects
    out = _run([Job("big", "big.txt", "big", data=lines), Job("quick", "q.txt", "q", data=text_report().encode())],
               memory_mb=200, workers=1)
    assert out["big"] == ("memory", "out of memory while parsing")
    assert out["quick"][0] == "parsed"


def test_parse_bytes_turns_any_exception_into_an_outcome(monkeypatch):
    def broken(data: bytes, name: str = ""):
        return {}["missing"]

    monkeypatch.setattr(api, "extract", broken)
    result = parse_bytes(b"x", "x.txt", "x")
    assert result.outcome == "parse_failed" and result.unreadable and not result.is_report
    assert result.issues == [Issue("parse_failed", result.issues[0].message, "error")]
    assert result.issues[0].message.startswith("KeyError: 'missing' (at ")
    assert "in broken)" in result.issues[0].message


def test_batch_records_every_outcome_once(tmp_path):
    store = RawStore(tmp_path / "raw")
    docs = []
    for name, data in [("pingtan_2023.html", (CORPUS / "pingtan_2023.html").read_bytes()),
                       BOMBS["pdf_many_pages"](), BOMBS["docx_malformed_xml"]()]:
        docs.append(DocumentRef(store.put_bytes(data), name, f"file:{name}"))
    first = parse_documents(docs, store, tmp_path / "parsed", ParseLimits(workers=2))
    assert (first.parsed, first.reports, first.unreadable, first.failed, first.skipped) == (3, 1, 1, 1, 0)
    assert dict(first.outcomes) == {"parsed": 1, "unreadable": 1, "too_large": 1}
    records = {read_result(p)["report"]["source"]: read_result(p)
               for p in result_dir(tmp_path / "parsed").glob("*.json.gz")}
    assert records["file:many_pages.pdf"]["outcome"] == "too_large"
    assert records["file:many_pages.pdf"]["issues"][0]["message"] == "PDF pages: 5,000 exceeds the limit of 500"
    # a failed document is not parsed again until the parser version changes
    again = parse_documents(docs, store, tmp_path / "parsed")
    assert (again.parsed, again.skipped) == (0, 3)


def test_records_are_always_storable():
    result = parse_bytes(text_report().encode(), "r.txt", "r")
    result.report.title = "年度报告\ud800"  # a lone surrogate, as broken PDF fonts produce
    record = json.loads(record_json("ab", result))
    assert record["report"]["title"] == "年度报告\ufffd" and record["outcome"] == "parsed"
