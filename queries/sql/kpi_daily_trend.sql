-- daily_trend.sql's result (cases accepted and closed per day of [start, end), NOT is_cancelled) from
-- kpi_daily: its accepted_count / closed_count are counted on the day of accepted_at / closed_at and
-- their flags, with exclude_cancelled, are exactly "not cancelled" — nothing moves with now, so no
-- correction for unsettled cases. kpi_daily_valid: built with the rules $kpi_rules and exclude_cancelled
-- on (else the caller takes the case path). Grain: one row per day. Parameters: the scope, $kpi_rules.
WITH per_day AS (
    SELECT day, sum(accepted_count) AS accepted_count, sum(closed_count) AS closed_count
    FROM scoped_kpi_daily
    WHERE day >= $start::DATE AND day < $end::DATE
    GROUP BY day
)
SELECT d.day::DATE AS day,
       coalesce(p.accepted_count, 0)::BIGINT AS accepted_count,
       coalesce(p.closed_count, 0)::BIGINT AS closed_count,
       coalesce(b.rules = $kpi_rules AND $exclude_cancelled::BOOLEAN, false) AS kpi_daily_valid
FROM win w
CROSS JOIN generate_series(w.start_at, w.end_at - INTERVAL 1 DAY, INTERVAL 1 DAY) AS d(day)
CROSS JOIN kpi_daily_build b
LEFT JOIN per_day p ON p.day = d.day::DATE
ORDER BY day;
