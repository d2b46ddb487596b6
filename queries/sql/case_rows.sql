-- The shown columns of the case list's page: the cases $ids (from case_list.sql or case_search.sql) of $set, names joined.
-- Grain: one row per id that is in $set for the scope, in the list's order ($sort, $descending, then
-- case_id descending). Params: scope, $set, $ids (BIGINT[]), $sort, $descending.
-- Cases from listed_cases (_scoped.sql): the live overdue set for is_overdue_open, the window's for every other.
WITH page AS (
    SELECT f.case_id, f.case_no, f.category_code, f.district_code, f.street_code, f.community_code, f.unit_code,
           f.source, f.status, f.reported_at, f.deadline_at, f.closed_at, f.is_overdue_open,
           f.major_code, f.dispatched_at, f.deferred_hours
    FROM listed_cases f
    WHERE f.from_overdue_set = ($set = 'is_overdue_open')
      AND list_contains($ids::BIGINT[], f.case_id)
),
-- Names joined in a step of their own: the final sort's COLUMNS() then sees one column of the sort's
-- name (beside the joins it would also match e.g. a unit's district_code, and break ties by it).
named AS (
    SELECT p.*, cat.major_name, cat.minor_name,
           d.name AS district_name, s.name AS street_name, cm.name AS community_name,
           u.name AS unit_name, coalesce(src.name_zh, p.source) AS source_name
    FROM page p
    LEFT JOIN ref_categories cat ON cat.category_code = p.category_code
    LEFT JOIN scoped_areas d ON d.area_code = p.district_code
    LEFT JOIN scoped_areas s ON s.area_code = p.street_code
    LEFT JOIN scoped_areas cm ON cm.area_code = p.community_code
    LEFT JOIN scoped_units u ON u.unit_code = p.unit_code
    LEFT JOIN ref_sources src ON src.source_code = p.source
)
SELECT case_id, case_no, major_name, minor_name, district_name, street_name, community_name, unit_name,
       source_name, status, reported_at, deadline_at, closed_at, is_overdue_open,
       (closed_at IS NOT NULL AND deadline_at IS NOT NULL AND closed_at > deadline_at) AS is_closed_late,
       unit_code, category_code, major_code, dispatched_at, deferred_hours   -- for 预计办结
FROM named
ORDER BY CASE WHEN $descending THEN COLUMNS(lambda c: c = $sort) END DESC NULLS LAST,
         COLUMNS(lambda c: c = $sort) ASC NULLS LAST,
         case_id DESC;
