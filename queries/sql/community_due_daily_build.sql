-- The rows of community_due_daily (data/schema.sql): the 应结案 flags of case_facts over an unbounded window
-- for the cases settled before $settled_before (the publish day's midnight), run by the writer at publish
-- with whole-city access and no filter (queries/kpi_daily.build). Grain: one row per (deadline day,
-- district, street, community, unit) with a due case. Parameters: the scope (unbounded), $settled_before.
SELECT deadline_at::DATE AS day, district_code, street_code, community_code, unit_code,
       count(*) AS due_count,
       count(*) FILTER (WHERE in_due_closed) AS due_closed_count,
       count(*) FILTER (WHERE in_due_on_time) AS due_on_time_count
FROM case_facts
WHERE in_due AND last_event_at < $settled_before::TIMESTAMP
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5;
