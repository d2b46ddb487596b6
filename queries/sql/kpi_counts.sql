-- Every count and duration statistic behind the KPI registry (queries/kpis.py), per group:
-- Grain: one row per group of $by: 'all' (one row; none when no case is in scope), 'unit', or an
-- area level ('district' | 'street' | 'community' | 'grid'); groups without a code are left out.
-- Membership of each set is defined once, in case_facts (_scoped.sql). Parameters: the scope, $by.
-- The live overdue count is overdue_counts.sql (queries.cases.kpi_counts joins the two).
WITH per_group AS (
    SELECT CASE $by WHEN 'all' THEN 'all' WHEN 'unit' THEN unit_code WHEN 'district' THEN district_code
                    WHEN 'street' THEN street_code WHEN 'community' THEN community_code
                    WHEN 'grid' THEN grid_code END AS group_code,
        count(*) FILTER (WHERE in_accepted) AS accepted_count,
        count(*) FILTER (WHERE in_accepted_on_time) AS accepted_on_time_count,
        count(*) FILTER (WHERE in_filed) AS filed_count,
        count(*) FILTER (WHERE in_filed_on_time) AS filed_on_time_count,
        count(*) FILTER (WHERE in_filed_public) AS filed_public_count,
        count(*) FILTER (WHERE in_dispatched) AS dispatched_count,
        count(*) FILTER (WHERE in_dispatched_on_time) AS dispatched_on_time_count,
        count(*) FILTER (WHERE in_dispatched_accurate) AS dispatched_accurate_count,
        count(*) FILTER (WHERE in_due) AS due_count,
        count(*) FILTER (WHERE in_due_deferred) AS due_deferred_count,
        count(*) FILTER (WHERE in_due_closed) AS due_closed_count,
        count(*) FILTER (WHERE in_due_on_time) AS due_on_time_count,
        count(*) FILTER (WHERE in_due_first_time) AS due_first_time_count,
        count(*) FILTER (WHERE in_due_rework) AS due_rework_count,
        count(*) FILTER (WHERE in_due_extended) AS due_extended_count,
        count(*) FILTER (WHERE in_closed) AS closed_count,
        count(*) FILTER (WHERE in_disposal_den) AS disposal_den,
        count(*) FILTER (WHERE in_disposal_num) AS disposal_num,
        count(*) FILTER (WHERE in_disposal_pending) AS disposal_pending_count,
        count(*) FILTER (WHERE in_handle_due) AS handle_due_count,
        count(*) FILTER (WHERE in_handled_on_time) AS handled_on_time_count,
        count(*) FILTER (WHERE in_handle_due_handled) AS handle_due_handled_count,
        count(*) FILTER (WHERE in_handle_pending) AS handle_pending_count,
        count(*) FILTER (WHERE in_handled) AS handled_count,
        quantile_cont(handle_work_hours, 0.5) FILTER (WHERE in_handled) AS handle_hours_median,
        quantile_cont(handle_work_hours, 0.9) FILTER (WHERE in_handled) AS handle_hours_p90,
        count(close_work_hours) FILTER (WHERE in_closed) AS closed_timed_count,
        quantile_cont(close_work_hours, 0.5) FILTER (WHERE in_closed) AS close_hours_median,
        quantile_cont(close_work_hours, 0.9) FILTER (WHERE in_closed) AS close_hours_p90,
        count(*) FILTER (WHERE in_verified) AS verified_count,
        count(*) FILTER (WHERE in_verified_on_time) AS verified_on_time_count,
        count(*) FILTER (WHERE in_callback) AS callback_count,
        count(*) FILTER (WHERE in_satisfied) AS satisfied_count
    FROM case_facts
    GROUP BY 1
)
SELECT p.*, n.name, n.peer_group, n.parent_code, n.population
FROM per_group p
LEFT JOIN kpi_group_names n
       ON n.group_kind = CASE $by WHEN 'unit' THEN 'unit' WHEN 'all' THEN NULL ELSE 'area' END
       AND n.group_code = p.group_code
WHERE p.group_code IS NOT NULL
ORDER BY p.group_code;
