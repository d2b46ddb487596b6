"""Typed functions over the case-record query files: the paged case list behind any number, one
case's details and its timeline. No streamlit here.

Personal data never leaves this module raw: the reporter is masked in SQL (_scoped.sql,
scoped_case_reporters), and free text (description, step opinions) passes privacy.scrub_text here.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from data.config import load_city
from data.worktime import WorkCalendar
from queries.kpis import case_sets
from queries.params import ascii_int
from data.privacy import scrub_text
from queries.runner import CursorSource, fetch
from queries.scope import Scope

# The list's default set: every case reported in the window (not a KPI set, so not in case_sets).
REPORTED_SET = "in_reported"
REPORTED_SET_LABEL = "统计期内上报的案件"
PAGE_SIZES = (20, 50, 100, 200)
# A download of the whole list holds at most this many cases (an .xlsx of 20,000 rows builds in a few
# seconds); the page asks for narrower filters beyond it.
EXPORT_MAX_ROWS = 20_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 999_999             # a page number in a URL: 1..MAX_PAGE (past the end shows the last page)
MAX_CASE_ID = 2**63 - 1        # cases.case_id is a BIGINT
# Sortable columns of cases -> label. The only identifiers a URL may name. Unit and district sort by
# code: it groups a unit's (a district's) cases together and needs no name join before the page is cut.
SORTS = {
    "reported_at": "上报时间",
    "deadline_at": "结案时限",
    "closed_at": "结案时间",
    "case_no": "案件编号",
    "unit_code": "责任单位",
    "district_code": "区县",
}
DEFAULT_SORT = "reported_at"
MAX_QUERY_CHARS = 50
# A search text with this many digits looks like a phone or ID number: it is matched against case
# numbers only, never against descriptions, so the list cannot be used to find a person's cases.
PHONE_LIKE_DIGITS = 7

STATUS_ZH = {
    "reported": "已上报", "accepted": "已受理", "filed": "已立案", "dispatched": "处置中",
    "handled": "已处置待核查", "verified": "已核查待结案", "closed": "已结案", "cancelled": "已作废",
    "shelved": "已挂账", "not_filed": "不予立案",
}
STEP_ZH = {
    "report": "上报", "accept": "受理", "file": "立案", "dispatch": "派遣", "redispatch": "回退（申请改派）",
    "handle": "处置回告", "verify": "核查", "rework": "返工", "close": "结案", "cancel": "作废",
    "shelve": "挂账", "defer": "缓办", "extend": "延期", "callback": "回访",
}
# For an open case: status -> (the step it waits for, the cases column holding that step's deadline).
PENDING_STEP = {
    "reported": ("accept", "accept_deadline_at"), "accepted": ("file", "file_deadline_at"),
    "filed": ("dispatch", "dispatch_deadline_at"), "dispatched": ("handle", "handle_deadline_at"),
    "handled": ("verify", "verify_deadline_at"), "verified": ("close", "deadline_at"),
}


def list_sets() -> dict[str, str]:
    """Allowed values of the list's `set`: the default plus every KPI set of case_facts (derived
    from the KPI registry, so a flag added there works here without a change)."""
    return {REPORTED_SET: REPORTED_SET_LABEL} | case_sets(load_city())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def normalize_query(text: str | None) -> str:
    """NFKC (full-width → ASCII), invisible characters dropped, trimmed, bounded length."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    return text.strip()[:MAX_QUERY_CHARS]


def _quoted(text: str) -> str:
    """URL text as quoted in a notice: as typed (² stays ²), printable, at most 20 characters."""
    text = str(text)
    return "".join(ch if ch.isprintable() else "?" for ch in text[:20]) + ("…" if len(text) > 20 else "")


def search_patterns(text: str | None) -> tuple[str | None, str | None]:
    """(case number prefix pattern, description pattern) for ILIKE ... ESCAPE '\\'; None = no search.
    Phone-like searches match case numbers only."""
    query = normalize_query(text)
    if not query:
        return None, None
    escaped = _escape_like(query)
    digits = sum(ch.isdigit() for ch in query)
    text_pattern = None if digits >= PHONE_LIKE_DIGITS else f"%{escaped}%"
    return f"{escaped}%", text_pattern


def has_letter_case(text: str) -> bool:
    """Whether a character of `text` has a case (ILIKE lowers it, or something lowers to it). A search
    without one (Chinese words, digits, punctuation: what officials type) matches descriptions with
    LIKE, which finds exactly what ILIKE finds — DuckDB's ILIKE lowers code point by code point, and
    every code point it changes and every one it yields has a case (tests/test_case_list_topn.py checks
    all of Unicode) — at a quarter of the CPU (ILIKE lowers every description of the window first)."""
    return any(ch.lower() != ch or ch.upper() != ch for ch in text)


def is_phone_like(text: str | None) -> bool:
    query = normalize_query(text)
    return bool(query) and search_patterns(query)[1] is None


@dataclass(frozen=True)
class ListState:
    """The list's own URL state after validation; `notices` name what was dropped."""
    set_flag: str = REPORTED_SET
    query: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = True
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    case_id: int | None = None
    notices: tuple[str, ...] = ()

    def sort_param(self) -> str | None:
        """'-reported_at' (descending) / 'case_no' (ascending); None for the default."""
        if self.sort == DEFAULT_SORT and self.descending:
            return None
        return ("-" if self.descending else "") + self.sort


def parse_list_params(params: dict[str, str], sets: dict[str, str]) -> ListState:
    """Validates q, sort, page, size, case and set from a URL against the allow-lists."""
    notices = []
    set_flag = params.get("set") or REPORTED_SET
    if set_flag not in sets:
        notices.append(f"链接中的案件集合“{normalize_query(set_flag)[:20]}”无法识别，已显示统计期内上报的全部案件")
        set_flag = REPORTED_SET
    raw_sort = params.get("sort") or "-" + DEFAULT_SORT
    descending = raw_sort.startswith("-")
    sort = raw_sort.lstrip("-")
    if sort not in SORTS:
        notices.append(f"链接中的排序“{normalize_query(raw_sort)[:20]}”无法识别，已按上报时间倒序")
        sort, descending = DEFAULT_SORT, True
    raw_page = params.get("page")
    page = ascii_int(raw_page, 1, MAX_PAGE) if raw_page else 1
    if page is None:
        notices.append(f"链接中的页码“{_quoted(raw_page)}”无效，已显示第 1 页")
        page = 1
    raw_size = params.get("size")
    page_size = ascii_int(raw_size, 1, max(PAGE_SIZES)) if raw_size else DEFAULT_PAGE_SIZE
    if page_size not in PAGE_SIZES:
        notices.append(f"链接中的每页条数“{_quoted(raw_size)}”无效（可选 "
                       f"{'、'.join(map(str, PAGE_SIZES))}），已按每页 {DEFAULT_PAGE_SIZE} 条显示")
        page_size = DEFAULT_PAGE_SIZE
    case = params.get("case")
    case_id = ascii_int(case, 1, MAX_CASE_ID) if case else None
    if case and case_id is None:
        notices.append("链接中的案件编号无效，已忽略")
    return ListState(set_flag, normalize_query(params.get("q")), sort, descending, page, page_size, case_id,
                     tuple(notices))


@dataclass(frozen=True)
class CasePage:
    rows: pd.DataFrame      # columns of case_rows.sql plus status_zh, overdue_zh; bounded by page_size
    total: int              # all matching cases
    page: int               # 1-based, clamped to the last page
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _checked(set_flag: str, sort: str | None = None) -> None:
    if set_flag not in list_sets():
        raise ValueError(f"unknown case set: {set_flag!r}")
    if sort is not None and sort not in SORTS:
        raise ValueError(f"unknown sort column: {sort!r}")


def case_count(source: CursorSource, scope: Scope, set_flag: str, query: str) -> int:
    """How many cases the list of `set_flag` matching `query` holds. Without a search, case_count.sql:
    one count serves every page and sort of a list (ui/cache.py keys it without them). With one, the
    count comes with a page (case_search.sql): a searched list scans the descriptions once, not twice."""
    _checked(set_flag)
    if search_patterns(query)[0] is not None:
        return _searched(source, scope, set_flag, query, DEFAULT_SORT, True, 1, 0)[1]
    if set_flag == REPORTED_SET:        # the default list: the same count without case_facts' flags
        return int(fetch(source, "case_count_reported", scope).total_count.iloc[0])
    return int(fetch(source, "case_count", scope, set=set_flag).total_count.iloc[0])


def _searched(source: CursorSource, scope: Scope, set_flag: str, query: str, sort: str, descending: bool,
              limit: int, offset: int) -> tuple[list[int], int]:
    """(ids of the page, how many cases match) of a searched list, from one query (case_search.sql)
    while the page has rows; an empty page past the end of the matches needs the count apart."""
    no_pattern, text_pattern = search_patterns(query)
    frame = fetch(source, "case_search", scope, set=set_flag, no_pattern=no_pattern, text_pattern=text_pattern,
                  text_has_case=has_letter_case(normalize_query(query)), sort=sort, descending=bool(descending),
                  limit=int(limit), offset=int(offset))
    if len(frame):
        return [int(i) for i in frame.case_id], int(frame.total_count.iloc[0])
    if offset == 0:
        return [], 0
    return [], _searched(source, scope, set_flag, query, sort, descending, 1, 0)[1]


def _page_ids(source: CursorSource, scope: Scope, set_flag: str, query: str, sort: str, descending: bool,
              limit: int, offset: int) -> list[int]:
    """Ids of the list's page in its order (case_list.sql: a top-N sort of the sort key and case_id only;
    at 10M cases, sorting whole rows of two years with the total as a window count cost 2.7 s and 2.7 GB)."""
    if search_patterns(query)[0] is not None:
        return _searched(source, scope, set_flag, query, sort, descending, limit, offset)[0]
    if set_flag == REPORTED_SET:        # the default list: the same ids without case_facts' flags
        ids = fetch(source, "case_list_reported", scope, sort=sort, descending=bool(descending),
                    limit=int(limit), offset=int(offset))
    else:
        ids = fetch(source, "case_list", scope, set=set_flag, sort=sort, descending=bool(descending),
                    limit=int(limit), offset=int(offset))
    return [int(i) for i in ids.case_id]


def _rows(source: CursorSource, scope: Scope, set_flag: str, ids: list[int], sort: str,
          descending: bool) -> pd.DataFrame:
    """The shown columns of `ids` in the list's order (case_rows.sql: late materialisation)."""
    return fetch(source, "case_rows", scope, set=set_flag, ids=ids, sort=sort, descending=bool(descending))


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    """List rows as shown: with status_zh and overdue_zh."""
    return rows.assign(
        status_zh=lambda d: d.status.map(STATUS_ZH).fillna(d.status),
        overdue_zh=lambda d: d.is_overdue_open.map({True: "超期未结"}).fillna(
            d.is_closed_late.map({True: "超期结案"})).fillna("")).reset_index(drop=True)


def _page(source: CursorSource, scope: Scope, set_flag: str, query: str, sort: str, descending: bool,
          page: int, page_size: int, total: int | None) -> CasePage:
    _checked(set_flag, sort)
    page = max(1, int(page))
    ids = None
    if total is None and search_patterns(query)[0] is not None:
        ids, total = _searched(source, scope, set_flag, query, sort, descending, page_size, (page - 1) * page_size)
    elif total is None:
        total = case_count(source, scope, set_flag, query)
    last = max(1, -(-int(total) // page_size))
    if ids is None or page > last:
        page = min(page, last)
        ids = _page_ids(source, scope, set_flag, query, sort, descending, page_size, (page - 1) * page_size)
    return CasePage(_shown(_rows(source, scope, set_flag, ids, sort, descending)), int(total), page, page_size)


def case_list(source: CursorSource, scope: Scope, set_flag: str, query: str, sort: str, descending: bool,
              page: int, page_size: int, total: int | None = None) -> CasePage:
    """One page of the cases in `set_flag` matching `query`, sorted by an allow-listed column.
    `total`: case_count of the same list when the caller has it (cached), else counted here — for a
    search, by the same query as the page. A page past the end (an old link) shows the last page."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {PAGE_SIZES}")
    return _page(source, scope, set_flag, query, sort, descending, page, page_size, total)


def case_export(source: CursorSource, scope: Scope, set_flag: str, query: str, sort: str,
                descending: bool) -> CasePage:
    """The whole list in the page's order for a download, up to EXPORT_MAX_ROWS (the first ones;
    `total` says how many match). One page of that size."""
    return _page(source, scope, set_flag, query, sort, descending, 1, EXPORT_MAX_ROWS, None)


@lru_cache(maxsize=1)
def _calendar() -> WorkCalendar:
    return WorkCalendar.from_config()


def _work_hours(a, b) -> float | None:
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return None
    return round(_calendar().work_hours_one(a, b), 2)


def case_detail(source: CursorSource, scope: Scope, case_id: int) -> dict | None:
    """The case as a dict (None when it is outside access or filters), description scrubbed,
    with the step it is waiting for and how its deadline stands at scope.now_at."""
    frame = fetch(source, "case_detail", scope, case_id=int(case_id))
    if frame.empty:
        return None
    row = {k: (None if (not isinstance(v, (list, tuple)) and pd.isna(v)) else v)
           for k, v in frame.iloc[0].to_dict().items()}
    row["description"] = scrub_text(row["description"])
    row["status_zh"] = STATUS_ZH.get(row["status"], row["status"])
    row["bounce_count"] = max(int(row["redispatch_count"]), int(row["dispatch_count"]) - 1, 0)
    pending = None if row["closed_at"] is not None or row["is_cancelled"] or row["is_shelved"] \
        else PENDING_STEP.get(row["status"])
    row["pending_step_zh"] = STEP_ZH[pending[0]] if pending else None
    deadline = row.get(pending[1]) if pending else None
    row["pending_deadline_at"] = deadline
    row["pending_is_overdue"] = bool(deadline is not None and scope.now_at > deadline)
    row["pending_over_work_hours"] = _work_hours(deadline, scope.now_at) if row["pending_is_overdue"] else None
    row["pending_left_work_hours"] = _work_hours(scope.now_at, deadline) \
        if deadline is not None and not row["pending_is_overdue"] else None
    return row


LIMIT_UNITS = {"work_hours": "工作时", "work_days": "工作日", "natural_hours": "小时"}


def limit_text(amount, unit) -> str | None:
    """A configured step limit as read: "4 工作时", "20 工作日", "2 小时"; None when there is none."""
    if amount is None or pd.isna(amount) or unit not in LIMIT_UNITS:
        return None
    return f"{float(amount):g} {LIMIT_UNITS[unit]}"


def case_timeline(source: CursorSource, scope: Scope, case_id: int) -> pd.DataFrame:
    """Steps in order with: step_zh; its own duration, from the previous step (natural minutes and
    working hours); its own deadline and configured limit (limit_text: "4 工作时", "20 工作日");
    is_over_limit and over_work_hours when the step happened after its own deadline; the opinion scrubbed.
    A dispatch row shows the dispatch limit, not the handling limit the unit then works to."""
    steps = fetch(source, "case_timeline", scope, case_id=int(case_id))
    if steps.empty:
        return steps.assign(step_zh=[], elapsed_minutes=[], elapsed_work_hours=[], limit_text=[],
                            is_over_limit=[], over_work_hours=[])
    steps["step_zh"] = steps.step.map(STEP_ZH).fillna(steps.step)
    steps["opinion"] = steps.opinion.map(scrub_text)
    steps["elapsed_minutes"] = ((steps.step_at - steps.previous_at).dt.total_seconds() // 60).astype("Int64")
    steps["elapsed_work_hours"] = [_work_hours(a, b) for a, b in zip(steps.previous_at, steps.step_at)]
    steps["limit_text"] = pd.Series([limit_text(a, u) for a, u in zip(steps.limit_amount, steps.limit_unit)],
                                    index=steps.index, dtype=object)
    over = steps.deadline_at.notna() & (steps.step_at > steps.deadline_at)
    steps["is_over_limit"] = over
    steps["over_work_hours"] = [_work_hours(d, s) if o else None
                                for d, s, o in zip(steps.deadline_at, steps.step_at, over)]
    return steps
