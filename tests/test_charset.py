"""xxgk.charset: every encoding a Chinese report arrives in, with and without a byte-order
mark, under truthful, missing and lying declarations, decodes to exactly the original text."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from xxgk import charset
from xxgk.extract import sniff
from xxgk.parse.api import parse_bytes

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))
GBK_ONLY = "朱镕基与王堃的报告"  # 镕 and 堃 are outside GB2312
SMALL_PAGE = f"<html><head><title>{GBK_ONLY}</title></head><body><p>{GBK_ONLY}</p></body></html>"

TEXTS = {
    **{p.stem[:3]: p.read_text(encoding="utf-8") for p in SEEDS},     # real reports, plain text
    "pingtan_2023": (CORPUS / "pingtan_2023.html").read_text(encoding="utf-8"),  # declares utf-8 in <meta>
    "gbk_only": SMALL_PAGE,
    "title": "海宁市信访局2022年度政府信息公开工作年度报告",  # short, no markup, no line break
}
ENCODINGS = ("utf-8", "gb18030", "gbk", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
DECLARED = (None, "utf-8", "gbk", "gb2312", "utf-16", "utf-16le", "utf-32", "big5", "iso-8859-1")


def _cases():
    for name, text in TEXTS.items():
        for enc in ENCODINGS:
            try:
                data = text.encode(enc)
            except UnicodeEncodeError:  # a seed holds a character GBK lacks (GB18030 has it)
                continue
            yield pytest.param(name, text, data, id=f"{name}-{enc}")
            if enc in BOMS:
                yield pytest.param(name, text, BOMS[enc] + data, id=f"{name}-{enc}-bom")


@pytest.mark.parametrize("name, text, data", list(_cases()))
def test_every_encoding_with_every_declaration_decodes_exactly(name, text, data):
    wrong = {}
    for label in DECLARED:
        content_type = f"text/html; charset={label}" if label else None
        decoded, codec = charset.decode(data, content_type)
        if decoded != text:
            wrong[label] = codec
    assert wrong == {}


@pytest.mark.parametrize("meta, encoding", [
    ("utf-16", "utf-8"), ("gb2312", "utf-8"), ("utf-8", "gb18030"), ("big5", "gb18030"), ("utf-16", "gb18030"),
])
def test_lying_meta_declaration_is_not_believed(meta, encoding):
    page = SMALL_PAGE.replace("<head>", f'<head><meta http-equiv="Content-Type" content="text/html; charset={meta}">')
    assert charset.decode(page.encode(encoding))[0] == page


def test_gb_labels_are_read_as_gb18030():
    page = SMALL_PAGE.replace("<head>", '<head><meta charset="gb2312">')
    assert charset.decode(page.encode("gbk"), "text/html") == (page, "gb18030")
    assert charset.normalize("GB2312") == charset.normalize("cp936") == "gb18030"
    assert charset.normalize("ISO-8859-1") is None and charset.normalize("no-such-codec") is None


def test_forced_charset_wins_and_replaces_bad_bytes():
    assert charset.decode("平潭".encode("gbk"), "text/html; charset=utf-8", forced="gb2312") == ("平潭", "gb18030")
    assert charset.decode("平潭".encode("gbk") + b"\xff", None, forced="gbk")[0] == "平潭\ufffd"


def test_damaged_bytes_keep_the_readable_text():
    gb = TEXTS["000"].encode("gb18030")
    text, codec = charset.decode(gb[:500] + b"\xff\xff" + gb[500:])
    assert codec == "gb18030" and text.count("\ufffd") <= 2 and TEXTS["000"][:100] in text
    utf8 = TEXTS["000"].encode("utf-8")
    text, codec = charset.decode(utf8[:500] + b"\xff" + utf8[500:])
    assert codec == "utf-8" and text.count("\ufffd") == 1


def test_wide_codec_tells_utf16_and_32_text_from_binary():
    head = TEXTS["pingtan_2023"].encode("utf-16-le")[:1024]
    assert charset.wide_codec(head) == "utf_16_le"
    assert charset.wide_codec(TEXTS["001"].encode("utf-32-be")[:1024]) == "utf_32_be"
    assert charset.wide_codec(codecs.BOM_UTF16_BE + TEXTS["001"].encode("utf-16-be")[:1000]) == "utf-16"
    for binary in ((CORPUS / "hongze_2023.pdf").read_bytes()[:1024], bytes(range(256)) * 4, b"\0" * 1024):
        assert charset.wide_codec(binary) is None


@pytest.mark.parametrize("enc, bom", [("utf-16-le", True), ("utf-16-le", False), ("utf-16-be", True),
                                      ("utf-16-be", False), ("utf-32-le", True), ("utf-32-be", False)])
def test_sniff_reads_wide_text_and_html(enc, bom):
    mark = BOMS[enc] if bom else b""
    assert sniff.sniff(mark + TEXTS["pingtan_2023"].encode(enc)) == sniff.HTML
    assert sniff.sniff(mark + TEXTS["000"].encode(enc)) == sniff.TEXT


@pytest.mark.parametrize("enc, bom", [("gb18030", False), ("utf-16-le", True), ("utf-16-le", False),
                                      ("utf-16-be", True), ("utf-16-be", False), ("utf-32-le", True),
                                      ("utf-32-be", False)])
@pytest.mark.parametrize("name, ext", [("000", "txt"), ("003", "txt"), ("pingtan_2023", "html")])
def test_parse_result_does_not_depend_on_the_encoding(name, ext, enc, bom):
    """A report in UTF-16 came out as not_a_report (with BOM) or unreadable (without)."""
    text = TEXTS[name]
    reference = parse_bytes(text.encode("utf-8"), f"r.{ext}", "s")
    assert reference.is_report and reference.cells
    result = parse_bytes((BOMS[enc] if bom else b"") + text.encode(enc), f"r.{ext}", "s")
    assert json.dumps(result.to_json(), ensure_ascii=False) == json.dumps(reference.to_json(), ensure_ascii=False)
