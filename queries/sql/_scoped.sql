-- The single enforcement point: every query's FROM goes through these relations, never the raw tables.
-- Prepended by queries.runner to every query file. Access (what the identity may see) AND filters.
-- Parameters: $access_all, $access_districts, $districts, $streets, $communities, $grids, $kinds,
-- $majors, $categories, $sources, $units, $start, $end, $now, $exclude_shelved, $exclude_deferred.
WITH win AS (
    SELECT $start::TIMESTAMP AS start_at, $end::TIMESTAMP AS end_at, $now::TIMESTAMP AS now_at
),
scoped_areas AS (
    SELECT * FROM areas
    WHERE ($access_all OR list_contains($access_districts::VARCHAR[], district_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR level < 2 OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR level < 3 OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR level < 4 OR list_contains($grids::VARCHAR[], area_code))
),
scoped_communities AS (
    SELECT area_code AS community_code FROM scoped_areas WHERE level = 3
),
scoped_cases AS (
    SELECT * FROM cases
    WHERE ($access_all OR list_contains($access_districts::VARCHAR[], district_code))
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
    WHERE ($access_all OR district_code IS NULL OR list_contains($access_districts::VARCHAR[], district_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
)
,
-- One row per scoped case with its membership in every KPI set for the window: the single
-- definition used by KPI counts, area and unit tables, and the lists of cases behind a number.
case_facts AS (
    SELECT c.*,
        (c.accepted_at >= w.start_at AND c.accepted_at < w.end_at AND NOT c.is_cancelled) AS in_accepted,
        (c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_cancelled
            AND NOT (c.is_shelved AND $exclude_shelved)) AS in_filed,
        (c.dispatched_at >= w.start_at AND c.dispatched_at < w.end_at AND NOT c.is_cancelled) AS in_dispatched,
        (c.deadline_at >= w.start_at AND c.deadline_at < w.end_at AND NOT c.is_cancelled AND NOT c.is_shelved
            AND NOT (c.is_deferred AND $exclude_deferred)) AS in_due,
        (c.closed_at >= w.start_at AND c.closed_at < w.end_at AND NOT c.is_cancelled) AS in_closed,
        -- closed by the end of the window (or now, if earlier): a period's rate as it was reported
        -- at period end, so old months do not drift towards 100% as late cases close.
        (in_due AND c.closed_at IS NOT NULL AND c.closed_at < least(w.end_at, w.now_at)) AS in_due_closed,
        (in_due AND c.closed_at IS NOT NULL AND c.closed_at <= c.deadline_at) AS in_due_on_time,
        (c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_shelved AND NOT c.is_cancelled
            AND (c.dispatched_at IS NOT NULL OR c.is_self_handled)) AS in_disposal_den,
        (in_disposal_den AND c.closed_at IS NOT NULL AND c.closed_at < least(w.end_at, w.now_at)) AS in_disposal_num,
        (c.closed_at IS NULL AND c.deadline_at < w.now_at AND NOT c.is_cancelled AND NOT c.is_shelved
            AND c.status <> 'not_filed') AS is_overdue_open
    FROM scoped_cases c, win w
)
,
-- People stream: every record is placed by its community, so scoped_communities carries access and
-- the area filters. No names leave these relations' users: queries select counts and times only.
scoped_checkins AS (
    SELECT * FROM checkins WHERE community_code IN (SELECT community_code FROM scoped_communities)
),
scoped_whistles AS (
    SELECT * FROM whistles WHERE community_code IN (SELECT community_code FROM scoped_communities)
),
scoped_whistle_calls AS (
    SELECT * FROM whistle_calls WHERE whistle_id IN (SELECT whistle_id FROM scoped_whistles)
)
