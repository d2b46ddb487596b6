-- Pairing scorecard (结对共建): each paired unit's people work (its people living in scope) beside the case
-- KPIs of the communities it is paired with. Grain: one row per unit with a pairing active in the window.
-- Params: scope, $from_community_due_daily: add the due counts built at publish (community_due_daily) for the
-- cases settled before $span_start, which the caller then sets to that table's day so case_facts holds the
-- others (queries/community_due_daily.py decides where this is exact). Rates are NULL when their denominator is zero.
WITH active AS (
    SELECT p.* FROM scoped_pairings p, win w
    WHERE p.since_date < w.end_at AND (p.until_date IS NULL OR p.until_date >= w.start_at)
),
paired AS (
    SELECT a.unit_code, count(DISTINCT a.community_code) AS community_count,
           string_agg(DISTINCT cm.name, '、' ORDER BY cm.name) AS community_names
    FROM active a LEFT JOIN scoped_areas cm ON cm.area_code = a.community_code
    GROUP BY 1
),
first_report AS (
    SELECT k.person_id, min(k.checkin_at) AS first_at
    FROM scoped_checkins k WHERE k.purpose = 'report_in' GROUP BY 1
),
unit_people AS (
    SELECT p.unit_code,
           count(*) FILTER (WHERE p.joined_date < least(w.end_at, w.now_at)) AS assigned_count,
           count(*) FILTER (WHERE p.joined_date < least(w.end_at, w.now_at)
                            AND f.first_at < least(w.end_at, w.now_at)) AS reported_in_count
    FROM scoped_people p LEFT JOIN first_report f ON f.person_id = p.person_id, win w
    WHERE p.is_assigned AND p.unit_code IN (SELECT unit_code FROM paired)
    GROUP BY 1
),
unit_checks AS (
    SELECT k.unit_code, count(*) AS checkin_count
    FROM scoped_checkins k, win w
    WHERE k.checkin_at >= w.start_at AND k.checkin_at < w.end_at AND k.unit_code IN (SELECT unit_code FROM paired)
    GROUP BY 1
),
unit_acts AS (
    SELECT a.unit_code, count(*) AS activity_count
    FROM scoped_activities a, win w
    WHERE a.start_at >= w.start_at AND a.start_at < w.end_at AND a.unit_code IN (SELECT unit_code FROM paired)
    GROUP BY 1
),
unit_hours AS (
    SELECT p.unit_code, sum(p.hours) AS service_hours
    FROM scoped_activity_participants p, win w
    WHERE p.start_at >= w.start_at AND p.start_at < w.end_at AND p.unit_code IN (SELECT unit_code FROM paired)
    GROUP BY 1
),
unit_wishes AS (
    SELECT x.claimed_by_unit_code AS unit_code,
           count(*) AS wish_claimed_count,
           count(*) FILTER (WHERE x.completed_at < least(w.end_at, w.now_at)) AS wish_completed_count
    FROM scoped_wishes x, win w
    WHERE x.claimed_at >= w.start_at AND x.claimed_at < w.end_at
      AND x.claimed_by_unit_code IN (SELECT unit_code FROM paired)
    GROUP BY 1
),
community_due AS (   -- the cases of case_facts (all of them, or those the table does not hold), plus the table
    SELECT community_code, sum(due_count)::BIGINT AS due_count, sum(due_closed_count)::BIGINT AS due_closed_count,
           sum(due_on_time_count)::BIGINT AS due_on_time_count
    FROM (
        SELECT community_code,   -- BIGINT in both branches: ClickHouse's count is unsigned (a UNION would be a Variant)
               (count(*) FILTER (WHERE in_due))::BIGINT AS due_count,
               (count(*) FILTER (WHERE in_due_closed))::BIGINT AS due_closed_count,
               (count(*) FILTER (WHERE in_due_on_time))::BIGINT AS due_on_time_count
        FROM case_facts
        WHERE community_code IN (SELECT community_code FROM active)
        GROUP BY 1
        UNION ALL
        SELECT community_code, sum(due_count)::BIGINT, sum(due_closed_count)::BIGINT, sum(due_on_time_count)::BIGINT
        FROM scoped_community_due_daily
        WHERE $from_community_due_daily::BOOLEAN AND day >= $start::DATE
          AND community_code IN (SELECT community_code FROM active)
        GROUP BY 1
    ) parts
    GROUP BY 1
),
community_overdue AS (   -- live: open and past the deadline now, whatever the window (the open set built at publish)
    SELECT community_code, count(*) AS overdue_open_count
    FROM scoped_open_cases
    WHERE deadline_at < $now::TIMESTAMP AND community_code IN (SELECT community_code FROM active)
    GROUP BY 1
),
community_cases AS (
    SELECT coalesce(d.community_code, o.community_code) AS community_code,
           coalesce(d.due_count, 0) AS due_count, coalesce(d.due_closed_count, 0) AS due_closed_count,
           coalesce(d.due_on_time_count, 0) AS due_on_time_count,
           coalesce(o.overdue_open_count, 0) AS overdue_open_count
    FROM community_due d
    FULL OUTER JOIN community_overdue o ON o.community_code = d.community_code
),
unit_cases AS (
    SELECT a.unit_code, sum(cc.due_count)::BIGINT AS due_count, sum(cc.due_closed_count)::BIGINT AS due_closed_count,
           sum(cc.due_on_time_count)::BIGINT AS due_on_time_count,
           sum(cc.overdue_open_count)::BIGINT AS overdue_open_count
    FROM (SELECT DISTINCT unit_code, community_code FROM active) a
    JOIN community_cases cc ON cc.community_code = a.community_code
    GROUP BY 1
)
SELECT pd.unit_code, coalesce(u.name, pd.unit_code) AS unit_name, u.peer_group,
       pd.community_count, pd.community_names,
       coalesce(pp.assigned_count, 0) AS assigned_count,
       coalesce(pp.reported_in_count, 0) AS reported_in_count,
       coalesce(ch.checkin_count, 0) AS checkin_count,
       coalesce(ac.activity_count, 0) AS activity_count,
       coalesce(h.service_hours, 0) AS service_hours,
       coalesce(wi.wish_claimed_count, 0) AS wish_claimed_count,
       coalesce(wi.wish_completed_count, 0) AS wish_completed_count,
       coalesce(cs.due_count, 0) AS due_count,
       coalesce(cs.due_closed_count, 0) AS due_closed_count,
       coalesce(cs.due_on_time_count, 0) AS due_on_time_count,
       coalesce(cs.overdue_open_count, 0) AS overdue_open_count,
       CASE WHEN pp.assigned_count > 0 THEN pp.reported_in_count / pp.assigned_count END AS report_in_rate,
       CASE WHEN cs.due_count > 0 THEN cs.due_on_time_count / cs.due_count END AS on_time_rate,
       CASE WHEN cs.due_count > 0 THEN cs.due_closed_count / cs.due_count END AS closing_rate
FROM paired pd
LEFT JOIN scoped_units u ON u.unit_code = pd.unit_code
LEFT JOIN unit_people pp ON pp.unit_code = pd.unit_code
LEFT JOIN unit_checks ch ON ch.unit_code = pd.unit_code
LEFT JOIN unit_acts ac ON ac.unit_code = pd.unit_code
LEFT JOIN unit_hours h ON h.unit_code = pd.unit_code
LEFT JOIN unit_wishes wi ON wi.unit_code = pd.unit_code
LEFT JOIN unit_cases cs ON cs.unit_code = pd.unit_code
ORDER BY pd.unit_code;
