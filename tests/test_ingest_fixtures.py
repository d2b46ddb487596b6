"""The real fixtures: NYC 311 (199 rows) and the Open311 GeoReport v2 examples, imported exactly."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from data.ingest.__main__ import main as cli
from tests.ingest_support import NYC, fixture, query, run


def test_the_nyc_fixture_imports_all_199_rows_with_agencies_boroughs_and_boards(tmp_path):
    db = tmp_path / "nyc.duckdb"
    result = run(fixture(NYC.name), db)
    assert result.ok and (result.format, result.mapping, result.encoding) == ("csv", "nyc311", "utf-8")
    assert result.counts == {"rows_read": 199, "accepted": 199, "inserted": 199, "updated": 0, "unchanged": 0,
                             "stale": 0, "rejected": 0, "duplicates": 0, "flagged": 7}
    cases = query(db, "SELECT * FROM cases ORDER BY case_no")
    assert len(cases) == 199 and cases.case_no.is_unique and set(cases.origin) == {"import:nyc311"}
    # Status: Closed 83 -> closed; Open 91, Assigned 15, Pending 10 -> with the agency.
    assert cases.status.value_counts().to_dict() == {"dispatched": 116, "closed": 83}
    assert cases.deadline_at.notna().sum() == 141 and cases.lat.notna().sum() == 193
    # Agencies are the units, with their official names.
    units = query(db, "SELECT unit_code, name FROM units ORDER BY unit_code")
    assert len(units) == 13 and dict(zip(units.unit_code, units.name))["NYPD"] == "New York City Police Department"
    assert cases.unit_code.value_counts()["NYPD"] == 111
    # Borough -> community board with NYC's own codes (BoroCD): "12 QUEENS" is 412 in Queens (4).
    row = cases[cases.case_no == "26589651"].iloc[0]
    assert (row.district_code, row.street_code) == ("4", "412")
    assert row.reported_at == pd.Timestamp("2013-10-31 02:08:41")
    assert row.deadline_at == pd.Timestamp("2013-10-31 10:08:41")      # Due Date
    areas = query(db, "SELECT level, count(*) AS n FROM areas GROUP BY level ORDER BY level")
    assert areas.n.tolist() == [5, 53]
    assert query(db, "SELECT name FROM areas WHERE area_code = '412'").name[0] == "12 QUEENS"
    meta = dict(query(db, "SELECT key, value FROM meta").itertuples(index=False))
    assert meta["city_name"] == "纽约市" and meta["level_names"] == "行政区(Borough),社区委员会(Community Board)"
    assert query(db, "SELECT name FROM area_levels ORDER BY level").name.tolist() == ["行政区(Borough)",
                                                                                     "社区委员会(Community Board)"]
    # Unknown areas are flagged, not dropped: 2 with no borough at all, 3 with an unspecified board.
    flags = query(db, "SELECT flag_code, count(*) AS n FROM import_flags GROUP BY ALL ORDER BY ALL")
    assert dict(zip(flags.flag_code, flags.n)) == {"area_partial": 3, "area_unknown": 2,
                                                   "closed_time_without_status": 2}
    assert cases.district_code.isna().sum() == 2 and cases.street_code.isna().sum() == 5
    # Every case has its step history; closed ones end with the close step.
    steps = query(db, "SELECT step, count(*) AS n FROM case_steps GROUP BY step")
    assert dict(zip(steps.step, steps.n)) == {"report": 199, "accept": 199, "file": 199, "dispatch": 199,
                                              "close": 85}


def test_importing_the_nyc_fixture_twice_changes_nothing_and_the_ledger_says_so(tmp_path):
    db = tmp_path / "nyc.duckdb"
    run(fixture(NYC.name), db)
    before = query(db, "SELECT * FROM cases ORDER BY case_id")
    again = run(NYC, db)
    assert again.counts["unchanged"] == 199 and again.counts["inserted"] == again.counts["updated"] == 0
    assert again.same_as_batch == 1
    pd.testing.assert_frame_equal(before, query(db, "SELECT * FROM cases ORDER BY case_id"))
    ledger = query(db, "SELECT batch_id, status, inserted, unchanged, same_as_batch FROM import_ledger ORDER BY 1")
    ledger = ledger.astype(object).where(ledger.notna(), None)
    assert ledger.values.tolist() == [[1, "complete", 199, 0, None], [2, "complete", 0, 199, 1]]


def test_the_cli_prints_the_summary_and_exits_zero(tmp_path, capsys):
    code = cli([str(fixture(NYC.name)), "--db", str(tmp_path / "nyc.duckdb"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "读取 199  接受 199  新增 199  更新 0  未变 0  较旧未覆盖 0  拒绝 0  文件内重复 0  需关注 7" in out


def test_open311_json_verbatim_is_repaired_knowingly_and_equals_the_xml(tmp_path):
    db = tmp_path / "o.duckdb"
    verbatim = run(fixture("open311_requests_sample.spec_verbatim.txt"), db)
    assert verbatim.ok and verbatim.counts["inserted"] == 2
    assert any("006" in n and "前导 0" in n for n in verbatim.notes)
    ledger_note = query(db, "SELECT message_zh FROM import_ledger WHERE batch_id = 1").message_zh[0]
    assert "JSON 不合规" in ledger_note
    # The quoted JSON and the XML are the same two requests: nothing changes.
    for name in ("open311_requests_sample.json", "open311_requests_sample.spec_verbatim.xml"):
        again = run(fixture(name), db)
        assert again.counts == {"rows_read": 2, "accepted": 2, "inserted": 0, "updated": 0, "unchanged": 2,
                                "stale": 0, "rejected": 0, "duplicates": 0, "flagged": 2}
    cases = query(db, "SELECT * FROM cases ORDER BY case_no")
    assert cases.case_no.tolist() == ["638344", "638349"]          # numeric IDs kept as text
    assert cases.category_code.tolist() == ["O006", "O006"]        # "006", leading zeros kept
    assert cases.status.tolist() == ["closed", "accepted"]
    assert cases.reported_at[0] == pd.Timestamp("2010-04-14 06:37:38")   # wall clock of -08:00
    assert cases.closed_at[0] == pd.Timestamp("2010-04-14 06:37:38")     # closed at its last update
    assert cases.deadline_at[0] == pd.Timestamp("2010-04-15 06:37:38")   # expected_datetime
    assert cases.lat[0] == 37.762221815 and cases.lon[0] == -122.4651145
    opinions = query(db, "SELECT opinion FROM case_steps WHERE opinion IS NOT NULL").opinion.tolist()
    assert opinions == ["Duplicate request."]


def test_open311_json_can_be_refused_instead_of_repaired(tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text('extends = "open311_requests"\nname = "open311_strict"\nrepair_json_leading_zeros = false\n',
                      encoding="utf-8")
    result = run(fixture("open311_requests_sample.spec_verbatim.txt"), tmp_path / "o.duckdb", mapping=strict)
    assert not result.ok and result.reason_code == "bad_json" and "第 7 行" in result.message_zh


def test_open311_service_lists_become_categories_and_requests_follow_them(tmp_path):
    db = tmp_path / "o.duckdb"
    services = run(fixture("open311_services_sample.spec_verbatim.txt"), db)
    assert services.ok and services.mapping == "open311_services"
    assert services.counts["inserted"] == 3 and services.counts["rows_read"] == 3
    cats = query(db, "SELECT category_code, major_name, minor_name FROM categories ORDER BY 1")
    assert cats.values.tolist() == [["O001", "sanitation", "Cans left out 24x7"],
                                    ["O002", "street", "Construction plate shifted"],
                                    ["O003", "street", "Curb or curb ramp defect"]]
    assert run(fixture("open311_services_sample.json"), db).counts["unchanged"] == 3
    # A request whose service arrives later moves to the service's group when the list comes.
    run(fixture("open311_requests_sample.json"), db)
    assert set(query(db, "SELECT major_name FROM categories WHERE category_code = 'O006'").major_name) == {"未分组"}
    listed = tmp_path / "services_006.json"
    listed.write_text('[{"service_code":"006","service_name":"Sidewalk and Curb Issues","group":"street"}]')
    run(listed, db)
    street = query(db, "SELECT major_code FROM categories WHERE category_code = 'O002'").major_code[0]
    assert set(query(db, "SELECT major_code FROM cases").major_code) == {street}


def test_an_open311_service_definition_is_refused_with_a_reason(tmp_path):
    result = run(fixture("open311_service_definition_sample.json"), tmp_path / "o.duckdb")
    assert not result.ok and result.reason_code == "not_importable" and "服务定义" in result.message_zh
    ledger = query(tmp_path / "o.duckdb", "SELECT status, reason_code FROM import_ledger")
    assert ledger.values.tolist() == [["failed", "not_importable"]]


def test_a_different_city_is_not_mixed_into_a_database(tmp_path):
    db = tmp_path / "nyc.duckdb"
    run(fixture(NYC.name), db)
    from tests.ingest_support import sample_csv
    path, _ = sample_csv(tmp_path / "yiyang.csv", 10)
    result = run(path, db)
    assert not result.ok and result.reason_code == "other_city" and "纽约市" in result.message_zh
    assert query(db, "SELECT count(*) AS n FROM cases").n[0] == 199


def test_landing_keeps_every_file_by_sha256(tmp_path):
    db = tmp_path / "nyc.duckdb"
    result = run(fixture(NYC.name), db)
    assert result.landing_path == tmp_path / "landing" / f"{result.sha256}.csv"
    assert result.landing_path.read_bytes() == NYC.read_bytes()
    assert result.sha256 == "84ba0f84b8a68be4177c03e5b6dc86a4d7b6546fc67a3c061b793a7410434cbd"
    assert isinstance(query(db, "SELECT started_at FROM import_ledger").started_at[0], (datetime, pd.Timestamp))
