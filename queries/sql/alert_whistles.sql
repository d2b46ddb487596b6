-- Whistle calls (吹哨报到) a unit has not answered $limit_hours natural hours after the call, whistle
-- still unsolved. Grain: one row per (whistle, unit) call. Names of places and units only, never people.
-- Parameters: the scope, $limit_hours.
SELECT wc.whistle_id, wc.unit_code, u.name AS unit_name, cm.name AS community_name, w.category, wc.called_at,
       date_diff('minute', wc.called_at, win.now_at) / 60.0 AS waiting_hours
FROM scoped_whistle_calls wc
JOIN scoped_whistles w ON w.whistle_id = wc.whistle_id
CROSS JOIN win
LEFT JOIN scoped_units u ON u.unit_code = wc.unit_code
LEFT JOIN scoped_areas cm ON cm.area_code = w.community_code
WHERE wc.reported_in_at IS NULL AND w.solved_at IS NULL AND wc.called_at <= win.now_at
  AND wc.called_at + to_hours($limit_hours::INTEGER) < win.now_at
ORDER BY wc.called_at, wc.whistle_id, wc.unit_code;
