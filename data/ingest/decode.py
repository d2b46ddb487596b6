"""Bytes -> text for delimited files: strict UTF-8 (BOM or not), then strict GB18030, else reject.

Strict means any invalid byte fails the whole candidate encoding, so a file is never read with
substituted characters. GB18030 is a superset of GBK and GB2312 and covers every Unicode
character (including rare names outside GBK). A detector library was measured to read a small
GBK file as Big5 (stack-facts.md): no guessing beyond these two.

UTF-8 is validated by pyarrow without building a Python string (a 500 MB file would take 2 GB as
one); readers then work on UTF-8 bytes.
"""
from __future__ import annotations

import pyarrow as pa

from data.ingest.reasons import FileRejected

UTF8_BOM = b"\xef\xbb\xbf"


def _valid_utf8(data: bytes) -> bool:
    try:
        pa.array([data], pa.large_binary()).cast(pa.large_string())
        return True
    except pa.ArrowInvalid:
        return False


def decode_utf8(data: bytes) -> tuple[bytes, str]:
    """(UTF-8 bytes without BOM, source encoding: utf-8 | utf-8-sig | gb18030); raises FileRejected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("utf16")
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM):]
        if _valid_utf8(body):
            return body, "utf-8-sig"
        raise _undecodable(body, "utf-8")
    if _valid_utf8(data):
        return data, "utf-8"
    try:
        return data.decode("gb18030", errors="strict").encode("utf-8"), "gb18030"
    except UnicodeDecodeError:
        raise _undecodable(data, "gb18030") from None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, source encoding), for formats parsed as a whole (JSON, XML)."""
    utf8, encoding = decode_utf8(data)
    return utf8.decode("utf-8"), encoding


def _undecodable(data: bytes, codec: str) -> FileRejected:
    try:
        data.decode(codec, errors="strict")
        start = 0
    except UnicodeDecodeError as exc:
        start = exc.start
    line = data.count(b"\n", 0, start) + 1
    return FileRejected("undecodable", line=line, bytes=data[start:start + 4].hex(" "))
