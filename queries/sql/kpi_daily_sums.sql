-- kpi_counts.sql's row for $by = 'all' and its time-free counts (queries/accepted_daily.TIME_FREE_COUNTS:
-- the anchor in the window and attributes of the case, no end or clock), from kpi_daily: its unbounded
-- counts on the anchor's day, summed over the window's days [start, end), are the window's. No row is
-- dropped when every count is 0 (the caller then asks the cases whether kpi_counts lists one).
-- Grain: one row. Parameters: the scope (no filter kpi_daily lacks: queries/accepted_daily.py).
SELECT 'all' AS group_code,
       coalesce(sum(accepted_count), 0)::BIGINT AS accepted_count,
       coalesce(sum(accepted_on_time_count), 0)::BIGINT AS accepted_on_time_count,
       coalesce(sum(filed_count), 0)::BIGINT AS filed_count,
       coalesce(sum(filed_on_time_count), 0)::BIGINT AS filed_on_time_count,
       coalesce(sum(filed_public_count), 0)::BIGINT AS filed_public_count,
       coalesce(sum(dispatched_count), 0)::BIGINT AS dispatched_count,
       coalesce(sum(dispatched_on_time_count), 0)::BIGINT AS dispatched_on_time_count,
       coalesce(sum(dispatched_accurate_count), 0)::BIGINT AS dispatched_accurate_count,
       coalesce(sum(closed_count), 0)::BIGINT AS closed_count,
       coalesce(sum(closed_timed_count), 0)::BIGINT AS closed_timed_count,
       coalesce(sum(handled_count), 0)::BIGINT AS handled_count,
       coalesce(sum(verified_count), 0)::BIGINT AS verified_count,
       coalesce(sum(verified_on_time_count), 0)::BIGINT AS verified_on_time_count,
       coalesce(sum(callback_count), 0)::BIGINT AS callback_count,
       coalesce(sum(satisfied_count), 0)::BIGINT AS satisfied_count,
       NULL::VARCHAR AS name, NULL::VARCHAR AS peer_group, NULL::VARCHAR AS parent_code, NULL::INTEGER AS population
FROM scoped_kpi_daily
WHERE day >= $start::DATE AND day < $end::DATE;
