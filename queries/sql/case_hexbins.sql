-- Case locations counted in hexagons of circumradius $hex_m metres, binned in SQL with plain arithmetic
-- (no extension): equirectangular metres around latitude $lat0, pointy-top axial coordinates, cube rounding.
-- Grain: one row per hexagon holding a case of the set. Parameters: the scope, $point_set, $hex_m, $lat0.
-- The overdue set is live (overdue_open_cases), the accepted set is the window's (case_facts).
WITH point_set AS (
    SELECT lat, lon FROM case_facts WHERE $point_set <> 'overdue' AND in_accepted
    UNION ALL
    SELECT lat, lon FROM overdue_open_cases WHERE $point_set = 'overdue'
),
pts AS (
    SELECT lon * 111320.0 * cos(radians($lat0)) AS x, lat * 110574.0 AS y
    FROM point_set
    WHERE lat IS NOT NULL AND lon IS NOT NULL
),
axial AS (
    SELECT (sqrt(3) / 3 * x - y / 3) / $hex_m AS q, (2.0 / 3 * y) / $hex_m AS r FROM pts
),
rounded AS (
    SELECT round(q) AS rq, round(r) AS rr, round(-q - r) AS rs,
           abs(round(q) - q) AS dq, abs(round(r) - r) AS dr, abs(round(-q - r) + q + r) AS ds
    FROM axial
),
hexes AS (
    -- the coordinate with the largest rounding error is recomputed from the other two
    SELECT CASE WHEN dq > dr AND dq > ds THEN -rr - rs ELSE rq END AS hq,
           CASE WHEN dq > dr AND dq > ds THEN rr WHEN dr > ds THEN -rq - rs ELSE rr END AS hr
    FROM rounded
)
SELECT hq::BIGINT AS hex_q, hr::BIGINT AS hex_r, count(*) AS case_count,
       $hex_m * (sqrt(3) * hq + sqrt(3) / 2 * hr) / (111320.0 * cos(radians($lat0))) AS center_lon,
       $hex_m * 1.5 * hr / 110574.0 AS center_lat
FROM hexes
GROUP BY hq, hr
ORDER BY case_count DESC, hex_q, hex_r;
