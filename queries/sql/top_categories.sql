-- The 小类 with most accepted cases in [$split, end), per kind (部件/事件), with their count in
-- [start, $previous_end) (the comparison period, queries/periods.py; queries.trends sets the window so).
-- Grain: one row per (kind, category) among the first $top_n of its kind; ties by category code.
-- Parameters: the scope, $split, $previous_end, $top_n, $from_accepted_daily: from the counts built at
-- publish (accepted_daily, by day of accepted_at; $split and $previous_end are midnights), as in source_mix.sql.
WITH per_category AS (
    SELECT kind, category_code,
           (count(*) FILTER (WHERE accepted_at >= $split::TIMESTAMP))::BIGINT AS case_count,
           (count(*) FILTER (WHERE accepted_at < $previous_end::TIMESTAMP))::BIGINT AS previous_count
    FROM case_facts
    WHERE in_accepted AND NOT $from_accepted_daily::BOOLEAN
    GROUP BY kind, category_code
    UNION ALL
    SELECT kind, category_code,
           coalesce(sum(case_count) FILTER (WHERE day >= $split::DATE), 0)::BIGINT AS case_count,
           coalesce(sum(case_count) FILTER (WHERE day < $previous_end::DATE), 0)::BIGINT AS previous_count
    FROM scoped_accepted_daily
    WHERE $from_accepted_daily::BOOLEAN AND dimension = 'category' AND day >= $start::DATE AND day < $end::DATE
    GROUP BY kind, category_code
),
ranked AS (
    SELECT *, sum(case_count) OVER (PARTITION BY kind) AS kind_total,
           row_number() OVER (PARTITION BY kind ORDER BY case_count DESC, category_code) AS rank
    FROM per_category
    WHERE case_count > 0
)
SELECT r.kind, r.rank, r.category_code, coalesce(c.major_name, '') AS major_name,
       coalesce(c.minor_name, r.category_code) AS minor_name,
       r.case_count, r.kind_total, r.case_count / r.kind_total AS share_rate, r.previous_count
FROM ranked r
LEFT JOIN ref_categories c ON c.category_code = r.category_code
WHERE r.rank <= $top_n
ORDER BY r.kind DESC, r.rank;
