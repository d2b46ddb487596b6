-- Case figures per area at one level of the hierarchy, for maps and area tables.
-- Grain: one row per area of level $level inside the scope (areas without cases included).
-- Parameters: the scope, $level (1..4).
WITH per_area AS (
    SELECT CASE $level WHEN 1 THEN district_code WHEN 2 THEN street_code
                       WHEN 3 THEN community_code ELSE grid_code END AS area_code,
           count(*) FILTER (WHERE in_accepted) AS accepted_count,
           count(*) FILTER (WHERE in_due) AS due_count,
           count(*) FILTER (WHERE in_due_on_time) AS due_on_time_count,
           count(*) FILTER (WHERE in_disposal_den) AS disposal_den,
           count(*) FILTER (WHERE in_disposal_num) AS disposal_num,
           count(*) FILTER (WHERE is_overdue_open) AS overdue_open_count
    FROM case_facts
    GROUP BY 1
)
SELECT a.area_code, a.name, a.level, a.parent_code, a.population, a.centroid_lat, a.centroid_lon, a.is_synthetic,
       coalesce(p.accepted_count, 0) AS accepted_count,
       coalesce(p.due_count, 0) AS due_count,
       coalesce(p.due_on_time_count, 0) AS due_on_time_count,
       coalesce(p.disposal_den, 0) AS disposal_den,
       coalesce(p.disposal_num, 0) AS disposal_num,
       coalesce(p.overdue_open_count, 0) AS overdue_open_count
FROM scoped_areas a
LEFT JOIN per_area p ON p.area_code = a.area_code
WHERE a.level = $level
ORDER BY a.area_code;
