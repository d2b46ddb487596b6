"""Open311 GeoReport v2 documents (JSON and XML) read into a RawTable.

JSON: numbers are kept as their literal text (IDs such as 638344 become "638344", nothing passes
through a float). The spec's own examples write numbers with leading zeros ("service_code":006),
which JSON forbids: with the mapping's `repair_json_leading_zeros` they are read as the text
"006" and every repair is listed in the ledger notes; without it the file is rejected.
XML: parsed with defusedxml (no entity expansion, no external entities, no DTD: a hostile file
cannot exhaust memory or read local files), by SAX so that each record keeps its line number.
"""
from __future__ import annotations

import json
import re
import xml.sax
from typing import TYPE_CHECKING

import defusedxml
import defusedxml.sax
import numpy as np
import pandas as pd

from data.ingest.reasons import FileRejected
from data.ingest.tables import RawTable, drop_blank_records

if TYPE_CHECKING:  # transform imports the readers' module family; avoid the import cycle at run time
    from data.ingest.transform import Staged

# A JSON string (skipped as a whole) or a number with a leading zero outside any string.
_LEADING_ZERO = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.+-])(-?0\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])')
WRAPPER_KEYS = ("service_requests", "requests", "services")
XML_ROOTS = {"service_requests": "request", "services": "service"}


def _reject_constant(name: str):
    raise ValueError(f"{name} 不是有效的 JSON 数值")


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=_reject_constant)


def repair_leading_zeros(text: str) -> tuple[str, list[str]]:
    """Quote numbers written with leading zeros; returns the new text and one note per repair."""
    notes: list[str] = []

    def fix(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)
        line = text.count("\n", 0, m.start()) + 1
        notes.append(f"第 {line} 行 {m.group(1)}")
        return f'"{m.group(1)}"'

    return _LEADING_ZERO.sub(fix, text), notes


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_json(text: str, *, repair: bool) -> tuple[RawTable, str]:
    """(RawTable of the records, document kind: 'array' of records | 'definition' | 'other')."""
    notes: list[str] = []
    try:
        doc = _decoder().decode(text)
    except (json.JSONDecodeError, ValueError) as exc:
        fixed, repairs = repair_leading_zeros(text) if repair else (text, [])
        if not repairs:
            raise _bad_json(exc) from None
        try:
            doc = _decoder().decode(fixed)
        except (json.JSONDecodeError, ValueError) as exc2:
            raise _bad_json(exc2) from None
        notes.append(f"JSON 不合规：{len(repairs)} 处以 0 开头的数字（{'、'.join(repairs[:5])}"
                     f"{' 等' if len(repairs) > 5 else ''}），已按文本读取以保留前导 0")
        text = fixed
    if isinstance(doc, dict) and "attributes" in doc and "service_code" in doc:
        return _records_table([], [], [], text, notes), "definition"
    if isinstance(doc, dict):
        for key in WRAPPER_KEYS:
            if isinstance(doc.get(key), list):
                records = doc[key]
                notes.append(f"记录位于对象的“{key}”字段中，行号为记录序号")
                lines = list(range(1, len(records) + 1))
                return _records_table(records, lines, None, text, notes), "array"
        return _records_table([], [], [], text, notes), "other"
    if not isinstance(doc, list):
        return _records_table([], [], [], text, notes), "other"
    records, lines, spans = _array_elements(text)
    return _records_table(records, lines, spans, text, notes), "array"


def _bad_json(exc: Exception) -> FileRejected:
    if isinstance(exc, json.JSONDecodeError):
        return FileRejected("bad_json", line=exc.lineno, col=exc.colno, detail=exc.msg)
    return FileRejected("bad_json", line="?", col="?", detail=str(exc))


def _array_elements(text: str):
    """Each top-level array element with the line it starts on and its character span."""
    dec = _decoder()
    ws = re.compile(r"[ \t\r\n]*")
    pos = ws.match(text, 0).end()
    assert text[pos] == "["
    pos = ws.match(text, pos + 1).end()
    records, lines, spans = [], [], []
    line, counted = 1, 0
    while text[pos] != "]":
        obj, end = dec.raw_decode(text, pos)
        line += text.count("\n", counted, pos)
        counted = pos
        records.append(obj)
        lines.append(line)
        spans.append((pos, end))
        pos = ws.match(text, end).end()
        if text[pos] == ",":
            pos = ws.match(text, pos + 1).end()
    return records, lines, spans


def _records_table(records: list, lines: list[int], spans, text: str, notes: list[str]) -> RawTable:
    header: list[str] = []
    for rec in records:
        if isinstance(rec, dict):
            for key in rec:
                if key not in header:
                    header.append(key)
    n = len(records)
    frame = pd.DataFrame({k: pd.Series([_as_text(r.get(k)) if isinstance(r, dict) else "" for r in records],
                                       dtype="str") for k in header}) if header else pd.DataFrame(index=range(n))
    problem = np.array(["" if isinstance(r, dict) else "bad_record" for r in records], dtype=object)

    def raw_text(pos: np.ndarray) -> list[str]:
        if spans is None:
            return [json.dumps(records[int(p)], ensure_ascii=False) for p in pos]
        return [text[spans[int(p)][0]:spans[int(p)][1]] for p in pos]

    table = RawTable(header, frame, np.asarray(lines, dtype=np.int64), np.full(n, len(header), dtype=np.int64),
                     raw_text, notes, row_problem=problem)
    return drop_blank_records(table) if header else table


class _Handler(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.root: str | None = None
        self.records: list[dict[str, str]] = []
        self.lines: list[tuple[int, int]] = []
        self._depth = 0
        self._field: str | None = None
        self._buf: list[str] = []
        self._locator = None

    def setDocumentLocator(self, locator):
        self._locator = locator

    def startElement(self, name, attrs):
        self._depth += 1
        if self._depth == 1:
            self.root = name
        elif self._depth == 2:
            self.records.append({})
            self.lines.append((self._locator.getLineNumber(), 0))
        elif self._depth == 3:
            self._field, self._buf = name, []

    def characters(self, content):
        if self._depth == 3:
            self._buf.append(content)

    def endElement(self, name):
        if self._depth == 3 and self._field is not None:
            self.records[-1][self._field] = "".join(self._buf)
            self._field = None
        elif self._depth == 2:
            self.lines[-1] = (self.lines[-1][0], self._locator.getLineNumber())
        self._depth -= 1


def read_xml(text: str) -> tuple[RawTable, str]:
    """(RawTable, root element name). Records are the root's children; fields their children."""
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)  # the text is decoded already
    handler = _Handler()
    try:
        defusedxml.sax.parseString(body.encode("utf-8"), handler, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except (defusedxml.DefusedXmlException, xml.sax.SAXParseException) as exc:
        raise FileRejected("bad_xml", detail=f"{type(exc).__name__}: {str(exc)[:200]}") from None
    lines_text = text.splitlines()
    offset = text[:len(text) - len(body)].count("\n")
    spans = [(a + offset, b + offset) for a, b in handler.lines]
    header: list[str] = []
    for rec in handler.records:
        for key in rec:
            if key not in header:
                header.append(key)
    n = len(handler.records)
    frame = pd.DataFrame({k: pd.Series([r.get(k, "") for r in handler.records], dtype="str") for k in header}) \
        if header else pd.DataFrame(index=range(n))

    def raw_text(pos: np.ndarray) -> list[str]:
        return ["\n".join(lines_text[spans[int(p)][0] - 1:spans[int(p)][1]]).strip() for p in pos]

    table = RawTable(header, frame, np.asarray([a for a, _ in spans], dtype=np.int64),
                     np.full(n, len(header), dtype=np.int64), raw_text, [])
    return (drop_blank_records(table) if header else table), handler.root or ""


def stage_services(table: RawTable, mapping) -> tuple[Staged, pd.DataFrame]:
    """An Open311 service list -> (Staged with rejects and counts, category rows)."""
    from data.ingest.refs import CATEGORY_COLUMNS, service_category_code, short_hash
    from data.ingest.transform import Fields, Problems, Staged, _rejects_frame

    n = table.rows
    f = Fields(table, mapping)
    p = Problems(n)
    if table.row_problem is not None:
        p.add(table.row_problem == "bad_record", "bad_record", "", pd.Series(table.raw_text(np.arange(n))))
    code, name, group = f.get("service_code"), f.get("service_name"), f.get("group")
    p.add((code == "").to_numpy() & ~p.bad, "missing_key", f.label("service_code"))
    p.add((name == "").to_numpy() & ~p.bad, "missing_category", f.label("service_name"))
    valid = np.flatnonzero(~p.bad)
    frame = pd.DataFrame({"pos": valid, "code": code.to_numpy(dtype=object)[valid]})
    first = ~frame.duplicated("code")
    kept = frame.pos[first].to_numpy()
    unspecified = mapping.categories.get("unspecified_major", "未分组")
    rows = []
    for pos in kept:
        major_name = group.iloc[pos] or unspecified
        rows.append((service_category_code(code.iloc[pos]), "event", "O" + short_hash("major", major_name, n=5),
                     major_name, code.iloc[pos], name.iloc[pos]))
    categories = pd.DataFrame(rows, columns=CATEGORY_COLUMNS)
    cases = pd.DataFrame({"case_no": code.to_numpy(dtype=object)[kept]})
    flags = pd.DataFrame(columns=["pos", "line", "case_no", "flag_code", "message_zh"])
    dups = frame.pos[~first].to_numpy()
    if len(dups):
        winner = frame[first].set_index("code").pos
        flags = pd.DataFrame({"pos": dups, "line": table.line[dups], "case_no": code.to_numpy(dtype=object)[dups],
                              "flag_code": "duplicate_in_file",
                              "message_zh": [f"文件内重复：同一服务代码在第 {table.line[winner[c]]} 行已出现，已采用该行"
                                             for c in code.to_numpy(dtype=object)[dups]]})
    staged = Staged(rows_read=n, cases=cases, rejects=_rejects_frame(p, table), flags=flags, duplicates=len(dups),
                    notes=list(table.notes))
    assert staged.accepted + staged.rejected + staged.duplicates == n
    return staged, categories
