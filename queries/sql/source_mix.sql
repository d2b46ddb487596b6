-- Accepted cases per bucket (day/week/month of the acceptance) and source.
-- Grain: one row per (bucket, source) with at least one case. Parameters: the scope, $grain,
-- $from_accepted_daily: read the counts built at publish (accepted_daily, by day of accepted_at: its
-- date_trunc is the bucket of accepted_at) instead of the cases; queries/accepted_daily.py sets it only
-- where that table answers exactly. The branch not taken is folded away by DuckDB before it runs. Both
-- branches' counts are BIGINT (ClickHouse's count is unsigned: a UNION of the two would be a Variant).
-- Counted per source code first, named after (sources.source_code is the key): the names join ~100 rows,
-- not every accepted case (a third less CPU over two years at 10M).
WITH per_source AS (
    SELECT date_trunc($grain, accepted_at)::DATE AS bucket_start, source AS source_code, count(*)::BIGINT AS case_count
    FROM case_facts
    WHERE in_accepted AND NOT $from_accepted_daily::BOOLEAN
    GROUP BY 1, 2
    UNION ALL
    SELECT date_trunc($grain, day)::DATE AS bucket_start, source AS source_code, sum(case_count)::BIGINT AS case_count
    FROM scoped_accepted_daily
    WHERE $from_accepted_daily::BOOLEAN AND dimension = 'source' AND day >= $start::DATE AND day < $end::DATE
    GROUP BY 1, 2
)
SELECT p.bucket_start, p.source_code, coalesce(s.name_zh, p.source_code) AS source_name, p.case_count
FROM per_source p
LEFT JOIN ref_sources s ON s.source_code = p.source_code
ORDER BY 1, 2;
