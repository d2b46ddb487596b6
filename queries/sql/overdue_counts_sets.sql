-- 超期未处置 per group for the groupings 总览 and 指挥大屏 ask in one minute ('all', 'district', 'unit' of
-- overdue_counts.sql) at once: one pass over the open cases instead of three.
-- Grain: one row per (grouped_by, group) with such cases; grouped_by is one of those $by values.
-- Parameters: the scope ($now). queries.cases.overdue_slice gives each grouping's overdue_counts frame.
WITH per_group AS (
    SELECT CASE WHEN grouping(unit_code) = 0 THEN 'unit' WHEN grouping(district_code) = 0 THEN 'district'
                ELSE 'all' END AS grouped_by,
           CASE WHEN grouping(unit_code) = 0 THEN unit_code WHEN grouping(district_code) = 0 THEN district_code
                ELSE 'all' END AS group_code,
        count(*) AS overdue_open_count
    FROM scoped_open_cases
    WHERE deadline_at < $now::TIMESTAMP
    GROUP BY GROUPING SETS ((), (unit_code), (district_code))
)
SELECT p.*, n.name, n.peer_group, n.parent_code, n.population
FROM per_group p
LEFT JOIN kpi_group_names n
       ON n.group_kind = CASE p.grouped_by WHEN 'unit' THEN 'unit' WHEN 'all' THEN NULL ELSE 'area' END
       AND n.group_code = p.group_code
-- the empty grouping set gives one row even over no cases; a group of overdue_counts.sql has a case
WHERE p.group_code IS NOT NULL AND p.overdue_open_count > 0
ORDER BY p.grouped_by, p.group_code;
