-- Accepted cases of the window by weekday (1 = Monday) and hour of the report.
-- Grain: one row per (weekday, hour) with at least one case. Parameters: the scope,
-- $from_accepted_daily: from the counts built at publish (accepted_daily), as in source_mix.sql.
WITH per_hour AS (
    SELECT isodow(reported_at)::INTEGER AS weekday, reported_hour::INTEGER AS hour, count(*)::BIGINT AS case_count
    FROM case_facts
    WHERE in_accepted AND NOT $from_accepted_daily::BOOLEAN
    GROUP BY 1, 2
    UNION ALL
    SELECT weekday, hour, sum(case_count)::BIGINT AS case_count
    FROM scoped_accepted_daily
    WHERE $from_accepted_daily::BOOLEAN AND dimension = 'hour' AND day >= $start::DATE AND day < $end::DATE
    GROUP BY 1, 2
)
SELECT weekday, hour, case_count
FROM per_hour
ORDER BY 1, 2;
