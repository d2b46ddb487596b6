-- 重复发生: a case of the same 小类 reported at the same place (same grid, or within $meters) within
-- $days after an earlier case there was closed. Grain: one row per later case reported in [$start, $end),
-- paired with the latest such closure before it. Cancelled cases never count on either side.
-- Parameters: the scope, $days, $meters, $limit (newest first).
WITH cand AS (
    SELECT case_id, case_no, category_code, unit_code, district_code, street_code, grid_code, lat, lon,
           reported_at, closed_at,
           floor(lat / ($meters / 111000.0))::BIGINT AS cell_y,
           floor(lon / (2 * $meters / 111000.0))::BIGINT AS cell_x
    FROM scoped_cases
    WHERE NOT is_cancelled
),
later AS (
    SELECT c.* FROM cand c, win WHERE c.reported_at >= win.start_at AND c.reported_at < win.end_at
),
pairs AS (
    SELECT a.case_id AS first_case_id, b.case_id AS case_id,
           6371000 * 2 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) AS distance_m,
           a.grid_code = b.grid_code AS same_grid
    FROM later b
    JOIN cand a ON a.category_code = b.category_code
        AND (a.grid_code = b.grid_code
             OR (a.cell_y BETWEEN b.cell_y - 1 AND b.cell_y + 1 AND a.cell_x BETWEEN b.cell_x - 1 AND b.cell_x + 1))
    WHERE a.case_id <> b.case_id AND a.closed_at IS NOT NULL
      AND b.reported_at > a.closed_at AND b.reported_at <= a.closed_at + to_days($days::INTEGER)
      AND (coalesce(a.grid_code = b.grid_code, false) OR
           6371000 * 2 * asin(sqrt(pow(sin(radians(b.lat - a.lat) / 2), 2)
               + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))) <= $meters)
    QUALIFY row_number() OVER (PARTITION BY b.case_id ORDER BY a.closed_at DESC, a.case_id DESC) = 1
)
SELECT p.case_id, b.case_no, b.reported_at, p.first_case_id, a.case_no AS first_case_no, a.closed_at AS first_closed_at,
       date_diff('hour', a.closed_at, b.reported_at) / 24.0 AS days_after,
       coalesce(p.same_grid, false) AS same_grid, round(p.distance_m) AS distance_m,
       cat.minor_name, a.unit_code AS first_unit_code, u.name AS first_unit_name,
       g.name AS grid_name, s.name AS street_name,
       count(*) OVER () AS total_count
FROM pairs p
JOIN later b ON b.case_id = p.case_id
JOIN cand a ON a.case_id = p.first_case_id
LEFT JOIN ref_categories cat ON cat.category_code = b.category_code
LEFT JOIN scoped_units u ON u.unit_code = a.unit_code
LEFT JOIN scoped_areas g ON g.area_code = b.grid_code
LEFT JOIN scoped_areas s ON s.area_code = b.street_code
ORDER BY b.reported_at DESC, p.case_id DESC
LIMIT $limit;
