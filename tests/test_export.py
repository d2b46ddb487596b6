from datetime import datetime

import openpyxl
import pandas as pd

from ui.export import to_csv, to_xlsx


def test_excel_export_keeps_chinese_headers_sheet_name_and_number_formats(tmp_path):
    frame = pd.DataFrame({"单位": ["市水利局"], "按期结案率": [0.7582], "应结案数": [972],
                          "上报时间": [datetime(2026, 11, 2, 9, 30)]})
    path = tmp_path / "x.xlsx"
    path.write_bytes(to_xlsx(frame, "排行榜", {"按期结案率": "rate", "应结案数": "count"}))
    ws = openpyxl.load_workbook(path)["排行榜"]
    assert [c.value for c in ws[1]] == ["单位", "按期结案率", "应结案数", "上报时间"]
    assert ws["B2"].value == 0.7582 and ws["B2"].number_format == "0.00%"
    assert ws["C2"].value == 972 and ws["C2"].number_format == "#,##0"
    assert ws["D2"].value == datetime(2026, 11, 2, 9, 30)


def test_csv_export_has_a_bom_so_excel_reads_chinese():
    data = to_csv(pd.DataFrame({"区县": ["赫山区"]}))
    assert data.startswith(b"\xef\xbb\xbf") and "赫山区".encode() in data


def test_excel_export_accepts_a_column_of_missing_values(tmp_path):
    # pandas 3 keeps NaN missing through astype(str); an empty column must not break the width rule
    frame = pd.DataFrame({"结案时间": [pd.NaT, pd.NaT], "超时（工作时）": [None, None]})
    path = tmp_path / "x.xlsx"
    path.write_bytes(to_xlsx(frame, "时间线", {"结案时间": "datetime", "超时（工作时）": "decimal"}))
    ws = openpyxl.load_workbook(path)["时间线"]
    assert [c.value for c in ws[1]] == ["结案时间", "超时（工作时）"]
    assert ws["A2"].value is None
