-- The single enforcement point: every query's FROM goes through these relations, never the raw tables.
-- Prepended by queries.runner to every query file. Access (what the identity may see) AND filters.
-- Access (queries/scope.py Access): $access_all (whole city), $access_districts (district grant),
-- $access_streets (narrows the district grant to streets), $access_units (责任单位: cases dispatched to
-- its units wherever they are, plus its own people-stream records; never combined with an area grant).
-- $access_admin (管理员: import ledger and rejects, which describe whole files). An empty grant sees nothing.
-- Parameters: $access_all, $access_districts, $access_streets, $access_units, $access_admin, $districts, $streets, $communities, $grids, $kinds,
-- $majors, $categories, $sources, $units, $start, $end, $now, $span_start, $span_end, and the KPI rules of city.toml [kpi]:
-- $exclude_cancelled, $exclude_shelved, $exclude_shelved_due, $exclude_deferred, $satisfied_min, $public_sources.
WITH win AS (
    SELECT $start::TIMESTAMP AS start_at, $end::TIMESTAMP AS end_at, $now::TIMESTAMP AS now_at,
           $access_admin::BOOLEAN AS is_admin
),
scoped_areas AS (
    -- A unit's cases lie anywhere, so it sees every area; areas are reference data and every count
    -- drawn on them comes from scoped_cases (people-stream records check the unit grant below).
    SELECT * FROM areas
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR level < 2
                    OR list_contains($access_streets::VARCHAR[], street_code)))
           OR len($access_units::VARCHAR[]) > 0)
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR level < 2 OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR level < 3 OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR level < 4 OR list_contains($grids::VARCHAR[], area_code))
),
scoped_communities AS (
    SELECT area_code AS community_code FROM scoped_areas WHERE level = 3
),
-- NOT MATERIALIZED: a query reading this relation twice (the window's flags and the live overdue set,
-- say) would otherwise make DuckDB copy every column of every scoped case first (0.47 s at 10M, two
-- years, for the pairing scorecard); inlined, each reader scans only its columns and row groups.
-- (No relation names in this comment: compose() keeps every relation a relation's text names.)
scoped_cases AS NOT MATERIALIZED (
    SELECT * FROM cases
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR list_contains($grids::VARCHAR[], grid_code))
      AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds::VARCHAR[], kind))
      AND ($majors::VARCHAR[] IS NULL OR list_contains($majors::VARCHAR[], major_code))
      AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], category_code))
      AND ($sources::VARCHAR[] IS NULL OR list_contains($sources::VARCHAR[], source))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
scoped_units AS (
    SELECT * FROM units
    -- A street grant sees the units that handled its street's cases (not every office of the district).
    WHERE (CASE WHEN len($access_units::VARCHAR[]) > 0 THEN list_contains($access_units::VARCHAR[], unit_code)
                WHEN len($access_streets::VARCHAR[]) > 0 THEN unit_code IN (
                    SELECT c.unit_code FROM cases c WHERE list_contains($access_streets::VARCHAR[], c.street_code))
                ELSE $access_all OR district_code IS NULL OR list_contains($access_districts::VARCHAR[], district_code) END)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
)
,
-- What a KPI row of a group shows beside its counts (kpi_counts, kpi_daily_counts, overdue_counts):
-- name and peer group of a unit (group_kind 'unit'), name, parent and population of an area of any level
-- ('area'). A query grouped by $by joins on group_code and
-- group_kind = CASE $by WHEN 'unit' THEN 'unit' WHEN 'all' THEN NULL ELSE 'area' END (the city: no name).
kpi_group_names AS (
    SELECT 'unit' AS group_kind, unit_code AS group_code, name, peer_group,
           NULL::VARCHAR AS parent_code, NULL::INTEGER AS population
    FROM scoped_units
    UNION ALL
    SELECT 'area', area_code, name, NULL::VARCHAR, parent_code, population FROM scoped_areas
)
,
-- Reference tables hold no records of people or cases, so they need no access predicate; query
-- files still read them only through these relations (one rule: FROM names a relation defined here).
ref_categories AS (
    SELECT * FROM categories
),
ref_sources AS (
    SELECT * FROM sources
),
ref_steps AS (
    SELECT * FROM steps
),
ref_time_limits AS (
    SELECT * FROM time_limits
),
-- One row per calendar date with the working days before it: working minutes at a timestamp t are
-- workdays_before × office minutes per day + the office minutes of t's own day before t (see
-- queries/worktime_sql.py). A date outside the calendar has no row, so its duration is NULL (unknown).
ref_workdays AS (
    SELECT cal_date, is_workday,
           (sum(is_workday::INTEGER) OVER (ORDER BY cal_date) - is_workday::INTEGER) AS workdays_before
    FROM calendar
)
,
-- The office hours cases.dispatch_work_minutes / close_work_minutes were clocked under at publish (meta
-- work_minutes_office, data.store.refresh_case_work_minutes; NULL: not built). One row.
work_minutes_build AS (
    SELECT max(value) AS office FROM meta WHERE key = 'work_minutes_office'
)
,
-- The office hours open_cases' working-minute columns were clocked under at publish (meta
-- open_cases_office, data.store.refresh_open_cases; NULL: not built). One row.
open_cases_build AS (
    SELECT max(value) AS office FROM meta WHERE key = 'open_cases_office'
)
,
-- One row per scoped case with its membership in every KPI set for the window: the single
-- definition used by KPI counts, area and unit tables, and the lists of cases behind a number.
-- Holds the cases with a timestamp or deadline in the window (no other case can be in a window set).
-- Flags are never NULL. "By period end" = before least(window end, now): a period's figures as they
-- were reported when it ended (old months do not drift as late cases close), and as of now for the
-- current period. Registry: queries/kpis.py (label, formula and exclusions of each flag).
case_facts AS (
    SELECT c.*,
        -- 受理: accepted in the window
        coalesce(c.accepted_at >= w.start_at AND c.accepted_at < w.end_at
                 AND NOT (c.is_cancelled AND $exclude_cancelled), false) AS in_accepted,
        coalesce(in_accepted AND c.accepted_at <= c.accept_deadline_at, false) AS in_accepted_on_time,
        -- 立案: filed in the window
        coalesce(c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT (c.is_cancelled AND $exclude_cancelled)
                 AND NOT (c.is_shelved AND $exclude_shelved), false) AS in_filed,
        coalesce(in_filed AND c.filed_at <= c.file_deadline_at, false) AS in_filed_on_time,
        coalesce(in_filed AND list_contains($public_sources::VARCHAR[], c.source), false) AS in_filed_public,
        -- 派遣: first dispatch in the window; accurate = not bounced to another unit (no 二次派遣)
        coalesce(c.dispatched_at >= w.start_at AND c.dispatched_at < w.end_at
                 AND NOT (c.is_cancelled AND $exclude_cancelled), false) AS in_dispatched,
        coalesce(in_dispatched AND c.dispatched_at <= c.dispatch_deadline_at, false) AS in_dispatched_on_time,
        coalesce(in_dispatched AND c.dispatch_count <= 1, false) AS in_dispatched_accurate,
        -- 应结案: closing deadline in the window, by period end
        coalesce(c.deadline_at >= w.start_at AND c.deadline_at < least(w.end_at, w.now_at)
                 AND NOT (c.is_cancelled AND $exclude_cancelled) AND NOT (c.is_shelved AND $exclude_shelved_due),
                 false) AS in_due_period,
        coalesce(in_due_period AND c.is_deferred, false) AS in_due_deferred,
        coalesce(in_due_period AND NOT (c.is_deferred AND $exclude_deferred), false) AS in_due,
        coalesce(in_due AND c.closed_at < least(w.end_at, w.now_at), false) AS in_due_closed,
        coalesce(in_due_closed AND c.closed_at <= c.deadline_at, false) AS in_due_on_time,
        coalesce(in_due_closed AND c.rework_count = 0 AND c.dispatch_count <= 1, false) AS in_due_first_time,
        coalesce(in_due AND c.rework_count > 0, false) AS in_due_rework,
        coalesce(in_due AND c.is_extended, false) AS in_due_extended,
        -- 期内办结: every closure in the window, whenever the case was due
        coalesce(c.closed_at >= w.start_at AND c.closed_at < w.end_at
                 AND NOT (c.is_cancelled AND $exclude_cancelled), false) AS in_closed,
        -- 在办未到期 (only in a period that includes now): filed in the window and dispatched, still open
        -- and its closing deadline still ahead. Not a failure: it leaves the 处置率 denominator.
        coalesce(w.end_at > w.now_at AND c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_shelved
                 AND NOT (c.is_cancelled AND $exclude_cancelled)
                 AND (c.dispatched_at < w.now_at OR c.is_self_handled)
                 AND (c.closed_at IS NULL OR c.closed_at >= w.now_at) AND c.deadline_at >= w.now_at,
                 false) AS in_disposal_pending,
        -- 处置率 (赤壁): filed in the window and dispatched or self-handled by period end; closed by then
        coalesce(c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_shelved
                 AND NOT (c.is_cancelled AND $exclude_cancelled)
                 AND (c.dispatched_at < least(w.end_at, w.now_at) OR c.is_self_handled)
                 AND NOT in_disposal_pending, false) AS in_disposal_den,
        coalesce(in_disposal_den AND c.closed_at < least(w.end_at, w.now_at), false) AS in_disposal_num,
        -- 按时处置: handling deadline in the window, by period end; handled within it
        coalesce(c.handle_deadline_at >= w.start_at AND c.handle_deadline_at < least(w.end_at, w.now_at)
                 AND c.dispatched_at IS NOT NULL AND NOT (c.is_cancelled AND $exclude_cancelled)
                 AND NOT (c.is_shelved AND $exclude_shelved_due) AND NOT (c.is_deferred AND $exclude_deferred),
                 false) AS in_handle_due,
        coalesce(in_handle_due AND c.handled_at <= c.handle_deadline_at, false) AS in_handled_on_time,
        -- 处置率 (standard reading): of 应处置, handled by period end (on time or late)
        coalesce(in_handle_due AND c.handled_at < least(w.end_at, w.now_at), false) AS in_handle_due_handled,
        -- 在办未到期 (standard reading, a period that includes now): handling deadline later in the window
        coalesce(w.end_at > w.now_at AND c.handle_deadline_at >= w.now_at AND c.handle_deadline_at < w.end_at
                 AND c.dispatched_at < w.now_at AND (c.handled_at IS NULL OR c.handled_at >= w.now_at)
                 AND NOT (c.is_cancelled AND $exclude_cancelled)
                 AND NOT (c.is_shelved AND $exclude_shelved_due) AND NOT (c.is_deferred AND $exclude_deferred),
                 false) AS in_handle_pending,
        -- 处置时长: dispatched cases handled in the window with a measured duration
        coalesce(c.handled_at >= w.start_at AND c.handled_at < w.end_at AND c.dispatched_at IS NOT NULL
                 AND c.handle_work_hours IS NOT NULL AND NOT (c.is_cancelled AND $exclude_cancelled),
                 false) AS in_handled,
        -- 核查: passed on-site check in the window
        coalesce(c.verified_at >= w.start_at AND c.verified_at < w.end_at
                 AND NOT (c.is_cancelled AND $exclude_cancelled), false) AS in_verified,
        coalesce(in_verified AND c.verified_at <= c.verify_deadline_at, false) AS in_verified_on_time,
        -- 回访: callbacks answered in the window
        coalesce(c.callback_at >= w.start_at AND c.callback_at < w.end_at AND c.satisfaction IS NOT NULL
                 AND NOT (c.is_cancelled AND $exclude_cancelled), false) AS in_callback,
        coalesce(in_callback AND c.satisfaction >= $satisfied_min, false) AS in_satisfied,
        -- 超期未处置: open and past the closing deadline right now (live: the window does not apply)
        coalesce(c.closed_at IS NULL AND c.deadline_at < w.now_at AND NOT c.is_cancelled AND NOT c.is_shelved
                 AND c.status <> 'not_filed', false) AS is_overdue_open
    FROM scoped_cases c, win w
    -- Only cases with some timestamp or deadline inside the window can be in a window set: skipping
    -- the rest first keeps the flags off the years of history a short window ignores, and lets DuckDB
    -- skip their row groups (storage is ordered by time). The live overdue set is NOT read from here
    -- (stuck cases sit in almost every row group, so including them read 81 of 82 groups): count it
    -- from overdue_open_cases. is_overdue_open above is right for each row shown, nothing more.
    -- The span columns are set before every publish (data/sql/refresh_case_span.sql); NULL = unknown.
    -- Written against the parameters, one column per OR, so DuckDB prunes row groups by their min/max
    -- (86 of 86 groups read at 10M for 近30天 when compared with win's columns in a join; 36 like this).
    -- $span_start / $span_end are the window's bounds (Scope.params) unless the pre-aggregated path
    -- (queries/kpi_daily.py) narrows them to the cases not settled before a day.
    WHERE (c.last_event_at >= $span_start::TIMESTAMP OR c.last_event_at IS NULL)
      AND (c.first_event_at < $span_end::TIMESTAMP OR c.first_event_at IS NULL)
)
,
-- One row per (case, anchor) for the anchors of the case's flags that hold: day = the anchor's date.
-- Plain SQL (no DuckDB-only syntax): this prefix is translated for ClickHouse too (queries/clickhouse_sql.py).
case_anchors AS (
    SELECT accepted_at::DATE AS day, 'accepted' AS anchor, * FROM case_facts WHERE in_accepted
    UNION ALL
    SELECT filed_at::DATE AS day, 'filed' AS anchor, * FROM case_facts
    WHERE in_filed OR in_disposal_den OR in_disposal_pending
    UNION ALL
    SELECT dispatched_at::DATE AS day, 'dispatched' AS anchor, * FROM case_facts WHERE in_dispatched
    UNION ALL
    SELECT deadline_at::DATE AS day, 'deadline' AS anchor, * FROM case_facts WHERE in_due_period
    UNION ALL
    SELECT closed_at::DATE AS day, 'closed' AS anchor, * FROM case_facts WHERE in_closed
    UNION ALL
    SELECT handle_deadline_at::DATE AS day, 'handle_deadline' AS anchor, * FROM case_facts
    WHERE in_handle_due OR in_handle_pending
    UNION ALL
    SELECT handled_at::DATE AS day, 'handled' AS anchor, * FROM case_facts WHERE in_handled
    UNION ALL
    SELECT verified_at::DATE AS day, 'verified' AS anchor, * FROM case_facts WHERE in_verified
    UNION ALL
    SELECT callback_at::DATE AS day, 'callback' AS anchor, * FROM case_facts WHERE in_callback
    UNION ALL
    SELECT last_event_at::DATE AS day, 'last_event' AS anchor, * FROM case_facts WHERE last_event_at IS NOT NULL
),
-- Every count of kpi_counts.sql (and case_count: every case, on the day of its last_event_at), each
-- case counted on the calendar day of the ANCHOR of the flag: the timestamp or deadline that must lie
-- in the window (accepted_at for 受理, deadline_at for 应结案, ...). Grain: one row per (day, district,
-- street, unit). With an unbounded window (start and end far apart, now = end: queries/kpi_daily.py)
-- it is what kpi_daily holds, built at publish; for a case whose every timestamp lies before the day of
-- least(end, now), its flag in a real window = anchor on or after the start AND its unbounded flag.
case_anchor_counts AS (
    SELECT day, district_code, street_code, unit_code,
        count(*) FILTER (WHERE anchor = 'accepted' AND in_accepted) AS accepted_count,
        count(*) FILTER (WHERE anchor = 'accepted' AND in_accepted_on_time) AS accepted_on_time_count,
        count(*) FILTER (WHERE anchor = 'filed' AND in_filed) AS filed_count,
        count(*) FILTER (WHERE anchor = 'filed' AND in_filed_on_time) AS filed_on_time_count,
        count(*) FILTER (WHERE anchor = 'filed' AND in_filed_public) AS filed_public_count,
        count(*) FILTER (WHERE anchor = 'dispatched' AND in_dispatched) AS dispatched_count,
        count(*) FILTER (WHERE anchor = 'dispatched' AND in_dispatched_on_time) AS dispatched_on_time_count,
        count(*) FILTER (WHERE anchor = 'dispatched' AND in_dispatched_accurate) AS dispatched_accurate_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due) AS due_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due_deferred) AS due_deferred_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due_closed) AS due_closed_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due_on_time) AS due_on_time_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due_first_time) AS due_first_time_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due_rework) AS due_rework_count,
        count(*) FILTER (WHERE anchor = 'deadline' AND in_due_extended) AS due_extended_count,
        count(*) FILTER (WHERE anchor = 'closed' AND in_closed) AS closed_count,
        count(close_work_hours) FILTER (WHERE anchor = 'closed' AND in_closed) AS closed_timed_count,
        count(*) FILTER (WHERE anchor = 'filed' AND in_disposal_den) AS disposal_den,
        count(*) FILTER (WHERE anchor = 'filed' AND in_disposal_num) AS disposal_num,
        count(*) FILTER (WHERE anchor = 'filed' AND in_disposal_pending) AS disposal_pending_count,
        count(*) FILTER (WHERE anchor = 'handle_deadline' AND in_handle_due) AS handle_due_count,
        count(*) FILTER (WHERE anchor = 'handle_deadline' AND in_handled_on_time) AS handled_on_time_count,
        count(*) FILTER (WHERE anchor = 'handle_deadline' AND in_handle_due_handled) AS handle_due_handled_count,
        count(*) FILTER (WHERE anchor = 'handle_deadline' AND in_handle_pending) AS handle_pending_count,
        count(*) FILTER (WHERE anchor = 'handled' AND in_handled) AS handled_count,
        count(*) FILTER (WHERE anchor = 'verified' AND in_verified) AS verified_count,
        count(*) FILTER (WHERE anchor = 'verified' AND in_verified_on_time) AS verified_on_time_count,
        count(*) FILTER (WHERE anchor = 'callback' AND in_callback) AS callback_count,
        count(*) FILTER (WHERE anchor = 'callback' AND in_satisfied) AS satisfied_count,
        count(*) FILTER (WHERE anchor = 'last_event') AS case_count
    FROM case_anchors
    GROUP BY day, district_code, street_code, unit_code
)
,
-- kpi_daily (built at publish from case_anchor_counts: queries/kpi_daily.py) through the same access
-- and area/unit filter predicate as scoped_cases, on the codes it is grouped by. It holds no other
-- dimension: with any other filter set it is empty, and queries/kpi_daily.py takes the case path.
scoped_kpi_daily AS (
    SELECT * FROM kpi_daily
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL
      AND $majors::VARCHAR[] IS NULL AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL
)
,
-- kpi_daily_unsettled (kpi_daily's correction for the publish day) through the very same predicate.
scoped_kpi_daily_unsettled AS (
    SELECT * FROM kpi_daily_unsettled
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL
      AND $majors::VARCHAR[] IS NULL AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL
)
,
-- community_due_daily (the pairing scorecard's due counts per community, built at publish:
-- queries/community_due_daily.py) through the very predicate of scoped_cases on the codes it holds
-- (tests/test_community_due_daily.py); with a grid, kind, major, category or source filter it is empty.
scoped_community_due_daily AS (
    SELECT * FROM community_due_daily
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR list_contains($communities::VARCHAR[], community_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL AND $majors::VARCHAR[] IS NULL
      AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL
)
,
-- case_durations (every timed case's hours with its anchor day, built at publish) through the very
-- access and district / street / unit filter predicate of the pre-aggregated counts above, on the same
-- codes; with any other filter it is empty.
scoped_case_durations AS (
    SELECT * FROM case_durations
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL
      AND $majors::VARCHAR[] IS NULL AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL
)
,
-- case_duration_days (bucket counts per day and district) holds the district code only: it answers
-- the whole city or a district grant, filtered by district at most. A street or unit grant, or any
-- other filter, sees nothing here (never more than the case-level table would show):
-- queries/kpi_daily.py asks only for the selections it answers.
scoped_case_duration_days AS (
    SELECT * FROM case_duration_days
    WHERE ($access_all OR (list_contains($access_districts::VARCHAR[], district_code)
                           AND len($access_streets::VARCHAR[]) = 0))
      AND len($access_units::VARCHAR[]) = 0
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND $streets::VARCHAR[] IS NULL AND $units::VARCHAR[] IS NULL
      AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL
      AND $majors::VARCHAR[] IS NULL AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL
),
-- 超期未处置, live: every scoped case open and past its closing deadline right now, whatever the
-- window (same rule as case_facts.is_overdue_open). overdue_from_at (set at publish) makes it a scan
-- of one column and the few rows that match; results over it depend on $now only, so they are
-- cached apart from the window's (ui/cache.py).
overdue_open_cases AS (
    SELECT c.*, true AS is_overdue_open
    FROM scoped_cases c
    WHERE c.overdue_from_at < $now::TIMESTAMP
      AND c.closed_at IS NULL AND NOT c.is_cancelled AND NOT c.is_shelved AND c.status <> 'not_filed'
)
,
-- The cases open at publish (open_cases, built by every publish: not closed, cancelled, shelved or
-- 不予立案, the rule of is_overdue_open) through the very access and filter predicate of scoped_cases:
-- the alert strip (alert_cases) and the live overdue count (overdue_counts) judge the clock over these
-- few rows instead of every scoped case. Past its deadline now = deadline_at < $now.
scoped_open_cases AS (
    SELECT * FROM open_cases
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR list_contains($grids::VARCHAR[], grid_code))
      AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds::VARCHAR[], kind))
      AND ($majors::VARCHAR[] IS NULL OR list_contains($majors::VARCHAR[], major_code))
      AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], category_code))
      AND ($sources::VARCHAR[] IS NULL OR list_contains($sources::VARCHAR[], source))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- The cases a case list can show (case_count, case_list, case_search, case_rows): case_facts with
-- in_reported (reported in the window: the default list), and the live overdue set apart. A list reads
-- one side: `WHERE from_overdue_set = ($set = 'is_overdue_open')`, so the live set never doubles a case of
-- the window; then `COLUMNS(lambda c: c = $set)` picks its flag.
listed_cases AS (
    SELECT *, (reported_at >= $start::TIMESTAMP AND reported_at < $end::TIMESTAMP) AS in_reported,
           false AS from_overdue_set
    FROM case_facts
    UNION ALL BY NAME
    SELECT *, true AS from_overdue_set
    FROM overdue_open_cases
)
,
-- ── Case records behind a list or a detail view (access and filters through scoped_cases) ──
-- One row per step of a scoped case, with the acting unit's name (a unit outside the unit
-- filter still shows by name in the history of a case the user may see).
scoped_case_steps AS (
    SELECT s.*, u.name AS unit_name
    FROM case_steps s
    JOIN scoped_cases c ON c.case_id = s.case_id
    LEFT JOIN units u ON u.unit_code = s.unit_code
),
-- One row per hand-off (推诿/改派): a dispatch of a scoped case to a unit other than the one the
-- case was last dispatched to, before any unit handled it. is_return: the case goes back to a unit
-- that had it earlier in the same chain (A → B → A). Steps after the first 'handle' are rework, not hand-offs.
-- Built per case at publish (case_handoffs, data/sql/refresh_case_handoffs.sql: the hand-offs of a case
-- depend on its steps only), with the case's codes: access and filters are scoped_cases' very predicate
-- on them (word for word, tests/test_case_handoffs.py), so a window on to_at prunes the table and no
-- scoped case is joined (the join of 10M cases cost most of two years' 推诿 at 10M).
scoped_handoffs AS (
    SELECT case_id, from_unit_code, to_unit_code, from_at, to_at, hop, is_return
    FROM case_handoffs
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR list_contains($grids::VARCHAR[], grid_code))
      AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds::VARCHAR[], kind))
      AND ($majors::VARCHAR[] IS NULL OR list_contains($majors::VARCHAR[], major_code))
      AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], category_code))
      AND ($sources::VARCHAR[] IS NULL OR list_contains($sources::VARCHAR[], source))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- One row per dispatch of a scoped case to a unit (case_dispatches, built at publish from the steps):
-- 推诿率's denominator, without reading every step of every scoped case. Access and filters as in
-- scoped_handoffs, on the case's codes (unit_code there is the case's unit: case_unit_code).
scoped_case_dispatches AS (
    SELECT case_id, dispatched_unit_code AS unit_code, dispatched_at, prev_dispatched_at
    FROM (SELECT case_id, unit_code AS dispatched_unit_code, dispatched_at, prev_dispatched_at,
                 district_code, street_code, community_code, grid_code, kind, major_code, category_code, source,
                 case_unit_code AS unit_code
          FROM case_dispatches) d
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR list_contains($grids::VARCHAR[], grid_code))
      AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds::VARCHAR[], kind))
      AND ($majors::VARCHAR[] IS NULL OR list_contains($majors::VARCHAR[], major_code))
      AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], category_code))
      AND ($sources::VARCHAR[] IS NULL OR list_contains($sources::VARCHAR[], source))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- One row per scoped case with a reporter: personal data masked HERE, so no query file can read
-- it raw (security.md rule 6). Complaints from a confidential source (sources.is_confidential,
-- e.g. 信访/举报/督办) or marked confidential show 保密 instead.
scoped_case_reporters AS (
    SELECT p.case_id,
        coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) AS is_confidential,
        CASE WHEN coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) THEN '保密'
             WHEN nullif(trim(p.reporter_name), '') IS NULL THEN NULL
             ELSE left(trim(p.reporter_name), 1) || '*' END AS reporter_name_masked,
        CASE WHEN coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) THEN '保密'
             WHEN p.reporter_phone IS NULL THEN NULL
             WHEN contains(p.reporter_phone, '*') THEN p.reporter_phone   -- masked in the snapshot already
             WHEN length(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g')) = 11
                  AND starts_with(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), '1')
                THEN left(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), 3) || '****'
                     || right(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), 4)
             WHEN length(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g')) >= 7
                THEN '****' || right(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), 4)
             ELSE '****' END AS reporter_phone_masked,
        CASE WHEN coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) THEN '保密'
             WHEN length(p.reporter_id_no) = 18 THEN left(p.reporter_id_no, 6) || '********' || right(p.reporter_id_no, 4)
             WHEN p.reporter_id_no IS NOT NULL THEN '******' END AS reporter_id_masked,
        p.reporter_key   -- salted hash (data/reporter_key.py): counts one reporter, never names or numbers
    FROM case_private p
    JOIN scoped_cases c ON c.case_id = p.case_id
    LEFT JOIN sources src ON src.source_code = c.source
),
-- ── People stream (党建引领): every record is placed by its community, so scoped_communities
-- carries access and the area filters; $units narrows to the unit involved in the record. A unit
-- grant sees every community (see scoped_areas) but only its own records: the unit_grant CTE. ──
unit_grant AS (
    SELECT len($access_units::VARCHAR[]) = 0 AS open_to_all, $access_units::VARCHAR[] AS codes
),
-- Names are personal data: only the masked form (王*) leaves the prefix, and never for the wall.
scoped_people AS (
    SELECT p.person_id, left(trim(p.name), 1) || '*' AS name_masked, p.role, p.unit_code,
           p.home_community_code, p.team_id, p.is_assigned, p.joined_date
    FROM people p
    WHERE p.home_community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), p.unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], p.unit_code))
),
scoped_pairings AS (
    SELECT * FROM pairings
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- Check-ins with the person's role, employer and assignment (no name).
scoped_checkins AS (
    SELECT k.*, p.role, p.unit_code, p.is_assigned
    FROM checkins k
    LEFT JOIN people p ON p.person_id = k.person_id  -- a check-in is counted even if its person is unknown
    WHERE k.community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), p.unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], p.unit_code))
),
scoped_activities AS (
    SELECT * FROM activities
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
scoped_activity_participants AS (
    SELECT ap.*, a.community_code, a.unit_code, a.activity_date, a.start_at
    FROM activity_participants ap
    JOIN scoped_activities a ON a.activity_id = ap.activity_id
),
scoped_whistles AS (
    SELECT * FROM whistles w
    WHERE w.community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR w.whistle_id IN (
            SELECT whistle_id FROM whistle_calls WHERE list_contains((SELECT codes FROM unit_grant), unit_code)))
      AND ($units::VARCHAR[] IS NULL OR w.whistle_id IN (
            SELECT whistle_id FROM whistle_calls WHERE list_contains($units::VARCHAR[], unit_code)))
),
scoped_whistle_calls AS (
    SELECT wc.* FROM whistle_calls wc
    JOIN scoped_whistles w ON w.whistle_id = wc.whistle_id
    WHERE ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], wc.unit_code))
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), wc.unit_code))
),
scoped_wishes AS (
    SELECT * FROM wishes
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), claimed_by_unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], claimed_by_unit_code))
),
scoped_needs AS (
    SELECT * FROM needs
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), claimed_by_unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], claimed_by_unit_code))
),
scoped_projects AS (
    SELECT * FROM projects
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), unit_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- Resources carry no place: those of units paired with a community in scope.
scoped_resources AS (
    SELECT * FROM resources
    WHERE unit_code IN (SELECT unit_code FROM scoped_pairings)
),
-- Orders without a community are visible only with city-wide access (or to their own unit) and no
-- area filter (fail closed).
scoped_supervision_orders AS (
    SELECT * FROM supervision_orders
    WHERE (community_code IN (SELECT community_code FROM scoped_communities)
           OR (community_code IS NULL AND ($access_all OR list_contains($access_units::VARCHAR[], unit_code))
               AND $districts::VARCHAR[] IS NULL
               AND $streets::VARCHAR[] IS NULL AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND ((SELECT open_to_all FROM unit_grant) OR list_contains((SELECT codes FROM unit_grant), unit_code))
)
,
-- The key of the rows built at publish per grant (expected_stats_day, expected_calibration_closed / _open)
-- the scope reads (queries/expected.grant_key is the same rule): '*' for a whole-city grant, the district
-- for a grant of exactly one district (no streets, no units); no row for any other grant or when any
-- filter is set (those views run the queries).
built_grant_key AS (
    SELECT CASE WHEN $access_all THEN '*'
                WHEN len($access_districts::VARCHAR[]) = 1 AND len($access_streets::VARCHAR[]) = 0
                     AND len($access_units::VARCHAR[]) = 0 THEN ($access_districts::VARCHAR[])[1] END AS grant_key
    WHERE $districts::VARCHAR[] IS NULL AND $streets::VARCHAR[] IS NULL AND $communities::VARCHAR[] IS NULL
      AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL AND $majors::VARCHAR[] IS NULL
      AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL AND $units::VARCHAR[] IS NULL
)
,
-- expected_stats_day (预计办结's figures built at publish) for the grant of the scope only (built_grant_key).
scoped_expected_stats_day AS (
    SELECT level, unit_code, category_code, major_code, cases, hours_median, hours_p90
    FROM expected_stats_day
    WHERE grant_key = (SELECT grant_key FROM built_grant_key)
)
,
-- The as-of day, window (days) and office hours expected_stats_day was built with (meta, set by
-- data.store.refresh_expected_stats_day; NULLs: not built). One row.
expected_stats_day_build AS (
    SELECT max(CASE WHEN key = 'expected_stats_day_as_of' THEN value END)::DATE AS as_of_day,
           max(CASE WHEN key = 'expected_stats_day_window_days' THEN value END)::INTEGER AS window_days,
           max(CASE WHEN key = 'expected_stats_day_office' THEN value END) AS office
    FROM meta WHERE key IN ('expected_stats_day_as_of', 'expected_stats_day_window_days', 'expected_stats_day_office')
)
,
-- 预计办结's calibration model, one text for the query (expected_calibration.sql) and the build at publish
-- (queries/expected.build_calibration): the closures of the $window_days before $q_start, not cancelled,
-- shelved or self-handled, with their working hours from the minutes clocked at publish.
-- not greatest(0, …): it skips NULLs, and a date outside the calendar must stay unknown
calibration_closures AS (
    SELECT unit_code, category_code, major_code, work_hours
    FROM (
        SELECT unit_code, category_code, major_code,
               CASE WHEN (close_work_minutes - dispatch_work_minutes) / 60.0 - deferred_hours < 0 THEN 0
                    ELSE (close_work_minutes - dispatch_work_minutes) / 60.0 - deferred_hours END AS work_hours
        FROM scoped_cases
        WHERE closed_at >= $q_start::TIMESTAMP - to_days($window_days::INTEGER) AND closed_at < $q_start::TIMESTAMP
          AND dispatched_at IS NOT NULL AND closed_at >= dispatched_at
          AND NOT is_cancelled AND NOT is_shelved AND NOT is_self_handled
    )
    WHERE work_hours IS NOT NULL
)
,
-- The model per level as its own GROUP BY (not GROUPING SETS): DuckDB then estimates each a few
-- thousand rows and builds the joins of calibration_cases on them, not on the quarter's cases (0.6 s at 10M).
calibration_model_uc AS (
    SELECT unit_code, category_code, count(work_hours) AS cases, quantile_cont(work_hours, 0.9) AS hours_p90
    FROM calibration_closures GROUP BY unit_code, category_code
)
,
calibration_model_ca AS (
    SELECT category_code, count(work_hours) AS cases, quantile_cont(work_hours, 0.9) AS hours_p90
    FROM calibration_closures GROUP BY category_code
)
,
calibration_model_mj AS (
    SELECT major_code, count(work_hours) AS cases, quantile_cont(work_hours, 0.9) AS hours_p90
    FROM calibration_closures GROUP BY major_code
)
,
-- Each case dispatched in [$q_start, $q_end), not cancelled, shelved or self-handled, with the fallback
-- level its P90 comes from (小类 × unit, then 小类, then 大类, each needing $min_volume closures; NULL:
-- none) and, when closed, its working hours (NULL for a closure on a date outside the calendar). The
-- model's closures and the quarter's cases are read apart, each scan with its own range (an OR of the
-- two read every row group); a case may be in both.
calibration_cases AS (
    SELECT t.is_open, t.dispatch_work_minutes, t.deferred_hours,
        CASE WHEN t.is_open THEN NULL
             WHEN (t.close_work_minutes - t.dispatch_work_minutes) / 60.0 - t.deferred_hours < 0 THEN 0
             ELSE (t.close_work_minutes - t.dispatch_work_minutes) / 60.0 - t.deferred_hours END AS closed_hours,
        CASE WHEN uc.cases >= $min_volume THEN 'unit_category' WHEN ca.cases >= $min_volume THEN 'category'
             WHEN mj.cases >= $min_volume THEN 'major' END AS level,
        CASE WHEN uc.cases >= $min_volume THEN uc.hours_p90 WHEN ca.cases >= $min_volume THEN ca.hours_p90
             WHEN mj.cases >= $min_volume THEN mj.hours_p90 END AS p90_hours
    FROM (
        SELECT unit_code, category_code, major_code, closed_at IS NULL AS is_open, dispatch_work_minutes,
               close_work_minutes, deferred_hours
        FROM scoped_cases
        WHERE dispatched_at >= $q_start::TIMESTAMP AND dispatched_at < $q_end::TIMESTAMP
          AND NOT is_cancelled AND NOT is_shelved AND NOT is_self_handled
    ) t
    LEFT JOIN calibration_model_uc uc ON uc.unit_code = t.unit_code AND uc.category_code = t.category_code
    LEFT JOIN calibration_model_ca ca ON ca.category_code = t.category_code
    LEFT JOIN calibration_model_mj mj ON mj.major_code = t.major_code
)
,
-- The quarter's closed cases per level: fixed per snapshot, grant and quarter (the build stores them).
calibration_closed AS (
    SELECT level, count(*) AS cases, count(*) FILTER (WHERE closed_hours <= p90_hours) AS within_p90
    FROM calibration_cases
    WHERE NOT is_open AND level IS NOT NULL AND closed_hours IS NOT NULL
    GROUP BY level
)
,
-- The quarter's open cases with a level: judged against $now by expected_calibration.sql (the build
-- stores them; a few thousand at 10M cases).
calibration_open AS (
    SELECT level, dispatch_work_minutes, deferred_hours, p90_hours
    FROM calibration_cases
    WHERE is_open AND level IS NOT NULL
)
,
-- expected_calibration_closed / _open (built at publish) for the grant of the scope only (built_grant_key).
scoped_expected_calibration_closed AS (
    SELECT level, cases, within_p90
    FROM expected_calibration_closed
    WHERE grant_key = (SELECT grant_key FROM built_grant_key)
)
,
scoped_expected_calibration_open AS (
    SELECT level, dispatch_work_minutes, deferred_hours, p90_hours
    FROM expected_calibration_open
    WHERE grant_key = (SELECT grant_key FROM built_grant_key)
)
,
-- The quarter start, window (days), minimum closures and office hours expected_calibration_closed / _open
-- were built with (meta, set by data.store.refresh_expected_calibration; NULLs: not built). One row.
expected_calibration_build AS (
    SELECT max(CASE WHEN key = 'expected_calibration_q_start' THEN value END)::DATE AS q_start,
           max(CASE WHEN key = 'expected_calibration_q_end' THEN value END)::DATE AS q_end,
           max(CASE WHEN key = 'expected_calibration_window_days' THEN value END)::INTEGER AS window_days,
           max(CASE WHEN key = 'expected_calibration_min_volume' THEN value END)::INTEGER AS min_volume,
           max(CASE WHEN key = 'expected_calibration_office' THEN value END) AS office
    FROM meta WHERE key IN ('expected_calibration_q_start', 'expected_calibration_q_end',
                            'expected_calibration_window_days', 'expected_calibration_min_volume',
                            'expected_calibration_office')
)
,
-- The KPI rules kpi_daily was last built with (data.store.refresh_kpi_daily sets it; NULL: not built)
-- and the day kpi_daily_unsettled was built for (NULL: none). One row.
kpi_daily_build AS (
    SELECT max(CASE WHEN key = 'kpi_daily_rules' THEN value END) AS rules,
           max(CASE WHEN key = 'kpi_daily_unsettled_day' THEN value END)::DATE AS unsettled_day
    FROM meta WHERE key IN ('kpi_daily_rules', 'kpi_daily_unsettled_day')
)
,
-- accepted_daily (趋势's accepted counts per day, district and source / 小类 / weekday-hour, built at
-- publish: queries/accepted_daily.py) through scoped_cases' access and filter predicate, word for word
-- on the codes it holds (tests/test_accepted_daily.py). It holds districts only: street_code and
-- unit_code are NULL here, so a grant narrowed to streets or to units, or a street or unit filter,
-- sees no row (fail closed), and with any other filter it is empty; queries/accepted_daily.py routes
-- those selections to the case queries.
scoped_accepted_daily AS (
    SELECT * FROM (SELECT *, NULL::VARCHAR AS street_code, NULL::VARCHAR AS unit_code FROM accepted_daily) a
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL
      AND $majors::VARCHAR[] IS NULL AND $categories::VARCHAR[] IS NULL AND $sources::VARCHAR[] IS NULL
)
,
-- The KPI rules accepted_daily was last built with (meta accepted_daily_rules, set by
-- data.store.refresh_accepted_daily; NULL: not built). One row.
accepted_daily_build AS (
    SELECT max(value) AS rules FROM meta WHERE key = 'accepted_daily_rules'
)
,
-- anomaly_daily (异动's reports per day, street and 小类, built at publish: queries/anomalies.py) through
-- scoped_cases' access and filter predicate, word for word on the codes it holds
-- (tests/test_anomaly_daily.py). unit_code is NULL here, so a unit grant or a unit filter sees no row
-- (fail closed), and so does a filter on a column it lacks; queries/anomalies.py routes those selections
-- to the cases.
scoped_anomaly_daily AS (
    SELECT * FROM (SELECT *, NULL::VARCHAR AS unit_code FROM anomaly_daily) a
    WHERE ($access_all
           OR (list_contains($access_districts::VARCHAR[], district_code)
               AND (len($access_streets::VARCHAR[]) = 0 OR list_contains($access_streets::VARCHAR[], street_code)))
           OR list_contains($access_units::VARCHAR[], unit_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($majors::VARCHAR[] IS NULL OR list_contains($majors::VARCHAR[], major_code))
      AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], category_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
      AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL AND $kinds::VARCHAR[] IS NULL
      AND $sources::VARCHAR[] IS NULL
)
,
-- anomaly_daily holds every case of the snapshot (meta anomaly_daily_built, set last by
-- data.store.refresh_anomaly_daily; false: not built). One row.
anomaly_daily_build AS (
    SELECT coalesce(max(value) = '1', false) AS built FROM meta WHERE key = 'anomaly_daily_built'
)
