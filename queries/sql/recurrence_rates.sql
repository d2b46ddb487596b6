-- 复发率 per group: of the cases closed in [$start, $end), how many saw the same 小类 reported again at
-- the same place (same grid, or within $meters) within $days after closing (counted up to now, so a
-- closure near the window's end still counts a recurrence after it). Cancelled cases never count.
-- Grain: one row per group of $by: 'unit' (the closing unit), 'district', 'street' or 'category'.
-- Parameters: the scope, $by, $days, $meters.
WITH cand AS (
    SELECT case_id, category_code, unit_code, district_code, street_code, grid_code, lat, lon, reported_at, closed_at,
           floor(lat / ($meters / 111000.0))::BIGINT AS cell_y,
           floor(lon / (2 * $meters / 111000.0))::BIGINT AS cell_x
    FROM scoped_cases
    WHERE NOT is_cancelled
),
closed AS (
    SELECT c.* FROM cand c, win WHERE c.closed_at >= win.start_at AND c.closed_at < win.end_at
),
recurred AS (
    SELECT DISTINCT a.case_id
    FROM closed a
    JOIN cand b ON a.category_code = b.category_code
        AND (a.grid_code = b.grid_code
             OR (b.cell_y BETWEEN a.cell_y - 1 AND a.cell_y + 1 AND b.cell_x BETWEEN a.cell_x - 1 AND a.cell_x + 1))
    CROSS JOIN win
    WHERE a.case_id <> b.case_id
      AND b.reported_at > a.closed_at AND b.reported_at <= a.closed_at + to_days($days::INTEGER)
      AND b.reported_at < win.now_at
      AND (coalesce(a.grid_code = b.grid_code, false) OR
           6371000 * 2 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) <= $meters)
)
SELECT CASE $by WHEN 'unit' THEN a.unit_code WHEN 'district' THEN a.district_code WHEN 'street' THEN a.street_code
                WHEN 'category' THEN a.category_code END AS group_code,
       count(*) AS closed_cases,
       count(r.case_id) AS recurred_cases
FROM closed a
LEFT JOIN recurred r ON r.case_id = a.case_id
GROUP BY 1
HAVING group_code IS NOT NULL
ORDER BY recurred_cases DESC, group_code;
