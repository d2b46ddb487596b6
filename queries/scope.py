"""Scope: everything a query result depends on, frozen so it can key a cache.

Access (what the identity may see) is separate from filters (what the user narrowed to): filters
only ever narrow inside access, and the SQL prefix in queries/sql/_scoped.sql intersects both.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from queries.periods import previous_caption, scope_previous, scope_year_ago


@dataclass(frozen=True)
class Access:
    """What the signed-in identity may see. Fails closed: the default sees nothing."""

    all_districts: bool = False
    districts: tuple[str, ...] = ()
    label: str = "未登录：无数据权限"
    # A street grant narrows a district grant to these streets (the district codes are their
    # parents); a unit grant (责任单位) sees the cases dispatched to its units wherever they are and
    # its own people-stream records, and is never combined with an area grant.
    streets: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    admin: bool = False         # 管理员: import ledger, rejects and the audit trail

    def __post_init__(self):
        if self.units and (self.all_districts or self.districts or self.streets):
            raise ValueError("a unit grant cannot be combined with an area grant")
        if self.streets and not self.districts:
            raise ValueError("a street grant needs the districts of its streets")

    @property
    def sees_nothing(self) -> bool:
        return not (self.all_districts or self.districts or self.units)

    @classmethod
    def demo(cls) -> "Access":
        return cls(all_districts=True, admin=True, label="演示模式：可查看全部区县（示例数据）")

    @classmethod
    def city(cls, label: str) -> "Access":
        return cls(all_districts=True, label=label)

    @classmethod
    def for_districts(cls, codes: tuple[str, ...], label: str) -> "Access":
        return cls(all_districts=False, districts=tuple(sorted(set(codes))), label=label)

    @classmethod
    def for_streets(cls, streets: tuple[str, ...], districts: tuple[str, ...], label: str) -> "Access":
        return cls(districts=tuple(sorted(set(districts))), streets=tuple(sorted(set(streets))), label=label)

    @classmethod
    def for_units(cls, codes: tuple[str, ...], label: str) -> "Access":
        return cls(units=tuple(sorted(set(codes))), label=label)


_NO_WINDOW = date(2000, 1, 1)   # any fixed day: Scope.live results do not read the window


def _opt(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)


@dataclass(frozen=True)
class Scope:
    """Half-open date window [start_date, end_date) plus optional filters (None = no filter)."""

    start_date: date
    end_date: date
    access: Access = field(default_factory=Access)
    now_at: datetime = field(default_factory=lambda: datetime.now().replace(second=0, microsecond=0))
    districts: tuple[str, ...] | None = None
    streets: tuple[str, ...] | None = None
    communities: tuple[str, ...] | None = None
    grids: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    majors: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    sources: tuple[str, ...] | None = None
    units: tuple[str, ...] | None = None
    # KPI rules from city configuration (city.toml [kpi], applied by queries.kpis.apply_rules);
    # they change results, so they key caches too.
    exclude_shelved: bool = True            # 立案数 minus 挂账
    exclude_deferred: bool = True           # 应结案数 minus 缓办
    exclude_cancelled: bool = True          # 作废 leaves every count
    exclude_shelved_due: bool = True        # 应结案数 minus 挂账
    satisfied_min: int = 4                  # 满意率: lowest satisfied callback score
    public_sources: tuple[str, ...] = ("hotline", "app", "media")  # 监督举报率: reports by the public
    # The kind of period the window is (day | week | month | quarter | year, "" = rolling or free dates):
    # it decides the comparison window (queries/periods.py), not this window's results.
    period: str = ""

    def params(self) -> dict:
        """Named parameters for the scope prefix; every one of them is used by _scoped.sql."""
        return {
            "start": datetime.combine(self.start_date, time()),
            "end": datetime.combine(self.end_date, time()),
            "now": self.now_at,
            # The span filter of case_facts: the window itself (queries/kpi_daily.py narrows it).
            "span_start": datetime.combine(self.start_date, time()),
            "span_end": datetime.combine(self.end_date, time()),
            "access_all": self.access.all_districts,
            "access_districts": list(self.access.districts),
            "access_streets": list(self.access.streets),
            "access_units": list(self.access.units),
            "access_admin": self.access.admin,
            "districts": _opt(self.districts),
            "streets": _opt(self.streets),
            "communities": _opt(self.communities),
            "grids": _opt(self.grids),
            "kinds": _opt(self.kinds),
            "majors": _opt(self.majors),
            "categories": _opt(self.categories),
            "sources": _opt(self.sources),
            "units": _opt(self.units),
            "exclude_shelved": self.exclude_shelved,
            "exclude_deferred": self.exclude_deferred,
            "exclude_cancelled": self.exclude_cancelled,
            "exclude_shelved_due": self.exclude_shelved_due,
            "satisfied_min": self.satisfied_min,
            "public_sources": list(self.public_sources),
        }

    def unfiltered(self) -> "Scope":
        """Same identity and window, no filters: for the filter option lists."""
        return replace(self, districts=None, streets=None, communities=None, grids=None, kinds=None,
                       majors=None, categories=None, sources=None, units=None)

    def previous_period(self) -> "Scope":
        """The comparison window (环比 and rank change): the previous calendar month / quarter / year
        (to the same day while this one runs), or the window of equal length just before a rolling
        one; rules and captions in queries/periods.py."""
        return scope_previous(self)

    def year_ago(self) -> "Scope":
        """The same calendar window one year earlier (for 同比); 29 February becomes 28 February."""
        return scope_year_ago(self)

    @property
    def previous_caption(self) -> str:
        return previous_caption(self.start_date, self.end_date, self.period)

    def has_ended(self) -> bool:
        """The window ended at or before now_at: its "by period end" figures are final."""
        return self.now_at >= datetime.combine(self.end_date, time())

    def at_window_end(self) -> "Scope":
        """The same scope with now_at at the window's end. For an ended window every figure of
        case_facts is the same as at any later now (only the live overdue count differs), so this
        is the clock-free cache key (queries/clock_keys.py)."""
        return replace(self, now_at=datetime.combine(self.end_date, time()))

    def without_window(self) -> "Scope":
        """The same selection with the window, the minute and the period kind fixed: the key of
        results that read none of them (queries/clock_keys.py WINDOW_FREE)."""
        return replace(self, start_date=_NO_WINDOW, end_date=_NO_WINDOW,
                       now_at=datetime.combine(_NO_WINDOW, time()), period="")

    def live(self) -> "Scope":
        """The same selection and now with the window (and its period kind) left out: the key of results
        that ignore the window (the live overdue count), shared by every window — 指挥大屏's 本月 too."""
        return replace(self, start_date=_NO_WINDOW, end_date=_NO_WINDOW, period="")

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days
