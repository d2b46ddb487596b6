-- Areas for the filter lists; run it with Scope.unfiltered() so only access narrows it.
-- Grain: one row per area the identity may see. Parameters: the scope.
SELECT area_code, name, level, parent_code
FROM scoped_areas
ORDER BY level, area_code;
