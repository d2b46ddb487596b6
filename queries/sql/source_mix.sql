-- Accepted cases per bucket (day/week/month of the acceptance) and source.
-- Grain: one row per (bucket, source) with at least one case. Parameters: the scope, $grain.
SELECT date_trunc($grain, f.accepted_at)::DATE AS bucket_start, f.source AS source_code,
       coalesce(s.name_zh, f.source) AS source_name, count(*) AS case_count
FROM case_facts f
LEFT JOIN ref_sources s ON s.source_code = f.source
WHERE f.in_accepted
GROUP BY 1, 2, 3
ORDER BY 1, 2;
