-- Locations of the cases of one set, for a point layer on the map; at most $limit rows (the page
-- only asks when the set is small). No personal data: case number, category, time and status only.
-- Grain: one row per case of the set with a location. Parameters: the scope, $point_set, $limit.
-- The overdue set is live (overdue_open_cases), the accepted set is the window's (case_facts).
WITH point_set AS (
    SELECT case_no, lat, lon, reported_at, status, category_code FROM case_facts
    WHERE $point_set <> 'overdue' AND in_accepted
    UNION ALL
    SELECT case_no, lat, lon, reported_at, status, category_code FROM overdue_open_cases
    WHERE $point_set = 'overdue'
)
SELECT f.case_no, f.lat, f.lon, f.reported_at, f.status,
       coalesce(c.minor_name, f.category_code) AS category_name
FROM point_set f
LEFT JOIN ref_categories c ON c.category_code = f.category_code
WHERE f.lat IS NOT NULL AND f.lon IS NOT NULL
ORDER BY f.reported_at DESC, f.case_no DESC  -- the number breaks ties: the same points on every run and engine
LIMIT $limit;
