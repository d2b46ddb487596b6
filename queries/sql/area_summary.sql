-- Case figures per area at one level of the hierarchy, for maps and area tables.
-- Grain: one row per area of level $level inside the scope (areas without cases included).
-- Parameters: the scope, $level (1..4), $exclude_deferred.
WITH per_area AS (
    SELECT CASE $level WHEN 1 THEN district_code WHEN 2 THEN street_code
                       WHEN 3 THEN community_code ELSE grid_code END AS area_code,
           count(*) FILTER (WHERE accepted_at >= w.start_at AND accepted_at < w.end_at AND NOT is_cancelled) AS accepted_count,
           count(*) FILTER (WHERE deadline_at >= w.start_at AND deadline_at < w.end_at AND NOT is_cancelled
                              AND NOT is_shelved AND NOT (is_deferred AND $exclude_deferred)) AS due_count,
           count(*) FILTER (WHERE deadline_at >= w.start_at AND deadline_at < w.end_at AND NOT is_cancelled
                              AND NOT is_shelved AND NOT (is_deferred AND $exclude_deferred)
                              AND closed_at <= deadline_at) AS due_on_time_count,
           count(*) FILTER (WHERE filed_at >= w.start_at AND filed_at < w.end_at AND NOT is_shelved AND NOT is_cancelled
                              AND (dispatched_at IS NOT NULL OR is_self_handled)) AS disposal_den,
           count(*) FILTER (WHERE filed_at >= w.start_at AND filed_at < w.end_at AND NOT is_shelved AND NOT is_cancelled
                              AND (dispatched_at IS NOT NULL OR is_self_handled)
                              AND closed_at IS NOT NULL AND closed_at < w.now_at) AS disposal_num,
           count(*) FILTER (WHERE closed_at IS NULL AND deadline_at < w.now_at AND NOT is_cancelled
                              AND NOT is_shelved AND status <> 'not_filed') AS overdue_open_count
    FROM scoped_cases, win w
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
