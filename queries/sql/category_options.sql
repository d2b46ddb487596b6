-- 小类 with their 大类 and kind (部件/事件), for the filter lists. Reference data, not scoped by access.
-- Grain: one row per category. Parameters: the scope (unused beyond the prefix).
SELECT category_code, kind, major_code, major_name, minor_code, minor_name
FROM ref_categories
ORDER BY kind DESC, major_code, minor_code;
