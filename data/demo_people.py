"""Demo data for the people stream (党建引领): pairings, people, check-ins, activities, whistles,
micro-wishes, needs/resources/projects and supervision orders.

Scale follows the seeds: ~90 units paired with the central city's communities and more elsewhere,
~2,500 party volunteers, ~5,000 activities and ~300 whistles and ~2,700 micro-wishes a year.
Everything is drawn from `rng`, so a seed gives the same city every time.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌鹏辉海波宁婷雪琳浩宇晨欣怡子涵俊凯")

ACTIVITY_KINDS = ["环境整治", "文明劝导", "关爱帮扶", "政策宣讲", "平安巡逻", "义诊义剪", "垃圾分类宣传", "交通劝导"]
WHISTLE_PROBLEMS = [
    ("老旧小区管网改造", "基础设施"), ("背街小巷路灯不亮", "基础设施"), ("农贸市场周边占道经营", "市容秩序"),
    ("小区无物业管理", "物业管理"), ("排水不畅内涝", "基础设施"), ("违章搭建整治", "违法建设"),
    ("楼道堆物消防隐患", "安全隐患"), ("广场舞噪音扰民", "矛盾纠纷"), ("停车难乱停放", "市容秩序"),
    ("垃圾清运不及时", "环境卫生"), ("化粪池满溢", "环境卫生"), ("学校周边交通拥堵", "交通秩序"),
]
WISHES = [
    ("一套学习桌椅", 260), ("冬季棉被一床", 180), ("助听器一副", 600), ("轮椅一辆", 450),
    ("课外书籍一套", 120), ("书包文具", 90), ("电饭煲一个", 150), ("老人理发上门", 50),
    ("家电维修", 80), ("米面油慰问", 200), ("血压计一个", 160), ("护眼台灯", 110),
]
NEEDS = [("小区路灯维修", "基础设施"), ("老年食堂", "民生服务"), ("四点半课堂", "教育"),
         ("法律咨询进社区", "法律服务"), ("健康义诊", "医疗"), ("适老化改造", "民生服务"),
         ("文体活动场地", "文体"), ("就业技能培训", "就业")]
RESOURCES = [("法律服务志愿队", "法律服务"), ("医疗义诊队伍", "医疗"), ("技能培训课程", "就业"),
             ("文体器材捐赠", "文体"), ("专业维修队伍", "基础设施"), ("党员讲师团", "教育"),
             ("爱心企业资金", "民生服务")]
SUPERVISION_PROBLEMS = ["背街小巷卫生死角", "公共设施破损未修复", "占道经营反弹", "小区违建未拆除",
                        "公益广告破损", "农贸市场秩序混乱", "垃圾桶满溢未清运", "共享单车乱停放"]


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    s = rng.choice(SURNAMES, n)
    g1 = rng.choice(GIVEN, n)
    g2 = rng.choice(GIVEN + [""] * 12, n)
    return [a + b + c for a, b, c in zip(s, g1, g2)]


def _ts(day: date, hour: float) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=float(hour))


def _random_days(rng, start: date, today: date, n: int) -> list[date]:
    span = (today - start).days + 1
    offsets = np.sort(rng.integers(0, span, n))
    return [start + timedelta(days=int(o)) for o in offsets]


def build_people_stream(
    rng: np.random.Generator,
    units: pd.DataFrame,
    areas: pd.DataFrame,
    urban_core: tuple[str, ...],
    start: date,
    today: date,
    now: datetime,
) -> dict[str, pd.DataFrame]:
    years = max(((today - start).days + 1) / 365.0, 0.1)
    communities = areas[areas.level == 3]
    core = communities[communities.district_code.isin(urban_core)]
    paired_units = units[units.kind.isin(["city_bureau", "district_bureau", "enterprise"])].reset_index(drop=True)

    # Pairings: a district bureau with communities of its own district, a city bureau or utility with
    # communities anywhere; each unit one to three (seed 001: one each). Communities are drawn by
    # population, so every district has pairings in proportion to its people.
    pair_rows, person_rows = [], []
    core_codes = core.area_code.to_numpy()
    comm_pop = communities.population.fillna(1).to_numpy(dtype=float)
    comm_district = communities.district_code.to_numpy()
    taken: set[str] = set()
    pid = 0
    for _, u in paired_units.iterrows():
        allowed = (comm_district == u.district_code) if isinstance(u.district_code, str) else np.ones(len(comm_pop), bool)
        free = allowed & ~communities.area_code.isin(taken).to_numpy()
        weights = np.where(free if free.any() else allowed, comm_pop, 0.0)
        n_targets = min(int(rng.integers(1, 4)), int((weights > 0).sum()))
        targets = list(rng.choice(communities.area_code.to_numpy(), size=n_targets, replace=False,
                                  p=weights / weights.sum()))
        taken.update(targets)
        for c in targets:
            pid += 1
            person_rows.append((pid, "cadre", u.unit_code, c, None, True, "first_secretary"))
            since = start - timedelta(days=int(rng.integers(30, 700)))
            pair_rows.append((len(pair_rows) + 1, u.unit_code, c, pid, since, None))
    pairings = pd.DataFrame(pair_rows, columns=["pairing_id", "unit_code", "community_code",
                                                "first_secretary_person_id", "since_date", "until_date"])
    pairing_by_unit = pairings.groupby("unit_code").community_code.first()

    # Teams: one per paired unit plus community teams.
    team_rows = []
    for _, u in paired_units.iterrows():
        team_rows.append((len(team_rows) + 1, f"{u['name']}党员志愿服务队", u.unit_code, pairing_by_unit.get(u.unit_code)))
    for c in rng.choice(communities.area_code.to_numpy(), size=min(40, len(communities)), replace=False):
        name = communities.set_index("area_code").name[c]
        team_rows.append((len(team_rows) + 1, f"{name}志愿服务队", None, c))
    teams = pd.DataFrame(team_rows, columns=["team_id", "name", "unit_code", "community_code"])

    # People: cadres of every paired unit (assigned to report in), party volunteers, volunteers.
    n_cadres, n_party, n_vol = 900, 2500, 1500
    comm_codes = communities.area_code.to_numpy()
    comm_weights = communities.population.fillna(1).to_numpy(dtype=float)
    comm_weights = comm_weights / comm_weights.sum()
    for role, n in (("cadre", n_cadres), ("party_volunteer", n_party), ("volunteer", n_vol)):
        unit_pick = rng.choice(paired_units.unit_code.to_numpy(), n)
        home = rng.choice(comm_codes, n, p=comm_weights)
        for k in range(n):
            pid += 1
            unit = unit_pick[k] if role != "volunteer" else None
            home_c = home[k]   # 双报到: everyone reports in where they live
            person_rows.append((pid, role, unit, home_c, None, role != "volunteer", None))
    people = pd.DataFrame(person_rows, columns=["person_id", "role", "unit_code", "home_community_code",
                                                "team_id", "is_assigned", "_duty"])
    people["name"] = person_names(rng, len(people))
    team_of_unit = teams.dropna(subset=["unit_code"]).set_index("unit_code").team_id
    people["team_id"] = people.unit_code.map(team_of_unit).astype("Int64")
    vols = people.role == "volunteer"
    community_teams = teams[teams.unit_code.isna()].team_id.to_numpy()
    people.loc[vols, "team_id"] = rng.choice(community_teams, int(vols.sum()))
    people["joined_date"] = [start - timedelta(days=int(d)) for d in rng.integers(0, 900, len(people))]

    # Check-ins: report-ins of assigned people (~85% have reported in), service check-ins daily,
    # and first-secretary visits (most monthly; a few units miss months).
    checkin_rows = []
    assigned = people[people.is_assigned & people._duty.isna()]
    reported_in = assigned.sample(frac=0.86, random_state=int(rng.integers(1 << 30)))
    for p in reported_in.itertuples():
        day = start + timedelta(days=int(rng.integers(0, max((today - start).days, 1))))
        checkin_rows.append((p.person_id, p.home_community_code, _ts(day, rng.uniform(8.5, 18)), "report_in"))
    # Service check-ins: ~300 a day, fewer at weekends, drawn for all days at once.
    daily_mean = 300 * (len(people) / 4900)
    days = pd.date_range(start, today, freq="D")
    per_day = rng.poisson(daily_mean * np.where(days.weekday >= 5, 0.8, 1.0))
    active = people[people.role != "cadre"]
    pick = rng.integers(0, len(active), int(per_day.sum()))
    at = np.repeat(days.values, per_day) + (rng.uniform(7.5, 20.5, len(pick)) * 3600).astype("timedelta64[s]")
    service = pd.DataFrame({"person_id": active.person_id.to_numpy()[pick],
                            "community_code": active.home_community_code.to_numpy()[pick],
                            "checkin_at": at, "purpose": "service"})
    service = service[service.checkin_at <= pd.Timestamp(now)]
    secretaries = people[people._duty == "first_secretary"]
    sec_community = pairings.set_index("first_secretary_person_id").community_code
    months = pd.date_range(start.replace(day=1), today, freq="MS").date
    laggard = set(rng.choice(secretaries.person_id.to_numpy(), size=max(1, len(secretaries) // 12), replace=False))
    for p in secretaries.itertuples():
        for m in months:
            if p.person_id in laggard and rng.random() < 0.4:
                continue
            for _ in range(int(rng.integers(1, 4))):
                d = m + timedelta(days=int(rng.integers(0, 28)))
                t = _ts(d, rng.uniform(9, 17))
                if t <= now:
                    checkin_rows.append((p.person_id, sec_community[p.person_id], t, "visit"))
    checkins = pd.concat([pd.DataFrame(checkin_rows, columns=["person_id", "community_code", "checkin_at", "purpose"]),
                          service], ignore_index=True)
    checkins["checkin_at"] = pd.to_datetime(checkins.checkin_at).astype("datetime64[us]")
    checkins = checkins.sort_values("checkin_at", kind="stable").reset_index(drop=True)
    checkins.insert(0, "checkin_id", np.arange(1, len(checkins) + 1))
    checkins["checkin_date"] = checkins.checkin_at.dt.date

    # Activities (~5,000 a year) with 3-15 participants each.
    n_act = int(5000 * years)
    act_days = _random_days(rng, start, today, n_act)
    act_rows, part_rows = [], []
    team_arr = teams.to_dict("records")
    members_of = {t: g.to_numpy() for t, g in people.groupby("team_id").person_id}
    for i, d in enumerate(act_days, start=1):
        team = team_arr[int(rng.integers(0, len(team_arr)))]
        c = team["community_code"] or rng.choice(comm_codes)
        kind = ACTIVITY_KINDS[int(rng.integers(0, len(ACTIVITY_KINDS)))]
        begin = _ts(d, float(rng.choice([8.5, 9, 14, 15, 19])))
        dur = float(rng.choice([1.5, 2, 2.5, 3, 4]))
        act_rows.append((i, f"{kind}活动", kind, c, team["unit_code"], team["team_id"], begin, begin + timedelta(hours=dur), d))
        members = members_of.get(team["team_id"], np.array([], dtype=np.int64))
        if len(members):
            for p in rng.choice(members, size=min(len(members), int(rng.integers(3, 16))), replace=False):
                part_rows.append((i, int(p), dur))
    activities = pd.DataFrame(act_rows, columns=["activity_id", "title", "kind", "community_code", "unit_code",
                                                 "team_id", "start_at", "end_at", "activity_date"])
    activities = activities[activities.start_at <= now]
    participants = pd.DataFrame(part_rows, columns=["activity_id", "person_id", "hours"])
    participants = participants[participants.activity_id.isin(activities.activity_id)]

    # Whistles (~300 a year): 2-3 units called, each reports in within hours, solved within days.
    n_wh = int(300 * years)
    wh_days = _random_days(rng, start, today, n_wh)
    wh_rows, call_rows = [], []
    unit_codes = units.unit_code.to_numpy()
    for i, d in enumerate(wh_days, start=1):
        problem, cat = WHISTLE_PROBLEMS[int(rng.integers(0, len(WHISTLE_PROBLEMS)))]
        t = _ts(d, rng.uniform(8.5, 17.5))
        if t > now:
            continue
        solve_hours = float(rng.lognormal(np.log(60), 0.8))
        solved = t + timedelta(hours=solve_hours)
        wh_rows.append((i, rng.choice(comm_codes, p=comm_weights), t, problem, cat, int(rng.integers(1, 3)),
                        # a few recent whistles are still open; older ones have all been solved
                        solved if solved <= now and (rng.random() > 0.15 or now - t > timedelta(days=20)) else None))
        for u in rng.choice(unit_codes, size=int(rng.integers(2, 4)), replace=False):
            arrive = t + timedelta(hours=float(rng.lognormal(np.log(3), 0.7)))
            call_rows.append((i, u, t, arrive if arrive <= now else None, int(rng.integers(2, 6))))
    whistles = pd.DataFrame(wh_rows, columns=["whistle_id", "community_code", "whistled_at", "problem",
                                              "category", "problem_count", "solved_at"])
    whistle_calls = pd.DataFrame(call_rows, columns=["whistle_id", "unit_code", "called_at", "reported_in_at", "staff_count"])

    # Micro-wishes (~2,700 a year): ~95% claimed, ~78% of claimed completed (seed 004: 2,109 / 2,695).
    n_w = int(2700 * years)
    w_days = _random_days(rng, start, today, n_w)
    w_rows = []
    for i, d in enumerate(w_days, start=1):
        title, value = WISHES[int(rng.integers(0, len(WISHES)))]
        posted = _ts(d, rng.uniform(8, 20))
        if posted > now:
            continue
        claimed = posted + timedelta(hours=float(rng.lognormal(np.log(30), 1.0)))
        if claimed > now or rng.random() < 0.05:
            claimed = None
        completed = None
        if claimed is not None and rng.random() < 0.80:
            completed = claimed + timedelta(days=float(rng.lognormal(np.log(6), 0.6)))
            completed = completed if completed <= now else None
        by_unit = rng.random() < 0.7
        w_rows.append((i, rng.choice(comm_codes, p=comm_weights), title, float(value + rng.integers(-20, 40)), posted,
                       claimed, rng.choice(unit_codes) if claimed is not None and by_unit else None,
                       int(rng.choice(people.person_id)) if claimed is not None and not by_unit else None, completed))
    wishes = pd.DataFrame(w_rows, columns=["wish_id", "community_code", "title", "value_yuan", "posted_at", "claimed_at",
                                           "claimed_by_unit_code", "claimed_by_person_id", "completed_at"])
    wishes["claimed_by_person_id"] = wishes.claimed_by_person_id.astype("Int64")

    # Three lists: needs, resources, projects (seed 002: 341 resources offered, 149 needs claimed).
    n_needs, n_res = int(220 * years), int(340 * years)
    need_rows, res_rows, proj_rows = [], [], []
    for i, d in enumerate(_random_days(rng, start, today, n_res), start=1):
        title, kind = RESOURCES[int(rng.integers(0, len(RESOURCES)))]
        res_rows.append((i, rng.choice(paired_units.unit_code.to_numpy()), title, kind, _ts(d, 10)))
    resources = pd.DataFrame(res_rows, columns=["resource_id", "unit_code", "title", "kind", "offered_at"])
    for i, d in enumerate(_random_days(rng, start, today, n_needs), start=1):
        title, kind = NEEDS[int(rng.integers(0, len(NEEDS)))]
        posted = _ts(d, 10)
        claimed = posted + timedelta(days=float(rng.lognormal(np.log(4), 0.6))) if rng.random() < 0.72 else None
        claimed = claimed if claimed is not None and claimed <= now else None
        unit = rng.choice(paired_units.unit_code.to_numpy()) if claimed is not None else None
        c = rng.choice(comm_codes)
        need_rows.append((i, c, title, kind, posted, claimed, unit))
        if claimed is not None:
            same_kind = resources[(resources.unit_code == unit) & (resources.kind == kind)]
            res_id = int(same_kind.resource_id.iloc[0]) if len(same_kind) else None
            done = claimed + timedelta(days=float(rng.uniform(10, 90)))
            proj_rows.append((len(proj_rows) + 1, c, unit, i, res_id, f"{title}项目", claimed, done if done <= now else None))
    needs = pd.DataFrame(need_rows, columns=["need_id", "community_code", "title", "kind", "posted_at", "claimed_at",
                                             "claimed_by_unit_code"])
    projects = pd.DataFrame(proj_rows, columns=["project_id", "community_code", "unit_code", "need_id", "resource_id",
                                                "title", "started_at", "completed_at"])
    projects["resource_id"] = projects.resource_id.astype("Int64")

    # Supervision orders: monthly rounds, most rectified by the due date.
    sup_rows = []
    for r, m in enumerate(months, start=1):
        issued = _ts(m + timedelta(days=int(rng.integers(2, 10))), 10)
        if issued > now:
            continue
        # Most are rectified within days (seed 001: 12 rounds, 1,306 problems, 100%).
        for _ in range(int(rng.integers(60, 140))):
            due = issued + timedelta(days=15)
            fix = issued + timedelta(days=float(rng.lognormal(np.log(2.5), 0.5)))
            sup_rows.append((len(sup_rows) + 1, r, rng.choice(unit_codes), rng.choice(comm_codes),
                             SUPERVISION_PROBLEMS[int(rng.integers(0, len(SUPERVISION_PROBLEMS)))],
                             issued, due, fix if fix <= now and rng.random() > 0.01 else None))
    supervision = pd.DataFrame(sup_rows, columns=["order_id", "round_no", "unit_code", "community_code", "problem",
                                                  "issued_at", "due_at", "rectified_at"])

    people = people.drop(columns=["_duty"])
    return {
        "pairings": pairings, "teams": teams, "people": people, "checkins": checkins,
        "activities": activities, "activity_participants": participants, "whistles": whistles,
        "whistle_calls": whistle_calls, "wishes": wishes, "needs": needs, "resources": resources,
        "projects": projects, "supervision_orders": supervision,
    }
