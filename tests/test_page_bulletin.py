"""通报 equals the dashboard: every figure of the bulletin is the one 总览, 排行榜 and 党建·志愿 show
for the same period and scope (compared field by field through the pages as displayed), and the
通报 page generates Word / PDF / Excel and records who generated them."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.config import load_city
from queries.kpis import registry
from queries.scores import load_scores
from reports import archive, periods
from reports.config import load_bulletin_config
from reports.generate import produce
from tests.pagetools import clear_caches, metric_values, page_text, use_test_db
from tests.test_published_pipelines import NOW, build, tianmen_rows, window_scope

CITY = load_city()
OCTOBER = periods.month(2026, 10)


UNITS = ("C001", "D43090201", "D43090301")


def spread_rows() -> list[dict]:
    """The 天门 rows spread over three units of two peer groups, with handling deadlines (so every
    component of the department score has a value) and some rework: the published totals stay."""
    rows = []
    for i, row in enumerate(tianmen_rows()):
        row = dict(row, unit_code=UNITS[i % 3], district="430902" if i % 2 else "430903")
        if row.get("deadline_at") is not None:
            row["handle_deadline_at"] = row["deadline_at"]
        if i % 17 == 0 and row.get("closed_at") is not None:
            row["rework_count"] = 1
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def tianmen_db(tmp_path_factory):
    """The 天门 month published for the pages, and the bulletin of that month from the same rows."""
    tmp = tmp_path_factory.mktemp("bulletin_page")
    mp = pytest.MonkeyPatch()
    con = build(spread_rows())
    use_test_db(con, tmp, mp, now=NOW)
    mp.setenv("DASHBOARD_BULLETIN_DIR", str(tmp / "archive"))
    bulletin = produce(con, window_scope(OCTOBER.start, OCTOBER.end), OCTOBER, city=CITY,
                       scores=load_scores(CITY.scores_path, registry(CITY)), config=load_bulletin_config(),
                       generated_by="测试", generated_at=datetime(2026, 11, 23, 10), formats=("xlsx",),
                       keep=False).bulletin
    con.close()
    yield tmp, bulletin
    mp.undo()
    clear_caches()


def run(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    if page != "dashboard.py":
        at.switch_page(page)
    at.query_params.update({"range": "custom", "start": "2026-10-01", "end": "2026-10-31"} | params)
    at.run()
    assert not at.exception, at.exception
    return at


def table(bulletin, prefix: str) -> pd.DataFrame:
    return next(t for t in bulletin.tables if t.title.startswith(prefix))


def test_every_case_figure_equals_the_overview_for_the_same_month(tianmen_db):
    _, bulletin = tianmen_db
    at = run("dashboard.py", {})
    at.session_state["more_kpis"] = True
    at.run()
    shown = metric_values(at)
    overview = table(bulletin, "表1").frame.set_index("指标")["本期"].to_dict()
    common = [label for label in overview if label in shown]
    assert len(common) >= 14, common
    assert {k: overview[k] for k in common} == {k: shown[k] for k in common}
    assert (overview["受理数"], overview["结案率"], overview["按期结案率"]) == ("1,054", "93.72%", "75.82%")


def test_every_party_figure_equals_the_party_page_for_the_same_month(tianmen_db):
    _, bulletin = tianmen_db
    shown = metric_values(run("pages/party.py", {}))
    party = table(bulletin, "表9").frame.set_index("指标")["本期"].to_dict()
    assert party and {k: party[k] for k in party} == {k: shown[k] for k in party}


def test_the_unit_ranking_equals_the_league_page(tianmen_db):
    _, bulletin = tianmen_db
    at = run("pages/league.py", {"by": "unit", "metric": "score.department"})
    page = pd.concat([df.value for df in at.dataframe])
    units = pd.concat([t.frame for t in bulletin.tables if t.title.startswith("表6")])
    assert len(units) == len(page) > 0
    merged = units.merge(page, left_on="责任单位", right_on="责任单位", suffixes=("", "_page"))
    assert len(merged) == len(units)
    assert merged["综合指标值"].notna().all()
    assert (merged["综合指标值"].round(2) == merged["综合指标值_page"].astype(float).round(2)).all()
    assert (merged["等级"] == merged["等级_page"]).all()
    assert (merged["名次"].astype(str).replace("<NA>", "—") == merged["名次_page"].astype(str)).all()


def test_the_district_ranking_equals_the_league_page(tianmen_db):
    _, bulletin = tianmen_db
    at = run("pages/league.py", {"by": "district", "metric": "score.region"})
    page = pd.concat([df.value for df in at.dataframe])
    areas = table(bulletin, "表5").frame
    merged = areas.merge(page, on="区县", suffixes=("", "_page"))
    assert len(merged) == len(areas) == 2
    assert (merged["综合指标值"].round(2) == merged["综合指标值_page"].astype(float).round(2)).all()
    assert (merged["等级"] == merged["等级_page"]).all()


def test_the_page_generates_the_bulletin_and_records_who_generated_it(tianmen_db):
    tmp, _ = tianmen_db
    at = run("pages/bulletin.py", {"period": "month"})
    labels = [o for o in at.selectbox(key="bl_month").options]
    assert labels[1].startswith("2026年10月")        # the latest month that has ended is offered first
    at.button(key="bl_generate").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "益阳指挥通报〔2026〕1号" in at.success[0].value
    text = page_text(at).replace("\\", "")   # markdown escapes in the preview
    assert "共受理案件 1,054 件" in text and "按期结案率 75.82%" in text
    entries = archive.history(tmp / "archive")
    assert len(entries) == 1 and entries[0].origin == "page" and entries[0].generated_by.startswith("单用户模式")
    assert set(entries[0].files) == {"docx", "pdf", "xlsx"}
    assert all((tmp / "archive" / p).stat().st_size > 1000 for p in entries[0].files.values())
    history = at.dataframe[-1].value
    assert history.iloc[0]["生成人"].startswith("单用户模式") and history.iloc[0]["统计期"] == "2026年10月"
    audit = (tmp / "audit").glob("audit-*.jsonl")
    assert any('"bulletin"' in p.read_text(encoding="utf-8") for p in audit)
