-- The single enforcement point: every query's FROM goes through these relations, never the raw tables.
-- Prepended by queries.runner to every query file. Access (what the identity may see) AND filters.
-- Parameters: $access_all, $access_districts, $districts, $streets, $communities, $grids, $kinds,
-- $majors, $categories, $sources, $units, $start, $end, $now, $exclude_shelved, $exclude_deferred.
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
,
-- One row per scoped case with its membership in every KPI set for the window: the single
-- definition used by KPI counts, area and unit tables, and the lists of cases behind a number.
case_facts AS (
    SELECT c.*,
        (c.accepted_at >= w.start_at AND c.accepted_at < w.end_at AND NOT c.is_cancelled) AS in_accepted,
        (c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_cancelled
            AND NOT (c.is_shelved AND $exclude_shelved)) AS in_filed,
        (c.dispatched_at >= w.start_at AND c.dispatched_at < w.end_at AND NOT c.is_cancelled) AS in_dispatched,
        (c.deadline_at >= w.start_at AND c.deadline_at < w.end_at AND NOT c.is_cancelled AND NOT c.is_shelved
            AND NOT (c.is_deferred AND $exclude_deferred)) AS in_due,
        (c.closed_at >= w.start_at AND c.closed_at < w.end_at AND NOT c.is_cancelled) AS in_closed,
        -- closed by the end of the window (or now, if earlier): a period's rate as it was reported
        -- at period end, so old months do not drift towards 100% as late cases close.
        (in_due AND c.closed_at IS NOT NULL AND c.closed_at < least(w.end_at, w.now_at)) AS in_due_closed,
        (in_due AND c.closed_at IS NOT NULL AND c.closed_at <= c.deadline_at) AS in_due_on_time,
        (c.filed_at >= w.start_at AND c.filed_at < w.end_at AND NOT c.is_shelved AND NOT c.is_cancelled
            AND (c.dispatched_at IS NOT NULL OR c.is_self_handled)) AS in_disposal_den,
        (in_disposal_den AND c.closed_at IS NOT NULL AND c.closed_at < least(w.end_at, w.now_at)) AS in_disposal_num,
        (c.closed_at IS NULL AND c.deadline_at < w.now_at AND NOT c.is_cancelled AND NOT c.is_shelved
            AND c.status <> 'not_filed') AS is_overdue_open
    FROM scoped_cases c, win w
)
,
-- ── Case records behind a list or a detail view (access and filters through scoped_cases) ──
-- One row per step of a scoped case, with the acting unit's name (a unit outside the unit
-- filter still shows by name in the history of a case the user may see).
scoped_case_steps AS (
    SELECT s.*, u.name AS unit_name
    FROM case_steps s
    JOIN scoped_cases c ON c.case_id = s.case_id
    LEFT JOIN units u ON u.unit_code = s.unit_code
),
-- One row per scoped case with a reporter: personal data masked HERE, so no query file can read
-- it raw (security.md rule 6). Complaints from a confidential source (sources.is_confidential,
-- e.g. 信访/举报/督办) or marked confidential show 保密 instead.
scoped_case_reporters AS (
    SELECT p.case_id,
        coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) AS is_confidential,
        CASE WHEN coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) THEN '保密'
             WHEN nullif(trim(p.reporter_name), '') IS NULL THEN NULL
             ELSE left(trim(p.reporter_name), 1) || '*' END AS reporter_name_masked,
        CASE WHEN coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) THEN '保密'
             WHEN p.reporter_phone IS NULL THEN NULL
             WHEN length(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g')) = 11
                  AND starts_with(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), '1')
                THEN left(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), 3) || '****'
                     || right(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), 4)
             WHEN length(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g')) >= 7
                THEN '****' || right(regexp_replace(p.reporter_phone, '[^0-9]', '', 'g'), 4)
             ELSE '****' END AS reporter_phone_masked,
        CASE WHEN coalesce(src.is_confidential, false) OR coalesce(p.is_confidential, false) THEN '保密'
             WHEN length(p.reporter_id_no) = 18 THEN left(p.reporter_id_no, 6) || '********' || right(p.reporter_id_no, 4)
             WHEN p.reporter_id_no IS NOT NULL THEN '******' END AS reporter_id_masked
    FROM case_private p
    JOIN scoped_cases c ON c.case_id = p.case_id
    LEFT JOIN sources src ON src.source_code = c.source
),
-- ── People stream (党建引领): every record is placed by its community, so scoped_communities
-- carries access and the area filters; $units narrows to the unit involved in the record. ──
-- Names are personal data: only the masked form (王*) leaves the prefix, and never for the wall.
scoped_people AS (
    SELECT p.person_id, left(trim(p.name), 1) || '*' AS name_masked, p.role, p.unit_code,
           p.home_community_code, p.team_id, p.is_assigned, p.joined_date
    FROM people p
    WHERE p.home_community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], p.unit_code))
),
scoped_pairings AS (
    SELECT * FROM pairings
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- Check-ins with the person's role, employer and assignment (no name).
scoped_checkins AS (
    SELECT k.*, p.role, p.unit_code, p.is_assigned
    FROM checkins k
    JOIN people p ON p.person_id = k.person_id
    WHERE k.community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], p.unit_code))
),
scoped_activities AS (
    SELECT * FROM activities
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
scoped_activity_participants AS (
    SELECT ap.*, a.community_code, a.unit_code, a.activity_date, a.start_at
    FROM activity_participants ap
    JOIN scoped_activities a ON a.activity_id = ap.activity_id
),
scoped_whistles AS (
    SELECT * FROM whistles w
    WHERE w.community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR w.whistle_id IN (
            SELECT whistle_id FROM whistle_calls WHERE list_contains($units::VARCHAR[], unit_code)))
),
scoped_whistle_calls AS (
    SELECT wc.* FROM whistle_calls wc
    JOIN scoped_whistles w ON w.whistle_id = wc.whistle_id
    WHERE ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], wc.unit_code))
),
scoped_wishes AS (
    SELECT * FROM wishes
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], claimed_by_unit_code))
),
scoped_needs AS (
    SELECT * FROM needs
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], claimed_by_unit_code))
),
scoped_projects AS (
    SELECT * FROM projects
    WHERE community_code IN (SELECT community_code FROM scoped_communities)
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
),
-- Resources carry no place: those of units paired with a community in scope.
scoped_resources AS (
    SELECT * FROM resources
    WHERE unit_code IN (SELECT unit_code FROM scoped_pairings)
),
-- Orders without a community are visible only with city-wide access and no area filter (fail closed).
scoped_supervision_orders AS (
    SELECT * FROM supervision_orders
    WHERE (community_code IN (SELECT community_code FROM scoped_communities)
           OR (community_code IS NULL AND $access_all AND $districts::VARCHAR[] IS NULL
               AND $streets::VARCHAR[] IS NULL AND $communities::VARCHAR[] IS NULL AND $grids::VARCHAR[] IS NULL))
      AND ($units::VARCHAR[] IS NULL OR list_contains($units::VARCHAR[], unit_code))
)
