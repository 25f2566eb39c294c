"""Loading results whose parse failed or whose numbers do not fit the warehouse (issue 8):
recorded and visible, never a load failure."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import SEEDS
from xxgk.parse.api import failed, parse_bytes
from xxgk.parse.batch import to_record
from xxgk.quality import validate
from xxgk.warehouse.db import connect, fits_decimal
from xxgk.warehouse.load import load_records

SEED_004 = (SEEDS / "004_3ea6a6549f11e7d9.txt").read_text(encoding="utf-8")
NEW_RECEIVED = "一、本年新收到政府信息公开申请数量\t\t37\t5\t0\t0\t0\t0\t42\t"


def _record(data: bytes, name: str, result=None) -> dict:  # noqa: ANN001
    sha = hashlib.sha256(data).hexdigest()
    result = result or parse_bytes(data, name, name)
    return json.loads(json.dumps(to_record(sha, result)), parse_float=Decimal)


def test_fits_decimal_at_the_column_edge():
    assert fits_decimal(999999999999999999) and fits_decimal(Decimal("999999999999999999.9999994"))
    assert not fits_decimal(Decimal("999999999999999999.9999995")) and not fits_decimal(10**18)
    assert not fits_decimal(-(10**21))


def test_failed_documents_get_a_report_row_with_their_outcome(tmp_path: Path):
    con = connect(tmp_path / "w.duckdb")
    records = [_record(b"a", "a.pdf", failed("a.pdf", "too_large", "PDF pages: 5,000 exceeds the limit of 500")),
               _record(b"b", "b.html", failed("b.html", "timeout", "parsing took longer than 60 s")),
               _record(b"c", "c.docx", failed("c.docx", "parse_failed", "KeyError: 'w' (at xxgk/extract/docx.py:9)"))]
    load_records(con, records)
    assert con.execute("SELECT source, parse_status, parse_message FROM report ORDER BY source").fetchall() == [
        ("a.pdf", "too_large", "PDF pages: 5,000 exceeds the limit of 500"),
        ("b.html", "timeout", "parsing took longer than 60 s"),
        ("c.docx", "parse_failed", "KeyError: 'w' (at xxgk/extract/docx.py:9)"),
    ]
    assert con.execute("SELECT count(*) FROM cell").fetchone() == (0,)


def test_numbers_too_wide_for_the_warehouse_are_flagged_not_fatal(tmp_path: Path):
    assert NEW_RECEIVED in SEED_004
    wide = "1" + "0" * 21  # a 22-digit count: once an overflow of DECIMAL(24,6) that failed the load
    near = "9" * 18  # fits alone; two of them in one column add up past the column
    text = SEED_004.replace(NEW_RECEIVED, f"一、本年新收到政府信息公开申请数量\t\t{near}\t{wide}\t0\t0\t0\t0\t{near}\t")
    granted = "\t(一) 予以公开\t13\t0\t0\t0\t0\t0\t13\t"
    assert granted in text
    text = text.replace(granted, f"\t(一) 予以公开\t{near}\t0\t0\t0\t0\t0\t13\t")
    con = connect(tmp_path / "w.duckdb")
    record = _record(text.encode(), "haishu_2022.txt")
    load_records(con, [record])
    rid = record["sha256"][:16]
    cell = con.execute("SELECT value, status, raw, note FROM cell WHERE report_id = ? AND \"table\" = 'table3' "
                       "AND \"row\" = 'new_received' AND col = 'commercial'", [rid]).fetchone()
    assert cell[:3] == (None, "illegible", wide)
    assert cell[3].startswith("out_of_range: cell table3/new_received/commercial = 1000000000000000000000 does not "
                              "fit the warehouse's DECIMAL(24,6); value left empty")
    assert con.execute("SELECT code, severity FROM parse_issue WHERE report_id = ? AND code = 'out_of_range'",
                       [rid]).fetchall() == [("out_of_range", "warning")]
    assert con.execute("SELECT parse_status FROM report WHERE report_id = ?", [rid]).fetchone() == ("parsed",)
    # rules are computed from the stored cells; a side past the column is stored empty, with a note
    validate.run_validation(con, tmp_path / "gx", tmp_path / "docs")
    r03 = con.execute("SELECT lhs, rhs, note FROM rule_result WHERE report_id = ? AND rule = 'R03' "
                      "AND scope LIKE '%natural_person%'", [rid]).fetchone()
    assert r03[0] is not None and r03[1] is None and "out_of_range: rhs does not fit DECIMAL(24,6)" in r03[2]
