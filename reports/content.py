"""The content of a bulletin (通报), assembled only from the query layer the pages use.

Every figure comes from the same typed functions as the dashboard (queries.cases.case_kpis / area_kpis
/ unit_kpis, queries.trends, queries.party, queries.league.league_table) for a Scope whose window is the
bulletin's period, so it equals what 总览, 排行榜 and 党建·志愿 show for that window and scope
(tests/test_bulletin_content.py compares them field by field). This module only arranges and words
them; renderers (reports/render_*.py) turn a Bulletin into Word, PDF and Excel without computing.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import pandas as pd

from data.config import CityConfig
from queries import cases as case_queries
from queries import handoffs as handoff_queries
from queries import party as party_queries
from queries import trends as trend_queries
from queries.kpis import Kpi, format_value, kpi_columns, kpi_value, people_registry, registry
from queries.league import league_columns, league_table, red_black
from data.privacy import scrub_text
from queries.runner import CursorSource
from queries.scope import Scope
from queries.scores import ScoreConfig
from reports import words
from reports.config import BulletinConfig
from reports.periods import Period, cn_date

KIND_NAMES = {"event": "事件", "component": "部件"}
WORKERS = 4   # sections queried side by side
ALL_CATEGORIES = 100_000   # top_categories' top_n that lists every 小类
LEVEL_BY = {1: "district", 2: "street", 3: "community", 4: "grid"}
# The pipeline of the published monthly bulletins (天门): stage label, KPI key, the rate beside it.
PIPELINE = (("受理", "accepted", None), ("立案", "filed", None), ("派遣", "dispatched", None),
            ("应结案", "due", None), ("结案", "closed", "closing_rate"), ("按期结案", "on_time_closed", "on_time_rate"))
# Rates the 总体情况 table lists after the pipeline (registry keys), in bulletin order.
RATES = ("closing_rate", "on_time_rate", "disposal_rate", "on_time_disposal_rate", "rework_rate",
         "first_time_rate", "satisfaction_rate")
# 表1, in order: every KPI the bulletin states (the text reads only these counts too).
OVERVIEW_KEYS = tuple(k for _, k, _ in PIPELINE) + ("closed_in_period",) + RATES + ("overdue_open",)


@dataclass
class Table:
    """One table of the bulletin: Chinese headers, raw values (numbers stay numbers for Excel), and the
    kind of each column (text | count | rate | score | decimal) so every renderer formats alike."""
    title: str
    frame: pd.DataFrame
    kinds: dict[str, str]
    note: str = ""
    doc_rows: int | None = None     # Word/PDF show the first rows only (the rest: Excel appendix); None = all

    def text_rows(self, limit: int | None = None) -> list[list[str]]:
        out = []
        frame = self.frame if limit is None else self.frame.head(limit)
        for _, row in frame.iterrows():
            out.append([cell_text(row[c], self.kinds.get(c, "text")) for c in self.frame.columns])
        return out

    @property
    def headers(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def cell_text(value, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "rate":
        return format_value(float(value), "rate")
    if kind in ("score", "decimal"):
        return f"{float(value):.2f}"
    return str(value)


@dataclass
class Chart:
    key: str
    title: str
    png: bytes = b""


@dataclass
class Bulletin:
    title: str
    doc_no: str
    issuer: str
    period: Period
    scope_text: str                 # 范围：全市 / 资阳区 …, and any filters in force
    generated_at: datetime
    generated_by: str
    is_empty: bool
    summary: list[str]              # 一、总体情况: paragraphs
    pipeline: list[dict]            # stage, count, rate, previous / year-ago texts (for the flow line)
    sections: list[tuple[str, list[str], list[Table]]]   # (heading, paragraphs, tables)
    closing: list[str]              # 下步工作要求
    charts: list[Chart] = field(default_factory=list)
    figures: dict[str, float | int | None] = field(default_factory=dict)   # raw figures, for tests and the webhook
    chart_frames: dict[str, pd.DataFrame] = field(default_factory=dict)    # what reports/charts.py draws

    @property
    def tables(self) -> list[Table]:
        return [t for _, _, tables in self.sections for t in tables]

    @property
    def file_stem(self) -> str:
        scope = self.scope_text.split("；")[0].removeprefix("范围：")
        return f"{self.period.label}{self.period.kind_label}_{scope}".replace("/", "-").replace(" ", "")


def with_window(scope: Scope, period: Period) -> Scope:
    """The page's or the job's Scope (identity, filters, KPI rules) with the period's window."""
    return replace(scope, start_date=period.start, end_date=period.end)


def _name(text) -> str:
    """Names from the database as they may appear in a document: scrubbed of personal numbers."""
    return scrub_text(str(text)) if text is not None and not (isinstance(text, float) and pd.isna(text)) else "—"


def _value(row: pd.Series, kpi: Kpi) -> float | None:
    return kpi_value(row, kpi)


def _scope_text(source: CursorSource, scope: Scope, city: CityConfig) -> str:
    areas = case_queries.area_options(source, scope)
    names = dict(zip(areas.area_code, areas.name))
    parts = []
    for codes in (scope.grids, scope.communities, scope.streets, scope.districts):
        if codes:
            parts = [names.get(c, c) for c in codes]
            break
    access = scope.access
    if parts:
        where = "、".join(_name(p) for p in parts)
    elif access.all_districts:
        where = "全市"
    elif access.units:      # a unit grant: its own cases wherever they are
        units = case_queries.unit_options(source, scope)
        unit_names = dict(zip(units.unit_code, units.name))
        where = "、".join(_name(unit_names.get(c, c)) for c in access.units)
    else:
        where = "、".join(_name(names.get(c, c)) for c in (access.streets or access.districts)) or "无权限范围"
    extra = []
    if scope.kinds:
        extra.append("类别：" + "、".join(KIND_NAMES.get(k, k) for k in scope.kinds))
    if scope.majors or scope.categories:
        extra.append("限定大类/小类")
    if scope.sources:
        extra.append(f"限定来源 {len(scope.sources)} 个")
    if scope.units:
        extra.append(f"限定责任单位 {len(scope.units)} 个")
    return "；".join([f"范围：{where}", *extra])


def build(source: CursorSource, scope: Scope, period: Period, *, city: CityConfig, scores: ScoreConfig,
          config: BulletinConfig, generated_by: str, generated_at: datetime, seq: int = 1) -> Bulletin:
    """The whole bulletin for `period` inside `scope` (its access and filters; its window is replaced)."""
    kpis = registry(city)
    cur = with_window(scope, period)
    prev_p, year_p = period.previous(), period.year_ago()
    prev, year_ago = with_window(scope, prev_p), with_window(scope, year_p)
    basis, ybasis = period.previous_words, "去年同期"

    level = 1 if cur.districts is None else 2 if cur.streets is None else 3 if cur.communities is None else 4
    # Only the counts the bulletin states (as 总览 fetches only its cards'): the rest of kpi_counts' row
    # (step rates, durations) would double the cost of the three headline queries.
    columns = kpi_columns(kpis[k] for k in OVERVIEW_KEYS)
    # The sections' queries are independent: run them side by side (one cursor each; DuckDB works while
    # Python arranges another section's frames). Measured in benchmarks/bench_bulletin.py.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = {
            "row": pool.submit(case_queries.case_kpis, source, cur, columns),
            "row_prev": pool.submit(case_queries.case_kpis, source, prev, columns),
            "row_year": pool.submit(case_queries.case_kpis, source, year_ago, columns),
            "handoffs": pool.submit(handoff_queries.unit_handoffs, source, cur),
            "backlog": pool.submit(case_queries.overdue_backlog, source, cur),
            "sources": pool.submit(_sources_and_categories, source, cur, prev, config, basis),
            "areas": pool.submit(_areas, source, cur, prev, level, city, kpis, scores, config, basis),
            "units": pool.submit(_units, source, cur, prev, city, kpis, scores, config, basis),
            "party": pool.submit(_party, source, cur, prev, basis),
            "trend": pool.submit(case_queries.daily_trend, source, cur),
            "scope_text": pool.submit(_scope_text, source, cur, city),
        }
        done = {name: job.result() for name, job in jobs.items()}
    row, row_prev, row_year, handoffs = done["row"], done["row_prev"], done["row_year"], done["handoffs"]
    figures: dict[str, float | int | None] = {c: (None if pd.isna(row[c]) else row[c]) for c in row.index
                                             if c.endswith(("_count", "_den", "_num"))}
    scope_text = done["scope_text"]
    where = scope_text.split("；")[0].removeprefix("范围：")
    is_empty = int(row.accepted_count) == 0 and int(row.due_count) == 0 and int(row.closed_count) == 0

    # ── 一、总体情况: the pipeline and every rate, with 环比 and 同比 in words ──
    pipeline = []
    for label, key, rate_key in PIPELINE:
        k = kpis[key]
        stage = {"stage": label, "count": _value(row, k), "count_text": words.count(_value(row, k)),
                 "mom": words.count_change(_value(row, k), _value(row_prev, k), basis),
                 "yoy": words.count_change(_value(row, k), _value(row_year, k), ybasis)}
        if rate_key:
            r = kpis[rate_key]
            stage |= {"rate_label": r.label, "rate": _value(row, r), "rate_text": words.rate(_value(row, r)),
                      "rate_mom": words.rate_change(_value(row, r), _value(row_prev, r), basis),
                      "rate_yoy": words.rate_change(_value(row, r), _value(row_year, r), ybasis)}
        pipeline.append(stage)
    if is_empty:
        summary = [f"{period.span_text}，{where}无案件数据：本期没有受理、应结案或结案的案件。"
                   "以下各表如无数据均注明“本期无数据”。"]
    else:
        acc, fil, dis, due, clo, ont = pipeline
        summary = [
            f"{period.span_text}，{where}共受理案件 {acc['count_text']}，{_join(acc['mom'], acc['yoy'])}；"
            f"立案 {fil['count_text']}，派遣 {dis['count_text']}；应结案 {due['count_text']}，"
            f"结案 {clo['count_text']}，结案率 {clo['rate_text']}"
            f"{_paren(_join(clo['rate_mom'], clo['rate_yoy']))}；按期结案 {ont['count_text']}，"
            f"按期结案率 {ont['rate_text']}{_paren(_join(ont['rate_mom'], ont['rate_yoy']))}。",
        ]
        disp = kpis["disposal_rate"]
        summary.append(
            f"立案派遣 {words.count(row.disposal_den)}，处置结案 {words.count(row.disposal_num)}，处置率 "
            f"{words.rate(_value(row, disp))}{_paren(words.rate_change(_value(row, disp), _value(row_prev, disp), basis))}。"
            f"返工案件 {words.count(row.due_rework_count)}，推诿（处置前转派其他单位）案件 "
            f"{words.count(int(handoffs.passed_on_cases.sum()) if len(handoffs) else 0)}；"
            f"截至生成时超期未处置 {words.count(row.overdue_open_count)}。")
    overview = _overview_table(kpis, row, row_prev, row_year, basis)
    figures |= {"rework_count": int(row.due_rework_count),
                "handoff_cases": int(handoffs.passed_on_cases.sum()) if len(handoffs) else 0}

    sections: list[tuple[str, list[str], list[Table]]] = [("一、总体情况", summary, [overview])]
    sections.append(done["sources"])
    area_section, area_table = done["areas"]
    sections.append(area_section)
    unit_section, unit_table, unit_prev = done["units"]
    sections.append(unit_section)
    backlog = done["backlog"]
    sections.append(_overdue(cur, row, backlog, handoffs, config))
    sections.append(done["party"])

    closing = _closing(period, where, row, row_prev, kpis, unit_table, unit_prev, backlog, config, generated_at,
                       is_empty, basis)
    title = f"关于{period.label}{where}社会治理案件办理情况的通报"
    doc_no = config.doc_no.format(issuer=_issuer_short(config.issuer), year=period.last_day.year, seq=seq)
    level_name = city.level_names[level - 1]
    return Bulletin(title=title, doc_no=doc_no, issuer=config.issuer, period=period, scope_text=scope_text,
                    generated_at=generated_at, generated_by=generated_by, is_empty=is_empty, summary=summary,
                    pipeline=pipeline, sections=sections, closing=closing, figures=figures,
                    charts=[Chart("trend", "图1 统计期内受理与办结"), Chart("areas", f"图2 各{level_name}综合指标值"),
                            Chart("sources", "图3 案件来源构成")],
                    chart_frames={"trend": done["trend"], "areas": area_table,
                                  "sources": sections[1][2][0].frame})


def _issuer_short(issuer: str) -> str:
    """益阳市社会治理指挥中心 -> 益治指 style short names are a city's choice; the default pattern uses
    the first two characters and 指挥 (operators set doc_no in city.toml)."""
    return issuer[:2] + "指挥"


def _join(*parts: str) -> str:
    return "，".join(p for p in parts if p)


def _paren(text: str) -> str:
    return f"（{text}）" if text else ""


def _overview_table(kpis, row, row_prev, row_year, basis: str) -> Table:
    records = []
    for key in OVERVIEW_KEYS:
        k = kpis[key]
        now, before, year = _value(row, k), _value(row_prev, k), _value(row_year, k)
        if k.fmt == "rate":
            mom, yoy = words.rate_change(now, before, basis), words.rate_change(now, year, "去年同期")
            frac = f"{int(row[k.numerator]):,} / {int(row[k.denominator]):,}"
        else:
            mom = "" if k.is_live else words.count_change(now, before, basis)
            yoy = "" if k.is_live else words.count_change(now, year, "去年同期")
            frac = ""
        records.append({"指标": k.label, "本期": now, "分子/分母": frac, "上期": None if k.is_live else before,
                        "环比": mom or "—", "去年同期": None if k.is_live else year, "同比": yoy or "—",
                        "_kind": k.fmt})
    frame = pd.DataFrame(records)
    # One column holds counts and rates: store each as its display text in the table, raw in figures.
    for col in ("本期", "上期", "去年同期"):
        frame[col] = [cell_text(v, "rate" if kind == "rate" else "count") for v, kind in zip(frame[col], frame["_kind"])]
    frame = frame.drop(columns="_kind")
    return Table("表1 主要指标及同比、环比", frame, {c: "text" for c in frame.columns},
                 note="超期未处置为生成时刻的实时数，不作比较；比率为分子 ÷ 分母，百分点差按显示值计算。")


def _sources_and_categories(source, scope, prev, config: BulletinConfig, basis: str):
    mix = trend_queries.source_mix(source, scope, "month")
    by_source = (mix.groupby(["source_code", "source_name"], as_index=False)["case_count"].sum()
                 .sort_values(["case_count", "source_code"], ascending=[False, True]))
    total = int(by_source.case_count.sum())
    src = pd.DataFrame({"来源": by_source.source_name.map(_name), "受理数": by_source.case_count.astype(int),
                        "占比": by_source.case_count / total if total else None})
    tables = [Table("表2 案件来源", src, {"来源": "text", "受理数": "count", "占比": "rate"})]
    top = trend_queries.top_categories(source, scope, config.top_n)
    # The 趋势 page compares with the days just before (equal length); a bulletin says 上月 / 上周, so the
    # previous counts come from the previous calendar period (every 小类 of it, by code).
    before = trend_queries.top_categories(source, prev, ALL_CATEGORIES)
    previous = dict(zip(before.category_code, before.case_count.astype(int)))
    top = top.assign(previous_count=[previous.get(c, 0) for c in top.category_code])
    paragraphs = []
    if total:
        lead = by_source.iloc[0]
        paragraphs.append(f"按来源分，{_name(lead.source_name)}受理 {words.count(lead.case_count)}，占 "
                          f"{words.rate(lead.case_count / total)}，为最主要来源。")
    for kind in ("event", "component"):
        part = top[top.kind == kind]
        label = KIND_NAMES[kind]
        frame = pd.DataFrame({
            "名次": part["rank"].astype(int), "大类": part.major_name.map(_name), "小类": part.minor_name.map(_name),
            "受理数": part.case_count.astype(int), f"占{label}比例": part.share_rate.astype(float),
            f"{basis}": part.previous_count.astype(int),
            "变化": [words.count_change(a, b, basis) for a, b in zip(part.case_count, part.previous_count)],
        })
        tables.append(Table(f"表{len(tables) + 2} {label}高发前{config.top_n}", frame,
                            {"名次": "count", "大类": "text", "小类": "text", "受理数": "count",
                             f"占{label}比例": "rate", basis: "count", "变化": "text"}))
        if len(part):
            total_kind = int(part.kind_total.iloc[0])
            names = words.join_names([f"{_name(n)}（{int(c):,} 件）" for n, c in zip(part.minor_name, part.case_count)])
            paragraphs.append(f"{label}类共受理 {total_kind:,} 件，高发问题依次为{names}。")
    if not total:
        paragraphs = ["本期无数据。"]
    return ("二、案件来源与高发问题", paragraphs, tables)


def _league_frames(source, cur, prev, key, kpis, scores, city, level: int | None):
    columns = league_columns(key, kpis, scores)
    if level is None:
        frame, before = case_queries.unit_kpis(source, cur, columns), case_queries.unit_kpis(source, prev, columns)
        group = None
    else:
        frame = case_queries.area_kpis(source, cur, level, columns)
        before = case_queries.area_kpis(source, prev, level, columns)
        group = city.level_names[level - 1]
    table = league_table(frame, before, key, kpis, scores, city.league_min_volume, area_group=group)
    previous = league_table(before, before.iloc[0:0], key, kpis, scores, city.league_min_volume, area_group=group)
    return table, previous


def _league_frame(table: pd.DataFrame, previous: pd.DataFrame, entity: str, preset, kpis, basis: str) -> tuple[pd.DataFrame, dict]:
    prev_value = previous.set_index(["peer_group", "group_code"])["value"]
    keys = list(zip(table.peer_group, table.group_code))
    before = [prev_value.get(k) for k in keys]
    out = pd.DataFrame({
        "分组": table.peer_group.map(_name),
        "名次": table["rank"],
        entity: table["name"].map(_name),
        "综合指标值": table["value"],
        "等级": table["grade"],
        f"{basis}综合指标值": before,
        "名次变化": table["change"],
    })
    kinds = {"分组": "text", "名次": "count", entity: "text", "综合指标值": "score", "等级": "text",
             f"{basis}综合指标值": "score", "名次变化": "text"}
    for i, comp in enumerate(preset.components):
        k = kpis[comp.kpi]
        name = comp.label or k.label
        if comp.transform == "steps":        # a stepped volume score: show the points it gave
            out[name] = table[f"points_{i}"]
            kinds[name] = "score"
        elif k.fmt == "rate":
            out[name] = [kpi_value(r, k) for _, r in table.iterrows()]
            kinds[name] = "rate"
        else:
            out[name] = table[k.numerator].astype(int)
            kinds[name] = "count"
    out["样本量（应结案）"] = table["volume"].astype(int)
    kinds["样本量（应结案）"] = "count"
    out["参与排名"] = ["是" if r else "否" for r in table.is_ranked]
    kinds["参与排名"] = "text"
    return out.reset_index(drop=True), kinds


def _red_black_lines(table: pd.DataFrame, n: int) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    lines, reds, blacks = [], {}, {}
    order = table.groupby("peer_group")["group_code"].min().sort_values().index.tolist()
    for group in order:
        part = table[table.peer_group == group]
        best, worst = red_black(part, n)
        if best.empty:
            lines.append(f"{_name(group)}：参与排名的对象不足，不设红黑榜。")
            continue
        reds[group] = [_name(x) for x in best["name"]]
        blacks[group] = [_name(x) for x in worst["name"]]
        red = "、".join(f"{_name(r['name'])}（{r['value']:.2f} 分）" for _, r in best.iterrows())
        black = "、".join(f"{_name(r['name'])}（{r['value']:.2f} 分）" for _, r in worst.iterrows())
        lines.append(f"{_name(group)}：红榜 {red}" + (f"；黑榜 {black}" if black else "") + "。")
    return lines, reds, blacks


def _areas(source, cur, prev, level, city, kpis, scores, config, basis):
    key = f"score.{scores.defaults['area']}"
    preset = scores.presets[scores.defaults["area"]]
    entity = city.level_names[level - 1]
    table, previous = _league_frames(source, cur, prev, key, kpis, scores, city, level)
    frame, kinds = _league_frame(table, previous, entity, preset, kpis, basis)
    paragraphs = [f"按{preset.label}（{preset.source.split('：')[-1]}）计算各{entity}综合指标值，"
                  f"等级 {scores.grade_rule()}；应结案不少于 {city.league_min_volume} 件的参与排名。"]
    if table.empty:
        paragraphs.append("本期无数据。")
    else:
        lines, _, _ = _red_black_lines(table, config.red_black_size)
        paragraphs += lines
    return (f"三、各{entity}综合评价", paragraphs,
            [Table(f"表5 各{entity}综合指标值与等级", frame, kinds)]), table


def _units(source, cur, prev, city, kpis, scores, config, basis):
    key = f"score.{scores.defaults['unit']}"
    preset = scores.presets[scores.defaults["unit"]]
    table, previous = _league_frames(source, cur, prev, key, kpis, scores, city, None)
    frame, kinds = _league_frame(table, previous, "责任单位", preset, kpis, basis)
    paragraphs = [f"按{preset.label}（{preset.source.split('：')[-1]}）分组排名，等级 {scores.grade_rule()}；"
                  f"应结案不少于 {city.league_min_volume} 件的单位参与排名，每组通报红榜、黑榜各 {config.red_black_size} 名。"]
    tables = []
    if table.empty:
        paragraphs.append("本期无数据。")
    else:
        lines, _, _ = _red_black_lines(table, config.red_black_size)
        paragraphs += lines
        for i, group in enumerate(table.groupby("peer_group")["group_code"].min().sort_values().index):
            part = frame[frame["分组"] == _name(group)].drop(columns="分组")
            ranked = int((part["参与排名"] == "是").sum())
            note = f"未达排名门槛的 {len(part) - ranked} 个单位见 Excel 附表。" if ranked < len(part) else ""
            tables.append(Table(f"表6-{i + 1} 责任单位综合评价（{_name(group)}）", part.reset_index(drop=True),
                                {k: v for k, v in kinds.items() if k != "分组"}, note=note,
                                doc_rows=ranked if ranked < len(part) else None))
    return ("四、责任单位综合评价", paragraphs, tables), table, previous


def _overdue(cur, row, backlog: pd.DataFrame, handoffs: pd.DataFrame, config):
    total = int(backlog.overdue_count.sum()) if len(backlog) else 0
    carried = int(backlog.carried_overdue_count.sum()) if len(backlog) else 0
    as_of = "统计期末" if cur.end_date <= cur.now_at.date() else "生成时"
    listed = (f"超期未结案件共 {total:,} 件，其中本期到期 {total - carried:,} 件、遗留超期（此前到期）{carried:,} 件；"
              f"超期最多的 {min(config.overdue_rows, len(backlog))} 个单位列于表7（全部见 Excel 附表）。") if total \
        else "无超期未结案件。"
    passed = handoffs[handoffs.passed_on_cases > 0].sort_values(["passed_on_cases", "unit_code"], ascending=[False, True]) \
        if len(handoffs) else handoffs
    passed_total = int(passed.passed_on_cases.sum()) if len(passed) else 0
    paragraphs = [f"截至{as_of}，{listed}本期返工（核查未通过退回）{int(row.due_rework_count):,} 件。",
                  (f"本期推诿（处置前转派其他单位）{passed_total:,} 件、{int(passed.handoffs.sum()):,} 次，涉及 {len(passed)} 个单位，"
                   f"其中退回原单位 {int(passed.returned_cases.sum()):,} 件；转出最多的单位见表8。") if passed_total
                  else "本期无推诿（处置前转派其他单位）案件。"]
    frame = pd.DataFrame({"责任单位": backlog.unit_name.map(_name), "分组": backlog.peer_group.fillna("其他").map(_name),
                          "超期未结": backlog.overdue_count.astype(int),
                          "其中本期到期": backlog.period_overdue_count.astype(int),
                          "其中遗留超期": backlog.carried_overdue_count.astype(int)})
    kinds = {"责任单位": "text", "分组": "text", "超期未结": "count", "其中本期到期": "count", "其中遗留超期": "count"}
    overdue = Table("表7 超期未处置与遗留超期（按单位）", frame, kinds, doc_rows=config.overdue_rows,
                    note=f"按{as_of}未结案且已过结案时限计；不含作废、挂账与不予立案案件。")
    hand = pd.DataFrame({
        "责任单位": passed.unit_name.fillna(passed.unit_code).map(_name),
        "派遣到该单位": passed.dispatched_cases.astype(int), "转出案件": passed.passed_on_cases.astype(int),
        "转出次数": passed.handoffs.astype(int), "被退回": passed.returned_cases.astype(int),
        "推诿率": passed.handoff_rate.astype(float)})
    handoff_table = Table("表8 推诿（转出）较多的单位", hand,
                          {"责任单位": "text", "派遣到该单位": "count", "转出案件": "count", "转出次数": "count",
                           "被退回": "count", "推诿率": "rate"}, doc_rows=config.overdue_rows,
                          note="推诿：案件在任何单位处置回告之前被再次派遣到另一个单位；推诿率 = 转出案件数 ÷ 派遣到该单位的案件数。")
    return ("五、超期、返工与推诿", paragraphs, [overdue, handoff_table])


def _party(source, cur, prev, basis: str):
    from queries.trends import auto_grain

    people = people_registry()

    def headline_of(scope):
        trend = party_queries.checkin_trend(source, scope, auto_grain(scope))
        by_community = party_queries.service_by_community(source, scope)
        return headline(trend, by_community, scope)

    def headline(trend, by_community, scope):
        return party_queries.headline(
            trend, party_queries.whistles(source, scope), party_queries.wishes(source, scope),
            party_queries.three_lists(source, scope), party_queries.supervision(source, scope),
            party_queries.secretary_summary(party_queries.secretary_visits(source, scope)),
            by_community.service_hours.sum(), by_community.activity_count.sum())

    now, before = headline_of(cur), headline_of(prev)
    keys = ("report_in_rate", "checkins", "activities", "service_hours", "whistle_solve_rate", "whistle_response",
            "wish_claim_rate", "wish_completion_rate", "wish_value", "need_claim_rate", "rectification_rate",
            "secretary_visit_rate")
    records = []
    for key in keys:
        k = people[key]
        a, b = kpi_value(now, k), kpi_value(before, k)
        change = words.rate_change(a, b, basis) if k.fmt == "rate" else ""
        frac = f"{int(now[k.numerator]):,} / {int(now[k.denominator]):,}" if k.denominator else ""
        records.append({"指标": k.label, "本期": format_value(a, k.fmt), "分子/分母": frac,
                        "上期": format_value(b, k.fmt), "环比": change or "—"})
    frame = pd.DataFrame(records)
    w = people["whistle_response"]
    paragraphs = [
        f"党员干部报到率 {format_value(kpi_value(now, people['report_in_rate']), 'rate')}"
        f"（{int(now.reported_in_count):,} / {int(now.assigned_count):,} 人）；开展志愿活动 {int(now.activity_count):,} 场，"
        f"志愿服务时长 {format_value(float(now.service_hours), 'clock_hours')}。",
        f"社区吹哨 {int(now.whistle_count):,} 次，已解决 {int(now.whistle_solved_count):,} 次，解决率 "
        f"{format_value(kpi_value(now, people['whistle_solve_rate']), 'rate')}；部门报到用时中位数 "
        f"{format_value(kpi_value(now, w), 'clock_hours')}。",
        f"微心愿发布 {int(now.wish_posted_count):,} 个、认领 {int(now.wish_claimed_count):,} 个、完成 "
        f"{int(now.wish_completed_count):,} 个，完成价值 {format_value(float(now.wish_completed_value_yuan), 'yuan')}；"
        f"督办问题 {int(now.order_count):,} 个，已整改 {int(now.order_rectified_count):,} 个，整改率 "
        f"{format_value(kpi_value(now, people['rectification_rate']), 'rate')}"
        + (f"（整改期限未到的 {int(now.get('order_pending_count', 0)):,} 个不计入）"
           if int(now.get("order_pending_count", 0)) else "") + "。",
    ]
    return ("六、党建引领与志愿服务", paragraphs,
            [Table("表9 党建引领主要指标", frame, {c: "text" for c in frame.columns})])


def _closing(period: Period, where: str, row, row_prev, kpis, units: pd.DataFrame, units_prev: pd.DataFrame,
             backlog: pd.DataFrame, config: BulletinConfig, generated_at: datetime, is_empty: bool,
             basis: str) -> list[str]:
    """Standard phrases chosen by the numbers: overall direction, units that improved or fell, the
    units that must rectify and by when."""
    if is_empty:
        return [f"本期{where}无案件数据，请各单位核实数据报送情况。"]
    out = []
    on_time = kpis["on_time_rate"]
    a, b = _value(row, on_time), _value(row_prev, on_time)
    change = words.rate_change(a, b, basis)
    if a is not None and b is not None and round(a - b, 4) > 0:
        out.append(f"本期{where}按期结案率为 {words.rate(a)}，{change}，案件办理质效持续向好。")
    elif a is not None and b is not None and round(a - b, 4) < 0:
        out.append(f"本期{where}按期结案率为 {words.rate(a)}，{change}，各单位要高度重视，认真分析原因。")
    elif a is not None:
        out.append(f"本期{where}按期结案率为 {words.rate(a)}" + (f"，{change}" if change else "") + "。")
    if len(units):
        prev_value = units_prev.set_index(["peer_group", "group_code"])["value"] if len(units_prev) else pd.Series(dtype=float)
        diffs = []
        for _, r in units[units.is_ranked].iterrows():
            before = prev_value.get((r.peer_group, r.group_code))
            if before is not None and not pd.isna(before) and not pd.isna(r.value):
                diffs.append((round(float(r.value) - float(before), 2), _name(r["name"])))
        up = [n for d, n in sorted(diffs, reverse=True) if d >= config.score_change_points][:5]
        down = [n for d, n in sorted(diffs) if d <= -config.score_change_points][:5]
        if up:
            out.append(f"{words.join_names(up)}综合指标值较{basis}提升明显，予以通报表扬。")
        if down:
            out.append(f"{words.join_names(down)}综合指标值较{basis}下降较多，请查找原因、及时改进。")
        low = units[units.is_ranked & units.grade.isin(["D", "E"])]
        _, _, blacks = _red_black_lines(units, config.red_black_size)
        named = list(dict.fromkeys([n for names in blacks.values() for n in names] + [_name(n) for n in low["name"]]))
        if named:
            due = generated_at.date() + timedelta(days=config.rectify_days)
            out.append(f"请{words.join_names(named, limit=12)}对照通报问题认真整改，于 {cn_date(due)} 前将整改情况"
                       f"书面报送{config.issuer}。")
    total = int(backlog.overdue_count.sum()) if len(backlog) else 0
    if total:
        worst = words.join_names([_name(n) for n in backlog.unit_name.head(3)])
        out.append(f"超期未结案件共 {total:,} 件，{worst}超期案件较多，请限期办结，逾期未办结的将提请督办。")
    else:
        out.append("本期无超期未结案件。")
    return out
