"""Generators of the documents that once stopped or hung the parse stage (issue 8).

Each returns ``(file name, bytes)``: small on disk, expensive to read naively. They are built
from the bundled corpus where a real container helps (a real DOCX with one attribute
changed), and written byte by byte where the point is a malformed structure (PDF object
graphs). The outcome the parse stage records for each is in :data:`EXPECTED`.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


# --- HTML ------------------------------------------------------------------------------------


def html_span_bomb(rows: int = 60, cells: int = 8) -> tuple[str, bytes]:
    """~13 KB of table whose every cell spans 300 rows and 200 columns (once 2.2 GB of grid)."""
    row = "<tr>" + '<td rowspan="300" colspan="200">1</td>' * cells + "</tr>"
    html = f"<html><body><div id='zoom'><p>表格</p><table>{row * rows}</table></div></body></html>"
    return "span_bomb.html", html.encode()


def html_deep_nesting(depth: int = 50_000) -> tuple[str, bytes]:
    """Elements nested far deeper than any recursive tree walk can follow."""
    html = "<html><body>" + "<div>" * depth + "深" + "</div>" * depth + "</body></html>"
    return "deep.html", html.encode()


def html_vertical_tab() -> tuple[str, bytes]:
    """A vertical tab (and other C0 controls) in a table cell with child elements: lxml refuses
    such characters when a tree's text is set, which the cell reader does."""
    page = corpus_bytes("pingtan_2023.html").decode("utf-8")
    page = page.replace("</td>", "<br/>\x0b\x01<p>\x0b</p></td>", 5)
    return "vtab.html", page.encode()


# --- DOCX ------------------------------------------------------------------------------------


def _docx_with(document_xml: Callable[[str], str] | None = None, raw: bytes | None = None) -> bytes:
    """The corpus template DOCX with ``word/document.xml`` rewritten (or replaced by ``raw``)."""
    src = zipfile.ZipFile(io.BytesIO(corpus_bytes("template_2021.docx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                if raw is not None:
                    data = raw
                elif document_xml is not None:
                    data = document_xml(data.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, data)
    return out.getvalue()


def docx_zip_bomb(megabytes: int = 100) -> tuple[str, bytes]:
    """A few hundred KB of DOCX whose ``document.xml`` inflates to ``megabytes`` MB."""
    src = zipfile.ZipFile(io.BytesIO(corpus_bytes("template_2021.docx")))
    out = io.BytesIO()
    para = b"<w:p><w:r><w:t>" + "政府信息公开".encode() * 20 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, src.read(info))
                continue
            doc = src.read(info).decode("utf-8")
            head, tail = doc.split("<w:body>", 1)
            with z.open("word/document.xml", "w", force_zip64=True) as f:
                f.write((head + "<w:body>").encode())
                block = para * 1000
                for _ in range(megabytes * 2**20 // len(block)):
                    f.write(block)
                f.write(tail.encode())
    return "zip_bomb.docx", out.getvalue()


def docx_grid_span(span: int = 100_000_000) -> tuple[str, bytes]:
    """The template with one cell claiming to span a hundred million grid columns."""
    return "grid_span.docx", _docx_with(lambda x: x.replace('w:gridSpan w:val="4"', f'w:gridSpan w:val="{span}"', 1))


def docx_malformed_xml() -> tuple[str, bytes]:
    """``document.xml`` cut in the middle of an element: not well-formed XML."""
    return "malformed.docx", _docx_with(lambda x: x[: len(x) // 2])


def docx_truncated_deflate() -> tuple[str, bytes]:
    """A DOCX whose ``document.xml`` deflate stream breaks off a third of the way in (the
    rest overwritten with bytes no inflater accepts; sizes and CRC still claim the whole part)."""
    data = bytearray(corpus_bytes("template_2021.docx"))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    local_extra = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + len(info.filename.encode()) + local_extra
    cut, end = start + info.compress_size // 3, start + info.compress_size
    data[cut:end] = b"\xff" * (end - cut)
    return "truncated_deflate.docx", bytes(data)


# --- PDF -------------------------------------------------------------------------------------


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file from numbered object bodies (object k+1 = objects[k]) with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_many_pages(pages: int = 5000) -> tuple[str, bytes]:
    """Thousands of pages sharing one content stream with a line of bare numbers (so every page
    looks like a table page): a small file, once 8 minutes of page-by-page work."""
    kids = b" ".join(b"%d 0 R" % (5 + k) for k in range(pages))
    content = b"BT /F1 12 Tf 72 720 Td (Annual report 2023) Tj 0 -20 Td (1 2 3 4 5 6 7) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               _FONT,
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> " \
           b"/Contents 4 0 R >>"
    objects += [page] * pages
    return "many_pages.pdf", _pdf(objects)


def pdf_length_loop() -> tuple[str, bytes]:
    """A content stream whose ``/Length`` is a reference to a reference to itself."""
    content = b"BT /F1 12 Tf 72 720 Td (Annual report 2023 government information) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               _FONT,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Length 6 0 R >>\nstream\n" + content + b"\nendstream",
               b"7 0 R",
               b"6 0 R"]
    return "length_loop.pdf", _pdf(objects)


def pdf_objstm_loop() -> tuple[str, bytes]:
    """The reference loop of :func:`pdf_length_loop` hidden in a compressed object stream,
    reachable only through a cross-reference stream (PDF 1.5)."""
    content = b"BT /F1 12 Tf 72 720 Td (Annual report 2023 government information) Tj ET"
    members = [b"7 0 R", b"6 0 R"]
    header = b"6 0 7 %d " % (len(members[0]) + 1)
    packed = zlib.compress(header + b" ".join(members))
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: _FONT,
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
           b"/Contents 5 0 R >>",
        5: b"<< /Length 6 0 R >>\nstream\n" + content + b"\nendstream",
        8: b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(packed))
           + packed + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num, body in bodies.items():
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    offsets[9] = len(out)
    rows = b"\x00\x00\x00\x00\x00\xff\xff"
    for num in range(1, 10):
        if num in (6, 7):
            rows += b"\x02" + (8).to_bytes(4, "big") + (num - 6).to_bytes(2, "big")
        else:
            rows += b"\x01" + offsets[num].to_bytes(4, "big") + b"\x00\x00"
    out += (b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
            + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[9])
    return "objstm_loop.pdf", bytes(out)


def pdf_truncated_deflate() -> tuple[str, bytes]:
    """A page whose FlateDecode content stream stops halfway through the compressed data."""
    content = b"BT /F1 12 Tf 72 720 Td (" + b"Annual report 2023 " * 200 + b") Tj ET"
    packed = zlib.compress(content)[: 40]
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               _FONT,
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"]
    return "truncated_deflate.pdf", _pdf(objects)


# --- text ------------------------------------------------------------------------------------

_T3_LABELS = (
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
    "7.属于行政执法案卷", "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
    "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
    "四、结转下年度继续办理",
)


def text_report(rows: dict[int, str] | None = None, table4: str = "0" * 15) -> str:
    """A flattened text export of a 2021-format report (label and digits on one line), every
    table-3 row zero unless ``rows`` gives its digits (by position in the table)."""
    rows = rows or {}
    lines = ["嘉兴市人民政府办公室2022年政府信息公开工作年度报告", "一、总体情况",
             "本机关全年收到政府信息公开申请0件。", "二、主动公开政府信息情况",
             "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数", "规章0 0 0", "行政规范性文件0 0 0",
             "第二十条第（五）项信息内容本年处理决定数量", "行政许可0", "第二十条第（六）项信息内容本年处理决定数量",
             "行政处罚0", "行政强制0", "第二十条第（八）项信息内容本年收费金额（单位：万元）", "行政事业性收费0",
             "三、收到和处理政府信息公开申请情况"]
    lines += [label + rows.get(k, "0" * 7) for k, label in enumerate(_T3_LABELS)]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", table4, "五、存在的主要问题及改进情况"]
    return "\n".join(lines)


def text_glued_run(digits: int = 150) -> tuple[str, bytes]:
    """A report whose first table-3 row is one glued run of ``digits`` digits."""
    run = "".join(str((7 * k * k + 3 * k + 1) % 10) for k in range(digits))
    return f"glued_{digits}.txt", text_report({0: run}).encode()


def text_huge_number(digits: int = 22) -> tuple[str, bytes]:
    """A report printing a count wider than the warehouse's DECIMAL(24,6) (once a load crash)."""
    lines = text_report().split("\n")
    lines = [ln.replace("一、本年新收政府信息公开申请数量" + "0" * 7,
                        "一、本年新收政府信息公开申请数量\t" + "\t".join(["9" * digits] + ["0"] * 5 + ["9" * digits]))
             for ln in lines]
    return f"number_{digits}.txt", "\n".join(lines).encode()


def text_huge(megabytes: int = 40) -> tuple[str, bytes]:
    """Tens of MB of text: more than any report, far more than a night should read."""
    line = "本机关全年收到政府信息公开申请0件。" * 10 + "\n"
    return "huge.txt", (line * (megabytes * 2**20 // len(line.encode()))).encode()


#: Every bomb, by name.
BOMBS: dict[str, Callable[..., tuple[str, bytes]]] = {
    "html_span_bomb": html_span_bomb,
    "html_deep_nesting": html_deep_nesting,
    "html_vertical_tab": html_vertical_tab,
    "docx_zip_bomb": docx_zip_bomb,
    "docx_grid_span": docx_grid_span,
    "docx_malformed_xml": docx_malformed_xml,
    "docx_truncated_deflate": docx_truncated_deflate,
    "pdf_many_pages": pdf_many_pages,
    "pdf_length_loop": pdf_length_loop,
    "pdf_objstm_loop": pdf_objstm_loop,
    "pdf_truncated_deflate": pdf_truncated_deflate,
    "text_glued_run": text_glued_run,
    "text_huge_number": text_huge_number,
    "text_huge": text_huge,
}


#: The outcome the parse stage records for each bomb (with its default parameters), and a
#: phrase of the recorded reason.
EXPECTED: dict[str, tuple[str, str]] = {
    "html_span_bomb": ("too_large", "span-expanded cells"),
    "html_deep_nesting": ("not_a_report", "no report title"),
    "html_vertical_tab": ("parsed", ""),
    "docx_zip_bomb": ("too_large", "word/document.xml, uncompressed bytes"),
    "docx_grid_span": ("not_a_report", "unfilled form"),
    "docx_malformed_xml": ("unreadable", "DOCX cannot be read: XMLSyntaxError"),
    "docx_truncated_deflate": ("unreadable", "DOCX cannot be read"),
    "pdf_many_pages": ("too_large", "PDF pages: 5,000 exceeds the limit of 500"),
    "pdf_length_loop": ("unreadable", "reference loop"),
    "pdf_objstm_loop": ("unreadable", "reference loop"),
    "pdf_truncated_deflate": ("unreadable", "image-only"),
    "text_glued_run": ("parsed", ""),
    "text_huge_number": ("parsed", ""),
    "text_huge": ("too_large", "text characters"),
}
