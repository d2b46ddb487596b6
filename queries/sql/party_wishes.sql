-- 微心愿 funnel of the wishes posted in the window: posted → claimed → completed, with value in yuan,
-- each stage as at the window's end, and the median days to claim and to complete.
-- Grain: one row. Parameters: the scope.
WITH posted AS (
    SELECT x.*, least(w.end_at, w.now_at) AS as_of_at
    FROM scoped_wishes x, win w
    WHERE x.posted_at >= w.start_at AND x.posted_at < w.end_at
)
SELECT count(*) AS posted_count,
       count(*) FILTER (WHERE claimed_at < as_of_at) AS claimed_count,
       count(*) FILTER (WHERE claimed_at < as_of_at AND completed_at < as_of_at) AS completed_count,
       coalesce(sum(value_yuan), 0) AS posted_value_yuan,
       coalesce(sum(value_yuan) FILTER (WHERE claimed_at < as_of_at), 0) AS claimed_value_yuan,
       coalesce(sum(value_yuan) FILTER (WHERE claimed_at < as_of_at AND completed_at < as_of_at), 0) AS completed_value_yuan,
       quantile_cont(epoch(claimed_at - posted_at) / 86400, 0.5) FILTER (WHERE claimed_at < as_of_at) AS claim_median_days,
       quantile_cont(epoch(completed_at - claimed_at) / 86400, 0.5)
           FILTER (WHERE claimed_at < as_of_at AND completed_at < as_of_at) AS complete_median_days
FROM posted;
