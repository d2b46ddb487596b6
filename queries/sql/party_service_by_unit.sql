-- Volunteer service organised by each unit in the window (activities of the unit's teams).
-- Grain: one row per unit with any activity in the window, most hours first; community teams
-- (no unit) are left out. Parameters: the scope.
WITH acts AS (
    SELECT a.unit_code, count(*) AS activity_count, count(DISTINCT a.community_code) AS community_count
    FROM scoped_activities a, win w
    WHERE a.unit_code IS NOT NULL AND a.start_at >= w.start_at AND a.start_at < w.end_at
    GROUP BY 1
),
parts AS (
    SELECT p.unit_code, count(*) AS participation_count, count(DISTINCT p.person_id) AS volunteer_count,
           sum(p.hours) AS service_hours
    FROM scoped_activity_participants p, win w
    WHERE p.unit_code IS NOT NULL AND p.start_at >= w.start_at AND p.start_at < w.end_at
    GROUP BY 1
)
SELECT acts.unit_code, coalesce(u.name, acts.unit_code) AS unit_name, u.peer_group,
       acts.activity_count, acts.community_count,
       coalesce(parts.participation_count, 0) AS participation_count,
       coalesce(parts.volunteer_count, 0) AS volunteer_count,
       coalesce(parts.service_hours, 0) AS service_hours,
       parts.service_hours / nullif(parts.volunteer_count, 0) AS hours_per_volunteer
FROM acts
LEFT JOIN parts ON parts.unit_code = acts.unit_code
LEFT JOIN scoped_units u ON u.unit_code = acts.unit_code
ORDER BY service_hours DESC, acts.activity_count DESC, acts.unit_code;
