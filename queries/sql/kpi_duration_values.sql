-- The sorted hours of one measure ($measure) for the wanted (group, bucket) pairs ($pair_groups[i],
-- $pair_buckets[i]; buckets between $bucket_min and $bucket_max, which lets DuckDB skip the other row groups:
-- case_durations is sorted by bucket), groups of $by as in kpi_duration_counts.sql, for the window's days
-- [$day_from, $day_to). Grain: one row per wanted pair with a case. Parameters: the scope, $by, $grain,
-- $measure, $day_from, $day_to, $pair_groups, $pair_buckets, $bucket_min, $bucket_max.
WITH wanted AS (
    SELECT unnest($pair_groups::VARCHAR[]) AS group_code, unnest($pair_buckets::SMALLINT[]) AS bucket
)
SELECT group_code, bucket, list_sort(list(hours)) AS hours
FROM (
    SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'district' THEN district_code
                 WHEN 'period' THEN date_trunc($grain, day)::DATE::VARCHAR END AS group_code, bucket, hours
    FROM scoped_case_durations
    WHERE measure = $measure AND bucket BETWEEN $bucket_min AND $bucket_max
      AND list_contains($pair_buckets::SMALLINT[], bucket)
      AND day >= $day_from::DATE AND day < $day_to::DATE
) AS timed
SEMI JOIN wanted USING (group_code, bucket)
GROUP BY group_code, bucket
ORDER BY group_code, bucket;
