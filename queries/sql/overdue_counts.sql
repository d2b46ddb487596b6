-- 超期未处置 per group, live: scoped cases open and past their closing deadline at $now (the window
-- does not apply). Grain: one row per group of $by as in kpi_counts.sql, only groups with such cases.
-- Parameters: the scope ($now), $by ('all' | 'unit' | 'district' | 'street' | 'community' | 'grid').
-- Reads scoped_open_cases (the open set, built at publish): past the deadline = deadline_at < $now.
WITH per_group AS (
    SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'unit' THEN unit_code WHEN 'district' THEN district_code
                    WHEN 'street' THEN street_code WHEN 'community' THEN community_code
                    WHEN 'grid' THEN grid_code END AS group_code,
        count(*) AS overdue_open_count
    FROM scoped_open_cases
    WHERE deadline_at < $now::TIMESTAMP
    GROUP BY 1
)
SELECT p.*, n.name, n.peer_group, n.parent_code, n.population
FROM per_group p
LEFT JOIN kpi_group_names n
       ON n.group_kind = CASE $by WHEN 'unit' THEN 'unit' WHEN 'all' THEN NULL ELSE 'area' END
       AND n.group_code = p.group_code
WHERE p.group_code IS NOT NULL
ORDER BY p.group_code;
