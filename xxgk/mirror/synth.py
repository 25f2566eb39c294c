"""Generated reports for the units the corpus has no text for (marked ``synthetic`` in the
catalogue): real-shaped and internally consistent, deterministic per catalogue key.

Portals list dozens of department reports per column; without them there would be no second
list page, no pagination to get wrong and no realistic noise. Numbers satisfy the template
identities (表三 rows and columns add up, 表四 totals are the sum of their parts, the narrative
quotes the table), and the preamble cites the format notice (〔2021〕30号 / 〔2019〕60号) so a
"first 20xx in the body" year extractor falls into the trap real reports set (portals.md §2).
"""

from __future__ import annotations

import hashlib
import random

from xxgk.mirror.content import Block, ReportContent
from xxgk.mirror.tables import Cells, template_labels
from xxgk.schema import C6, TABLE2_ROWS, TABLE3_ROWS, TABLE4_ROWS, outcome_leaves

# Contact names with characters outside GB2312 (in GBK): a page served as "gb2312" but encoded
# GBK only round-trips if the crawler decodes GB2312 as GBK/GB18030 (fault F9 b).
CONTACTS = ("王堃", "李镕", "张喆", "刘昇", "陈珺", "赵琤")
_OUTCOME_WEIGHTS = {
    "granted": 30,
    "partially_granted": 8,
    "unable.not_held": 25,
    "unable.needs_creation": 4,
    "unable.unclear_after_correction": 3,
    "denied.third_party_rights": 2,
    "denied.process_info": 2,
    "denied.admin_query": 3,
    "not_processed.petition": 5,
    "not_processed.duplicate": 3,
    "other.no_correction": 3,
    "other.other": 2,
    "other.total": 5,
}


def _rng(key: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def _yearly(agency: str, what: str, year: int, lo: int, hi: int) -> int:
    """A number of one body and year that does not depend on which page shows it, so stocks
    and carry-overs chain from year to year (R17–R19 hold on synthetic reports)."""
    return _rng(f"{agency}|{what}|{year}").randint(lo, hi)


def _docs_flow(agency: str, row: str, year: int) -> tuple[int, int, int]:
    """(issued, repealed, in force at year end) of 规章 or 规范性文件, chained from a 2020 stock."""
    big = "regulations" not in row
    stock = _yearly(agency, f"{row}.stock", 2020, 20, 400) if big else _yearly(agency, f"{row}.stock", 2020, 0, 8)
    issued = repealed = 0
    for y in range(2021, year + 1):
        issued = _yearly(agency, f"{row}.issued", y, 0, 25 if big else 3)
        repealed = min(_yearly(agency, f"{row}.repealed", y, 0, 4), stock + issued)
        stock += issued - repealed
    return issued, repealed, stock


def _items(agency: str, row: str, year: int) -> tuple[int, int]:
    """(上一年项目数量, 本年增/减) of a 2019-format item row: each year's count is the last
    year's count plus its change (R19)."""
    prev = _yearly(agency, f"{row}.items", 2019, 20, 300)
    for y in range(2020, year + 1):
        prev += _yearly(agency, f"{row}.change", y - 1, -10, 10)
    return prev, _yearly(agency, f"{row}.change", year, -10, 10)


def _table2(version: str, rng: random.Random, agency: str, year: int) -> Cells:
    cells: Cells = {}
    for row in TABLE2_ROWS[version]:
        for col in row.columns:
            k = col.key
            if k in ("issued", "repealed", "in_force"):
                v = str(_docs_flow(agency, row.key, year)[("issued", "repealed", "in_force").index(k)])
            elif k in ("newly_made", "newly_published"):
                v = str(rng.randint(0, 3) if "regulations" in row.key else rng.randint(0, 25))
            elif k == "total_published":
                v = str(rng.randint(3, 8) if "regulations" in row.key else rng.randint(25, 400))
            elif k == "decisions":
                v = str(rng.choice((0, 0, rng.randint(1, 3000))))
            elif k == "prev_year_items":
                v = str(_items(agency, row.key, year)[0])
            elif k == "items_change":
                d = _items(agency, row.key, year)[1]
                v = f"增{d}" if d > 0 else f"减{-d}" if d < 0 else "0"
            elif k == "fee_amount":
                v = rng.choice(("0", f"{rng.randint(1, 99999) / 100:.2f}"))
            elif k == "procurement_items":
                v = str(rng.randint(0, 200))
            else:  # procurement_amount
                v = f"{rng.randint(0, 5000000)}元"
            cells[("table2", row.key, k)] = v
    return cells


def _table3(version: str, rng: random.Random, agency: str, year: int) -> tuple[Cells, dict[str, int]]:
    """Per applicant column: new + carried = processed + carried_forward, processed split over
    the outcome leaves; the 总计 column is the row sum."""
    rows = TABLE3_ROWS[version]
    leaves = outcome_leaves(rows)
    weights = [_OUTCOME_WEIGHTS.get(k, 1) for k in leaves]
    n: dict[tuple[str, str], int] = {}
    scale = {"natural_person": 40, "commercial": 4, "research": 1, "social_welfare": 1, "legal_service": 2, "other": 2}
    for col in C6:
        new = rng.randint(3, scale[col]) if col == "natural_person" else rng.randint(0, scale[col])
        # natural persons' open cases carry from one year's report to the next (R17)
        carried = _yearly(agency, "carry", year - 1, 0, 3) if col == "natural_person" else 0
        forward = _yearly(agency, "carry", year, 0, 3) if col == "natural_person" else 0
        done = new + carried - forward
        counts = dict.fromkeys(leaves, 0)
        for leaf in rng.choices(leaves, weights, k=done):
            counts[leaf] += 1
        n.update({("new_received", col): new, ("carried_over", col): carried})
        n.update({("carried_forward", col): forward, ("total", col): done})
        n.update({(leaf, col): v for leaf, v in counts.items()})
    cells: Cells = {}
    for r in rows:
        total = sum(n[(r.key, col)] for col in C6)
        for col in C6:
            cells[("table3", r.key, col)] = str(n[(r.key, col)])
        cells[("table3", r.key, "total")] = str(total)
    sums = {k: int(cells[("table3", k, "total")]) for k in ("new_received", "carried_over", "total", "carried_forward")}
    return cells, sums


def _table4(rng: random.Random) -> Cells:
    cells: Cells = {}
    for row, _ in TABLE4_ROWS:
        parts = [rng.choice((0, 0, 0, 1, 2)) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            cells[("table4", row, col)] = str(v)
        cells[("table4", row, "total")] = str(sum(parts))
    return cells


def report(agency: str, year: int, key: str) -> ReportContent:
    """A 2019- or 2021-format report (by year, as the templates applied)."""
    rng = _rng(key)
    version = "2021" if year >= 2021 else "2019"
    t3, s = _table3(version, rng, agency, year)
    cells = {**_table2(version, rng, agency, year), **t3, **_table4(rng)}
    notice = "国办公开办函〔2021〕30号" if version == "2021" else "国办公开办函〔2019〕60号"
    published = rng.randint(80, 3000)
    contact = rng.choice(CONTACTS)
    p = lambda t: Block("p", t)  # noqa: E731 - keeps the narrative below readable
    blocks = (
        Block("title", f"{agency}{year}年政府信息公开工作年度报告"),
        p(
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
            f"关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{notice}）要求编制。本报告中所列数据的统计期限"
            f"自{year}年1月1日起至{year}年12月31日止。如对本报告有任何疑问，请与{agency}办公室联系（联系人：{contact}）。"
        ),
        Block("h", "一、总体情况"),
        p(
            f"{year}年，{agency}认真贯彻落实《条例》和上级关于政务公开工作的部署要求，持续深化政务公开，各项工作有序推进。"
        ),
        p(
            f"（一）主动公开情况。全年通过政府门户网站主动公开政府信息{published}条，及时发布政策文件、工作动态和重点领域信息。"
        ),
        p(
            f"（二）依申请公开情况。全年共收到政府信息公开申请{s['new_received']}件，上年结转{s['carried_over']}件，"
            f"已办结{s['total']}件，结转下年度继续办理{s['carried_forward']}件。"
        ),
        p("（三）政府信息管理情况。严格落实信息发布审核制度，坚持“先审查、后公开”和“一事一审”原则。"),
        p("（四）政府信息公开平台建设情况。依托政府门户网站信息公开专栏，及时更新栏目内容，优化检索功能。"),
        p("（五）监督保障情况。将政务公开工作纳入年度考核，开展业务培训，强化工作人员责任意识。"),
        Block("h", "二、主动公开政府信息情况"),
        Block("table2"),
        Block("h", "三、收到和处理政府信息公开申请情况"),
        Block("table3"),
        Block("h", "四、政府信息公开行政复议、行政诉讼情况"),
        Block("table4"),
        Block("h", "五、存在的主要问题及改进情况"),
        p(
            "存在的问题主要是政策解读形式还不够丰富，部分栏目更新不够及时。下一步将进一步规范信息发布流程，提升公开质量。"
        ),
        Block("h", "六、其他需要报告的事项"),
        p(f"{year}年度未收取信息处理费。"),
    )
    return ReportContent(
        title=f"{agency}{year}年政府信息公开工作年度报告",
        blocks=blocks,
        template=version,
        cells=cells,
        labels=template_labels(version),
    )


def legacy(agency: str, year: int, key: str) -> ReportContent:
    """A pre-2019 (2008 条例) report: free-form sections and old statistics, no template tables."""
    rng = _rng(key)
    published = rng.randint(50, 2000)
    face, web, mail = rng.randint(0, 5), rng.randint(0, 20), rng.randint(0, 3)
    agreed = rng.randint(0, face + web + mail)
    rows = (
        ("指标名称", "单位", "数量"),
        ("主动公开政府信息数", "条", str(published)),
        ("收到申请数", "件", str(face + web + mail)),
        ("其中：当面申请数", "件", str(face)),
        ("网上申请数", "件", str(web)),
        ("信函申请数", "件", str(mail)),
        ("同意公开答复数", "件", str(agreed)),
        ("不同意公开答复数", "件", str(face + web + mail - agreed)),
        ("行政复议数", "件", "0"),
        ("行政诉讼数", "件", "0"),
    )
    p = lambda t: Block("p", t)  # noqa: E731
    blocks = (
        Block("title", f"{agency}{year}年政府信息公开工作年度报告"),
        p(f"根据《中华人民共和国政府信息公开条例》规定，特向社会公布{year}年度{agency}政府信息公开年度报告。"),
        Block("h", "一、概述"),
        p(f"{year}年，{agency}按照条例要求，建立健全政府信息公开工作机制，政府信息公开工作稳步推进。"),
        Block("h", "二、主动公开政府信息的情况"),
        p(f"全年主动公开政府信息{published}条，主要通过政府网站、公开栏等渠道公开。"),
        Block("h", "三、依申请公开政府信息和不予公开政府信息的情况"),
        p(
            f"全年共受理政府信息公开申请{face + web + mail}件，"
            f"其中当面申请{face}件，网上申请{web}件，信函申请{mail}件。"
        ),
        Block("legacy_table", rows=rows),
        Block("h", "四、政府信息公开的收费及减免情况"),
        p("本年度未收取任何费用。"),
        Block("h", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        p("本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"),
        Block("h", "六、政府信息公开工作存在的主要问题及改进措施"),
        p("主要问题是公开内容不够全面。下一步将加强培训，完善制度。"),
    )
    return ReportContent(title=f"{agency}{year}年政府信息公开工作年度报告", blocks=blocks, template="legacy")


def notice(title: str, key: str) -> ReportContent:
    """A non-report item (the xxgk module lists everything, not only 年报)."""
    rng = _rng(key)
    return ReportContent(
        title=title,
        blocks=(
            Block("p", f"各镇（街道）、区级各部门：现将有关事项通知如下，请认真贯彻执行。（编号{rng.randint(1, 99)}）"),
            Block("p", "特此通知。"),
        ),
        template="notice",
    )
