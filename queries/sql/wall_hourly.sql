-- Cases accepted and closed per clock hour over the 24 hours ending with the current hour, and the
-- accepted count of the same hour one day earlier. Grain: one row per hour, 24 rows, zeros included.
-- The scope's window must cover the last 48 hours ([day before yesterday, tomorrow)); nothing after now counts.
WITH hours AS (
    SELECT h AS hour_at
    FROM win w, generate_series(date_trunc('hour', w.now_at) - INTERVAL 23 HOUR, date_trunc('hour', w.now_at),
                                INTERVAL 1 HOUR) AS t(h)
),
accepted AS (
    SELECT date_trunc('hour', accepted_at) AS hour_at, count(*) AS n
    FROM case_facts, win w WHERE in_accepted AND accepted_at <= w.now_at GROUP BY 1
),
closed AS (
    SELECT date_trunc('hour', closed_at) AS hour_at, count(*) AS n
    FROM case_facts, win w WHERE in_closed AND closed_at <= w.now_at GROUP BY 1
)
SELECT h.hour_at,
       coalesce(a.n, 0) AS accepted_count,
       coalesce(c.n, 0) AS closed_count,
       coalesce(p.n, 0) AS accepted_day_before_count
FROM hours h
LEFT JOIN accepted a ON a.hour_at = h.hour_at
LEFT JOIN closed c ON c.hour_at = h.hour_at
LEFT JOIN accepted p ON p.hour_at = h.hour_at - INTERVAL 1 DAY
ORDER BY h.hour_at;
