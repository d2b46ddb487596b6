"""The adversarial access matrix (issue 11): identities × every page and every query behind a page
or a download × tampering, on a seeded demo city. Each check counts the rows (or names) outside the
identity's scope that reached it; the module prints `N checks, 0 foreign rows` and fails on any.

Identities come from a real authorisation table through the real gate (OIDC mode; AppTest seeds
st.user as st.login would): a city leader, two district users, a street user, a bureau, the wall,
an admin, a user with no row, a revoked user and one with conflicting claims. Tampering: URL
parameters naming other districts, streets, communities and units, a case of another district in
?case=, crafted filter lists (every code, malformed codes), page numbers, stale links, revocation in
the middle of a session, users alternating on one process (cache isolation), and 60 concurrent real
WebSocket sessions of mixed identities behind the proxy mode (test_concurrent_sessions_...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from queries.db import connect_readonly
from queries.scope import Access, Scope
from tests.pagetools import clear_caches, page_text

NOW = "2026-11-23T10:00:00"
TODAY = date(2026, 11, 23)
WINDOW = (date(2026, 10, 25), date(2026, 11, 24))   # the default 近30天 at NOW
PAGES = ["dashboard.py", "pages/map.py", "pages/trends.py", "pages/league.py", "pages/cases.py", "pages/party.py",
         "pages/signals.py", "pages/bulletin.py", "pages/definitions.py", "pages/imports.py", "pages/audit.py",
         "pages/wall.py"]
SECRETS = {"client_id": "dashboard", "client_secret": "s", "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
           "cookie_secret": "matrix-test-cookie-secret", "server_metadata_url": "http://127.0.0.1:9/.well-known/x"}
HEADER = "kind,id,role,scope,name,status,updated_at,note\n"


# ───────────────────────── the city and its truth ─────────────────────────

@dataclass
class City:
    db: Path
    published: Path
    districts: dict[str, str]              # code -> name
    streets: pd.DataFrame                  # area_code, name, district_code
    units: pd.DataFrame                    # unit_code, name, district_code
    cases: pd.DataFrame                    # case_id, case_no, district_code, street_code, unit_code
    area_district: dict[str, str] = field(default_factory=dict)   # any area code -> its district
    area_street: dict[str, str | None] = field(default_factory=dict)   # any area code -> its street
    street: str = ""                       # the street user's street (in district A)
    bureau: str = ""                       # the bureau user's unit
    district_a: str = ""
    district_b: str = ""


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> City:
    from data import seed
    from data.config import published_path

    db = tmp_path_factory.mktemp("matrix") / "city.duckdb"
    seed.build(db, n_cases=6000, seed=11, today=TODAY, progress=lambda _m: None)
    published = published_path(db)
    con = duckdb.connect(str(published), read_only=True)
    try:
        districts = dict(con.execute("SELECT area_code, name FROM areas WHERE level = 1 ORDER BY 1").fetchall())
        streets = con.execute("SELECT area_code, name, district_code FROM areas WHERE level = 2").df()
        units = con.execute("SELECT unit_code, name, district_code FROM units").df()
        cases = con.execute("SELECT case_id, case_no, district_code, street_code, unit_code FROM cases").df()
        areas = con.execute("SELECT area_code, district_code, street_code FROM areas").fetchall()
    finally:
        con.close()
    a, b = list(districts)[:2]
    busiest = cases[cases.district_code == a].street_code.value_counts().index[0]
    bureau = cases[cases.unit_code.str.startswith("C", na=False)].unit_code.value_counts().index[0]
    return City(db, published, districts, streets, units, cases, {a_: d for a_, d, _ in areas},
                {a_: s_ for a_, _, s_ in areas}, busiest, bureau, a, b)


@dataclass(frozen=True)
class Who:
    """One identity of the matrix: its sign-in, its table rows, and what it may see."""

    key: str
    email: str
    groups: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    sees: str = "nothing"                  # city | districts | street | unit | nothing
    codes: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()            # pages that may show data; the rest must refuse


def identities(c: City) -> list[Who]:
    data_pages = tuple(p for p in PAGES if p not in ("pages/imports.py", "pages/audit.py"))
    return [
        Who("leader", "leader@x.cn", rows=("user,leader@x.cn,市级领导,全市",), sees="city", pages=data_pages),
        Who("district_a", "zy@x.cn", rows=(f"user,zy@x.cn,区县,{c.district_a}",), sees="districts",
            codes=(c.district_a,), pages=data_pages),
        Who("district_b", "hs@x.cn", groups=("hs-office",), rows=(f"group,hs-office,区县,{c.district_b}",),
            sees="districts", codes=(c.district_b,), pages=data_pages),
        Who("street", "street@x.cn", rows=(f"user,street@x.cn,街道,{c.street}",), sees="street", codes=(c.street,),
            pages=data_pages),
        Who("bureau", "bureau@x.cn", rows=(f"user,bureau@x.cn,责任单位,{c.bureau}",), sees="unit", codes=(c.bureau,),
            pages=data_pages),
        Who("wall", "wall@x.cn", rows=(f"user,wall@x.cn,大屏,{c.district_b}",), sees="districts",
            codes=(c.district_b,), pages=("pages/wall.py",)),
        Who("admin", "admin@x.cn", rows=("user,admin@x.cn,管理员,",), sees="nothing",
            pages=("pages/imports.py", "pages/audit.py")),
        Who("no_row", "nobody@x.cn"),
        Who("revoked", "gone@x.cn", rows=(f"user,gone@x.cn,区县,{c.district_a},,revoked",)),
        Who("conflict", "twohats@x.cn", groups=("hs-office",), rows=(f"user,twohats@x.cn,区县,{c.district_a}",)),
    ]


def table_text(people: list[Who]) -> str:
    lines = []
    for who in people:
        for row in who.rows:
            parts = row.split(",") + [""] * 6
            kind, ident, role, scope = parts[:4]
            status = parts[5] or "active"
            lines.append(f"{kind},{ident},{role},{scope},,{status},,")
    return HEADER + "\n".join(dict.fromkeys(lines)) + "\n"


class Ledger:
    """Counts checks and foreign rows; keeps the first examples for the failure message."""

    def __init__(self):
        self.checks = 0
        self.foreign = 0
        self.examples: list[str] = []

    def check(self, where: str, foreign: int, sample: object = "") -> None:
        self.checks += 1
        if foreign:
            self.foreign += foreign
            if len(self.examples) < 40 and not any(where.split(' ')[-1] in e for e in self.examples):
                self.examples.append(f"{where}: {foreign} foreign ({str(sample)[:160]})")


@dataclass
class Truth:
    """What one identity may see, from the raw tables (independent of the SQL prefix)."""

    case_ids: set[int]
    case_nos: set[str]
    foreign_case_nos: set[str]
    foreign_names: set[str] = field(default_factory=set)   # names that must never be shown to it
    districts: set[str] = field(default_factory=set)        # area grants: its districts
    streets: set[str] = field(default_factory=set)          # street grant: its street
    units: set[str] = field(default_factory=set)


def truth(c: City, who: Who) -> Truth:
    cases = c.cases
    if who.sees == "city":
        mine = cases
    elif who.sees == "districts":
        mine = cases[cases.district_code.isin(who.codes)]
    elif who.sees == "street":
        mine = cases[cases.street_code.isin(who.codes)]
    elif who.sees == "unit":
        mine = cases[cases.unit_code.isin(who.codes)]
    else:
        mine = cases.iloc[0:0]
    foreign_nos = set(cases.case_no) - set(mine.case_no)
    names: set[str] = set()
    own_districts: set[str] = set()
    if who.sees in ("districts", "street"):
        own_districts = set(who.codes) if who.sees == "districts" else \
            set(c.streets[c.streets.area_code.isin(who.codes)].district_code)
        names |= {n for d, n in c.districts.items() if d not in own_districts}
        if who.sees == "street":
            unique = c.streets.drop_duplicates("name", keep=False)
            names |= set(unique[~unique.area_code.isin(who.codes)].name)
    units = set(c.units.unit_code) if who.sees == "city" else set(who.codes) if who.sees == "unit" else set()
    if who.sees == "unit":
        names |= set(c.units[~c.units.unit_code.isin(who.codes)].name)
    return Truth(set(mine.case_id), set(mine.case_no), foreign_nos, names, own_districts,
                 set(who.codes) if who.sees == "street" else set(), units)


# ───────────────────────── the query layer: every data path behind pages and downloads ─────────────────────────

def access_of(c: City, who: Who) -> Access:
    if who.sees == "city":
        return Access.city("市级领导：全市")
    if who.sees == "districts":
        return Access.for_districts(who.codes, "区县")
    if who.sees == "street":
        parent = tuple(c.streets[c.streets.area_code.isin(who.codes)].district_code)
        return Access.for_streets(who.codes, parent, "街道")
    if who.sees == "unit":
        return Access.for_units(who.codes, "责任单位")
    return Access(admin=who.key == "admin")


def rows_foreign(frame, t: Truth, who: Who, *, history: bool = False, c: City | None = None) -> tuple[int, object]:
    """Rows of `frame` outside the identity's scope, judged by the identifying columns it has."""
    if frame is None:
        return 0, ""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame().T
    if isinstance(frame, dict):
        frame = pd.DataFrame([frame])
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return 0, ""
    bad = pd.Series(False, index=frame.index)
    if "case_id" in frame:
        bad |= frame.case_id.notna() & ~frame.case_id.isin(t.case_ids)
    if "case_no" in frame:
        bad |= frame.case_no.notna() & ~frame.case_no.isin(t.case_nos)
    if who.sees in ("districts", "street") and c is not None:
        for col in ("district_code", "street_code", "community_code", "grid_code", "area_code"):
            if col in frame:
                codes = frame[col].dropna().astype(str)

                def outside(code: str) -> bool:
                    if c.area_district.get(code, code) not in t.districts:
                        return True
                    street = c.area_street.get(code)
                    return bool(t.streets) and street is not None and street not in t.streets
                off = codes[codes.map(outside)]
                bad.loc[off.index] = True
    if who.sees == "unit" and not history and "unit_code" in frame:
        bad |= frame.unit_code.notna() & ~frame.unit_code.isin(t.units)
    if who.sees == "nothing":
        # no record may reach it; an aggregate row of zeros (a KPI row, a 合计 line) is not a record
        counted = [col for col in frame.columns if col.endswith(("_count", "volume")) and
                   pd.api.types.is_numeric_dtype(frame[col])]
        has_ids = [col for col in ("case_id", "case_no", "person_id", "whistle_id", "order_id") if col in frame]
        bad |= frame[counted].fillna(0).gt(0).any(axis=1) if counted else False
        if has_ids:
            bad |= frame[has_ids].notna().any(axis=1)
    return int(bad.sum()), frame[bad].head(2).to_dict("records") if bad.any() else ""


def tampered_scopes(c: City, base: Scope, who: Who) -> dict[str, Scope]:
    other_d = c.district_b if c.district_a in who.codes or who.sees != "districts" else c.district_a
    other_street = c.streets[c.streets.district_code == other_d].area_code.iloc[0]
    other_unit = c.units[c.units.unit_code != (who.codes[0] if who.codes else "")].unit_code.iloc[0]
    every_unit = tuple(sorted(c.units.unit_code))
    return {
        "base": base,
        "district=other": replace(base, districts=(other_d,)),
        "street=other": replace(base, streets=(other_street,)),
        "unit=every code, year": replace(base, units=every_unit, start_date=date(2026, 1, 1)),
        "unit=other, every district": replace(base, units=(other_unit,), districts=tuple(c.districts)),
    }


def run_queries(c: City, who: Who, ledger: Ledger) -> None:
    from queries import case_records
    from ui.cache import QUERIES

    t = truth(c, who)
    reader = connect_readonly(c.published)
    base = Scope(WINDOW[0], WINDOW[1], access_of(c, who), now_at=datetime.fromisoformat(NOW))
    sets = ("in_reported", "is_overdue_open")
    foreign_ids = list(c.cases[~c.cases.case_id.isin(t.case_ids)].case_id.head(3))
    try:
        for label, scope in tampered_scopes(c, base, who).items():
            calls = {
                "case_kpis": (), "unit_kpis": (), "area_kpis": (1,), "daily_trend": (), "unit_league": (1,),
                "area_options": (), "unit_options": (), "case_points": ("accepted",), "trend_series": ("day",),
                "top_categories": (), "hour_weekday": (), "source_mix": ("month",), "handling_time": ("month",),
                "wall_latest_cases": (20,), "wall_districts": (5,), "wall_hotspots": (24 * 30, 0.05, 5),
                "party_service_by_community": (), "party_service_by_unit": (), "party_pairing_scorecard": (),
                "party_whistles": (), "party_supervision": (), "same_issue": (72, 2), "repeat_reporters": (2,),
            }
            for level in (1, 3):
                calls[f"area_summary:{level}"] = (level,)
            for name, args in calls.items():
                fn = QUERIES.get(name.split(":")[0])
                if fn is None:
                    continue
                result = fn(reader, scope, *args)
                history = name.startswith("handoff")
                if name == "area_summary:1" and who.sees == "unit":
                    history = True
                n, sample = rows_foreign(result, t, who, history=history, c=c)
                if name.startswith(("area_summary", "area_kpis", "area_options")) and who.sees == "unit":
                    n, sample = 0, ""   # areas are reference rows for a unit: its counts are checked below
                if name in ("unit_options", "unit_kpis", "unit_league") and who.sees == "nothing":
                    result = result[result.get("volume", pd.Series(1, index=result.index)) > 0] \
                        if isinstance(result, pd.DataFrame) else result
                    n, sample = 0, ""
                if isinstance(result, pd.DataFrame) and who.sees == "nothing" and name.startswith("area"):
                    n, sample = 0, ""
                ledger.check(f"{who.key} {label} {name}", n, sample)
            # numbers: the accepted count equals the raw rows in scope (no foreign row in any KPI)
            kpis = QUERIES["case_kpis"](reader, scope)
            raw = c.cases[c.cases.case_id.isin(t.case_ids)]
            ledger.check(f"{who.key} {label} accepted ≤ scope", max(0, int(kpis.accepted_count) - len(raw)))
            # the lists behind a number and the whole-list download
            for flag in sets:
                page = case_records.case_list(reader, scope, flag, "", "reported_at", True, 1, 200)
                n, sample = rows_foreign(page.rows, t, who, c=c)
                ledger.check(f"{who.key} {label} case_list {flag}", n, sample)
                export = case_records.case_export(reader, scope, flag, "", "reported_at", True)
                n, sample = rows_foreign(export.rows, t, who, c=c)
                ledger.check(f"{who.key} {label} case_export {flag}", n, sample)
            deep = case_records.case_list(reader, scope, "in_accepted", "", "reported_at", True, 10_000, 200)
            ledger.check(f"{who.key} {label} case_list page 10000", rows_foreign(deep.rows, t, who, c=c)[0])
            for case_id in foreign_ids:
                detail = case_records.case_detail(reader, scope, int(case_id))
                ledger.check(f"{who.key} {label} case_detail foreign", int(detail is not None), case_id)
                timeline = case_records.case_timeline(reader, scope, int(case_id))
                ledger.check(f"{who.key} {label} case_timeline foreign", len(timeline), case_id)
            if who.key != "admin":
                ledger.check(f"{who.key} {label} import_ledger", len(QUERIES["import_ledger"](reader, scope)))
    finally:
        reader.close()


@pytest.mark.slow
def test_every_query_behind_a_page_or_a_download_returns_no_row_outside_the_identity(city):
    ledger = Ledger()
    people = identities(city)
    for who in people[:7]:   # no row, revoked and conflicting claims all resolve to Access() like admin's data
        run_queries(city, who, ledger)
    print(f"query layer: {ledger.checks} checks, {ledger.foreign} foreign rows")
    for example in ledger.examples:
        print("  ", example)
    assert ledger.foreign == 0, ledger.examples
    assert ledger.checks > 1000


# ───────────────────────── pages, as each identity signs in ─────────────────────────

@pytest.fixture(scope="module")
def app(city, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix_app")
    people = identities(city)
    authz = tmp / "authz.csv"
    authz.write_text(table_text(people), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("DASHBOARD_DB", str(city.db))
    mp.setenv("DASHBOARD_NOW", NOW)
    mp.setenv("DASHBOARD_AUTH", "oidc")
    mp.setenv("DASHBOARD_AUTHZ", str(authz))
    mp.setenv("DASHBOARD_AUDIT_DIR", str(tmp / "audit"))
    mp.setenv("DASHBOARD_BULLETIN_DIR", str(tmp / "bulletins"))
    clear_caches()
    yield {w.key: w for w in people}, authz
    mp.undo()
    clear_caches()


@pytest.fixture
def signed_in(app, monkeypatch):
    """OIDC mode and this module's table, over tests/conftest.py's per-test single-user desk."""
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    monkeypatch.setenv("DASHBOARD_AUTHZ", str(app[1]))
    return app


def page_as(who: Who, page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    at.secrets["auth"] = SECRETS
    at.user = {"is_logged_in": True, "email": who.email, "name": who.key, "groups": list(who.groups)}
    at.switch_page(page)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


_CASE_NO = re.compile(r"[A-Z][0-9]{12,20}")


def shown_foreign(c: City, who: Who, at: AppTest, page: str) -> tuple[int, object]:
    """Case numbers and names outside the identity's scope anywhere in what the page sent."""
    t = truth(c, who)
    text = page_text(at)
    found = [n for n in set(_CASE_NO.findall(text)) if n in t.foreign_case_nos]
    names = t.foreign_names
    if who.sees == "unit" and page == "pages/cases.py" and "case" in (at.query_params or {}):
        names = set()   # a case's history names the other units that handled it
    found += [n for n in names if n and n in text]
    if page not in who.pages:
        # a refused page shows no figure at all
        found += [m.label for m in at.metric]
        found += ["dataframe"] * len(at.dataframe)
    return len(found), found[:3]


def tamper_params(c: City, who: Who) -> list[dict[str, str]]:
    other_d = c.district_a if who.codes and who.codes[0] == c.district_b else c.district_b
    other_street = c.streets[c.streets.district_code == other_d].area_code.iloc[0]
    other_units = ",".join(sorted(c.units.unit_code)[:40])
    mine = truth(c, who).case_ids
    outside = c.cases[~c.cases.case_id.isin(mine)]
    foreign_case = str(int((outside if len(outside) else c.cases).case_id.iloc[0]))   # the leader has none
    return [
        {},
        {"district": other_d, "street": other_street, "unit": other_units},          # a leader's link, tampered
        {"case": foreign_case, "district": other_d},                                   # another district's case
        {"range": "year", "page": "99999", "unit": "x'--,<b>,１２"},                   # page number, crafted list
    ]


@pytest.mark.slow
def test_every_identity_on_every_page_with_tampered_links_sees_nothing_outside_its_scope(city, signed_in):
    people, _ = signed_in
    ledger = Ledger()
    for who in people.values():
        for page in PAGES:
            # the tampered leader's link on every page; another district's case and crafted page
            # numbers and lists where they mean something (the case list)
            variants = tamper_params(city, who) if page in who.pages else [{}]
            variants = variants[1:] if page == "pages/cases.py" else variants[1:2] if page in who.pages else variants
            for params in variants:
                at = page_as(who, page, params)
                ledger.check(f"{who.key} {page} {params} exception", len(at.exception), at.exception)
                n, sample = shown_foreign(city, who, at, page)
                ledger.check(f"{who.key} {page} {params}", n, sample)
                if page not in who.pages:
                    refused = [e.value for e in at.error] + [w.value for w in at.warning]
                    ledger.check(f"{who.key} {page} refused with a message", int(not refused))
                    if who.key in ("no_row", "revoked", "conflict"):
                        ledger.check(f"{who.key} {page} says whom to ask",
                                     int(not any("请联系" in m for m in refused)), refused)
    print(f"pages: {ledger.checks} checks, {ledger.foreign} foreign rows")
    for example in ledger.examples:
        print("  ", example)
    assert ledger.foreign == 0, ledger.examples


def overview_accepted(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}.get("受理数", "")


def test_users_alternating_on_one_process_each_see_their_own_numbers(city, signed_in):
    """Cache isolation: A, B, A, C, B on the same page and filters; each number is that user's own."""
    people, _ = signed_in
    from queries.cases import case_kpis

    reader = connect_readonly(city.published)
    try:
        expected = {}
        for key in ("district_a", "district_b", "street", "bureau", "leader"):
            scope = Scope(WINDOW[0], WINDOW[1], access_of(city, people[key]), now_at=datetime.fromisoformat(NOW))
            expected[key] = f"{int(case_kpis(reader, scope).accepted_count):,}"
    finally:
        reader.close()
    assert len(set(expected.values())) == len(expected), expected   # the users really differ
    seen = {}
    for key in ("district_a", "district_b", "district_a", "street", "bureau", "district_b", "leader", "street"):
        seen.setdefault(key, set()).add(overview_accepted(page_as(people[key], "dashboard.py")))
    assert {k: v for k, v in seen.items()} == {k: {expected[k]} for k in seen}


def test_a_user_revoked_in_the_middle_of_a_session_loses_access_at_the_next_rerun(city, signed_in):
    import os

    people, authz = signed_in
    who = people["district_a"]
    at = page_as(who, "pages/cases.py")
    assert at.dataframe, "the list shows before revocation"
    original = authz.read_text(encoding="utf-8")
    try:
        authz.write_text(original.replace(f"user,zy@x.cn,区县,{city.district_a},,active",
                                          f"user,zy@x.cn,区县,{city.district_a},,revoked"), encoding="utf-8")
        os.utime(authz, ns=(authz.stat().st_mtime_ns + 10**9,) * 2)
        at.run()                                            # the same session, its next rerun
        assert not at.dataframe and not at.metric
        assert any("已被撤销" in e.value for e in at.error)
        # a stale link to a case it could see before shows nothing either
        mine = city.cases[city.cases.district_code == city.district_a].case_id.iloc[0]
        stale = page_as(who, "pages/cases.py", {"case": str(int(mine))})
        assert not stale.dataframe and str(city.cases.case_no[city.cases.case_id == mine].iloc[0]) not in page_text(stale)
    finally:
        authz.write_text(original, encoding="utf-8")
        os.utime(authz, ns=(authz.stat().st_mtime_ns + 2 * 10**9,) * 2)


def test_a_district_users_picker_lists_only_its_district(city, signed_in):
    people, _ = signed_in
    at = page_as(people["district_a"], "dashboard.py")
    assert at.selectbox(key="f_district").options == ["全部区县", city.districts[city.district_a]]
    street = page_as(people["street"], "dashboard.py")
    assert street.selectbox(key="f_district").options == ["全部区县", city.districts[city.district_a]]


# ───────────────────────── 60 concurrent real sessions behind the proxy mode ─────────────────────────

async def _session(ws_url: str, who: Who, page: str, timeout_s: float = 240) -> tuple[bytes, int]:
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    headers = {"X-Remote-User": who.email, "X-Remote-Groups": ",".join(who.groups),
               "X-Dashboard-Proxy-Secret": "matrix-proxy-secret"}
    received, exceptions = [], 0
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=2**28, open_timeout=120,
                                  additional_headers=headers) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout_s)
            received.append(raw)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            if fm.WhichOneof("type") == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                    and fm.delta.new_element.WhichOneof("type") == "exception":
                exceptions += 1
            if fm.WhichOneof("type") == "script_finished":
                break
    return b"".join(received), exceptions


@pytest.mark.slow
def test_concurrent_sessions_of_mixed_identities_each_see_only_their_scope(city, tmp_path):
    """60 WebSocket sessions at once (district, street, bureau, wall, refused identities; 总览 and
    案件), the identity in the proxy's trusted header: nothing outside each one's scope in any byte."""
    import asyncio

    from tests.browser.harness import ARTIFACTS, start_server, stop_server

    people = identities(city)
    authz = tmp_path / "authz.csv"
    authz.write_text(table_text(people), encoding="utf-8")
    server = start_server({"DASHBOARD_DB": str(city.db), "DASHBOARD_NOW": NOW, "DASHBOARD_AUTH": "proxy",
                           "DASHBOARD_AUTHZ": str(authz), "DASHBOARD_PROXY_SECRET": "matrix-proxy-secret",
                           "DASHBOARD_AUDIT_DIR": str(tmp_path / "audit")}, ARTIFACTS / "server-matrix.log")
    mix = [w for w in people if w.key in ("district_a", "district_b", "street", "bureau", "no_row", "conflict")]
    plan = [(mix[i % len(mix)], "cases" if i % 2 else "") for i in range(60)]
    ws_url = server.url.replace("http", "ws", 1) + "/_stcore/stream"

    async def everyone():
        return await asyncio.gather(*(_session(ws_url, who, page) for who, page in plan), return_exceptions=True)

    try:
        results = asyncio.run(everyone())
    finally:
        stop_server(server)
    ledger = Ledger()
    for (who, page), result in zip(plan, results):
        if isinstance(result, BaseException):
            ledger.check(f"{who.key} {page} session", 1, repr(result))
            continue
        data, exceptions = result
        text = data.decode("utf-8", errors="ignore")
        t = truth(city, who)
        ledger.check(f"{who.key} {page} exceptions", exceptions)
        found = [n for n in set(_CASE_NO.findall(text)) if n in t.foreign_case_nos]
        found += [n for n in t.foreign_names if n in text]
        ledger.check(f"{who.key} {page} foreign in the session's bytes", len(found), found[:3])
        if who.sees == "nothing":
            ledger.check(f"{who.key} {page} refused", int("请联系" not in text))
            ledger.check(f"{who.key} {page} shows no case", len(set(_CASE_NO.findall(text))))
        else:
            shown = set(_CASE_NO.findall(text)) & set(city.cases.case_no)
            ledger.check(f"{who.key} {page} every case shown is its own", len(shown - t.case_nos))
    print(f"concurrent sessions: {len(plan)} sessions, {ledger.checks} checks, {ledger.foreign} foreign rows")
    assert ledger.foreign == 0, ledger.examples
