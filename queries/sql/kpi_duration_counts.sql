-- How many timed cases of one measure ($measure: 'handle' 处置时长, 'close' 结案时长, 'handle_closed') lie in each
-- bucket of case_durations, per group of $by ('all', 'district', or 'period': the $grain bucket of the day), for
-- the window's days [$day_from, $day_to). Grain: one row per (group, bucket) with a case. Parameters: the
-- scope, $by, $grain, $measure, $day_from, $day_to.
SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'district' THEN district_code
                 WHEN 'period' THEN date_trunc($grain, day)::DATE::VARCHAR END AS group_code,
       bucket, sum(case_count)::BIGINT AS case_count
FROM scoped_case_duration_days
WHERE measure = $measure AND day >= $day_from::DATE AND day < $day_to::DATE
GROUP BY group_code, bucket
HAVING group_code IS NOT NULL
ORDER BY group_code, bucket;
