-- kpi_daily_counts.sql's result with B precomputed: days [$day_from, $day_to) of scoped_kpi_daily minus
-- kpi_daily_unsettled (B built at publish for D = $day_to); no case is read, so no case relation is
-- planned (~20 ms of planning at 10M per call, queries/kpi_daily.py). Grain: as kpi_daily_counts.sql.
-- kpi_daily_valid is also false when kpi_daily_unsettled holds B for another day than $day_to.
-- Parameters: the scope, $by, $day_from, $day_to, $kpi_rules.
WITH parts AS (
    SELECT * FROM scoped_kpi_daily
    WHERE day >= $day_from::DATE AND day < $day_to::DATE
    UNION ALL BY NAME
    SELECT day, district_code, street_code, unit_code,
           -COLUMNS(* EXCLUDE (day, district_code, street_code, unit_code))
    FROM scoped_kpi_daily_unsettled
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
SELECT n.*, coalesce(b.rules = $kpi_rules AND b.unsettled_day = $day_to::DATE, false) AS kpi_daily_valid
FROM kpi_daily_build b
LEFT JOIN group_rows n ON true
ORDER BY n.group_code;
