"""What a file is, from its bytes (never from its name): the server-side check of uploads too.

kind: 'xlsx' | 'xls' | 'json' | 'xml' | 'csv'. Anything else raises FileRejected with what the
bytes look like (a PNG renamed .csv is named as a PNG).
"""
from __future__ import annotations

import io
import zipfile

from data.ingest.reasons import FileRejected

MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"%PDF", "PDF 文档"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x7fELF", "可执行程序"),
    (b"MZ", "Windows 可执行程序"),
    (b"SQLite format 3", "SQLite 数据库"),
    (b"DUCK", "DuckDB 数据库"),
    (b"PAR1", "Parquet 文件"),
]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.xls, .doc)
ZIP = b"PK\x03\x04"
_TEXT_CONTROL_OK = {9, 10, 12, 13}


def sniff(data: bytes) -> str:
    """The container kind of `data`; raises FileRejected for empty, binary or unknown bytes."""
    if not data.strip():
        raise FileRejected("empty_file")
    if data.startswith(ZIP):
        return _zip_kind(data)
    if data.startswith(OLE):
        return "xls"
    for magic, label in MAGIC:
        if data.startswith(magic):
            raise FileRejected("binary_file", detail=f"内容是{label}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("utf16")
    head = data[:65536]
    if b"\x00" in head:
        raise FileRejected("binary_file", detail="含有 NUL 字节")
    control = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROL_OK)
    if control > max(2, len(head) // 1000):
        raise FileRejected("binary_file", detail=f"前 {len(head)} 字节中有 {control} 个控制字符")
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"[", b"{"):
        return "json"
    if first == b"<":
        return "xml"
    return "csv"


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise FileRejected("binary_file", detail="损坏的 ZIP 压缩包") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        raise FileRejected("binary_file", detail="内容是 Word 文档")
    raise FileRejected("binary_file", detail="内容是 ZIP 压缩包")
