-- Accepted cases of the window by weekday (1 = Monday) and hour of the report.
-- Grain: one row per (weekday, hour) with at least one case. Parameters: the scope.
SELECT isodow(reported_at)::INTEGER AS weekday, reported_hour::INTEGER AS hour, count(*) AS case_count
FROM case_facts
WHERE in_accepted
GROUP BY 1, 2
ORDER BY 1, 2;
