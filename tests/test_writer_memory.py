"""The publish path's memory bound (DASHBOARD_WRITER_MEMORY_MB / DASHBOARD_WRITER_TEMP_DIR, data/writer_memory.py):
every connection a publish writes through holds it — the writer's, a caller's own (seed, importer recovery)
and the snapshot copy's — and a bad value stops the publish before anything is written."""
from __future__ import annotations

import duckdb
import pytest

import data.snapshot
from data.config import published_path
from data.store import publish, writer
from data.writer_memory import writer_memory_settings
from tests.builders import new_db


def _setting(con, name):
    return con.execute("SELECT current_setting($name)", {"name": name}).fetchone()[0]


def test_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DASHBOARD_WRITER_MEMORY_MB", raising=False)
    monkeypatch.delenv("DASHBOARD_WRITER_TEMP_DIR", raising=False)
    assert writer_memory_settings() == {}
    monkeypatch.setenv("DASHBOARD_WRITER_MEMORY_MB", " 12288 ")
    monkeypatch.setenv("DASHBOARD_WRITER_TEMP_DIR", str(tmp_path / "spill"))
    assert writer_memory_settings() == {"memory_limit": "12288MB", "temp_directory": str(tmp_path / "spill")}
    for bad in ("100", "12GB", "-1", "1.5"):
        monkeypatch.setenv("DASHBOARD_WRITER_MEMORY_MB", bad)
        with pytest.raises(ValueError, match="DASHBOARD_WRITER_MEMORY_MB"):
            writer_memory_settings()


def test_every_connection_of_a_publish_holds_the_bound(monkeypatch, tmp_path):
    spill = tmp_path / "spill"
    monkeypatch.setenv("DASHBOARD_WRITER_MEMORY_MB", "300")
    monkeypatch.setenv("DASHBOARD_WRITER_TEMP_DIR", str(spill))
    seen = []                                  # (memory_limit, temp_directory) of each snapshot connection
    real_connect = duckdb.connect

    def spy(*args, **kwargs):
        con = real_connect(*args, **kwargs)
        if str(args[0]).endswith(".tmp"):      # the snapshot copy, before it is renamed into place
            seen.append((_setting(con, "memory_limit"), _setting(con, "temp_directory")))
        return con

    monkeypatch.setattr(data.snapshot.duckdb, "connect", spy)
    db = tmp_path / "w.duckdb"
    new_db(db).close()
    with writer(db) as con:                    # the writers' own connection
        assert (_setting(con, "memory_limit"), _setting(con, "temp_directory")) == ("286.1 MiB", str(spill))
    assert published_path(db).exists()
    assert seen == [("286.1 MiB", str(spill))]   # strip_private's connection to the copy

    other = tmp_path / "caller.duckdb"         # a caller's own connection, as data.seed and data.ingest.run open it
    con = new_db(other)
    try:
        assert _setting(con, "memory_limit") != "286.1 MiB"
        publish(con, other)
        assert (_setting(con, "memory_limit"), _setting(con, "temp_directory")) == ("286.1 MiB", str(spill))
    finally:
        con.close()
    assert published_path(other).exists()


def test_a_bad_bound_publishes_nothing(monkeypatch, tmp_path):
    db = tmp_path / "b.duckdb"
    new_db(db).close()
    monkeypatch.setenv("DASHBOARD_WRITER_MEMORY_MB", "64")
    with pytest.raises(ValueError, match="至少为 256"):
        with writer(db):
            pass
    assert not published_path(db).exists()
