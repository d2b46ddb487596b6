-- Locations of the cases of one set, for a point layer on the map; at most $limit rows (the page
-- only asks when the set is small). No personal data: case number, category, time and status only.
-- Grain: one row per case of the set with a location. Parameters: the scope, $point_set, $limit.
SELECT f.case_no, f.lat, f.lon, f.reported_at, f.status,
       coalesce(c.minor_name, f.category_code) AS category_name
FROM case_facts f
LEFT JOIN ref_categories c ON c.category_code = f.category_code
WHERE f.lat IS NOT NULL AND f.lon IS NOT NULL
  AND CASE $point_set WHEN 'overdue' THEN f.is_overdue_open ELSE f.in_accepted END
ORDER BY f.reported_at DESC
LIMIT $limit;
