"""The importer's small parts: decoding, content detection, cleaning, dates, masking, parsers."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from data.ingest.dates import parse_datetimes
from data.ingest.decode import decode_text, decode_utf8
from data.ingest.detect import sniff
from data.ingest.formats.open311 import read_json, read_xml, repair_leading_zeros
from data.ingest.mapping import builtin_names, load_mapping
from data.ingest.mask import mask_record
from data.privacy import scrub_text
from data.ingest.normalise import clean_series, clean_value
from data.ingest.reasons import ALL, FILE, FLAG, ROW, FileRejected
from data.ingest.tables import read_delimited, read_excel


def test_utf8_with_and_without_bom_and_gbk_decode_to_the_same_text():
    text = "案件编号,所属区县\nSJ1,资阳区\n"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode_text(text.encode("gbk")) == (text, "gb18030")


def test_gb18030_rare_characters_outside_gbk_survive():
    text = "上报人\n王𠮷\n刘䶮\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")


def test_bytes_valid_in_neither_encoding_reject_the_file_with_the_line():
    data = "a\nb\n".encode() + b"\x81\x20\xff\xfe"
    with pytest.raises(FileRejected) as err:
        decode_utf8(data)
    assert err.value.code == "undecodable" and "第 3 行" in err.value.message_zh


def test_utf16_is_named_not_guessed():
    with pytest.raises(FileRejected) as err:
        decode_utf8("案件编号".encode("utf-16"))
    assert err.value.code == "utf16"


@pytest.mark.parametrize("data, kind", [
    (b"a,b\n1,2\n", "csv"), (b"\xef\xbb\xbf[{}]", "json"), (b"  <?xml version='1.0'?><a/>", "xml"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
])
def test_content_not_the_name_decides_the_kind(data, kind):
    assert sniff(data) == kind


@pytest.mark.parametrize("data, code, words", [
    (b"", "empty_file", "为空"), (b" \n\r\n", "empty_file", "为空"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary_file", "PNG"),
    (b"PK\x03\x04garbage", "binary_file", "ZIP"),
    (b"abc\x00def", "binary_file", "NUL"),
    (bytes(range(1, 32)) * 20, "binary_file", "控制字符"),
])
def test_binary_and_empty_files_are_rejected_with_what_they_are(data, code, words):
    with pytest.raises(FileRejected) as err:
        sniff(data)
    assert err.value.code == code and words in err.value.message_zh


def test_nfkc_turns_full_width_into_ascii_and_drops_invisible_characters():
    assert clean_value("２０２４－０３－０５　０８：３０") == "2024-03-05 08:30"
    assert clean_value("\ufeffSJ\u200b001\u200d ") == "SJ001"
    assert clean_series(pd.Series(["ＡＢ", None, " 资阳区\u2060"])).tolist() == ["AB", "", "资阳区"]


def test_dates_come_only_from_the_listed_formats():
    values = pd.Series(["2024年3月5日", "2024-03-05 08:30:00", "20240305", "202435", "05/03/2024", "13/05/2024",
                        "45356.5", "", "昨天"])
    parsed = parse_datetimes(values, ["%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y%m%d"], allow_serial=True)
    assert parsed.values.tolist()[:3] == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-05 08:30"),
                                          pd.Timestamp("2024-03-05")]
    assert parsed.problem.tolist() == ["", "", "", "date_unparseable", "date_ambiguous", "date_unparseable", "",
                                       "", "date_unparseable"]
    assert parsed.values[6] == pd.Timestamp("2024-03-05 12:00")  # Excel serial
    assert pd.isna(parsed.values[7])


def test_us_dates_need_the_mapping_to_say_so():
    nyc = load_mapping("nyc311")
    parsed = parse_datetimes(pd.Series(["10/31/2013 02:08:41 AM", "10/31/2013 12:08:41 PM", "31/10/2013 02:08:41 AM"]),
                             nyc.date_formats)
    assert parsed.values.tolist()[:2] == [pd.Timestamp("2013-10-31 02:08:41"), pd.Timestamp("2013-10-31 12:08:41")]
    assert parsed.problem.tolist() == ["", "", "date_unparseable"]


def test_utc_offsets_keep_the_wall_clock_or_convert_to_the_named_zone():
    value = pd.Series(["2010-04-14T06:37:38-08:00"])
    assert parse_datetimes(value, []).values[0] == pd.Timestamp("2010-04-14 06:37:38")
    assert parse_datetimes(value, [], timezone="Asia/Shanghai").values[0] == pd.Timestamp("2010-04-14 22:37:38")


def test_masking_hides_names_phones_ids_and_addresses_everywhere_in_a_record():
    raw = "SJ1,张三,13812345678,110101199003071234,益阳市资阳区大码头路5号,请回电13912345678"
    masked = mask_record(raw, {"reporter_name": "张三", "reporter_phone": "13812345678",
                               "reporter_id_no": "110101199003071234", "address": "益阳市资阳区大码头路5号"})
    assert masked == "SJ1,张*,138****5678,110101********1234,益阳市资阳区***,请回电139****5678"
    assert scrub_text("座机 0737-5123456") == "座机 0737-***3456"


def test_every_reason_has_a_chinese_message_and_codes_do_not_clash():
    assert len(ALL) == len(FILE) + len(ROW) + len(FLAG)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in ALL.values())


def test_builtin_mappings_load_and_name_known_fields():
    assert set(builtin_names()) == {"cn_case_export", "nyc311", "open311_requests", "open311_services"}
    cn = load_mapping("cn_case_export")
    assert cn.columns["case_no"] == ["案件编号"] and cn.code("status", "已结案") == "closed"
    assert cn.code("crs", "gcj-02") == "GCJ02"


def test_a_mapping_file_can_extend_a_builtin_one(tmp_path):
    path = tmp_path / "other_city.toml"
    path.write_text('extends = "cn_case_export"\nname = "other"\nsystem = "other"\n[columns]\ncase_no = "工单号"\n',
                    encoding="utf-8")
    m = load_mapping(path)
    assert m.name == "other" and m.columns["case_no"] == ["工单号"] and m.columns["reported_at"] == ["上报时间"]


def test_leading_zero_numbers_are_quoted_outside_strings_only():
    text = '[{"a":006,"b":"x:007","c":0,"d":0.5,"e":-012}]'
    fixed, notes = repair_leading_zeros(text)
    assert json.loads(fixed) == [{"a": "006", "b": "x:007", "c": 0, "d": 0.5, "e": "-012"}]
    assert len(notes) == 2


def test_json_numbers_stay_text_and_each_record_knows_its_line():
    text = '[\n  {"service_request_id": 12345678901234567890, "lat": 37.762221815},\n\n  {"service_request_id": 2}\n]'
    table, kind = read_json(text, repair=False)
    assert kind == "array" and table.line.tolist() == [2, 4]
    assert table.frame.service_request_id.tolist() == ["12345678901234567890", "2"]
    assert table.frame.lat[0] == "37.762221815"


def test_invalid_json_is_rejected_when_repair_is_off():
    with pytest.raises(FileRejected) as err:
        read_json('[{"service_code":006}]', repair=False)
    assert err.value.code == "bad_json" and "第 1 行" in err.value.message_zh


@pytest.mark.parametrize("xml", [
    # billion laughs: entity expansion
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    '<service_requests><request><service_request_id>&lol2;</service_request_id></request></service_requests>',
    # XXE: an external entity reading a local file
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<service_requests><request><description>&xxe;</description></request></service_requests>',
])
def test_hostile_xml_is_refused(xml):
    with pytest.raises(FileRejected) as err:
        read_xml(xml)
    assert err.value.code == "bad_xml"


def test_xml_records_keep_their_lines():
    xml = "<?xml version='1.0' encoding='utf-8'?>\n<service_requests>\n<request>\n<status>open</status>\n</request>\n" \
          "<request><status>closed</status></request>\n</service_requests>"
    table, root = read_xml(xml)
    assert root == "service_requests" and table.line.tolist() == [3, 6]
    assert table.raw_text(np.array([1])) == ["<request><status>closed</status></request>"]


def test_fast_and_exact_csv_readers_agree_and_count_lines_across_quoted_newlines():
    plain = "案件编号,问题描述\nA,一\nB,二\nC,三\n"
    quoted = '案件编号,问题描述\nA,"第一行\n第二行"\nB,二\n\nC,三\n'
    fast, exact = read_delimited(plain.encode(), set()), read_delimited(quoted.encode(), set())
    assert fast.line.tolist() == [2, 3, 4]
    assert exact.line.tolist() == [2, 4, 6]
    assert exact.frame["问题描述"].tolist() == ["第一行\n第二行", "二", "三"]
    assert exact.raw_text(np.array([0, 2])) == ['A,"第一行\n第二行"', "C,三"]


def test_a_title_line_above_the_header_is_skipped_and_said():
    table = read_delimited("数字城管案件导出 2026年10月\n案件编号,上报时间\nA,2026-10-01\n".encode(),
                           {"案件编号", "上报时间"})
    assert table.header == ["案件编号", "上报时间"] and table.line.tolist() == [3]
    assert "表头在第 2 行" in table.notes[0]


def test_excel_cells_keep_their_types_where_digits_matter():
    buf = io.BytesIO()
    pd.DataFrame({"案件编号": ["A1", "A2"], "身份证号": [110101199003071234, 1], "电话": [7375123456, 13812345678],
                  "上报时间": [45356.5, pd.Timestamp("2024-03-05 08:30")]}).to_excel(buf, index=False)
    table = read_excel(buf.getvalue(), {"案件编号"})
    assert table.frame["身份证号"].tolist() == ["1.101011990030712e+17", "1"]
    assert table.frame["电话"].tolist() == ["7375123456", "13812345678"]
    assert table.frame["上报时间"].tolist() == ["45356.5", "2024-03-05T08:30:00"]
    assert table.numeric["电话"].tolist() == [True, True] and table.line.tolist() == [2, 3]


def test_an_import_of_2027_cases_warns_that_the_calendar_lacks_the_2027_schedule(tmp_path):
    from datetime import datetime as _dt

    from tests.ingest_support import run, sample_csv
    path, _ = sample_csv(tmp_path / "cases2027.csv", 40, end=_dt(2027, 3, 31, 18, 0), days=40)
    result = run(path, tmp_path / "db.duckdb", now=_dt(2027, 4, 10, 9, 0))
    assert result.status == "complete"
    assert any("2027 年国务院放假安排" in n and "调休上班日未知" in n for n in result.notes), result.notes
