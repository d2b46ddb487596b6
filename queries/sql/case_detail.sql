-- One case for the detail view: what, where, the reporter (masked in scoped_case_reporters), steps, side states.
-- Grain: one row, or none when the case is outside the identity's access or the filters.
-- Params: scope, $case_id (bound in each subquery: a correlated step count scanned every step).
SELECT c.case_id, c.case_no, c.status, c.source, coalesce(src.name_zh, c.source) AS source_name, c.kind,
       cat.major_name, cat.minor_name,
       d.name AS district_name, s.name AS street_name, cm.name AS community_name, g.name AS grid_name,
       c.unit_code, u.name AS unit_name, c.category_code, c.major_code,
       c.reported_at, c.accepted_at, c.filed_at, c.dispatched_at, c.handled_at, c.verified_at, c.closed_at,
       c.accept_deadline_at, c.file_deadline_at, c.dispatch_deadline_at, c.handle_deadline_at,
       c.verify_deadline_at, c.deadline_at,
       c.is_cancelled, c.is_shelved, c.is_deferred, c.is_extended, c.is_self_handled, c.deferred_hours,
       c.rework_count, c.dispatch_count, c.satisfaction, c.callback_at, c.handle_work_hours, c.close_work_hours,
       c.description,
       (SELECT count(*) FROM scoped_case_steps st WHERE st.case_id = $case_id AND st.step = 'redispatch') AS redispatch_count,
       r.case_id IS NOT NULL AS has_reporter,
       coalesce(r.is_confidential, coalesce(src.is_confidential, false)) AS is_confidential,
       r.reporter_name_masked, r.reporter_phone_masked, r.reporter_id_masked
FROM scoped_cases c
LEFT JOIN ref_categories cat ON cat.category_code = c.category_code
LEFT JOIN ref_sources src ON src.source_code = c.source
LEFT JOIN scoped_areas d ON d.area_code = c.district_code
LEFT JOIN scoped_areas s ON s.area_code = c.street_code
LEFT JOIN scoped_areas cm ON cm.area_code = c.community_code
LEFT JOIN scoped_areas g ON g.area_code = c.grid_code
LEFT JOIN scoped_units u ON u.unit_code = c.unit_code
LEFT JOIN (SELECT * FROM scoped_case_reporters WHERE case_id = $case_id) r ON r.case_id = c.case_id
WHERE c.case_id = $case_id;
