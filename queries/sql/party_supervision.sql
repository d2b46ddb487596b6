-- 督办整改: supervision orders issued in the window, per round and in total: rectified (as at the
-- window's end), rectified by the due date, still open past the due date now, and (a window that
-- includes now) still open within their due date: pending, not a failure, out of the rate's denominator.
-- Grain: one row per round plus one total row (is_total). Parameters: the scope.
WITH issued AS (
    SELECT o.*, least(w.end_at, w.now_at) AS as_of_at, w.now_at
    FROM scoped_supervision_orders o, win w
    WHERE o.issued_at >= w.start_at AND o.issued_at < w.end_at
)
SELECT GROUPING(round_no) = 1 AS is_total, round_no,
       CASE WHEN GROUPING(round_no) = 1 THEN '合计' ELSE '第 ' || round_no || ' 轮' END AS round_label,
       min(issued_at) AS first_issued_at,
       count(*) AS order_count,
       count(*) FILTER (WHERE rectified_at < as_of_at) AS rectified_count,
       count(*) FILTER (WHERE NOT coalesce(rectified_at < as_of_at, false) AND due_at >= as_of_at) AS pending_count,
       count(*) FILTER (WHERE rectified_at < as_of_at)
           / nullif(count(*) FILTER (WHERE coalesce(rectified_at < as_of_at, false) OR due_at < as_of_at), 0)
           AS rectification_rate,
       count(*) FILTER (WHERE rectified_at < as_of_at AND rectified_at <= due_at) AS rectified_on_time_count,
       count(*) FILTER (WHERE rectified_at IS NULL AND due_at < now_at) AS overdue_open_count
FROM issued
GROUP BY GROUPING SETS ((round_no), ())
ORDER BY is_total DESC, round_no DESC;
