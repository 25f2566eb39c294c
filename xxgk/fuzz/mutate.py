"""Mutations of the real documents of ``data/corpus``, for fuzzing extract → parse.

Two kinds, chosen at random for each case: byte-level damage that any download can suffer
(flipped bytes, truncation, a chunk repeated or lost, two files spliced) and changes that
keep the container valid but make its content hostile: XML of a DOCX part edited and the
package re-zipped, markup of an HTML page given absurd spans, control characters or deep
nesting, digits of a text export glued into long runs. Every mutation is a pure function of
the input and a :class:`random.Random`, so a case is reproduced from its seed.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from functools import cache

from xxgk.fuzz.bombs import CORPUS

Mutation = Callable[[bytes, random.Random], bytes]

_SPECIAL = [b"\x00", b"\x0b", b"\x0c", b"\x1b", b"\xff\xfe", b"\xef\xbb\xbf", b"<", b"&#0;", b"&#x0b;", b"]]>",
            b"99999999999999999999999", b"\xe3\x80\x80", b"\xc2\xa0", b"\r", b"\t", b"|", b"%", b"R", b"obj",
            b"endstream", b"stream\n", b"0 0 R", b"<<", b">>", b"[", b"("]


@cache
def corpus_documents() -> tuple[tuple[str, bytes], ...]:
    """Every real document of the corpus (PDF, HTML, DOCX, the seed text exports)."""
    paths = [p for p in sorted(CORPUS.rglob("*")) if p.is_file() and p.suffix in (".pdf", ".html", ".docx", ".txt")]
    return tuple((p.name, p.read_bytes()) for p in paths)


# --- byte level ----------------------------------------------------------------------------


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 20)):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def repeat_chunk(data: bytes, rnd: random.Random) -> bytes:
    a = rnd.randrange(len(data) + 1)
    b = min(len(data), a + rnd.randint(1, 4096))
    return data[:b] + data[a:b] * rnd.randint(1, 50) + data[b:]


def drop_chunk(data: bytes, rnd: random.Random) -> bytes:
    a = rnd.randrange(len(data) + 1)
    return data[:a] + data[a + rnd.randint(1, 4096):]


def insert_special(data: bytes, rnd: random.Random) -> bytes:
    out = data
    for _ in range(rnd.randint(1, 10)):
        at = rnd.randrange(len(out) + 1)
        out = out[:at] + rnd.choice(_SPECIAL) * rnd.randint(1, 3) + out[at:]
    return out


def splice(data: bytes, rnd: random.Random) -> bytes:
    _, other = rnd.choice(corpus_documents())
    return data[: rnd.randrange(len(data) + 1)] + other[rnd.randrange(len(other) + 1):]


BYTE_MUTATIONS: tuple[Mutation, ...] = (flip_bytes, truncate, repeat_chunk, drop_chunk, insert_special, splice)


# --- markup and text -------------------------------------------------------------------------


def hostile_spans(text: str, rnd: random.Random) -> str:
    """Some table cells get row/column spans from the absurd to the garbage."""
    values = ["0", "-1", "300", "1000", "65535", "99999999999", "2147483648", "abc", " 3 ", "1e9", "", "５"]

    def one(m: re.Match[str]) -> str:
        if rnd.random() < 0.3:
            return f'{m[0]} rowspan="{rnd.choice(values)}" colspan="{rnd.choice(values)}"'
        return m[0]

    return re.sub(r"<t[dh]\b", one, text)


def control_characters(text: str, rnd: random.Random) -> str:
    """C0 controls (vertical tab first) inside cells and between tags."""
    chars = ["\x0b", "\x0c", "\x01", "\x1f", "\x00", "\ufeff", "\u2028", "\ud7ff"]
    out = list(text)
    for _ in range(rnd.randint(1, 30)):
        out.insert(rnd.randrange(len(out) + 1), rnd.choice(chars))
    return "".join(out)


def deep_nesting(text: str, rnd: random.Random) -> str:
    depth = rnd.choice([100, 1000, 10000, 100000])
    tag = rnd.choice(["div", "table><tr><td", "span", "p", "b"])
    close = "</" + "></".join(reversed(tag.split("><"))) + ">"
    at = rnd.randrange(len(text) + 1)
    return text[:at] + f"<{tag}>" * depth + "x" + close * depth + text[at:]


def glue_digits(text: str, rnd: random.Random) -> str:
    """Number cells lose their separators (tabs, pipes, cell tags), and some runs grow long."""
    def one(m: re.Match[str]) -> str:
        run = re.sub(r"[^0-9]", "", m[0])
        if rnd.random() < 0.2:
            run += "".join(rnd.choice("0123456789") for _ in range(rnd.choice([20, 60, 150, 400])))
        return run

    return re.sub(r"\d+(?:(?:\t|\s*\|\s*|</td>\s*<td[^>]*>)\d+){2,}", one, text)


def wide_numbers(text: str, rnd: random.Random) -> str:
    """Some counts become 19 to 5,000 digits wide."""
    def one(m: re.Match[str]) -> str:
        return "9" * rnd.choice([19, 22, 40, 120, 5000]) if rnd.random() < 0.05 else m[0]

    return re.sub(r"(?<![\d.])\d{1,4}(?![\d.])", one, text)


def shuffle_lines(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    a = rnd.randrange(len(lines))
    b = min(len(lines), a + rnd.randint(2, 40))
    part = lines[a:b]
    rnd.shuffle(part)
    return "\n".join(lines[:a] + part + lines[b:])


TEXT_MUTATIONS: tuple[Callable[[str, random.Random], str], ...] = (
    hostile_spans, control_characters, deep_nesting, glue_digits, wide_numbers, shuffle_lines)


def _text_mutation(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    for _ in range(rnd.randint(1, 3)):
        text = rnd.choice(TEXT_MUTATIONS)(text, rnd)
    return text.encode("utf-8", errors="surrogatepass")


# --- DOCX packages -----------------------------------------------------------------------------


def _xml_mutation(xml: str, rnd: random.Random) -> str:
    choice = rnd.randrange(6)
    if choice == 0:  # spans and merges with absurd values
        values = ["0", "-5", "64", "1000", "100000000", "x", ""]
        xml = re.sub(r'(<w:(?:gridSpan|gridBefore|gridAfter)\s+w:val=")[^"]*', lambda m: m[1] + rnd.choice(values), xml)
        return re.sub(r'<w:vMerge(\s+w:val="[^"]*")?/>',
                      lambda m: rnd.choice(['<w:vMerge/>', '<w:vMerge w:val="restart"/>', '<w:vMerge w:val="x"/>', ""]),
                      xml)
    if choice == 1:  # not well-formed: cut, or an element closed twice
        return xml[: rnd.randrange(len(xml) + 1)] if rnd.random() < 0.5 else xml.replace("</w:p>", "</w:p></w:p>", 1)
    if choice == 2:  # control characters in text runs
        return re.sub(r"<w:t>", lambda m: m[0] + rnd.choice(["\x0b", "\x01", "&#11;", "&#0;", ""]), xml)
    if choice == 3:  # deeply nested tables
        depth = rnd.choice([50, 500, 5000])
        nest = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
        return xml.replace("<w:body>", "<w:body>" + nest, 1)
    if choice == 4:  # entity tricks (an external entity, a billion laughs) in front of the root
        dtd = ('<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
               '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>')
        return re.sub(r"(<\?xml[^>]*\?>)", lambda m: m[1] + dtd, xml, count=1).replace("<w:t>", "<w:t>&c;&x;", 1)
    return _text_mutation(xml.encode(), rnd).decode("utf-8", errors="replace")


def docx_part(data: bytes, rnd: random.Random) -> bytes:
    """One XML part of a DOCX edited (see :func:`_xml_mutation`), the package zipped again."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        infos = src.infolist()
        parts = [i.filename for i in infos if i.filename.endswith(".xml")]
        if not parts:
            return flip_bytes(data, rnd)
        target = "word/document.xml" if "word/document.xml" in parts and rnd.random() < 0.7 else rnd.choice(parts)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in infos:
                body = src.read(info)
                if info.filename == target:
                    body = _xml_mutation(body.decode("utf-8", errors="replace"), rnd).encode("utf-8",
                                                                                             errors="surrogatepass")
                z.writestr(info.filename, body)
        return out.getvalue()
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError):
        return flip_bytes(data, rnd)


def docx_deflate(data: bytes, rnd: random.Random) -> bytes:
    """The compressed bytes of one member damaged (a truncated or corrupt deflate stream)."""
    try:
        infos = [i for i in zipfile.ZipFile(io.BytesIO(data)).infolist() if i.compress_size > 8]
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return flip_bytes(data, rnd)
    if not infos:
        return data
    info = rnd.choice(infos)
    out = bytearray(data)
    extra = int.from_bytes(out[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + len(info.filename.encode()) + extra
    cut = start + rnd.randrange(info.compress_size)
    filler = rnd.choice([b"\x00", b"\xff", bytes([rnd.randrange(256)])])
    out[cut:start + info.compress_size] = filler * (start + info.compress_size - cut)
    return bytes(out)


def mutate(name: str, data: bytes, rnd: random.Random) -> tuple[bytes, str]:
    """A mutated copy of a corpus document and a short description of what was done."""
    kind = name.rsplit(".", 1)[-1]
    structured: list[tuple[str, Mutation]] = []
    if kind == "docx":
        structured = [("docx_part", docx_part), ("docx_part", docx_part), ("docx_deflate", docx_deflate)]
    elif kind in ("html", "txt"):
        structured = [("text", _text_mutation)] * 3
    ops = structured + [(m.__name__, m) for m in BYTE_MUTATIONS]
    label, op = rnd.choice(ops)
    return op(data, rnd), label
