-- 第一书记 visits per paired community and calendar month (rule: one a month), masked name (王*). Months
-- overlapping the window count in full; is_complete = ended by now. Grain: one row per (pairing, month
-- it was active). Params: scope.
WITH months AS (
    SELECT unnest(range(date_trunc('month', w.start_at), w.end_at, INTERVAL 1 MONTH)) AS month_start
    FROM win w
),
secretaries AS (
    SELECT p.pairing_id, p.unit_code, p.community_code, p.first_secretary_person_id AS person_id,
           p.since_date, p.until_date
    FROM scoped_pairings p
    WHERE p.first_secretary_person_id IS NOT NULL
),
visits AS (
    SELECT k.person_id, k.community_code, date_trunc('month', k.checkin_at) AS month_start, count(*) AS visit_count
    FROM scoped_checkins k
    WHERE k.purpose = 'visit' AND k.checkin_at >= (SELECT min(month_start) FROM months)
    GROUP BY ALL
)
SELECT s.pairing_id, s.unit_code, coalesce(u.name, s.unit_code) AS unit_name, s.community_code,
       cm.name AS community_name, pe.name_masked AS secretary_name_masked,
       m.month_start::DATE AS month_date,
       coalesce(v.visit_count, 0) AS visit_count,
       m.month_start + INTERVAL 1 MONTH <= w.now_at AS is_complete
FROM secretaries s
CROSS JOIN months m
CROSS JOIN win w
LEFT JOIN visits v ON v.person_id = s.person_id AND v.community_code = s.community_code AND v.month_start = m.month_start
LEFT JOIN scoped_units u ON u.unit_code = s.unit_code
LEFT JOIN scoped_areas cm ON cm.area_code = s.community_code
LEFT JOIN scoped_people pe ON pe.person_id = s.person_id
WHERE s.since_date < m.month_start + INTERVAL 1 MONTH
  AND (s.until_date IS NULL OR s.until_date >= m.month_start)
ORDER BY s.unit_code, s.community_code, m.month_start;
