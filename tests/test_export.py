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


def test_every_download_carries_its_page_period_filters_and_time(monkeypatch, tmp_path):
    import io as _io
    from datetime import date, datetime

    import openpyxl

    from queries.scope import Access, Scope
    from ui import export

    monkeypatch.setattr(export, "filter_texts", lambda scope: ["区域：资阳区", "来源：12345热线、市民随手拍"])
    scope = Scope(date(2026, 11, 8), date(2026, 12, 8), Access.demo())
    context = export.export_context("排行榜", scope, datetime(2026, 12, 7, 15, 30))
    assert context.lines[0].endswith("排行榜 · 统计期 2026年11月08日 至 2026年12月07日")
    assert context.lines[1] == "筛选：区域：资阳区；来源：12345热线、市民随手拍"
    assert context.lines[-1] == "生成时间：2026年12月07日 15:30"
    stem = export.file_stem("排行榜_区县_处置率", context.name_parts)
    assert stem == "排行榜_区县_处置率_20261108-20261207_资阳区_12345热线+市民随手拍_生成20261207_1530"

    frame = pd.DataFrame({"单位": ["甲"], "处置率": [0.9438]})
    book = openpyxl.load_workbook(_io.BytesIO(export.to_xlsx(frame, "排行榜", {"处置率": "rate"}, context.lines)))
    sheet = book.active
    assert sheet["A1"].value == context.lines[0] and sheet["A2"].value == context.lines[1]
    header_row = len(context.lines) + 2
    assert [c.value for c in sheet[header_row]] == ["单位", "处置率"]
    assert sheet.cell(header_row + 1, 2).number_format == "0.00%"
    text = export.to_csv(frame, context.lines).decode("utf-8-sig")
    assert text.startswith(context.lines[0]) and "\r\n\r\n单位,处置率\r\n" in text


def test_an_unfiltered_download_says_so():
    from datetime import date, datetime

    from queries.scope import Access, Scope
    from ui import export

    orig = export.filter_texts
    try:
        export.filter_texts = lambda scope: []
        context = export.export_context("总览", Scope(date(2026, 12, 1), date(2026, 12, 8), Access.demo()),
                                        datetime(2026, 12, 7, 9, 5))
    finally:
        export.filter_texts = orig
    assert "筛选：全部（未筛选）" in context.lines
