-- 复发率 per group: of the cases closed in [$start, $end), how many saw the same 小类 reported again at
-- the same place (same grid, or within $meters) within $days after closing (counted up to now, so a
-- closure near the window's end still counts a recurrence after it). Cancelled cases never count.
-- Candidates meet on equi-joins (小类 + grid, or 小类 + a cell of about $meters and its 8 neighbours).
-- Grain: one row per group of $by: 'unit' (the closing unit), 'district', 'street' or 'category'.
-- Parameters: the scope, $by, $days, $meters.
WITH closed AS (
    SELECT c.case_id, c.category_code, c.unit_code, c.district_code, c.street_code, c.grid_code, c.lat, c.lon,
           c.closed_at,
           floor(c.lat / ($meters / 111000.0))::BIGINT AS cell_y, floor(c.lon / (2 * $meters / 111000.0))::BIGINT AS cell_x
    FROM scoped_cases c, win
    WHERE NOT c.is_cancelled AND c.closed_at >= win.start_at AND c.closed_at < win.end_at
),
reports AS (
    SELECT c.case_id, c.category_code, c.grid_code, c.lat, c.lon, c.reported_at,
           floor(c.lat / ($meters / 111000.0))::BIGINT AS cell_y, floor(c.lon / (2 * $meters / 111000.0))::BIGINT AS cell_x
    FROM scoped_cases c, win
    WHERE NOT c.is_cancelled AND c.reported_at >= win.start_at
      AND c.reported_at < least(win.end_at + to_days($days::INTEGER), win.now_at)
),
-- each closure in its cell and the 8 around it (two unnests of one SELECT run side by side)
closed_cells AS MATERIALIZED (
    SELECT case_id, category_code, cell_y + unnest([-1, -1, -1, 0, 0, 0, 1, 1, 1]) AS near_y,
           cell_x + unnest([-1, 0, 1, -1, 0, 1, -1, 0, 1]) AS near_x
    FROM closed
),
near AS (
    SELECT a.case_id, b.case_id AS later_id
    FROM closed_cells a
    JOIN reports b ON b.category_code = a.category_code AND b.cell_y = a.near_y AND b.cell_x = a.near_x
    UNION
    SELECT a.case_id, b.case_id
    FROM closed a JOIN reports b ON b.category_code = a.category_code AND b.grid_code = a.grid_code
),
recurred AS (
    SELECT DISTINCT n.case_id
    FROM near n
    JOIN closed a ON a.case_id = n.case_id
    JOIN reports b ON b.case_id = n.later_id
    WHERE a.case_id <> b.case_id
      AND b.reported_at > a.closed_at AND b.reported_at <= a.closed_at + to_days($days::INTEGER)
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
