-- Volunteer service per community in the window: activities, participations, people, hours, check-ins.
-- Grain: one row per community in scope with any activity or check-in in the window, most hours first.
-- Parameters: the scope.
WITH acts AS (
    SELECT a.community_code, count(*) AS activity_count
    FROM scoped_activities a, win w
    WHERE a.start_at >= w.start_at AND a.start_at < w.end_at
    GROUP BY 1
),
parts AS (
    SELECT p.community_code, count(*) AS participation_count, count(DISTINCT p.person_id) AS volunteer_count,
           sum(p.hours) AS service_hours
    FROM scoped_activity_participants p, win w
    WHERE p.start_at >= w.start_at AND p.start_at < w.end_at
    GROUP BY 1
),
checks AS (
    SELECT k.community_code, count(*) AS checkin_count
    FROM scoped_checkins k, win w
    WHERE k.checkin_at >= w.start_at AND k.checkin_at < w.end_at
    GROUP BY 1
)
SELECT c.community_code, cm.name AS community_name, st.name AS street_name, d.name AS district_name,
       coalesce(acts.activity_count, 0) AS activity_count,
       coalesce(parts.participation_count, 0) AS participation_count,
       coalesce(parts.volunteer_count, 0) AS volunteer_count,
       coalesce(parts.service_hours, 0) AS service_hours,
       parts.service_hours / nullif(parts.volunteer_count, 0) AS hours_per_volunteer,
       coalesce(checks.checkin_count, 0) AS checkin_count
FROM scoped_communities c
JOIN scoped_areas cm ON cm.area_code = c.community_code
LEFT JOIN scoped_areas st ON st.area_code = cm.street_code AND st.level = 2
LEFT JOIN scoped_areas d ON d.area_code = cm.district_code AND d.level = 1
LEFT JOIN acts ON acts.community_code = c.community_code
LEFT JOIN parts ON parts.community_code = c.community_code
LEFT JOIN checks ON checks.community_code = c.community_code
WHERE acts.activity_count IS NOT NULL OR checks.checkin_count IS NOT NULL
ORDER BY service_hours DESC, activity_count DESC, c.community_code;
