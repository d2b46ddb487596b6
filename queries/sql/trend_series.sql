-- Cases of one set ($measure: accepted | filed | closed, by that step's time) per day/week/month bucket
-- of [$series_start, end), each with the same stretch of the bucket before (环比) and of the same bucket a
-- year earlier (同比; 52 weeks for weeks): a partial bucket is compared with an equally partial stretch.
-- A comparison reaching before $data_start is NULL (no data, not zero).
-- $from_kpi_daily: the counts per day from kpi_daily (accepted_count / filed_count / closed_count, on the
-- day of that step's time, under the KPI rules it was built with: flags no window end or clock changes,
-- so any window is exact); queries.trends sets it only where kpi_daily answers. DuckDB folds the other
-- branch away before it runs.
-- Grain: one row per bucket. Parameters: the scope, whose window must start at least a year and a
-- bucket before $series_start (queries.trends does this); $series_start, $grain, $measure, $data_start,
-- $from_kpi_daily.
WITH step AS (
    SELECT CASE $grain WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END AS one,
           CASE $grain WHEN 'week' THEN INTERVAL 364 DAY ELSE INTERVAL 1 YEAR END AS year_back
),
daily AS (
    SELECT (CASE $measure WHEN 'filed' THEN filed_at WHEN 'closed' THEN closed_at ELSE accepted_at END)::DATE AS day,
           count(*)::BIGINT AS n
    FROM case_facts
    WHERE CASE $measure WHEN 'filed' THEN in_filed WHEN 'closed' THEN in_closed ELSE in_accepted END
      AND NOT $from_kpi_daily::BOOLEAN
    GROUP BY 1
    UNION ALL
    SELECT day, sum(CASE $measure WHEN 'filed' THEN filed_count WHEN 'closed' THEN closed_count
                                  ELSE accepted_count END)::BIGINT AS n
    FROM scoped_kpi_daily
    WHERE $from_kpi_daily::BOOLEAN AND day >= $start::DATE AND day < $end::DATE
    GROUP BY 1
),
starts AS (
    SELECT unnest(generate_series(date_trunc($grain, $series_start::TIMESTAMP)::TIMESTAMP,
                                  w.end_at - INTERVAL 1 DAY, s.one)) AS b
    FROM win w, step s
),
buckets AS (
    SELECT b::DATE AS bucket_start,
           greatest(b, $series_start::TIMESTAMP)::DATE AS lo,
           least(b + s.one, w.end_at)::DATE AS hi,
           (b + s.one)::DATE AS bucket_end,
           (greatest(b, $series_start::TIMESTAMP) - s.one)::DATE AS prev_lo,
           least(least(b + s.one, w.end_at) - s.one, b)::DATE AS prev_hi,
           (greatest(b, $series_start::TIMESTAMP) - s.year_back)::DATE AS yoy_lo,
           (least(b + s.one, w.end_at) - s.year_back)::DATE AS yoy_hi
    FROM starts, win w, step s
)
SELECT bk.bucket_start, bk.lo AS covered_from, bk.hi AS covered_until,
       (bk.lo > bk.bucket_start OR bk.hi < bk.bucket_end) AS is_partial,
       coalesce((SELECT sum(n) FROM daily d WHERE d.day >= bk.lo AND d.day < bk.hi), 0)::BIGINT AS case_count,
       CASE WHEN $data_start::DATE IS NULL OR bk.prev_lo >= $data_start::DATE
            THEN coalesce((SELECT sum(n) FROM daily d WHERE d.day >= bk.prev_lo AND d.day < bk.prev_hi), 0)::BIGINT
       END AS previous_count,
       CASE WHEN $data_start::DATE IS NULL OR bk.yoy_lo >= $data_start::DATE
            THEN coalesce((SELECT sum(n) FROM daily d WHERE d.day >= bk.yoy_lo AND d.day < bk.yoy_hi), 0)::BIGINT
       END AS year_ago_count
FROM buckets bk
ORDER BY bk.bucket_start;
