-- Hot spots: cases reported in the last $hours hours counted per square cell of $cell_degrees
-- (latitude and longitude), only cells with at least $min_count cases: a smaller count could single
-- out a person. Grain: one row per cell, largest first, at most $limit. Position = the cell's centre.
SELECT (floor(lat / $cell_degrees) + 0.5) * $cell_degrees AS lat,
       (floor(lon / $cell_degrees) + 0.5) * $cell_degrees AS lon,
       count(*) AS case_count
FROM scoped_cases, win w
WHERE reported_at > w.now_at - to_hours($hours::BIGINT) AND reported_at <= w.now_at
  AND NOT is_cancelled AND lat IS NOT NULL AND lon IS NOT NULL
GROUP BY floor(lat / $cell_degrees), floor(lon / $cell_degrees)
HAVING count(*) >= $min_count
ORDER BY case_count DESC, lat, lon
LIMIT $limit;
