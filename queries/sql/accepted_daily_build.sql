-- The rows of accepted_daily (data/schema.sql): case_facts' accepted cases over every case, run by the
-- writer at publish with whole-city access, no filter and an unbounded window (queries/accepted_daily.build).
-- Grain: one row per (day of accepted_at, district, dimension, key) with a case; key = source | (kind,
-- category_code) | (weekday, hour) of reported_at, the expressions of hour_weekday.sql. Parameters: the
-- scope (unbounded), the KPI rules.
WITH accepted AS (
    SELECT accepted_at::DATE AS day, district_code, source, kind, category_code,
           isodow(reported_at)::INTEGER AS weekday, reported_hour::INTEGER AS hour
    FROM case_facts
    WHERE in_accepted
)
SELECT day, district_code,
       CASE WHEN grouping(source) = 0 THEN 'source' WHEN grouping(category_code) = 0 THEN 'category'
            ELSE 'hour' END AS dimension,
       source, kind, category_code, weekday, hour, count(*) AS case_count
FROM accepted
GROUP BY GROUPING SETS ((day, district_code, source), (day, district_code, kind, category_code),
                        (day, district_code, weekday, hour))
ORDER BY dimension, day, district_code, source, kind, category_code, weekday, hour;
