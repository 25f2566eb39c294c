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
    assert set(out) == {"outcome", "report", "cells", "rules", "issues"} and out["outcome"] == "parsed"
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
    assert out["cells"] == [] and out["outcome"] == "not_a_report"
    assert "not_a_report" in {i["code"] for i in out["issues"]}


def test_unreadable_exits_1(tmp_path):
    blob = tmp_path / "broken.bin"
    blob.write_bytes(b"\x00\x01\x02garbage" * 50)
    assert run("parse", str(blob), "--json").returncode == 1


def test_missing_file_is_an_error_on_stderr_not_a_report(tmp_path):
    proc = run("parse", str(tmp_path / "missing.pdf"), "--json")
    assert proc.returncode == 1
    assert proc.stdout == "" and "cannot read" in proc.stderr


def test_usage_error_has_its_own_exit_code():
    proc = run("parse")
    assert proc.returncode == 64 and "usage" in proc.stderr and proc.stdout == ""


def test_tables_unreadable_exits_3(tmp_path):
    """A dated annual report whose tables are images: a template report, not set aside."""
    page = tmp_path / "report.txt"
    page.write_text("某县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n本年度工作情况如下。\n"
                    "二、主动公开政府信息情况\n（表格见图片）\n三、收到和处理政府信息公开申请情况\n（表格见图片）\n"
                    "四、政府信息公开行政复议、行政诉讼情况\n（表格见图片）\n", encoding="utf-8")
    proc = run("parse", str(page), "--json")
    assert proc.returncode == 3
    out = json.loads(proc.stdout)
    assert out["outcome"] == "tables_unreadable" and out["report"]["year"] == 2023


def test_output_cut_short_by_a_closed_pipe_ends_quietly():
    cmd = " ".join(XXGK) + f" parse {SEEDS / '001_39cbfd32513a2536.txt'} --json | head -c 100 > /dev/null"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120,
                          check=False)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
