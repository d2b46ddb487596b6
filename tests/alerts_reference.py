"""The alert rules' Python as it was before session 8 (kept verbatim as the reference tests/test_alert_minutes.py
compares with): case_alerts read alert_cases row by row (itertuples), detect judged every street × 小类
pair of both spans. queries/alerts.py and queries/anomalies.py must give exactly these frames. One line
differs from the former code: a 临期 case without a closing deadline (is_overdue NULL) raised
"boolean value of NA is ambiguous" there; both now read it as not overdue."""
from __future__ import annotations

import pandas as pd

from data.alerts_config import AlertsConfig
from queries.alerts import _frame, alert_cases
from queries.anomalies import SPANS, poisson_upper_tail
from queries.runner import CursorSource
from queries.scope import Scope


def case_alerts(source: CursorSource, scope: Scope, config: AlertsConfig) -> pd.DataFrame:
    rows = []
    cases = alert_cases(source, scope, config)
    for r in cases.itertuples(index=False):
        unit = r.unit_name if isinstance(r.unit_name, str) else "（未派遣）"
        where = f"{r.street_name or ''} {r.minor_name or ''}".strip()
        if pd.notna(r.is_overdue) and r.is_overdue:    # was `if r.is_overdue:`, which raised on NULL
            known = pd.notna(r.overdue_work_hours)
            over = f"已超过结案时限 {r.overdue_work_hours:.1f} 工作时" if known else "已超过结案时限（日历缺少该日期，工作时未知）"
            rows.append({"alert_key": f"overdue:{r.case_id}", "rule": "超期",
                         "level": config.overdue_level(r.overdue_work_hours) if known else config.overdue_levels[0][1],
                         "subject_zh": f"案件 {r.case_no}", "case_no": r.case_no, "detail_zh": f"{where}，{unit}，{over}"})
        else:
            rows.append({"alert_key": f"near:{r.case_id}", "rule": "临期", "level": config.near_deadline_level,
                         "subject_zh": f"案件 {r.case_no}", "case_no": r.case_no,
                         "detail_zh": f"{where}，{unit}，处置时限已用 {r.handle_used_share:.0%}，"
                                      f"{r.handle_deadline_at:%m月%d日 %H:%M} 到期"})
    return _frame(rows)


def detect(counts: pd.DataFrame, p: float, min_count: int) -> pd.DataFrame:
    rows = []
    for span, (obs_col, base_col, label) in SPANS.items():
        for r in counts.itertuples(index=False):
            observed = int(getattr(r, obs_col))
            if observed < min_count:
                continue
            lam = (int(getattr(r, base_col)) + 0.5) / int(r.weeks)
            p_value = poisson_upper_tail(observed, lam)
            if p_value < p:
                rows.append({"street_code": r.street_code, "street_name": r.street_name,
                             "district_name": r.district_name, "category_code": r.category_code,
                             "minor_name": r.minor_name, "span": span, "span_zh": label, "observed": observed,
                             "expected": lam, "ratio": observed / lam, "p_value": p_value})
    columns = ["street_code", "street_name", "district_name", "category_code", "minor_name", "span", "span_zh",
               "observed", "expected", "ratio", "p_value"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["p_value", "observed"], ascending=[True, False], kind="mergesort").reset_index(drop=True)


def evaluate(source: CursorSource, scope: Scope, config: AlertsConfig, signals) -> pd.DataFrame:
    """queries.alerts.evaluate before session 8: the former case rule and 异动 judgement, sorted by pandas."""
    from unittest import mock

    from queries import alerts, anomalies
    with mock.patch.object(alerts, "case_alerts", case_alerts), mock.patch.object(anomalies, "detect", detect):
        parts = [alerts.case_alerts(source, scope, config), alerts.whistle_alerts(source, scope, config),
                 alerts.anomaly_alerts(source, scope, config, signals), alerts.unit_alerts(source, scope, config)]
    frame = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) \
        else _frame([])
    return frame.sort_values(["level_rank", "rule", "alert_key"], ascending=[False, True, True],
                             kind="mergesort").reset_index(drop=True)
