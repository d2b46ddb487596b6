-- Cases accepted and closed per day in the window [start, end); days without cases appear with 0.
-- Grain: one row per day. Parameters: the scope.
SELECT d.day::DATE AS day,
       coalesce(a.accepted_count, 0) AS accepted_count,
       coalesce(cl.closed_count, 0) AS closed_count
FROM win w,
     generate_series(w.start_at, w.end_at - INTERVAL 1 DAY, INTERVAL 1 DAY) AS d(day)
LEFT JOIN (
    SELECT accepted_at::DATE AS day, count(*) AS accepted_count
    FROM scoped_cases, win w
    WHERE accepted_at >= w.start_at AND accepted_at < w.end_at AND NOT is_cancelled
    GROUP BY 1
) a ON a.day = d.day::DATE
LEFT JOIN (
    SELECT closed_at::DATE AS day, count(*) AS closed_count
    FROM scoped_cases, win w
    WHERE closed_at >= w.start_at AND closed_at < w.end_at AND NOT is_cancelled
    GROUP BY 1
) cl ON cl.day = d.day::DATE
ORDER BY day;
