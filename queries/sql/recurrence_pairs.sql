-- 重复发生: a case of the same 小类 reported at the same place (same grid, or within $meters) within
-- $days after an earlier case there was closed. Grain: one row per later case reported in [$start, $end),
-- paired with the latest such closure before it. Cancelled cases never count on either side.
-- Candidates meet on equi-joins (小类 + grid, or 小类 + a cell of about $meters and its 8 neighbours),
-- then the distance decides. Parameters: the scope, $days, $meters, $limit (newest first).
WITH later AS (
    SELECT c.case_id, c.case_no, c.category_code, c.street_code, c.grid_code, c.lat, c.lon, c.reported_at,
           floor(c.lat / ($meters / 111000.0))::BIGINT AS cell_y, floor(c.lon / (2 * $meters / 111000.0))::BIGINT AS cell_x
    FROM scoped_cases c, win
    WHERE NOT c.is_cancelled AND c.reported_at >= win.start_at AND c.reported_at < win.end_at
),
earlier AS (
    SELECT c.case_id, c.case_no, c.category_code, c.unit_code, c.grid_code, c.lat, c.lon, c.closed_at,
           floor(c.lat / ($meters / 111000.0))::BIGINT AS cell_y, floor(c.lon / (2 * $meters / 111000.0))::BIGINT AS cell_x
    FROM scoped_cases c, win
    WHERE NOT c.is_cancelled AND c.closed_at >= win.start_at - to_days($days::INTEGER) AND c.closed_at < win.end_at
),
-- each later case in its cell and the 8 around it (two unnests of one SELECT run side by side)
later_cells AS MATERIALIZED (
    SELECT case_id, category_code, cell_y + unnest([-1, -1, -1, 0, 0, 0, 1, 1, 1]) AS near_y,
           cell_x + unnest([-1, 0, 1, -1, 0, 1, -1, 0, 1]) AS near_x
    FROM later
),
near AS (
    SELECT b.case_id, a.case_id AS first_case_id
    FROM later_cells b
    JOIN earlier a ON a.category_code = b.category_code AND a.cell_y = b.near_y AND a.cell_x = b.near_x
    UNION
    SELECT b.case_id, a.case_id
    FROM later b JOIN earlier a ON a.category_code = b.category_code AND a.grid_code = b.grid_code
),
pairs AS (
    SELECT n.case_id, n.first_case_id,
           6371000 * 2 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) AS distance_m,
           coalesce(a.grid_code = b.grid_code, false) AS same_grid
    FROM near n
    JOIN later b ON b.case_id = n.case_id
    JOIN earlier a ON a.case_id = n.first_case_id
    WHERE a.case_id <> b.case_id
      AND b.reported_at > a.closed_at AND b.reported_at <= a.closed_at + to_days($days::INTEGER)
      AND (coalesce(a.grid_code = b.grid_code, false) OR
           6371000 * 2 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) <= $meters)
    QUALIFY row_number() OVER (PARTITION BY n.case_id ORDER BY a.closed_at DESC, a.case_id DESC) = 1
)
SELECT p.case_id, b.case_no, b.reported_at, p.first_case_id, a.case_no AS first_case_no, a.closed_at AS first_closed_at,
       date_diff('hour', a.closed_at, b.reported_at) / 24.0 AS days_after,
       p.same_grid, round(p.distance_m) AS distance_m,
       cat.minor_name, a.unit_code AS first_unit_code, u.name AS first_unit_name,
       g.name AS grid_name, s.name AS street_name,
       count(*) OVER () AS total_count
FROM pairs p
JOIN later b ON b.case_id = p.case_id
JOIN earlier a ON a.case_id = p.first_case_id
LEFT JOIN ref_categories cat ON cat.category_code = b.category_code
LEFT JOIN scoped_units u ON u.unit_code = a.unit_code
LEFT JOIN scoped_areas g ON g.area_code = b.grid_code
LEFT JOIN scoped_areas s ON s.area_code = b.street_code
ORDER BY b.reported_at DESC, p.case_id DESC
LIMIT $limit;
