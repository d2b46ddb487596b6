"""Demo data for the case stream: units and millions of cases, vectorised with numpy.

Shapes are calibrated to domain.md: ~98% of accepted cases filed, closing rate ~94% varying by
unit and month, on-time rates from ~75% (slow units) to ~99% (good ones), 1-3% rework, ~90%
satisfied, a power-law spread of categories, daily and weekly rhythm, holiday dips, growth.
Steps later than `now` are not done yet, so recent cases are open and some are overdue.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from data.deadlines import DeadlinePolicy, case_deadlines
from data.worktime import WorkCalendar, limits_for

CITY_BUREAUS = [
    ("市城市管理和综合执法局", "city_bureau"), ("市住房和城乡建设局", "city_bureau"), ("市水利局", "city_bureau"),
    ("市交通运输局", "city_bureau"), ("市生态环境局", "city_bureau"), ("市市场监督管理局", "city_bureau"),
    ("市自然资源和规划局", "city_bureau"), ("市公安局交警支队", "city_bureau"), ("市应急管理局", "city_bureau"),
    ("市园林绿化中心", "city_bureau"), ("市卫生健康委员会", "city_bureau"), ("市民政局", "city_bureau"),
    ("市供水有限公司", "enterprise"), ("国网益阳供电公司", "enterprise"), ("市燃气有限公司", "enterprise"),
    ("市公交集团", "enterprise"), ("中国电信益阳分公司", "enterprise"),
]
DISTRICT_BUREAUS = ["城市管理和综合执法局", "住房和城乡建设局", "市场监督管理局", "交通运输局", "应急管理局"]
PEER_GROUP = {"city_bureau": "市直部门", "enterprise": "公用企业", "district_bureau": "区县部门", "street_office": "街道(乡镇)"}

# Which kind of unit handles each major class; names are matched against the unit lists above.
MAJOR_HANDLERS = {
    "B01": ["市供水有限公司", "城市管理和综合执法局", "住房和城乡建设局"],
    "B02": ["城市管理和综合执法局", "市公安局交警支队", "交通运输局", "国网益阳供电公司", "市公交集团"],
    "B03": ["城市管理和综合执法局", "street_office"],
    "B04": ["市园林绿化中心", "城市管理和综合执法局"],
    "B05": ["住房和城乡建设局", "street_office"],
    "S01": ["street_office", "城市管理和综合执法局"],
    "S02": ["城市管理和综合执法局", "street_office"],
    "S03": ["住房和城乡建设局", "市自然资源和规划局", "城市管理和综合执法局"],
    "S04": ["市水利局", "市供水有限公司", "城市管理和综合执法局"],
    "S05": ["street_office", "城市管理和综合执法局", "市公安局交警支队"],
    "S06": ["市场监督管理局", "市市场监督管理局"],
    "S07": ["street_office"],
    "S08": ["应急管理局", "市燃气有限公司", "street_office"],
    "S09": ["市园林绿化中心", "street_office"],
}
SOURCE_SHARES = {"grid": 0.45, "hotline": 0.25, "app": 0.14, "whistle": 0.03, "supervision": 0.03, "video": 0.08, "media": 0.02}
# Minutes the command centre takes for each of its steps: (median, lognormal sigma). The live
# simulator (data/simulate.py) moves cases forward with the same timing.
CENTRE_STEP_MINUTES = {"accept": (12, 0.8), "file": (15, 0.7), "dispatch": (18, 0.7), "self_handle": (25, 0.6),
                       "verify": (50, 0.7), "close": (20, 0.7)}
HANDLE_SHARE_SIGMA = 0.6
MAX_LIMIT_SHARE = 4.0
# Units whose crews work weekends at reduced strength (环卫, 城管, 园林, utilities' repair crews; the
# 12345 centre is staffed daily):
# a share of their cases is handled over 08:00-18:00 of every day instead of office hours.
WEEKEND_CREWS = ("城市管理和综合执法局", "园林绿化", "street_office", "enterprise")
WEEKEND_SHARE = 0.85           # of a crew unit's cases; other bureaus keep a weekend duty for a few
DUTY_SHARE = 0.35
CREW_DAY_START, CREW_DAY_END = 8 * 60, 18 * 60
# Problems that need several units (违法建设, 施工, 安全隐患, 管网): where a real backlog sits.
HARD_MAJORS = ("S03", "S08", "B01", "B05")
HOUR_WEIGHTS = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.3, 1.0, 2.5, 5.0, 7.0, 7.5, 6.0, 3.5, 3.0, 5.5, 6.5, 6.5, 5.5,
                         3.5, 2.5, 2.0, 1.5, 1.0, 0.6])
MINUTE = np.timedelta64(1, "m")


def build_units(areas: pd.DataFrame, district_names: dict[str, str], rng: np.random.Generator) -> pd.DataFrame:
    """City bureaus and utilities, five bureaus per district, one office per street; each with a
    hidden `quality` (0..1) that drives its on-time rate in the demo."""
    rows = [(f"C{i + 1:03d}", name, kind, PEER_GROUP[kind], None) for i, (name, kind) in enumerate(CITY_BUREAUS)]
    for d_code, d_name in district_names.items():
        for j, b in enumerate(DISTRICT_BUREAUS):
            rows.append((f"D{d_code}{j + 1:02d}", f"{d_name}{b}", "district_bureau", PEER_GROUP["district_bureau"], d_code))
    streets = areas[areas.level == 2]
    for s in streets.itertuples():
        rows.append((f"S{s.area_code}", street_office_name(s.name), "street_office", PEER_GROUP["street_office"],
                     s.district_code))
    units = pd.DataFrame(rows, columns=["unit_code", "name", "kind", "peer_group", "district_code"])
    units["quality"] = unit_quality(len(units), rng)
    return units


def street_office_name(area_name: str) -> str:
    """The government of a street or town: 街道办事处, but 镇/乡人民政府."""
    return f"{area_name}人民政府" if area_name.endswith(("镇", "乡")) else f"{area_name}办事处"


def unit_quality(n: int, rng: np.random.Generator) -> np.ndarray:
    """Hidden quality (0..1) of each unit, shaped like published league tables: most units good
    (on-time in the 90s), some middling, a few slow ones near 75%, and one or two that barely reply
    and hold most of the overdue backlog (the units a bulletin names)."""
    quality = rng.beta(6.0, 1.4, n)
    order = rng.permutation(n)
    n_failing, n_slow, n_middling = max(2, n // 60), max(3, n // 16), max(4, n // 8)
    quality[order[:n_failing]] = rng.uniform(0.0, 0.03, n_failing)
    quality[order[n_failing:n_failing + n_slow]] = rng.uniform(0.12, 0.3, n_slow)
    quality[order[n_failing + n_slow:n_failing + n_slow + n_middling]] = rng.uniform(0.35, 0.65, n_middling)
    return quality


def handler_table(units: pd.DataFrame, majors: list[str], districts: list[str]) -> dict[tuple[str, str], np.ndarray]:
    """(major_code, district_code) → candidate unit row indices."""
    table = {}
    for major in majors:
        wanted = MAJOR_HANDLERS.get(major, ["street_office"])
        for d in districts:
            idx = []
            for w in wanted:
                if w == "street_office":
                    m = (units.kind == "street_office") & (units.district_code == d)
                elif w in DISTRICT_BUREAUS:
                    m = (units.kind == "district_bureau") & (units.district_code == d) & units.name.str.endswith(w)
                else:
                    m = units.name == w
                idx.extend(np.flatnonzero(m.to_numpy()).tolist())
            table[(major, d)] = np.array(sorted(set(idx)) or [0])
    return table


def daily_counts(cal: WorkCalendar, start: date, today: date, n_cases: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    days = pd.date_range(start, today, freq="D")
    t = np.linspace(0.0, 1.0, len(days))
    weight = 1.0 + 0.35 * t                                          # growth over time
    weight *= np.where(days.weekday >= 5, 0.72, 1.0)                 # weekly rhythm
    holiday = np.array([not cal.is_workday(d.date()) and d.weekday() < 5 for d in days])
    weight *= np.where(holiday, 0.55, 1.0)                           # holiday dips
    weight *= 1.0 + 0.12 * np.sin(2 * np.pi * (days.dayofyear.to_numpy() - 100) / 365.0)  # summer peak
    weight *= rng.lognormal(0.0, 0.08, len(days))
    counts = rng.multinomial(n_cases, weight / weight.sum())
    return days.to_numpy().astype("datetime64[m]"), counts


def _lognormal_minutes(rng, median_minutes: float, sigma: float, n: int) -> np.ndarray:
    return rng.lognormal(np.log(median_minutes), sigma, n)


def _centre_minutes(rng, step: str, n: int) -> np.ndarray:
    median, sigma = CENTRE_STEP_MINUTES[step]
    return _lognormal_minutes(rng, median, sigma, n)


def handle_share_median(quality: np.ndarray) -> np.ndarray:
    """Median share of the handling time limit a unit of this quality (0..1) takes: a good unit under
    half of it, a slow one over the limit."""
    slack = 1 - np.asarray(quality, dtype=float)
    return 0.28 + 0.65 * slack + 1.2 * slack ** 3


def crew_day_add(start: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """`start` plus `minutes` of crew time, counted over 08:00-18:00 of every day (weekends too)."""
    start = start.astype("datetime64[m]")
    day = start.astype("datetime64[D]").astype("datetime64[m]")
    minute = (start - day).astype(np.int64)
    day = np.where(minute >= CREW_DAY_END, day + np.timedelta64(1, "D"), day)
    minute = np.clip(np.where(minute >= CREW_DAY_END, CREW_DAY_START, minute), CREW_DAY_START, CREW_DAY_END)
    left_today = CREW_DAY_END - minute
    minutes = np.nan_to_num(np.asarray(minutes, dtype=float)).astype(np.int64)
    per_day = CREW_DAY_END - CREW_DAY_START
    over = np.maximum(minutes - left_today, 0)
    whole, rest = np.divmod(over, per_day)
    later = day + ((whole + 1) * 1440 + CREW_DAY_START + rest).astype("timedelta64[m]")
    return np.where(minutes <= left_today, day + (minute + minutes).astype("timedelta64[m]"), later)


def build_cases(
    *,
    n_cases: int,
    start: date,
    today: date,
    now: datetime,
    cal: WorkCalendar,
    categories: pd.DataFrame,
    limits: pd.DataFrame,
    units: pd.DataFrame,
    grids: pd.DataFrame,
    grid_points: dict[str, tuple[np.ndarray, np.ndarray]],
    rng: np.random.Generator,
    first_case_id: int = 1,
    origin: str = "demo",
    policy: DeadlinePolicy = DeadlinePolicy(),
    reported_at: np.ndarray | None = None,
) -> pa.Table:
    """One Arrow table with the columns of `cases` plus, for the step history, `first_unit_code`
    (the wrongly dispatched unit of re-dispatched cases), `rework_at` (the failed check) and
    `rehandled_at` (the second reply) of reworked cases, and `day_seq`. Rows are in reported_at order.

    reported_at, when given, are the report times (the live simulator's new cases); otherwise
    n_cases report times are drawn over [start, today] with the daily and weekly rhythm."""
    if reported_at is None:
        day_starts, counts = daily_counts(cal, start, today, n_cases, rng)
        n = int(counts.sum())
        day = np.repeat(day_starts, counts)
        hour = rng.choice(24, n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        reported = day + (hour * 60 + rng.integers(0, 60, n)).astype("timedelta64[m]")
    else:
        reported = np.asarray(reported_at, dtype="datetime64[m]")
    reported = np.sort(reported)
    now64 = np.datetime64(now, "m")
    keep = reported <= now64
    reported = reported[keep]
    n = len(reported)

    # What: power-law over categories (a fixed shuffled rank per seed). Categorical columns stay
    # integer indices into small dictionaries until the end: strings at 10M rows are the slow part.
    cat_codes = categories.category_code.to_numpy()
    ranks = rng.permutation(len(cat_codes)) + 1
    p_cat = 1.0 / ranks ** 1.1
    cat_idx = rng.choice(len(cat_codes), n, p=p_cat / p_cat.sum())
    majors, cat_major_idx = np.unique(categories.major_code.to_numpy(), return_inverse=True)
    kinds, cat_kind_idx = np.unique(categories.kind.to_numpy(), return_inverse=True)
    src_codes = np.array(list(SOURCE_SHARES))
    src_idx = rng.choice(len(src_codes), n, p=np.array(list(SOURCE_SHARES.values())))

    # Where: a grid by population, then a pre-sampled point inside it.
    g_pop = grids.population.fillna(1).to_numpy(dtype=float)
    g_idx = rng.choice(len(grids), n, p=g_pop / g_pop.sum())
    lat = np.empty(n)
    lon = np.empty(n)
    grid_codes = grids.area_code.to_numpy()
    for g, rows in _groups(g_idx, len(grids)):
        plat, plon = grid_points[grid_codes[g]]
        pick = rng.integers(0, len(plat), len(rows))
        lat[rows] = plat[pick]
        lon[rows] = plon[pick]
    districts, grid_district_idx = np.unique(grids.district_code.to_numpy(), return_inverse=True)

    # Who: a unit handling the major class where the case is: a city bureau or utility city-wide,
    # a district bureau in its district, and the office of the case's own street (街道/乡镇). All
    # street offices of a district count as one candidate, which is then the case's own street's.
    handlers = handler_table(units, list(majors), list(districts))
    unit_kinds = units.kind.to_numpy()
    office_of_street = {code[1:]: i for i, code in enumerate(units.unit_code.to_numpy())
                        if unit_kinds[i] == "street_office"}
    case_office = np.array([office_of_street.get(s, -1) for s in grids.street_code.to_numpy()])[g_idx]
    unit_idx = np.empty(n, dtype=np.int64)
    key = cat_major_idx[cat_idx] * len(districts) + grid_district_idx[g_idx]
    for k, rows in _groups(key, len(majors) * len(districts)):
        cand = handlers[(majors[k // len(districts)], districts[k % len(districts)])]
        is_office = unit_kinds[cand] == "street_office"
        slots = np.r_[cand[~is_office], [-1] if is_office.any() else []].astype(np.int64)
        picked = slots[rng.integers(0, len(slots), len(rows))]
        own = case_office[rows]
        fallback = cand[is_office][0] if is_office.any() else cand[0]
        unit_idx[rows] = np.where(picked >= 0, picked, np.where(own >= 0, own, fallback))
    quality = units.quality.to_numpy()[unit_idx]
    # Districts differ too (staffing, terrain): one speed factor per district.
    district_speed = rng.lognormal(0.0, 0.3, len(districts))[grid_district_idx[g_idx]]
    unit_codes = units.unit_code.to_numpy()
    is_grid_source = src_idx == list(SOURCE_SHARES).index("grid")

    # Side states.
    is_cancelled = rng.random(n) < 0.019                # 作废 at acceptance
    not_filed = (~is_cancelled) & (rng.random(n) < 0.02)  # 不予立案 (~98% filed)
    filed_ok = ~is_cancelled & ~not_filed
    is_shelved = filed_ok & (rng.random(n) < 0.005)
    self_handled = filed_ok & ~is_shelved & is_grid_source & (rng.random(n) < 0.10)
    dispatched_ok = filed_ok & ~is_shelved & ~self_handled
    redispatch = dispatched_ok & (rng.random(n) < 0.04)
    rework = dispatched_ok & (rng.random(n) < 0.022)
    is_deferred = dispatched_ok & (rng.random(n) < 0.01)
    is_extended = dispatched_ok & ~is_deferred & (rng.random(n) < 0.015)
    # Stuck: needs coordination between units and waits weeks for a reply. Concentrated in slow units
    # and hard problems, and always resolved in the end, so the open backlog is small and recent.
    is_hard = np.isin(majors[cat_major_idx[cat_idx]], HARD_MAJORS)
    stuck = dispatched_ok & (rng.random(n) < 0.001 + 0.7 * (1 - quality) ** 8 + 0.006 * is_hard)

    def limit(step: str) -> tuple[np.ndarray, np.ndarray]:
        amount, unit = limits_for(limits, cat_codes, step)   # per category, then per case
        names, unit_idx_of_cat = np.unique(unit, return_inverse=True)
        return amount[cat_idx], pd.Categorical.from_codes(unit_idx_of_cat[cat_idx], names)

    nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[m]")
    # The command centre is staffed every day from 07:00 to 22:00: it accepts, files, dispatches,
    # checks and closes then; the responsible units work office hours on working days.
    accepted = centre_time(reported + (_centre_minutes(rng, "accept", n)).astype("timedelta64[m]"))
    accepted = np.where(is_cancelled, nat, accepted)
    filed = centre_time(accepted + _centre_minutes(rng, "file", n).astype("timedelta64[m]"))
    filed = np.where(filed_ok, filed, nat)
    dispatched = centre_time(filed + _centre_minutes(rng, "dispatch", n).astype("timedelta64[m]"))
    dispatched = np.where(dispatched_ok, dispatched, nat)
    # Handling takes a share of the limit: good units well inside it, slow units often over it.
    h_amount, h_unit = limit("handle")
    deferred_hours = np.where(is_deferred, rng.uniform(7, 35, n).round(1), 0.0)
    # A month's workload (rainy season, campaigns) slows everyone a little: closing rates vary by month.
    month_index = (reported.astype("datetime64[M]").astype(np.int64))
    month_load = rng.lognormal(0.0, 0.18, month_index.max() - month_index.min() + 1)[month_index - month_index.min()]
    share = rng.lognormal(np.log(handle_share_median(quality) * month_load * district_speed), HANDLE_SHARE_SIGMA, n)
    share += np.where(redispatch, 0.25, 0.0)
    # Past four times its limit a case is escalated and settled: no reply takes longer than that.
    share = np.minimum(share, MAX_LIMIT_SHARE)
    # A long tail needs coordination between units and runs far over its limit: it is what keeps a
    # month's closing rate near the published ~94% (late cases still open when the month ends).
    long_tail = dispatched_ok & (rng.random(n) < 0.02 + 0.07 * (1 - quality))
    coordination_hours = np.where(long_tail, rng.lognormal(np.log(100.0), 0.5, n), 0.0)
    coordination_hours += np.where(stuck, rng.lognormal(np.log(90.0 + 80.0 * (1 - quality) ** 8), 0.45, n), 0.0)
    handled = cal.add(dispatched, h_amount * share, h_unit, deferred_hours=deferred_hours + coordination_hours)
    # Weekend crews (城管, street offices) handle part of their cases over every day's daytime hours.
    unit_names = units.name.to_numpy()
    is_crew_unit = np.array([k in WEEKEND_CREWS or any(c in nm for c in WEEKEND_CREWS)
                             for k, nm in zip(unit_kinds, unit_names)])
    crew = dispatched_ok & (np.asarray(h_unit) != "natural_hours") \
        & (rng.random(n) < np.where(is_crew_unit[unit_idx], WEEKEND_SHARE, DUTY_SHARE))
    limit_minutes = h_amount * np.where(np.asarray(h_unit) == "work_days", cal.workday_hours, 1.0) * 60
    crew_minutes = limit_minutes * share + (deferred_hours + coordination_hours) * 60
    handled = np.where(crew & ~np.isnat(dispatched), crew_day_add(np.where(np.isnat(dispatched),
                                                                           np.datetime64("2000-01-01T00:00"),
                                                                           dispatched), crew_minutes), handled)
    # A bounced, deferred or extended case cannot be done before its re-dispatch or approval is logged
    # (at most 56 minutes after the first dispatch, see data/sql/insert_case_steps.sql).
    slowed = redispatch | is_deferred | is_extended
    earliest = dispatched + np.timedelta64(60, "m")
    handled = np.where(slowed & (handled < earliest), earliest, handled)
    quick = filed + _centre_minutes(rng, "self_handle", n).astype("timedelta64[m]")
    handled = np.where(self_handled, quick, handled)
    first_check = centre_time(handled + _centre_minutes(rng, "verify", n).astype("timedelta64[m]"))
    # 返工: the first check fails, the unit handles the case again, and a second check passes. The
    # verify deadline runs from the reply it checks, so from the second one for these cases.
    rehandled = np.where(rework, cal.add(first_check, h_amount * 0.4, h_unit), nat)
    verified = np.where(rework, centre_time(rehandled + _centre_minutes(rng, "verify", n).astype("timedelta64[m]")),
                        first_check)
    last_reply = np.where(rework, rehandled, handled)
    closed = centre_time(verified + _centre_minutes(rng, "close", n).astype("timedelta64[m]"))

    # Deadlines from the category's limits, in working time, with the city's 缓办 / 延期 policy.
    deadlines = case_deadlines(cal, limits, policy, category=pd.Categorical.from_codes(cat_idx, cat_codes),
                               reported=reported, accepted=accepted,
                               filed=filed, dispatched=dispatched, handled=last_reply,
                               deferred_hours=deferred_hours, is_extended=is_extended)
    accept_deadline, file_deadline = deadlines["accept_deadline_at"], deadlines["file_deadline_at"]
    dispatch_deadline, handle_deadline = deadlines["dispatch_deadline_at"], deadlines["handle_deadline_at"]
    verify_deadline = deadlines["verify_deadline_at"]
    close_deadline = np.where(filed_ok & ~is_shelved, deadlines["deadline_at"], nat)

    # Nothing happens after now: later steps are simply not done yet.
    def until_now(ts: np.ndarray) -> np.ndarray:
        return np.where(ts <= now64, ts, nat)

    accepted, filed, dispatched = until_now(accepted), until_now(filed), until_now(dispatched)
    handled = until_now(np.where(np.isnat(dispatched) & ~self_handled, nat, handled))
    verified = until_now(np.where(np.isnat(handled), nat, verified))
    closed = until_now(np.where(np.isnat(verified), nat, closed))
    handled = np.where(np.isnat(filed), nat, handled)
    verified = np.where(np.isnat(handled), nat, verified)
    closed = np.where(np.isnat(verified), nat, closed)
    reworked = rework & ~np.isnat(verified)   # the second check has happened: the rework is history
    rework_count = reworked.astype(np.int16)
    dispatch_count = (np.where(np.isnat(dispatched), 0, 1) + np.where(redispatch & ~np.isnat(dispatched), 1, 0)).astype(np.int16)

    status_names = np.array(["cancelled", "not_filed", "shelved", "closed", "verified", "handled", "dispatched",
                             "filed", "accepted", "reported"])
    status_idx = np.select(
        [is_cancelled, not_filed & ~np.isnat(accepted), is_shelved & ~np.isnat(filed), ~np.isnat(closed),
         ~np.isnat(verified), ~np.isnat(handled), ~np.isnat(dispatched), ~np.isnat(filed), ~np.isnat(accepted)],
        list(range(9)), default=9,
    )
    answered = ~np.isnat(closed) & (rng.random(n) < 0.7)
    sat_p = np.stack([0.02 + 0 * quality, 0.02 + 0 * quality, 0.06 + 0 * quality,
                      0.30 - 0.1 * quality, 0.60 + 0.1 * quality], axis=1)
    sat_p /= sat_p.sum(axis=1, keepdims=True)
    satisfaction = (sat_p.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1) + 1
    callback = cal.add(closed, rng.uniform(1, 14, n), "work_hours")
    callback = np.where(answered, callback, nat)
    callback = until_now(callback)
    satisfaction = np.where(~np.isnat(callback), satisfaction, 0)

    first_unit_idx = (unit_idx + 1 + rng.integers(0, 5, n)) % len(unit_codes)
    handle_work_hours = cal.work_hours_between(dispatched, handled) - np.where(is_deferred, deferred_hours, 0.0)
    close_work_hours = cal.work_hours_between(reported, closed)
    updated = _latest(reported, accepted, filed, dispatched, handled, verified, closed)

    def ts(a: np.ndarray) -> pa.Array:
        return pa.array(a.astype("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)

    reported_dates = reported.astype("datetime64[D]")
    # 1.. within (category, day), in time order: the tail of the case number
    day_key = (reported_dates - reported_dates.min()).astype(np.int64) * len(cat_codes) + cat_idx
    order = np.argsort(day_key, kind="stable")
    sorted_keys = day_key[order]
    first_of_group = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1]
    run_start = np.repeat(first_of_group, np.diff(np.r_[first_of_group, n]))
    day_seq = np.empty(n, dtype=np.int32)
    day_seq[order] = np.arange(n) - run_start + 1
    return pa.table({
        "case_id": pa.array(np.arange(first_case_id, first_case_id + n, dtype=np.int64)),
        "source": _dict(src_idx, src_codes), "kind": _dict(cat_kind_idx[cat_idx], kinds),
        "category_code": _dict(cat_idx, cat_codes), "major_code": _dict(cat_major_idx[cat_idx], majors),
        "district_code": _dict(g_idx, grids.district_code.to_numpy()),
        "street_code": _dict(g_idx, grids.street_code.to_numpy()),
        "community_code": _dict(g_idx, grids.community_code.to_numpy()), "grid_code": _dict(g_idx, grid_codes),
        "lat": lat.round(6), "lon": lon.round(6),
        "unit_code": _dict(unit_idx, unit_codes, null=np.isnat(dispatched)),
        "first_unit_code": _dict(first_unit_idx, unit_codes, null=~(redispatch & ~np.isnat(dispatched))),
        "status": _dict(status_idx, status_names),
        "reported_at": ts(reported), "accepted_at": ts(accepted), "filed_at": ts(filed), "dispatched_at": ts(dispatched),
        "handled_at": ts(handled), "verified_at": ts(verified), "closed_at": ts(closed),
        "accept_deadline_at": ts(np.where(np.isnat(reported), nat, accept_deadline)),
        "file_deadline_at": ts(np.where(np.isnat(accepted), nat, file_deadline)),
        "dispatch_deadline_at": ts(np.where(np.isnat(filed), nat, dispatch_deadline)),
        "handle_deadline_at": ts(np.where(np.isnat(dispatched), nat, handle_deadline)),
        "verify_deadline_at": ts(np.where(np.isnat(handled), nat, verify_deadline)),
        "deadline_at": ts(close_deadline),
        "is_cancelled": is_cancelled, "is_shelved": is_shelved, "is_deferred": is_deferred, "is_extended": is_extended,
        "is_self_handled": self_handled, "deferred_hours": deferred_hours,
        "rework_count": rework_count, "dispatch_count": dispatch_count,
        "satisfaction": pa.array(np.where(satisfaction > 0, satisfaction, None), type=pa.int16()),
        "callback_at": ts(callback),
        "handle_work_hours": pa.array(np.round(handle_work_hours, 3), from_pandas=True),
        "close_work_hours": pa.array(np.round(close_work_hours, 3), from_pandas=True),
        "reported_date": pa.array(reported_dates, type=pa.date32()),
        "reported_month": pa.array(reported.astype("datetime64[M]").astype("datetime64[D]"), type=pa.date32()),
        "reported_hour": pa.array(((reported - reported_dates) // np.timedelta64(1, "h")).astype(np.int16)),
        "updated_at": ts(updated),
        "origin": _dict(np.zeros(n, dtype=np.int32), np.array([origin])),
        "day_seq": pa.array(day_seq),
        "rework_at": ts(np.where(reworked, first_check, nat)), "rehandled_at": ts(np.where(reworked, rehandled, nat)),
    })


CENTRE_OPEN_MINUTE, CENTRE_CLOSE_MINUTE = 7 * 60, 22 * 60


def centre_time(ts: np.ndarray) -> np.ndarray:
    """Moves timestamps outside the centre's daily hours (07:00-22:00) to the next opening."""
    ts = ts.astype("datetime64[m]")
    day = ts.astype("datetime64[D]")
    minute = (ts - day).astype(np.int64)
    opening = day.astype("datetime64[m]") + np.timedelta64(CENTRE_OPEN_MINUTE, "m")
    out = np.where(minute < CENTRE_OPEN_MINUTE, opening + (minute % 17).astype("timedelta64[m]"), ts)
    return np.where(minute >= CENTRE_CLOSE_MINUTE,
                    opening + np.timedelta64(1, "D") + (minute % 17).astype("timedelta64[m]"), out)


def _dict(indices: np.ndarray, values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """A string column as an Arrow dictionary (small value list + int32 indices), decoded by DuckDB
    on insert: materialising millions of Python strings was the slowest part of generation."""
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32), mask=null),
                                          pa.array(values.astype(str), type=pa.string()))


def _groups(keys: np.ndarray, n_keys: int):
    """Yields (key, row indices) for every key present, via one stable sort."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n_keys + 1))
    for k in range(n_keys):
        if bounds[k + 1] > bounds[k]:
            yield k, order[bounds[k]:bounds[k + 1]]


def _latest(*columns: np.ndarray) -> np.ndarray:
    """Row-wise latest non-NaT timestamp (the case's last change)."""
    out = columns[0].copy()
    for c in columns[1:]:
        out = np.where(~np.isnat(c) & (c > out), c, out)
    return out
