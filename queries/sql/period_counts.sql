-- Accepted, filed and closed cases in three stretches: the window [$current_start, end), the previous
-- period [$previous_start, $previous_end) (环比: the previous calendar period or equal length, queries/periods.py) and the same window a year earlier
-- [$year_start, $year_end) (同比). One pass over a scope whose window starts at the earliest of them, so
-- case_facts' flags (in_accepted, in_filed, in_closed) define every set; each stretch splits by the
-- step's own time. Grain: one row. Parameters: the scope, $current_start, $previous_start, $previous_end, $year_start, $year_end.
SELECT
    count(*) FILTER (WHERE in_accepted AND accepted_at >= $current_start::TIMESTAMP) AS accepted_count,
    count(*) FILTER (WHERE in_filed AND filed_at >= $current_start::TIMESTAMP) AS filed_count,
    count(*) FILTER (WHERE in_closed AND closed_at >= $current_start::TIMESTAMP) AS closed_count,
    count(*) FILTER (WHERE in_accepted AND accepted_at >= $previous_start::TIMESTAMP
                       AND accepted_at < $previous_end::TIMESTAMP) AS previous_accepted_count,
    count(*) FILTER (WHERE in_filed AND filed_at >= $previous_start::TIMESTAMP
                       AND filed_at < $previous_end::TIMESTAMP) AS previous_filed_count,
    count(*) FILTER (WHERE in_closed AND closed_at >= $previous_start::TIMESTAMP
                       AND closed_at < $previous_end::TIMESTAMP) AS previous_closed_count,
    count(*) FILTER (WHERE in_accepted AND accepted_at >= $year_start::TIMESTAMP
                       AND accepted_at < $year_end::TIMESTAMP) AS year_ago_accepted_count,
    count(*) FILTER (WHERE in_filed AND filed_at >= $year_start::TIMESTAMP
                       AND filed_at < $year_end::TIMESTAMP) AS year_ago_filed_count,
    count(*) FILTER (WHERE in_closed AND closed_at >= $year_start::TIMESTAMP
                       AND closed_at < $year_end::TIMESTAMP) AS year_ago_closed_count
FROM case_facts;
