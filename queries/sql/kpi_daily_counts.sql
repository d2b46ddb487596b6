-- The counts of kpi_counts.sql for the cases settled before $day_to (every timestamp and deadline
-- earlier), from the pre-aggregated kpi_daily: days [$day_from, $day_to) of scoped_kpi_daily minus the
-- same unbounded-window anchor counts of the cases not settled (B), computed from the cases:
-- case_anchor_counts run with an unbounded window and $span_start = $span_end = $day_to (B precomputed
-- at publish for the publish day: kpi_daily_counts_precomputed.sql). Grain: one row per group of $by
-- ('all' | 'unit' | 'district' | 'street'), as kpi_counts.sql, plus case_count (> 0: the group has a
-- case in the window), kpi_daily_valid (kpi_daily was built with the KPI rules $kpi_rules; when false
-- the counts are meaningless and the caller takes the case path; a row with a NULL group_code carries
-- it when no group has cases).
-- Parameters: the scope, $by, $day_from, $day_to, $kpi_rules.
WITH parts AS (
    SELECT * FROM scoped_kpi_daily
    WHERE day >= $day_from::DATE AND day < $day_to::DATE
    UNION ALL BY NAME
    SELECT day, district_code, street_code, unit_code,
           -COLUMNS(* EXCLUDE (day, district_code, street_code, unit_code))
    FROM case_anchor_counts
    WHERE day >= $day_from::DATE AND day < $day_to::DATE
),
per_group AS (
    SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'unit' THEN unit_code WHEN 'district' THEN district_code
                    WHEN 'street' THEN street_code END AS group_code,
           sum(COLUMNS(* EXCLUDE (day, district_code, street_code, unit_code)))::BIGINT
    FROM parts
    GROUP BY 1
),
group_rows AS (
    SELECT p.*, n.name, n.peer_group, n.parent_code, n.population
    FROM per_group p
    LEFT JOIN kpi_group_names n
           ON n.group_kind = CASE $by WHEN 'unit' THEN 'unit' WHEN 'all' THEN NULL ELSE 'area' END
           AND n.group_code = p.group_code
    WHERE p.group_code IS NOT NULL
)
SELECT n.*, coalesce(b.rules = $kpi_rules, false) AS kpi_daily_valid
FROM kpi_daily_build b
LEFT JOIN group_rows n ON true
ORDER BY n.group_code;
