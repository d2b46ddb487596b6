"""多人同诉 and 一人多诉: reports grouped by place or by reporter, as counts and case numbers only.

Reporters are told apart by case_private.reporter_key, a salted SHA-256 of the phone set by the
writers (data/reporter_key.py): no query reads a phone number, and no key leaves the query. No streamlit.
"""
from __future__ import annotations

import pandas as pd

from queries.runner import CursorSource, fetch
from queries.scope import Scope

METHOD_ZH = (
    "多人同诉：同一网格、同一小类的上报，相邻两次间隔不超过 {hours} 小时视为同一起问题，"
    "其中不同诉求人不少于 {reporters} 人。一人多诉：同一诉求人在统计期内上报不少于 {repeat} 次。"
    "诉求人以电话号码加密钥后的 SHA-256 摘要区分，摘要在写入端生成，查询与页面从不读取号码；列表只显示件数与案件编号，不显示姓名或号码。"
    "未留电话的上报（如网格员上报）不计入诉求人数。"
)


def same_issue(source: CursorSource, scope: Scope, hours: int, min_reporters: int, limit: int = 100) -> pd.DataFrame:
    """Episodes of one 小类 in one grid reported by several people, most reporters first."""
    return fetch(source, "same_issue", scope, hours=int(hours), min_reporters=int(min_reporters), limit=int(limit))


def repeat_reporters(source: CursorSource, scope: Scope, min_reports: int, limit: int = 100) -> pd.DataFrame:
    """Reporters with many reports in the window, most first, labelled 诉求人 1, 2, ... by that order
    (a label for this list only, not an identity)."""
    frame = fetch(source, "repeat_reporters", scope, min_reports=int(min_reports), limit=int(limit))
    frame.insert(0, "reporter_label", [f"诉求人 {i}" for i in range(1, len(frame) + 1)])
    return frame
