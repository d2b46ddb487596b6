-- The sorted hours of one measure ($measure) in the buckets $buckets (between $bucket_min and $bucket_max,
-- which lets DuckDB skip the other row groups: case_durations is sorted by bucket), per group of $by, for the
-- window's days [$day_from, $day_to). Grain: one row per (group, bucket). Parameters: the scope, $by,
-- $measure, $day_from, $day_to, $buckets, $bucket_min, $bucket_max.
SELECT group_code, bucket, list_sort(list(hours)) AS hours
FROM (
    SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'district' THEN district_code END AS group_code, bucket, hours
    FROM scoped_case_durations
    WHERE measure = $measure AND bucket BETWEEN $bucket_min AND $bucket_max
      AND list_contains($buckets::SMALLINT[], bucket)
      AND day >= $day_from::DATE AND day < $day_to::DATE
) AS timed
WHERE group_code IS NOT NULL
GROUP BY group_code, bucket
ORDER BY group_code, bucket;
