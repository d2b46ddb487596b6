-- Polygons of the areas of one level inside the scope, for maps (GeoJSON text, WGS84).
-- Grain: one row per area of level $level. Parameters: the scope, $level.
SELECT area_code, name, geojson, centroid_lat, centroid_lon, is_synthetic
FROM scoped_areas
WHERE level = $level
ORDER BY area_code;
