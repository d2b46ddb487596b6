-- For one case: how many reports of its 小类 at its place (same grid, or within $meters) in the $days
-- up to and including its own report ("此处 30 天内第 N 次"). Cancelled reports do not count.
-- Grain: one row (none when the case is out of access or filters). Parameters: the scope, $case_id, $days, $meters.
WITH me AS (
    SELECT case_id, category_code, grid_code, lat, lon, reported_at FROM scoped_cases WHERE case_id = $case_id
)
SELECT me.case_id,
       count(o.case_id) AS reports_here,
       min(o.reported_at) AS first_reported_at
FROM me
JOIN scoped_cases o ON o.category_code = me.category_code AND NOT o.is_cancelled
    AND o.reported_at <= me.reported_at AND o.reported_at > me.reported_at - to_days($days::INTEGER)
    AND (coalesce(o.grid_code = me.grid_code, false) OR
         6371000 * 2 * asin(sqrt(pow(sin(radians(o.lat - me.lat) / 2), 2)
             + cos(radians(me.lat)) * cos(radians(o.lat)) * pow(sin(radians(o.lon - me.lon) / 2), 2))) <= $meters)
GROUP BY me.case_id;
