-- The wall's day in one pass over the window's cases: per clock hour of the 24 ending with the current one,
-- cases accepted and closed and the accepted count of the same hour a day earlier (wall_hourly.sql), and on
-- every row today's accepted / filed / closed so far against yesterday's up to the same time (wall_day_pace.sql).
-- Grain: one row per hour, 24 rows, zeros included. Window [day before yesterday, tomorrow); nothing after now counts.
WITH day_steps AS MATERIALIZED (
    -- Each flag is "its timestamp in the window" and attributes of the case, so a later window start is a
    -- bound on that timestamp: the same sets as the two files' own windows.
    SELECT CASE WHEN in_accepted AND accepted_at <= w.now_at THEN accepted_at END AS accepted_at,
           CASE WHEN in_filed AND filed_at <= w.now_at THEN filed_at END AS filed_at,
           CASE WHEN in_closed AND closed_at <= w.now_at THEN closed_at END AS closed_at
    FROM case_facts, win w
    WHERE (in_accepted AND accepted_at <= w.now_at) OR (in_filed AND filed_at <= w.now_at)
       OR (in_closed AND closed_at <= w.now_at)
),
day_pace AS (
    SELECT
        count(*) FILTER (WHERE s.accepted_at >= w.end_at - INTERVAL 1 DAY) AS accepted_today,
        count(*) FILTER (WHERE s.accepted_at >= w.end_at - INTERVAL 2 DAY AND s.accepted_at < w.end_at - INTERVAL 1 DAY
                         AND s.accepted_at <= w.now_at - INTERVAL 1 DAY) AS accepted_yesterday,
        count(*) FILTER (WHERE s.filed_at >= w.end_at - INTERVAL 1 DAY) AS filed_today,
        count(*) FILTER (WHERE s.filed_at >= w.end_at - INTERVAL 2 DAY AND s.filed_at < w.end_at - INTERVAL 1 DAY
                         AND s.filed_at <= w.now_at - INTERVAL 1 DAY) AS filed_yesterday,
        count(*) FILTER (WHERE s.closed_at >= w.end_at - INTERVAL 1 DAY) AS closed_today,
        count(*) FILTER (WHERE s.closed_at >= w.end_at - INTERVAL 2 DAY AND s.closed_at < w.end_at - INTERVAL 1 DAY
                         AND s.closed_at <= w.now_at - INTERVAL 1 DAY) AS closed_yesterday
    FROM day_steps s, win w
),
hours AS (
    SELECT h AS hour_at
    FROM win w, generate_series(date_trunc('hour', w.now_at) - INTERVAL 23 HOUR, date_trunc('hour', w.now_at),
                                INTERVAL 1 HOUR) AS t(h)
),
accepted AS (
    SELECT date_trunc('hour', accepted_at) AS hour_at, count(*) AS n FROM day_steps WHERE accepted_at IS NOT NULL GROUP BY 1
),
closed AS (
    SELECT date_trunc('hour', closed_at) AS hour_at, count(*) AS n FROM day_steps WHERE closed_at IS NOT NULL GROUP BY 1
)
SELECT h.hour_at,
       coalesce(a.n, 0) AS accepted_count,
       coalesce(c.n, 0) AS closed_count,
       coalesce(p.n, 0) AS accepted_day_before_count,
       d.accepted_today, d.accepted_yesterday, d.filed_today, d.filed_yesterday, d.closed_today, d.closed_yesterday
FROM hours h
CROSS JOIN day_pace d
LEFT JOIN accepted a ON a.hour_at = h.hour_at
LEFT JOIN closed c ON c.hour_at = h.hour_at
LEFT JOIN accepted p ON p.hour_at = h.hour_at - INTERVAL 1 DAY
ORDER BY h.hour_at;
