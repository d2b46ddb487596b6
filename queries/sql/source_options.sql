-- Case sources (来源) for the filter list. Reference data, not scoped by access.
-- Grain: one row per source. Parameters: the scope (unused beyond the prefix).
SELECT source_code, name_zh
FROM ref_sources
ORDER BY source_code;
