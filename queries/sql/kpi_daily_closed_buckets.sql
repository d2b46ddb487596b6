-- Cases closed per $grain bucket of the closing day over the window's days, from kpi_daily's closed_count
-- (in_closed on the day of closed_at, under the KPI rules it was built with: handling_time.sql's closed_count).
-- Grain: one row per bucket holding a closed case. Parameters: the scope, $grain.
SELECT date_trunc($grain, day)::DATE AS bucket_start, sum(closed_count)::BIGINT AS closed_count
FROM scoped_kpi_daily
WHERE day >= $start::DATE AND day < $end::DATE
GROUP BY 1
HAVING sum(closed_count) > 0
ORDER BY 1;
