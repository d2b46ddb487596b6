-- 三张清单 in the window: needs posted and claimed (as at the window's end), resources offered,
-- projects started, matched (need and resource both named) and completed.
-- Grain: one row. Parameters: the scope.
SELECT
    (SELECT count(*) FROM scoped_needs n, win w WHERE n.posted_at >= w.start_at AND n.posted_at < w.end_at) AS need_count,
    (SELECT count(*) FROM scoped_needs n, win w WHERE n.posted_at >= w.start_at AND n.posted_at < w.end_at
        AND n.claimed_at < least(w.end_at, w.now_at)) AS need_claimed_count,
    (SELECT count(*) FROM scoped_resources r, win w WHERE r.offered_at >= w.start_at AND r.offered_at < w.end_at) AS resource_count,
    (SELECT count(*) FROM scoped_projects p, win w WHERE p.started_at >= w.start_at AND p.started_at < w.end_at) AS project_count,
    (SELECT count(*) FROM scoped_projects p, win w WHERE p.started_at >= w.start_at AND p.started_at < w.end_at
        AND p.need_id IS NOT NULL AND p.resource_id IS NOT NULL) AS project_matched_count,
    (SELECT count(*) FROM scoped_projects p, win w WHERE p.started_at >= w.start_at AND p.started_at < w.end_at
        AND p.completed_at < least(w.end_at, w.now_at)) AS project_completed_count;
