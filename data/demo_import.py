"""A small export in the generic Chinese layout, made from the demo city itself, that the seed runs
through the real importer: the demo then shows an import history (ledger, landed file, rejected
rows with reasons, flags) like a city that has started importing from its 数字城管 system.

The rows are new cases (their own case numbers) placed in the demo's real areas and units; three
rows are deliberately bad (an unparseable date, a phone number that lost digits in Excel, a date in
the future) so the rejects table has real examples of what the importer refuses and why, and one
names a grid the city does not have yet, which the importer keeps and flags for attention.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

from data.ingest.sample import HEADER

SAMPLE_FILE_NAME = "示例导入_网格化系统导出.csv"

SAMPLE_SQL = """
SELECT c.case_no, s.name_zh AS source_name, c.kind, cat.major_name, cat.minor_name, c.description,
       d.name AS district, st.name AS street, cm.name AS community, g.name AS grid, c.lat, c.lon,
       c.reported_at, c.accepted_at, c.filed_at, c.dispatched_at, u.name AS unit_name, c.handled_at,
       c.verified_at, c.closed_at, c.handle_deadline_at, c.rework_count, c.dispatch_count, c.satisfaction,
       c.updated_at
FROM cases c
JOIN sources s ON s.source_code = c.source
JOIN categories cat ON cat.category_code = c.category_code
JOIN areas d ON d.area_code = c.district_code
JOIN areas st ON st.area_code = c.street_code
JOIN areas cm ON cm.area_code = c.community_code
JOIN areas g ON g.area_code = c.grid_code
JOIN units u ON u.unit_code = c.unit_code
WHERE c.status = 'closed' AND c.reported_at >= $since
ORDER BY hash(c.case_id + $seed)
LIMIT $rows
"""


def _fmt(ts) -> str:
    return "" if pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def sample_export(con: duckdb.DuckDBPyConnection, *, now: datetime, seed: int, rows: int = 40) -> bytes:
    """CSV bytes (UTF-8 with BOM, as Excel writes it) of `rows` good rows and three bad ones."""
    picked = con.execute(SAMPLE_SQL, {"since": now - timedelta(days=60), "seed": seed, "rows": rows}).df()
    rng = np.random.default_rng(seed)
    records = []
    for i, r in enumerate(picked.itertuples(), start=1):
        records.append({
            "案件编号": f"WG{r.reported_at:%Y%m%d}{i:04d}", "问题来源": r.source_name,
            "问题类型": "部件" if r.kind == "component" else "事件", "大类": r.major_name, "小类": r.minor_name,
            "问题描述": r.description, "所属区县": r.district, "所属街道": r.street, "所属社区": r.community,
            "所属网格": r.grid, "经度": f"{r.lon:.6f}", "纬度": f"{r.lat:.6f}", "坐标系": "WGS84",
            "上报时间": _fmt(r.reported_at), "受理时间": _fmt(r.accepted_at), "立案时间": _fmt(r.filed_at),
            "派遣时间": _fmt(r.dispatched_at), "处置单位": r.unit_name, "处置完成时间": _fmt(r.handled_at),
            "核查时间": _fmt(r.verified_at), "结案时间": _fmt(r.closed_at), "处置时限": _fmt(r.handle_deadline_at),
            "案件状态": "已结案", "是否作废": "否", "是否挂账": "否", "是否缓办": "否",
            "返工次数": str(r.rework_count), "派遣次数": str(r.dispatch_count),
            "满意度": "" if pd.isna(r.satisfaction) else str(int(r.satisfaction)),
            "上报人": "", "联系电话": "", "更新时间": _fmt(r.updated_at),
        })
    if records:
        template = records[0]
        bad_date = dict(template, 案件编号="WGBAD0001", 上报时间="2026-13-45 25:61:00")
        lost_digits = dict(template, 案件编号="WGBAD0002", 联系电话="1.38001E+10", 上报人="张三")
        future = dict(template, 案件编号="WGBAD0003", 上报时间=_fmt(now + timedelta(days=400 + int(rng.integers(1, 9)))))
        # Accepted but flagged for attention: a grid the city's area list does not have yet.
        new_grid = dict(template, 案件编号="WGNEW0001", 所属网格=f"{template['所属社区']}新建第99网格")
        records += [bad_date, lost_digits, future, new_grid]
    buf = io.StringIO()
    pd.DataFrame(records, columns=HEADER).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")
