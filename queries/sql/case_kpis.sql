-- Headline case KPIs for the window [start, end), plus overdue-open cases right now.
-- Grain: one row. Membership of each set is defined once, in case_facts (_scoped.sql).
SELECT
    count(*) FILTER (WHERE in_accepted) AS accepted_count,
    count(*) FILTER (WHERE in_filed) AS filed_count,
    count(*) FILTER (WHERE in_dispatched) AS dispatched_count,
    count(*) FILTER (WHERE in_due) AS due_count,
    count(*) FILTER (WHERE in_closed) AS closed_count,
    count(*) FILTER (WHERE in_due_closed) AS due_closed_count,
    count(*) FILTER (WHERE in_due_on_time) AS due_on_time_count,
    count(*) FILTER (WHERE in_disposal_den) AS disposal_den,
    count(*) FILTER (WHERE in_disposal_num) AS disposal_num,
    count(*) FILTER (WHERE is_overdue_open) AS overdue_open_count
FROM case_facts;
