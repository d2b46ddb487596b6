-- The areas of one level inside the scope, with what maps and area tables show beside the counts.
-- Grain: one row per area of level $level. Parameters: the scope, $level.
SELECT area_code, name, level, parent_code, population, centroid_lat, centroid_lon, is_synthetic
FROM scoped_areas
WHERE level = $level
ORDER BY area_code;
