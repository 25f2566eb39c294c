"""``xxgk parse FILE --json``: the contract and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEEDS

XXGK = [str(Path(sys.executable).with_name("xxgk"))]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(XXGK + list(args), capture_output=True, text=True, timeout=120, check=False)


def test_report_prints_the_contract_and_exits_0():
    proc = run("parse", str(SEEDS / "001_39cbfd32513a2536.txt"), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"report", "cells", "rules", "issues"}
    assert out["report"]["agency"] == "嘉兴市人民政府办公室"
    assert out["report"]["region"] == {"code": "330400", "name": "嘉兴市"}
    assert out["report"]["year"] == 2022 and out["report"]["template"] == "2021"
    key = ("table3", "new_received", "natural_person")
    cell = next(c for c in out["cells"] if (c["table"], c["row"], c["col"]) == key)
    assert cell == {**cell, "value": 56, "unit": "件", "status": "reported", "raw": "56"}
    r01 = next(r for r in out["rules"] if r["rule"] == "R01" and r["scope"] == "table3 col=total")
    assert (r01["status"], r01["severity"], r01["lhs"], r01["rhs"]) == ("pass", "error", 61, 61)


def test_failing_rules_still_exit_0():
    proc = run("parse", str(SEEDS / "000_c1eaaf8cdc2dffbd.txt"), "--json")
    assert proc.returncode == 0
    r06 = next(r for r in json.loads(proc.stdout)["rules"] if r["rule"] == "R06")
    assert r06["status"] == "fail"


def test_not_a_report_exits_2_with_reason(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text("关于开展2023年政务公开培训的通知\n各单位：请于周五前报名。\n", encoding="utf-8")
    proc = run("parse", str(notice), "--json")
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert out["cells"] == [] and out["issues"][0]["code"] == "not_a_report"


def test_unreadable_exits_1(tmp_path):
    blob = tmp_path / "broken.bin"
    blob.write_bytes(b"\x00\x01\x02garbage" * 50)
    assert run("parse", str(blob), "--json").returncode == 1
    assert run("parse", str(tmp_path / "missing.pdf")).returncode == 1
