"""The authorisation table: parsing, resolution (fail closed, whom to ask), re-reading on change,
and the operators' command `python -m data.authz users ...`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from data import authz
from data.authz import Identity, Known, Table, load_table, read_table, resolve

ROOT = Path(__file__).resolve().parent.parent
KNOWN = Known(districts={"430902": "资阳区", "430903": "赫山区"},
              streets={"430902001": ("汽车路街道", "430902")},
              units={"C001": "市城管局", "D43090301": "赫山区城管局"})
HEADER = "kind,id,role,scope,name,status,updated_at,note\n"


def table(text: str, tmp_path: Path) -> Table:
    path = tmp_path / "authz.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return read_table(path)


def who(user: str, *groups: str, district=None) -> Identity:
    return Identity(user, groups=groups, district_claim=district)


def test_each_role_resolves_to_its_grant(tmp_path):
    t = table("user,leader@x.cn,市级领导,全市,,active,,\n"
              "user,zy@x.cn,区县,430902,,active,,\n"
              "user,two@x.cn,区县,430902;430903,,active,,\n"
              "user,st@x.cn,街道,430902001,,active,,\n"
              "user,unit@x.cn,责任单位,C001,,active,,\n"
              "user,admin@x.cn,管理员,,,active,,\n"
              "user,wall@x.cn,大屏,430903,,active,,\n", tmp_path)
    assert resolve(who("Leader@X.cn"), t, KNOWN).all_districts
    assert resolve(who("zy@x.cn"), t, KNOWN).districts == ("430902",)
    assert resolve(who("two@x.cn"), t, KNOWN).label == "区县：资阳区、赫山区"
    street = resolve(who("st@x.cn"), t, KNOWN)
    assert (street.districts, street.streets, street.label) == (("430902",), ("430902001",), "街道：资阳区汽车路街道")
    assert resolve(who("unit@x.cn"), t, KNOWN).units == ("C001",)
    admin = resolve(who("admin@x.cn"), t, KNOWN)
    assert admin.role == "admin" and not admin.has_data
    assert resolve(who("wall@x.cn"), t, KNOWN).districts == ("430903",)


def test_no_row_revoked_unknown_code_and_conflicts_see_nothing_and_are_told_whom_to_ask(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ACCESS_CONTACT", "指挥中心信息科（内线 8001）")
    t = table("user,gone@x.cn,区县,430902,,revoked,,\n"
              "group,zy-group,区县,430902,,active,,\n"
              "group,hs-group,区县,430903,,active,,\n"
              "user,ghost@x.cn,区县,439999,,active,,\n"
              "user,zy@x.cn,区县,430902,,active,,\n", tmp_path)
    cases = {
        "no_row": who("nobody@x.cn"),
        "revoked": who("gone@x.cn", "zy-group"),          # revocation wins over a group grant
        "unknown_code": who("ghost@x.cn"),
        "conflict": who("someone@x.cn", "zy-group", "hs-group"),
    }
    for reason, identity in cases.items():
        grant = resolve(identity, t, KNOWN)
        assert (grant.role, grant.reason, grant.has_data) == (None, reason, False), reason
        assert grant.refusal.endswith("请联系指挥中心信息科（内线 8001）。")
    # a district claim in the token that disagrees with the table is a conflict too
    assert resolve(who("zy@x.cn", district=("430903",)), t, KNOWN).reason == "conflict"
    assert resolve(who("zy@x.cn", district=("430902",)), t, KNOWN).districts == ("430902",)
    assert resolve(None, t, KNOWN).reason == "no_identity"


def test_a_malformed_table_refuses_everyone_and_names_the_line(tmp_path):
    t = table("user,leader@x.cn,市级领导,全市,,active,,\nuser,bad@x.cn,区县,全市,,active,,\n", tmp_path)
    grant = resolve(who("leader@x.cn"), t, KNOWN)
    assert grant.reason == "bad_table" and "第 3 行" in grant.refusal


def test_the_table_is_reread_when_the_file_changes(tmp_path):
    path = tmp_path / "authz.csv"
    path.write_text(HEADER + "user,zy@x.cn,区县,430902,,active,,\n", encoding="utf-8")
    assert resolve(who("zy@x.cn"), load_table(path), KNOWN).districts == ("430902",)
    path.write_text(HEADER + "user,zy@x.cn,区县,430902,,revoked,,\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)   # a coarse clock could keep the same mtime
    assert resolve(who("zy@x.cn"), load_table(path), KNOWN).reason == "revoked"


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data.authz", *args], cwd=ROOT, env=os.environ | env,
                          capture_output=True, text=True, timeout=120)


def test_operators_add_change_revoke_and_list_users_from_the_command_line(tmp_path):
    env = {"DASHBOARD_AUTHZ": str(tmp_path / "authz.csv"), "DASHBOARD_DB": str(tmp_path / "none.duckdb")}
    assert cli("users", "add", "zy@x.cn", "--role", "区县", "--scope", "430902", "--name", "张三", env=env).returncode == 0
    assert cli("users", "add", "zy@x.cn", "--role", "区县", "--scope", "430903", env=env).returncode == 1  # exists
    assert cli("users", "add", "leaders", "--group", "--role", "市级领导", "--scope", "全市", env=env).returncode == 0
    bad = cli("users", "add", "x@x.cn", "--role", "街道", "--scope", "1;2", env=env)
    assert bad.returncode == 2 and "一个街道代码" in bad.stdout
    assert cli("users", "change", "zy@x.cn", "--scope", "430903", env=env).returncode == 0
    assert cli("users", "revoke", "zy@x.cn", "--note", "调离", env=env).returncode == 0
    t = read_table(Path(env["DASHBOARD_AUTHZ"]))
    assert t.error is None
    assert [(r.kind, r.id, r.role, r.scope, r.status) for r in t.rows] == [
        ("user", "zy@x.cn", "district", ("430903",), "revoked"), ("group", "leaders", "city", ("*",), "active")]
    assert t.rows[0].name == "张三" and t.rows[0].note == "调离"
    listing = cli("users", "list", env=env).stdout
    assert "leaders" in listing and "zy@x.cn" not in listing
    assert "zy@x.cn" in cli("users", "list", "--all", env=env).stdout


def test_the_command_refuses_a_code_the_database_does_not_have(tmp_path):
    from tests.builders import new_db
    from tests.pagetools import publish_test_db

    db = tmp_path / "city.duckdb"
    publish_test_db(new_db(), db)
    env = {"DASHBOARD_AUTHZ": str(tmp_path / "authz.csv"), "DASHBOARD_DB": str(db)}
    refused = cli("users", "add", "zy@x.cn", "--role", "区县", "--scope", "439999", env=env)
    assert refused.returncode == 2 and "439999" in refused.stdout
    assert cli("users", "add", "zy@x.cn", "--role", "街道", "--scope", "430902001", env=env).returncode == 0
    check = cli("users", "check", "zy@x.cn", env=env)
    assert check.returncode == 0 and "街道：资阳区汽车路街道" in check.stdout
