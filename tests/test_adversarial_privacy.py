"""Adversarial privacy checks (issue 12): personal values typed in hostile forms, put where the
importer quotes them, searched for digit by digit, and looked for in the published snapshot.
Each test counts what got through and prints the figure; the goal is 0."""
from __future__ import annotations

import pytest

from data.ingest.mask import mask_record
from data.privacy import scrub_text
from tests.hostile import ID_FORMS, ID_NO, NAME, PHONE, PHONE_FORMS, leaks
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
