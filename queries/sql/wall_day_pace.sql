-- Today's case counts so far and yesterday's up to the same time of day (较昨日同时), for the wall.
-- Grain: one row. The scope's window must be [yesterday, tomorrow); nothing after now counts.
-- Set membership comes from case_facts; the step's own timestamp only splits today from yesterday.
SELECT
    count(*) FILTER (WHERE in_accepted AND accepted_at >= w.end_at - INTERVAL 1 DAY AND accepted_at <= w.now_at) AS accepted_today,
    count(*) FILTER (WHERE in_accepted AND accepted_at < w.end_at - INTERVAL 1 DAY
                     AND accepted_at <= w.now_at - INTERVAL 1 DAY) AS accepted_yesterday,
    count(*) FILTER (WHERE in_filed AND filed_at >= w.end_at - INTERVAL 1 DAY AND filed_at <= w.now_at) AS filed_today,
    count(*) FILTER (WHERE in_filed AND filed_at < w.end_at - INTERVAL 1 DAY
                     AND filed_at <= w.now_at - INTERVAL 1 DAY) AS filed_yesterday,
    count(*) FILTER (WHERE in_closed AND closed_at >= w.end_at - INTERVAL 1 DAY AND closed_at <= w.now_at) AS closed_today,
    count(*) FILTER (WHERE in_closed AND closed_at < w.end_at - INTERVAL 1 DAY
                     AND closed_at <= w.now_at - INTERVAL 1 DAY) AS closed_yesterday
FROM case_facts, win w;
