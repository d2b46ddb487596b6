-- The wall's people-work strip: today's check-ins, volunteers on duty (distinct people checked in for
-- service today), open whistles and how long they have waited, units called and not yet reported in.
-- Grain: one row. Today = the day of now; nothing after now counts. Counts and hours only, no names.
WITH today_checkins AS (
    SELECT k.person_id, k.purpose
    FROM scoped_checkins k, win w
    WHERE k.checkin_date = w.now_at::DATE AND k.checkin_at <= w.now_at
),
open_whistles AS (
    SELECT date_diff('minute', wh.whistled_at, w.now_at) / 60.0 AS waiting_hours
    FROM scoped_whistles wh, win w
    WHERE wh.whistled_at <= w.now_at AND (wh.solved_at IS NULL OR wh.solved_at > w.now_at)
),
waiting_calls AS (
    SELECT date_diff('minute', wc.called_at, w.now_at) / 60.0 AS waiting_hours
    FROM scoped_whistle_calls wc, win w
    WHERE wc.called_at <= w.now_at AND (wc.reported_in_at IS NULL OR wc.reported_in_at > w.now_at)
)
SELECT (SELECT count(*) FROM today_checkins) AS checkins_today,
       (SELECT count(DISTINCT person_id) FROM today_checkins WHERE purpose = 'service') AS volunteers_on_duty,
       (SELECT count(*) FROM open_whistles) AS open_whistles,
       (SELECT median(waiting_hours) FROM open_whistles) AS whistle_wait_median_hours,
       (SELECT max(waiting_hours) FROM open_whistles) AS whistle_wait_max_hours,
       (SELECT count(*) FROM waiting_calls) AS calls_waiting,
       (SELECT max(waiting_hours) FROM waiting_calls) AS call_wait_max_hours;
