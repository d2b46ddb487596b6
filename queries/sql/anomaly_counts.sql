-- 异动: reports per street × 小类 today (midnight → now) and in the 7 days up to now, with the same
-- spans shifted back 1..$weeks whole weeks (same weekday and hours) as the baseline. Cancelled left out.
-- Grain: one row per (street, 小类) with a report today or in the last 7 days.
-- Parameters: the scope, $weeks, $from_anomaly_daily: the days no week boundary cuts (a whole number of
-- days but not of weeks before today) are read in the table built at publish (queries/anomalies.py).
WITH spans AS (
    SELECT now_at, date_trunc('day', now_at) AS day_start_at FROM win
),
recent AS (
    SELECT c.street_code, c.category_code,
           -- whole weeks back from now (0 = the current 7 days)
           floor(date_diff('second', c.reported_at, s.now_at) / 604800.0)::INTEGER AS weeks_back,
           (c.reported_at + to_days(7 * floor(date_diff('second', c.reported_at, s.now_at) / 604800.0)::INTEGER))
               >= s.day_start_at AS in_day_span,
           1 AS reports
    FROM scoped_cases c, spans s
    WHERE NOT c.is_cancelled AND c.street_code IS NOT NULL
      -- bounds on $now itself, not on the window's column: compared with a constant, the scan skips the
      -- row groups reported earlier (a comparison with a joined column is not pushed into the scan)
      AND c.reported_at < $now::TIMESTAMP AND c.reported_at >= $now::TIMESTAMP - to_days(7 * ($weeks::INTEGER + 1))
      -- with the table: only the days a whole number of weeks before today, where the boundaries of the
      -- baseline (now − 7k days) fall (a one-column test on a constant: the scan skips the other rows)
      AND date_diff('day', c.reported_at::DATE, $now::TIMESTAMP::DATE)
          % (CASE WHEN $from_anomaly_daily::BOOLEAN THEN 7 ELSE 1 END) = 0
    UNION ALL
    -- every other day of the span lies wholly in one week k = (days before today) // 7, outside the today span
    SELECT street_code, category_code,
           floor(date_diff('day', report_day, $now::TIMESTAMP::DATE) / 7.0)::INTEGER AS weeks_back,
           false AS in_day_span, reports
    FROM scoped_anomaly_daily
    WHERE $from_anomaly_daily::BOOLEAN
      AND report_day < $now::TIMESTAMP::DATE
      AND report_day > $now::TIMESTAMP::DATE - 7 * ($weeks::INTEGER + 1)
      AND date_diff('day', report_day, $now::TIMESTAMP::DATE) % 7 <> 0
),
counts AS (
    SELECT street_code, category_code,
           coalesce(sum(reports) FILTER (WHERE weeks_back = 0 AND in_day_span), 0)::BIGINT AS today_count,
           coalesce(sum(reports) FILTER (WHERE weeks_back > 0 AND in_day_span), 0)::BIGINT AS today_baseline_sum,
           coalesce(sum(reports) FILTER (WHERE weeks_back = 0), 0)::BIGINT AS week_count,
           coalesce(sum(reports) FILTER (WHERE weeks_back > 0), 0)::BIGINT AS week_baseline_sum
    FROM recent
    GROUP BY street_code, category_code
)
SELECT k.street_code, k.category_code, a.name AS street_name, d.name AS district_name, cat.minor_name,
       k.today_count, k.today_baseline_sum, k.week_count, k.week_baseline_sum, $weeks::INTEGER AS weeks
FROM counts k
LEFT JOIN scoped_areas a ON a.area_code = k.street_code
LEFT JOIN scoped_areas d ON d.area_code = a.district_code AND d.level = 1
LEFT JOIN ref_categories cat ON cat.category_code = k.category_code
WHERE k.today_count > 0 OR k.week_count > 0
ORDER BY k.street_code, k.category_code;
