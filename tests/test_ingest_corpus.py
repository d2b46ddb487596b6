"""A generated corpus of good and bad files in the Chinese export layout: encodings, full-width
digits, Excel numbers, duplicates within and across files, missing and extra columns, empty and
binary files, one row per kind of bad value, and a 100k-row file. Exact counts and reasons."""
from __future__ import annotations

import io
import os

import numpy as np
import pandas as pd
import pytest

from data.ingest.__main__ import main as cli
from data.ingest.sample import build_frame, write
from tests.builders import new_db
from tests.ingest_support import case_table, csv_bytes, query, reference_tables, run

FULL_WIDTH = str.maketrans("0123456789-:.SJ", "０１２３４５６７８９－：．ＳＪ")


def counts(result) -> tuple:
    c = result.counts
    return (c["rows_read"], c["accepted"], c["inserted"], c["updated"], c["unchanged"], c["stale"], c["rejected"],
            c["duplicates"])


# ───────────────────────── encodings and shapes of text ─────────────────────────

@pytest.mark.parametrize("encoding, detected", [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")])
def test_gbk_bom_and_plain_utf8_files_give_the_same_cases(tmp_path, encoding, detected):
    frame = build_frame(30)
    db = tmp_path / "a.duckdb"
    result = run(csv_bytes(frame, encoding), db, file_name=f"export_{encoding}.csv")
    assert result.ok and result.encoding == detected and counts(result) == (30, 30, 30, 0, 0, 0, 0, 0)
    names = query(db, "SELECT name FROM areas WHERE level = 1 ORDER BY name").name.tolist()
    assert names == sorted(set(frame["所属区县"]))
    reporters = query(db, "SELECT reporter_name FROM case_private p JOIN cases c USING (case_id) ORDER BY c.case_no")
    assert reporters.reporter_name.tolist() == frame["上报人"].tolist()


def test_gb18030_names_outside_gbk_arrive_intact(tmp_path):
    frame = build_frame(5)
    frame.loc[:2, "上报人"] = ["王𠮷", "刘䶮", "陈𪚥"]
    db = tmp_path / "a.duckdb"
    result = run(csv_bytes(frame, "gb18030"), db, file_name="rare.csv")
    assert result.ok and result.encoding == "gb18030" and result.counts["inserted"] == 5
    names = query(db, "SELECT reporter_name FROM case_private p JOIN cases c USING (case_id) ORDER BY c.case_no")
    assert names.reporter_name.tolist()[:3] == ["王𠮷", "刘䶮", "陈𪚥"]


def test_full_width_digits_and_invisible_characters_are_the_same_record(tmp_path):
    frame = build_frame(20)
    db = tmp_path / "a.duckdb"
    run(csv_bytes(frame), db, file_name="plain.csv")
    wide = frame.copy()
    for col in ["案件编号", "上报时间", "受理时间", "立案时间", "派遣时间", "处置完成时间", "核查时间", "结案时间", "更新时间",
                "经度", "纬度"]:
        wide[col] = wide[col].astype(str).str.translate(FULL_WIDTH)
    wide["案件编号"] = "\u200b" + wide["案件编号"] + "\ufeff"
    result = run(csv_bytes(wide), db, file_name="wide.csv")
    assert counts(result) == (20, 20, 0, 0, 20, 0, 0, 0)
    assert query(db, "SELECT count(*) AS n FROM cases").n[0] == 20


def test_excel_serial_dates_read_as_the_same_times(tmp_path):
    frame = build_frame(20)
    db = tmp_path / "a.duckdb"
    run(csv_bytes(frame), db, file_name="plain.csv")
    serial = frame.drop(columns=["truth_lat", "truth_lon"]).copy()
    for col in ["上报时间", "受理时间", "立案时间", "派遣时间", "处置完成时间", "核查时间", "结案时间", "更新时间"]:
        ts = pd.to_datetime(serial[col].replace("", None))
        serial[col] = ((ts - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)).astype(object)
        serial[col] = serial[col].where(ts.notna(), None)
    buf = io.BytesIO()
    serial.to_excel(buf, index=False)
    result = run(buf.getvalue(), db, file_name="serials.xlsx")
    assert result.format == "xlsx" and counts(result) == (20, 20, 0, 0, 20, 0, 0, 0)
    # The same serials as text in a CSV too.
    as_text = serial.astype(object).where(serial.notna(), "").astype(str)
    assert counts(run(as_text.to_csv(index=False).encode(), db, file_name="serials.csv")) == (20, 20, 0, 0, 20, 0, 0, 0)


def _id_with_check(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def test_an_id_or_phone_that_arrived_as_a_number_is_rejected_never_fixed(tmp_path):
    valid = _id_with_check("43090219850612345")
    frame = build_frame(6).drop(columns=["truth_lat", "truth_lon"]).astype(object)
    frame["身份证号"] = [int(valid), valid, valid[:15] + "000", valid, valid, "1.10101E+17"]
    frame["联系电话"] = [13812345678, 13812345678, 13812345678, 7375123456, 13812345678, 13812345678]
    assert valid[:15] + "000" != _id_with_check(valid[:15] + "00")  # the truncated ID fails its check digit
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    db = tmp_path / "a.duckdb"
    result = run(buf.getvalue(), db, file_name="ids.xlsx")
    assert counts(result) == (6, 2, 2, 0, 0, 0, 4, 0)
    rejects = query(db, "SELECT line, reason_code, column_name, message_zh, raw_masked, raw_record "
                        "FROM import_rejects ORDER BY line")
    assert rejects[["line", "reason_code", "column_name"]].values.tolist() == [
        [2, "id_digits_lost", "身份证号"], [4, "id_checksum", "身份证号"], [5, "phone_digits_lost", "联系电话"],
        [7, "id_digits_lost", "身份证号"]]
    assert "以数字形式存储" in rejects.message_zh[0] and "e+17" in rejects.raw_record[0]
    assert valid not in "".join(rejects.raw_masked) and "7375123456" not in rejects.raw_masked[2]
    assert valid[:15] not in "".join(rejects.message_zh) and "7375123456" not in "".join(rejects.message_zh)
    stored = query(db, "SELECT reporter_id_no, reporter_phone FROM case_private ORDER BY case_id")
    assert stored.values.tolist() == [[valid, "13812345678"], [valid, "13812345678"]]


# ───────────────────────── one row per kind of bad value ─────────────────────────

BAD_ROWS = [
    # (column, value, expected reason code); row i goes to file line i + 3 (row 0 stays valid)
    ("上报时间", "05/03/2026 08:00", "date_ambiguous"),
    ("上报时间", "昨天下午", "date_unparseable"),
    ("上报时间", "2027-01-05 08:00:00", "date_future"),
    ("上报时间", "2001-05-05 08:00:00", "date_too_early"),
    ("案件状态", "已退回", "unknown_code"),
    ("是否作废", "可能", "bad_bool"),
    ("返工次数", "两次", "bad_integer"),
    ("满意度", "还行", "bad_satisfaction"),
    ("经度", "abc", "bad_number"),
    ("纬度", "200", "coordinate_out_of_range"),
    ("坐标系", "CGCS2000", "unknown_crs"),
    ("坐标系", "", "crs_missing"),
    ("案件编号", "", "missing_key"),
    ("案件编号", "1.23457E+17", "id_digits_lost"),
    ("联系电话", "1.38123E+10", "phone_digits_lost"),
    ("结案时间", "2026-01-01 00:00:00", "time_order"),
    ("结案时间", "", "status_without_time"),
    ("小类", "", "missing_category"),
    ("处置时限", "尽快", "bad_deadline"),
]


def test_each_bad_value_rejects_its_row_with_line_raw_record_reason_and_chinese_message(tmp_path):
    frame = build_frame(len(BAD_ROWS) + 1, seed=11, closed_share=1.0).drop(columns=["truth_lat", "truth_lon"])
    for i, (col, value, _) in enumerate(BAD_ROWS, start=1):
        frame.loc[i, col] = value
        if col == "小类":
            frame.loc[i, "大类"] = ""
    data = csv_bytes(frame)
    db = tmp_path / "bad.duckdb"
    result = run(data, db, file_name="bad.csv")
    assert counts(result) == (20, 1, 1, 0, 0, 0, 19, 0)
    rejects = query(db, "SELECT * FROM import_rejects ORDER BY line")
    assert rejects.line.tolist() == list(range(3, 3 + len(BAD_ROWS)))
    assert rejects.reason_code.tolist() == [code for _, _, code in BAD_ROWS]
    lines = data.decode().splitlines()
    assert rejects.raw_record.tolist() == lines[2:2 + len(BAD_ROWS)]
    assert set(rejects.file_name) == {"bad.csv"} and set(rejects.batch_id) == {result.batch_id}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in rejects.message_zh)
    assert "日、月顺序有歧义" in rejects.message_zh[0] and "“05/03/2026 08:00”" in rejects.message_zh[0]
    assert "上报人" not in rejects.columns and all("138" not in m or "****" in m for m in rejects.raw_masked)


def test_rows_with_the_wrong_number_of_fields_are_rejected_and_later_lines_stay_right(tmp_path):
    frame = build_frame(4).drop(columns=["truth_lat", "truth_lon"])
    frame.loc[1, "问题描述"] = "第一行\n第二行"      # a quoted line break: the exact reader takes over
    lines = frame.to_csv(index=False).splitlines()
    lines.insert(4, "X1,网格员上报,事件")           # too few fields
    lines.insert(5, lines[5] + ",多余")             # too many
    db = tmp_path / "a.duckdb"
    result = run(("\n".join(lines) + "\n").encode(), db, file_name="fields.csv")
    assert counts(result) == (6, 4, 4, 0, 0, 0, 2, 0)
    rejects = query(db, "SELECT line, reason_code, message_zh FROM import_rejects ORDER BY line")
    assert rejects[["line", "reason_code"]].values.tolist() == [[5, "field_count"], [6, "field_count"]]
    assert "本行有 3 列，表头有 32 列" in rejects.message_zh[0]
    flags_lines = query(db, "SELECT line FROM import_records ORDER BY line").line.tolist()
    assert flags_lines == [2, 3, 7, 8]


# ───────────────────────── duplicates, overlaps, order ─────────────────────────

def test_duplicates_within_a_file_keep_the_newest_version(tmp_path):
    frame = build_frame(10).drop(columns=["truth_lat", "truth_lon"])
    newer = frame.iloc[[3]].copy()
    newer["更新时间"] = (pd.Timestamp(newer["更新时间"].iloc[0]) + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    newer["问题描述"] = "补充：现场已拍照"
    twin = frame.iloc[[5]].copy()
    data = pd.concat([frame.iloc[:3], newer, frame.iloc[3:], twin])   # newer copy of row 3 comes first
    db = tmp_path / "a.duckdb"
    result = run(csv_bytes(data), db, file_name="dups.csv")
    assert counts(result) == (12, 10, 10, 0, 0, 0, 0, 2)
    assert query(db, "SELECT description FROM cases WHERE case_no = $k", {"k": frame["案件编号"][3]}).description[0] \
        == "补充：现场已拍照"
    flags = query(db, "SELECT line, flag_code, message_zh FROM import_flags WHERE flag_code = 'duplicate_in_file' "
                      "ORDER BY line")
    assert flags.line.tolist() == [6, 8]            # the older row 3 (line 6) and the first twin of row 5 (line 8)
    assert "第 5 行" in flags.message_zh[0] and "第 13 行" in flags.message_zh[1]


def _overlapping(tmp_path):
    base = build_frame(150, seed=3).drop(columns=["truth_lat", "truth_lon"])
    a = base.iloc[:100].copy()
    b = base.iloc[50:].copy()
    later = pd.to_datetime(b["更新时间"].iloc[:50]) + pd.Timedelta(hours=2)
    b.iloc[:50, b.columns.get_loc("更新时间")] = later.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    b.iloc[:50, b.columns.get_loc("问题描述")] = "B 版本：已复核"
    # Row 60: the same update time in both files but different content (a tie).
    i = b.index.get_loc(60)
    b.iloc[i, b.columns.get_loc("更新时间")] = a.loc[60, "更新时间"]
    b.iloc[i, b.columns.get_loc("问题描述")] = "B 版本：同一时间的另一种内容"
    return csv_bytes(a), csv_bytes(b)


def test_overlapping_files_in_either_order_give_the_same_tables_and_older_never_wins(tmp_path, monkeypatch):
    # Two databases of one city share its reporter-key salt (data/reporter_key.py); each folder
    # would otherwise make its own, and every salted key would differ between them.
    monkeypatch.setenv("DASHBOARD_REPORTER_SALT", "one-city-salt")
    a, b = _overlapping(tmp_path)
    db1, db2 = tmp_path / "one" / "ab.duckdb", tmp_path / "two" / "ba.duckdb"
    first, second = run(a, db1, file_name="a.csv"), run(b, db1, file_name="b.csv")
    assert counts(first) == (100, 100, 100, 0, 0, 0, 0, 0)
    assert second.counts["inserted"] == 50 and second.counts["updated"] + second.counts["stale"] == 50
    b_first, a_second = run(b, db2, file_name="b.csv"), run(a, db2, file_name="a.csv")
    assert b_first.counts["inserted"] == 100
    assert a_second.counts["inserted"] == 50 and a_second.counts["stale"] + a_second.counts["updated"] == 50
    assert a_second.counts["updated"] <= 1           # only the tie may go A's way
    for x, y in zip(case_table(db1), case_table(db2)):
        pd.testing.assert_frame_equal(x, y, check_dtype=False)
    for name, table in reference_tables(db1).items():
        pd.testing.assert_frame_equal(table, reference_tables(db2)[name], obj=name)
    described = query(db1, "SELECT case_no, description FROM cases ORDER BY case_no")
    newer = described.iloc[50:100]
    assert (newer.description.drop(index=60) == "B 版本：已复核").all()
    flags = query(db2, "SELECT flag_code, count(*) AS n FROM import_flags WHERE batch_id = 2 "
                       "AND flag_code IN ('stale', 'same_time_conflict') GROUP BY ALL")
    assert dict(zip(flags.flag_code, flags.n)) == {"stale": 49, "same_time_conflict": 1}
    tie = query(db1, "SELECT flag_code FROM import_flags WHERE case_no = $k", {"k": described.case_no[60]})
    assert "same_time_conflict" in tie.flag_code.tolist()
    # Importing the older file again changes nothing at all.
    before = case_table(db1)
    again = run(a, db1, file_name="a.csv")
    assert again.counts["inserted"] == again.counts["updated"] == 0
    for x, y in zip(before, case_table(db1)):
        pd.testing.assert_frame_equal(x, y)


def test_the_database_can_be_rebuilt_from_the_landing_folder(tmp_path, monkeypatch):
    # The rebuilt database is the same city's: it keeps the city's reporter-key salt (docs/import.md).
    monkeypatch.setenv("DASHBOARD_REPORTER_SALT", "one-city-salt")
    a, b = _overlapping(tmp_path)
    db = tmp_path / "city.duckdb"
    run(a, db, file_name="a.csv")
    run(b, db, file_name="b.csv")
    rebuilt = tmp_path / "rebuilt" / "city.duckdb"
    assert cli(["--rebuild", "--db", str(rebuilt), "--landing", str(tmp_path / "landing"), "--quiet"]) == 0
    for x, y in zip(case_table(db), case_table(rebuilt)):
        pd.testing.assert_frame_equal(x, y)
    ledger = query(rebuilt, "SELECT file_name, invoked_by, status FROM import_ledger ORDER BY batch_id")
    assert ledger.values.tolist() == [["a.csv", "rebuild", "complete"], ["b.csv", "rebuild", "complete"]]


# ───────────────────────── columns and whole files ─────────────────────────

def test_a_missing_required_column_fails_the_file_and_changes_nothing(tmp_path):
    frame = build_frame(5).drop(columns=["truth_lat", "truth_lon", "上报时间"])
    db = tmp_path / "a.duckdb"
    path = tmp_path / "no_time.csv"
    path.write_bytes(csv_bytes(frame))
    assert cli([str(path), "--db", str(db), "--quiet"]) == 1
    ledger = query(db, "SELECT status, reason_code, message_zh FROM import_ledger")
    assert ledger.values.tolist() == [["failed", "missing_columns", "缺少必需的列：上报时间"]]
    assert query(db, "SELECT count(*) AS n FROM cases").n[0] == 0


def test_missing_optional_and_extra_columns_import_with_a_note(tmp_path):
    frame = build_frame(5).drop(columns=["truth_lat", "truth_lon", "满意度", "联系电话"])
    frame["备注"] = "测试"
    frame["内部编号"] = range(5)
    result = run(csv_bytes(frame), tmp_path / "a.duckdb", file_name="cols.csv")
    assert counts(result) == (5, 5, 5, 0, 0, 0, 0, 0)
    assert any("未使用的列" in n and "备注、内部编号" in n for n in result.notes)
    assert any("文件中没有这些列" in n and "满意度" in n and "联系电话" in n for n in result.notes)


def test_a_header_only_file_imports_nothing_and_says_so(tmp_path):
    header = ",".join(build_frame(1).columns[:-2]) + "\n"
    result = run(header.encode(), tmp_path / "a.duckdb", file_name="header.csv")
    assert result.ok and counts(result) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert "文件只有表头，没有数据行" in result.notes


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"), (b"\r\n\r\n", "empty_file"),
    (b"\x89PNG\r\n\x1a\n" + np.random.default_rng(1).bytes(2000), "binary_file"),
    (np.random.default_rng(2).bytes(5000), "binary_file"),
])
def test_empty_and_binary_files_fail_whole_and_are_kept_in_the_ledger(tmp_path, data, code):
    db = tmp_path / "a.duckdb"
    result = run(data, db, file_name="renamed.csv")
    assert not result.ok and result.reason_code == code
    assert query(db, "SELECT status, reason_code FROM import_ledger").values.tolist() == [["failed", code]]
    assert result.landing_path.read_bytes() == data


def test_an_excel_file_named_csv_is_read_as_excel(tmp_path):
    frame = build_frame(5).drop(columns=["truth_lat", "truth_lon"])
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    result = run(buf.getvalue(), tmp_path / "a.duckdb", file_name="really_excel.csv")
    assert result.ok and result.format == "xlsx" and result.counts["inserted"] == 5


# ───────────────────────── places ─────────────────────────

def test_gcj02_and_bd09_points_are_stored_in_wgs84(tmp_path):
    frame = build_frame(200)
    db = tmp_path / "a.duckdb"
    run(csv_bytes(frame), db, file_name="points.csv")
    stored = query(db, "SELECT lat, lon FROM cases ORDER BY case_no")
    assert set(frame["坐标系"]) == {"WGS84", "GCJ02", "BD09"}
    assert np.abs(stored.lat - frame.truth_lat).max() < 1e-6 and np.abs(stored.lon - frame.truth_lon).max() < 1e-6


def test_area_names_match_the_database_and_points_without_names_are_placed_by_polygon(tmp_path):
    db = tmp_path / "city.duckdb"
    new_db(db).close()
    frame = build_frame(4).drop(columns=["truth_lat", "truth_lon"])
    frame.loc[0, ["所属区县", "所属街道", "所属社区", "所属网格"]] = ["资阳区", "汽车路街道", "大码头社区", ""]
    frame.loc[1, ["所属区县", "所属街道", "所属社区", "所属网格"]] = ["资阳区", "汽车路街道", "新建社区", ""]
    frame.loc[2, ["所属区县", "所属街道", "所属社区", "所属网格"]] = ["", "", "", ""]
    frame.loc[2, ["经度", "纬度", "坐标系"]] = ["112.35", "28.55", "WGS84"]
    frame.loc[3, ["所属区县", "所属街道", "所属社区", "所属网格"]] = ["", "", "", ""]
    frame.loc[3, ["经度", "纬度", "坐标系"]] = ["100.0", "30.0", "WGS84"]
    result = run(csv_bytes(frame), db, file_name="areas.csv")
    assert counts(result) == (4, 4, 4, 0, 0, 0, 0, 0)
    codes = query(db, "SELECT case_no, district_code, street_code, community_code, grid_code FROM cases ORDER BY 1")
    assert codes.iloc[0, 1:4].tolist() == ["430902", "430902001", "430902001001"] and pd.isna(codes.grid_code[0])
    assert codes.iloc[1, 1:3].tolist() == ["430902", "430902001"] and codes.community_code[1].startswith("9")
    assert codes.iloc[2, 1:].tolist() == ["430902", "430902001", "430902001001", "430902001001001"]
    assert codes.iloc[3, 1:].isna().all()
    flags = query(db, "SELECT line, flag_code, message_zh FROM import_flags ORDER BY line")
    assert flags[["line", "flag_code"]].values.tolist() == [[3, "area_created"], [5, "area_unknown"]]
    assert "新建社区" in flags.message_zh[0] and "坐标不在任何已知区域内" in flags.message_zh[1]


# ───────────────────────── size ─────────────────────────

def test_a_100k_row_file_imports_every_row(tmp_path):
    path = write(build_frame(100_000, seed=5), tmp_path / "big.csv")
    db = tmp_path / "big.duckdb"
    result = run(path, db)
    assert counts(result) == (100_000, 100_000, 100_000, 0, 0, 0, 0, 0)
    stats = query(db, "SELECT count(*) AS n, count(DISTINCT case_no) AS k, max(case_id) AS m FROM cases")
    assert stats.values.tolist() == [[100_000, 100_000, 100_000]]
    assert query(db, "SELECT count(*) AS n FROM import_records").n[0] == 100_000
    assert os.path.getsize(result.landing_path) == os.path.getsize(path)
