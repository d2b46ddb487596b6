-- Accepted cases per bucket (day/week/month of the acceptance) and source.
-- Grain: one row per (bucket, source) with at least one case. Parameters: the scope, $grain.
-- Counted per source code first, named after (sources.source_code is the key): the names join ~100 rows,
-- not every accepted case (a third less CPU over two years at 10M).
WITH per_source AS (
    SELECT date_trunc($grain, accepted_at)::DATE AS bucket_start, source AS source_code, count(*) AS case_count
    FROM case_facts
    WHERE in_accepted
    GROUP BY 1, 2
)
SELECT p.bucket_start, p.source_code, coalesce(s.name_zh, p.source_code) AS source_name, p.case_count
FROM per_source p
LEFT JOIN ref_sources s ON s.source_code = p.source_code
ORDER BY 1, 2;
