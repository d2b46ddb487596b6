"""Adversarial privacy checks (issue 12): personal values typed in hostile forms, put where the
importer quotes them, searched for digit by digit, and looked for in the published snapshot.
Each test counts what got through and prints the figure; the goal is 0."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from data.ingest.mask import mask_record
from data.privacy import scrub_text
from tests.hostile import ID_FORMS, ID_NO, NAME, PHONE, PHONE_FORMS, digits_view, leaks
from tests.ingest_support import csv_bytes, query, run
from data.ingest.sample import build_frame


@pytest.mark.parametrize("form", PHONE_FORMS + ID_FORMS)
def test_the_importer_masks_every_form_the_reader_masks(form):
    # One scrubber: the rejected-record masker and the display scrubber agree on every form.
    record = f"SJ1,请回电{form}，谢谢"
    assert leaks(mask_record(record, {})) == []
    assert mask_record(record, {}) == scrub_text(record)


def _hostile_rejects() -> bytes:
    """Seven rows, each rejected for a column that is not a personal field but holds a phone or
    an ID number (an operator pasted into the wrong column): the message quotes the value."""
    frame = build_frame(7, seed=11)
    spots = [("案件状态", PHONE), ("上报时间", ID_NO), ("满意度", PHONE_FORMS[0]), ("返工次数", PHONE),
             ("是否作废", ID_FORMS[0]), ("经度", PHONE), ("坐标系", PHONE_FORMS[2])]
    for i, (column, value) in enumerate(spots):
        frame.loc[i, column] = value
    frame.loc[:, "上报人"] = NAME
    return csv_bytes(frame)


def test_rejection_messages_and_records_quote_no_personal_value(tmp_path):
    db = tmp_path / "city.duckdb"
    result = run(_hostile_rejects(), db, file_name="hostile_rejects.csv")
    assert result.counts["rejected"] == 7
    rejects = query(db, "SELECT message_zh, raw_masked FROM import_rejects ORDER BY line")
    shown = list(rejects.message_zh) + list(rejects.raw_masked)
    leaked = [v for v in shown if leaks(v)]
    print(f"rejection messages: {len(rejects)} rejected rows, {len(leaked)} leaking messages or records")
    assert leaked == []


# ───────────────────────── the published snapshot ─────────────────────────

MASKED_PHONE = "16634123880"       # shown as 166****3880


def _published_city(tmp_path) -> Path:
    """A writers' database holding raw personal data everywhere it can be, published once."""
    from data.store import publish
    from tests.builders import add_case, add_person, add_private, add_step, new_db

    db = tmp_path / "writers.duckdb"
    con = new_db(db)
    c1 = add_case(con, case_id=1, case_no="S0101202611020001", reported_at=datetime(2026, 11, 2, 9),
                  description=f"路口垃圾，联系人手机{MASKED_PHONE}，身份证{ID_NO}")
    add_private(con, c1, name=NAME, phone=PHONE_FORMS[0], id_no=ID_NO, address="资阳区汽车路街道大码头路5号")
    add_step(con, c1, 1, "report", datetime(2026, 11, 2, 9), opinion=f"请回电{PHONE_FORMS[1]}")
    for i in range(2, 7):    # more cases of the same kind, other numbers: the search must not single one out
        add_case(con, case_id=i, case_no=f"S010120261102000{i}", reported_at=datetime(2026, 11, 2, 9 + i),
                 description=f"路口垃圾，联系人手机1663412{3000 + i * 111}")
    add_person(con, 1, NAME, unit_code="C001")
    con.execute("INSERT INTO import_ledger (batch_id, file_name, sha256, size_bytes, invoked_by, started_at, status,"
                " message_zh) VALUES (1, $f, 'x', 1, 'cli', now(), 'complete', $m)",
                {"f": f"投诉_{PHONE}.csv", "m": f"未使用的列：{ID_FORMS[1]}"})
    con.execute("INSERT INTO import_rejects VALUES (1, 'x.csv', 2, $raw, '张*,139****4321', 'bad_bool', '是否作废', $m)",
                {"raw": f"{NAME},{PHONE}", "m": f"是否作废“{PHONE}”不是“是/否”"})
    con.execute("INSERT INTO audit_log (logged_at, actor, page, action, scope_json) "
                "VALUES (now(), 'admin', 'pages/cases.py', 'case_search', $s)", {"s": f'{{"search": "{PHONE}"}}'})
    publish(con, db)
    con.close()
    return db


def test_the_published_snapshot_holds_no_raw_personal_data(tmp_path):
    from data.config import published_path

    db = _published_city(tmp_path)
    snap = duckdb.connect(str(published_path(db)), read_only=True)
    try:
        columns = snap.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND "
                               "data_type = 'VARCHAR' ORDER BY ALL").fetchall()
        values = leaked = 0
        found = []
        for table, column in columns:
            if (table, column) == ("case_private", "reporter_key"):
                # A salted SHA-256 in hex (checked below): a random run of its digits can look like a
                # mobile number (it did: "…81560821760489…"), which is not personal data.
                continue
            for (value,) in snap.execute(f'SELECT "{column}" FROM "{table}"').fetchall():  # noqa: S608 - test
                values += 1
                hits = leaks(value) + ([MASKED_PHONE] if value and MASKED_PHONE in digits_view(value) else [])
                if hits:
                    leaked += 1
                    found.append((table, column, value))
        reporter_key = snap.execute("SELECT reporter_key FROM case_private WHERE case_id = 1").fetchall()[0][0]
        tables = {t for (t,) in snap.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        snap.close()
    print(f"snapshot: {len(columns)} text columns, {values} values, {leaked} with raw personal data")
    assert found == []
    assert reporter_key and len(reporter_key) == 64 and set(reporter_key) <= set("0123456789abcdef")
    assert PHONE not in reporter_key and ID_NO not in reporter_key   # 一人多诉 still has its salted key
    assert "scrubbed_text" not in tables
    # The writers keep the raw values.
    writers = duckdb.connect(str(db), read_only=True)
    try:
        assert writers.execute("SELECT reporter_name FROM case_private").fetchall() == [(NAME,)]
    finally:
        writers.close()


def test_forty_searches_cannot_recover_a_masked_phone(tmp_path, monkeypatch):
    """The attack of round 1: extend a known prefix digit by digit (手机166341, 手机166342, …) and
    watch which search still finds the case. Over the scrubbed text no search past the shown
    digits can tell one digit from another."""
    from data.config import published_path
    from queries.case_records import REPORTED_SET, case_list
    from queries.db import connect_readonly
    from tests.builders import window_scope

    db = _published_city(tmp_path)
    con = connect_readonly(published_path(db))
    scope = window_scope()
    searches, recovered = 0, []
    try:
        # Masked digits 4-6 by extending the shown prefix (at most 6 digits: longer searches are
        # phone-like and match case numbers only), the 7th by prefixing the shown tail: 40 searches.
        patterns = [lambda d, r: "手机166" + "".join(r) + d] * 3 + [lambda d, r: d + "3880"]
        for pattern in patterns:
            hits = []
            for digit in "0123456789":
                searches += 1
                page = case_list(con, scope, REPORTED_SET, pattern(digit, recovered), "reported_at", True, 1, 20)
                if 1 in set(page.rows.case_id):
                    hits.append(digit)
            recovered.append(hits[0] if len(hits) == 1 else "?")
        shown = case_list(con, scope, REPORTED_SET, "手机166", "reported_at", True, 1, 20)
    finally:
        con.close()
    found = sum(d != "?" for d in recovered)
    print(f"search oracle: {searches} searches, {found} of 4 masked digits recovered")
    assert searches == 40 and found == 0
    assert 1 in set(shown.rows.case_id)          # searching what is shown still works


def test_a_search_is_audited_like_a_detail_view(tmp_path, monkeypatch):
    from data.audit import AuditLog
    from tests.builders import add_case, new_db
    from tests.pagetools import clear_caches, run_page, use_test_db

    con = new_db()
    add_case(con, case_id=1, case_no="S0101202611020001", reported_at=datetime(2026, 11, 2, 9), description="路口垃圾")
    audit = use_test_db(con, tmp_path, monkeypatch)
    try:
        at = run_page("pages/cases.py", {"q": "垃圾"})
        at.run()                                   # a rerun of the same search is not a new search
    finally:
        clear_caches()
    log = AuditLog(audit)                          # records carry the wall-clock day
    records = [r for day in audit.glob("audit-*.jsonl")
               for r in log.read(datetime.fromisoformat(day.stem.removeprefix("audit-")).date())
               if r.action == "case_search"]
    assert len(records) == 1
    assert records[0].detail == "垃圾" and records[0].page == "pages/cases.py"


def test_the_one_reveal_path_checks_scope_audits_first_and_reads_the_writers_store(tmp_path):
    from data.config import published_path
    from queries.db import connect_readonly
    from queries.reveal import reveal_reporter
    from queries.scope import Access
    from tests.builders import window_scope

    db = _published_city(tmp_path)
    snap = connect_readonly(published_path(db))
    audited = []
    try:
        got = reveal_reporter(snap, window_scope(), 1, db=db, audit=lambda: audited.append(1))
        assert got["reporter_name"] == NAME and got["reporter_phone"] == PHONE_FORMS[0]
        assert got["reporter_id_no"] == ID_NO and audited == [1]
        # another district's identity: not visible, nothing audited, nothing read
        other = window_scope(access=Access.for_districts(("430903",), label="赫山区"))
        assert reveal_reporter(snap, other, 1, db=db, audit=lambda: audited.append(2)) is None
        assert audited == [1]

        def broken_audit():
            raise OSError("audit folder not writable")

        with pytest.raises(OSError):
            reveal_reporter(snap, window_scope(), 1, db=db, audit=broken_audit)
    finally:
        snap.close()
