-- Check-ins per time bucket by purpose, and 报到率 (assigned people who have reported in / assigned
-- people) as it stood at the end of each bucket. Grain: one row per bucket overlapping the window.
-- Parameters: the scope, $grain ('day' | 'week' | 'month').
WITH bucket_starts AS (
    SELECT unnest(range(date_trunc($grain, w.start_at), w.end_at, CAST('1 ' || $grain AS INTERVAL))) AS bucket
    FROM win w
),
buckets AS (
    SELECT b.bucket, greatest(b.bucket, w.start_at) AS bucket_start,
           least(b.bucket + CAST('1 ' || $grain AS INTERVAL), w.end_at, w.now_at) AS as_of_at
    FROM bucket_starts b, win w
),
per_bucket AS (
    SELECT date_trunc($grain, k.checkin_at) AS bucket,
           count(*) FILTER (WHERE k.purpose = 'report_in') AS report_in_count,
           count(*) FILTER (WHERE k.purpose = 'service') AS service_count,
           count(*) FILTER (WHERE k.purpose = 'visit') AS visit_count,
           count(DISTINCT k.person_id) AS person_count
    FROM scoped_checkins k, win w
    WHERE k.checkin_at >= w.start_at AND k.checkin_at < w.end_at
    GROUP BY 1
),
first_report AS (
    SELECT person_id, min(checkin_at) AS first_at
    FROM scoped_checkins WHERE purpose = 'report_in' GROUP BY person_id
),
assigned AS (
    SELECT p.person_id, p.joined_date, f.first_at
    FROM scoped_people p LEFT JOIN first_report f ON f.person_id = p.person_id
    WHERE p.is_assigned
)
SELECT b.bucket_start, b.as_of_at,
       coalesce(c.report_in_count, 0) AS report_in_count,
       coalesce(c.service_count, 0) AS service_count,
       coalesce(c.visit_count, 0) AS visit_count,
       coalesce(c.report_in_count, 0) + coalesce(c.service_count, 0) + coalesce(c.visit_count, 0) AS checkin_count,
       coalesce(c.person_count, 0) AS person_count,
       (SELECT count(*) FROM assigned a WHERE a.joined_date < b.as_of_at) AS assigned_count,
       (SELECT count(*) FROM assigned a WHERE a.joined_date < b.as_of_at AND a.first_at < b.as_of_at) AS reported_in_count
FROM buckets b
LEFT JOIN per_bucket c ON c.bucket = b.bucket
WHERE b.bucket_start < b.as_of_at
ORDER BY b.bucket_start;
