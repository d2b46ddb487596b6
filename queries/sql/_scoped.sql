-- The single enforcement point: every query's FROM goes through these relations, never the raw tables.
-- Prepended by queries.runner to every query file. Access (what the identity may see) AND filters.
-- Parameters: $access_all, $access_districts, $districts, $streets, $communities, $grids, $kinds,
-- $majors, $categories, $sources, $units, $start, $end, $now.
WITH win AS (
    SELECT $start::TIMESTAMP AS start_at, $end::TIMESTAMP AS end_at, $now::TIMESTAMP AS now_at
),
scoped_areas AS (
    SELECT * FROM areas
    WHERE ($access_all OR list_contains($access_districts::VARCHAR[], district_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR level < 2 OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR level < 3 OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR level < 4 OR list_contains($grids::VARCHAR[], area_code))
),
scoped_communities AS (
    SELECT area_code AS community_code FROM scoped_areas WHERE level = 3
),
scoped_cases AS (
    SELECT * FROM cases
    WHERE ($access_all OR list_contains($access_districts::VARCHAR[], district_code))
      AND ($districts::VARCHAR[] IS NULL OR list_contains($districts::VARCHAR[], district_code))
      AND ($streets::VARCHAR[] IS NULL OR list_contains($streets::VARCHAR[], street_code))
      AND ($communities::VARCHAR[] IS NULL OR list_contains($communities::VARCHAR[], community_code))
      AND ($grids::VARCHAR[] IS NULL OR list_contains($grids::VARCHAR[], grid_code))
      AND ($kinds::VARCHAR[] IS NULL OR list_contains($kinds::VARCHAR[], kind))
      AND ($majors::VARCHAR[] IS NULL OR list_contains($majors::VARCHAR[], major_code))
      AND ($categories::VARCHAR[] IS NULL OR list_contains($categories::VARCHAR[], category_code))
      AND ($sources::VARCHAR[] IS NULL OR list_contains($sources::VARCHAR[], source))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
scoped_units AS (
    SELECT * FROM units
    WHERE ($access_all OR district_code IS NULL OR list_contains($access_districts::VARCHAR[], district_code))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
)
