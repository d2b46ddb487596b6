-- The rows of case_durations (data/schema.sql): every case of in_handled (handle_work_hours), of
-- in_closed with close_work_hours, and of in_closed with handle_work_hours ('handle_closed': 趋势's
-- 派遣→处置 by closing day, queries/trends.handling_time), over an unbounded window, run by the writer at publish with whole-city
-- access and no filter (queries/kpi_daily.build). Grain: one row per (case, measure). bucket: the value's
-- equal-count bucket (256 per measure) in the measure's sorted order. Parameters: the scope (unbounded).
SELECT measure,
       ((row_number() OVER (PARTITION BY measure ORDER BY hours) - 1) * 256
        // count(*) OVER (PARTITION BY measure))::SMALLINT AS bucket,
       hours, day, district_code, street_code, unit_code
FROM (
    SELECT 'handle' AS measure, handle_work_hours AS hours, handled_at::DATE AS day,
           district_code, street_code, unit_code
    FROM case_facts WHERE in_handled
    UNION ALL
    SELECT 'close', close_work_hours, closed_at::DATE, district_code, street_code, unit_code
    FROM case_facts WHERE in_closed AND close_work_hours IS NOT NULL
    UNION ALL
    SELECT 'handle_closed', handle_work_hours, closed_at::DATE, district_code, street_code, unit_code
    FROM case_facts WHERE in_closed AND handle_work_hours IS NOT NULL
) AS timed
ORDER BY measure, bucket, hours;
