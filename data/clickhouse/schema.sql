-- GENERATED from data/schema.sql by `python -m data.clickhouse_load --ddl-only`; do not edit.
-- tests/test_clickhouse_load.py fails when this file and the DuckDB schema drift apart.

CREATE TABLE IF NOT EXISTS `accepted_daily` (
    `day` Date32,
    `district_code` Nullable(String),
    `dimension` String,
    `source` Nullable(String),
    `kind` Nullable(String),
    `category_code` Nullable(String),
    `weekday` Nullable(Int32),
    `hour` Nullable(Int32),
    `case_count` Int64
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `activities` (
    `activity_id` Int64,
    `title` String,
    `kind` String,
    `community_code` String,
    `unit_code` Nullable(String),
    `team_id` Nullable(Int64),
    `start_at` DateTime64(6, 'UTC'),
    `end_at` DateTime64(6, 'UTC'),
    `activity_date` Date32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `activity_participants` (
    `activity_id` Int64,
    `person_id` Int64,
    `hours` Float64
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `anomaly_daily` (
    `report_day` Date32,
    `district_code` Nullable(String),
    `street_code` String,
    `major_code` Nullable(String),
    `category_code` Nullable(String),
    `reports` Int64
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `area_levels` (
    `level` Int16,
    `name` String
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `areas` (
    `area_code` String,
    `name` String,
    `level` Int16,
    `parent_code` Nullable(String),
    `district_code` String,
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `population` Nullable(Int32),
    `centroid_lat` Nullable(Float64),
    `centroid_lon` Nullable(Float64),
    `geojson` Nullable(String),
    `is_synthetic` Bool
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `audit_log` (
    `logged_at` DateTime64(6, 'UTC'),
    `actor` String,
    `session_id` Nullable(String),
    `page` String,
    `action` String,
    `case_id` Nullable(Int64),
    `scope_json` String,
    `role` Nullable(String),
    `client_ip` Nullable(String),
    `access_label` Nullable(String),
    `detail` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `calendar` (
    `cal_date` Date32,
    `is_workday` Bool,
    `holiday_name` Nullable(String),
    `source` String
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `case_dispatches` (
    `case_id` Int64,
    `unit_code` String,
    `dispatched_at` DateTime64(6, 'UTC'),
    `prev_dispatched_at` Nullable(DateTime64(6, 'UTC')),
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `grid_code` Nullable(String),
    `kind` Nullable(String),
    `major_code` Nullable(String),
    `category_code` Nullable(String),
    `source` Nullable(String),
    `case_unit_code` Nullable(String)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(dispatched_at)
ORDER BY (toStartOfMonth(dispatched_at), case_id)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_duration_days` (
    `measure` String,
    `day` Date32,
    `district_code` Nullable(String),
    `bucket` Int16,
    `case_count` Int32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `case_durations` (
    `measure` String,
    `bucket` Int16,
    `hours` Float64,
    `day` Date32,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `unit_code` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `case_handoffs` (
    `case_id` Int64,
    `from_unit_code` String,
    `to_unit_code` String,
    `from_at` DateTime64(6, 'UTC'),
    `to_at` DateTime64(6, 'UTC'),
    `hop` Int64,
    `is_return` Bool,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `grid_code` Nullable(String),
    `kind` Nullable(String),
    `major_code` Nullable(String),
    `category_code` Nullable(String),
    `source` Nullable(String),
    `unit_code` Nullable(String)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(to_at)
ORDER BY (toStartOfMonth(to_at), case_id, hop)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_private` (
    `case_id` Int64,
    `reporter_name` Nullable(String),
    `reporter_phone` Nullable(String),
    `reporter_id_no` Nullable(String),
    `address` Nullable(String),
    `is_confidential` Bool,
    `reporter_key` Nullable(String)
) ENGINE = MergeTree
ORDER BY (case_id)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_steps` (
    `case_id` Int64,
    `seq` Int16,
    `step` String,
    `unit_code` Nullable(String),
    `step_at` DateTime64(6, 'UTC'),
    `deadline_at` Nullable(DateTime64(6, 'UTC')),
    `opinion` Nullable(String)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(step_at)
ORDER BY (toStartOfMonth(step_at), case_id, seq)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `cases` (
    `case_id` Int64,
    `case_no` String,
    `source` String,
    `kind` String,
    `category_code` String,
    `major_code` String,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `grid_code` Nullable(String),
    `lat` Nullable(Float64),
    `lon` Nullable(Float64),
    `unit_code` Nullable(String),
    `status` String,
    `reported_at` DateTime64(6, 'UTC'),
    `accepted_at` Nullable(DateTime64(6, 'UTC')),
    `filed_at` Nullable(DateTime64(6, 'UTC')),
    `dispatched_at` Nullable(DateTime64(6, 'UTC')),
    `handled_at` Nullable(DateTime64(6, 'UTC')),
    `verified_at` Nullable(DateTime64(6, 'UTC')),
    `closed_at` Nullable(DateTime64(6, 'UTC')),
    `accept_deadline_at` Nullable(DateTime64(6, 'UTC')),
    `file_deadline_at` Nullable(DateTime64(6, 'UTC')),
    `dispatch_deadline_at` Nullable(DateTime64(6, 'UTC')),
    `handle_deadline_at` Nullable(DateTime64(6, 'UTC')),
    `verify_deadline_at` Nullable(DateTime64(6, 'UTC')),
    `deadline_at` Nullable(DateTime64(6, 'UTC')),
    `is_cancelled` Bool,
    `is_shelved` Bool,
    `is_deferred` Bool,
    `is_extended` Bool,
    `is_self_handled` Bool,
    `deferred_hours` Float64,
    `rework_count` Int16,
    `dispatch_count` Int16,
    `satisfaction` Nullable(Int16),
    `callback_at` Nullable(DateTime64(6, 'UTC')),
    `description` Nullable(String),
    `handle_work_hours` Nullable(Float64),
    `close_work_hours` Nullable(Float64),
    `reported_date` Date32,
    `reported_month` Date32,
    `reported_hour` Int16,
    `updated_at` DateTime64(6, 'UTC'),
    `origin` String,
    `first_event_at` Nullable(DateTime64(6, 'UTC')),
    `last_event_at` Nullable(DateTime64(6, 'UTC')),
    `overdue_from_at` Nullable(DateTime64(6, 'UTC')),
    `dispatch_work_minutes` Nullable(Int32),
    `close_work_minutes` Nullable(Int32),
    INDEX `first_event_at_minmax` `first_event_at` TYPE minmax GRANULARITY 1,
    INDEX `last_event_at_minmax` `last_event_at` TYPE minmax GRANULARITY 1,
    INDEX `overdue_from_at_minmax` `overdue_from_at` TYPE minmax GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toYYYYMM(reported_month)
ORDER BY (reported_month, ifNull(district_code, ''), reported_at)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `categories` (
    `category_code` String,
    `kind` String,
    `major_code` String,
    `major_name` String,
    `minor_code` String,
    `minor_name` String
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `checkins` (
    `checkin_id` Int64,
    `person_id` Int64,
    `community_code` String,
    `checkin_at` DateTime64(6, 'UTC'),
    `checkin_date` Date32,
    `purpose` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `community_due_daily` (
    `day` Date32,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `unit_code` Nullable(String),
    `due_count` Int32,
    `due_closed_count` Int32,
    `due_on_time_count` Int32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `expected_calibration_closed` (
    `grant_key` String,
    `level` String,
    `cases` Int64,
    `within_p90` Int64
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `expected_calibration_open` (
    `grant_key` String,
    `level` String,
    `dispatch_work_minutes` Nullable(Int32),
    `deferred_hours` Nullable(Float64),
    `p90_hours` Nullable(Float64)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `expected_stats_day` (
    `grant_key` String,
    `level` String,
    `unit_code` Nullable(String),
    `category_code` Nullable(String),
    `major_code` Nullable(String),
    `cases` Int64,
    `hours_median` Nullable(Float64),
    `hours_p90` Nullable(Float64)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_flags` (
    `batch_id` Int64,
    `line` Int32,
    `case_no` Nullable(String),
    `flag_code` String,
    `message_zh` String
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_ledger` (
    `batch_id` Int64,
    `file_name` String,
    `sha256` String,
    `size_bytes` Int64,
    `format` Nullable(String),
    `mapping` Nullable(String),
    `encoding` Nullable(String),
    `invoked_by` String,
    `started_at` DateTime64(6, 'UTC'),
    `finished_at` Nullable(DateTime64(6, 'UTC')),
    `status` String,
    `rows_read` Nullable(Int32),
    `accepted` Nullable(Int32),
    `inserted` Nullable(Int32),
    `updated` Nullable(Int32),
    `unchanged` Nullable(Int32),
    `stale` Nullable(Int32),
    `rejected` Nullable(Int32),
    `duplicates` Nullable(Int32),
    `flagged` Nullable(Int32),
    `reason_code` Nullable(String),
    `message_zh` Nullable(String),
    `same_as_batch` Nullable(Int64),
    `mapping_source` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_records` (
    `origin` String,
    `case_no` String,
    `case_id` Int64,
    `updated_at` DateTime64(6, 'UTC'),
    `record_hash` UInt64,
    `batch_id` Int64,
    `line` Int32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_rejects` (
    `batch_id` Int64,
    `file_name` String,
    `line` Int32,
    `raw_record` String,
    `raw_masked` String,
    `reason_code` String,
    `column_name` Nullable(String),
    `message_zh` String
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `kpi_daily` (
    `day` Date32,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `unit_code` Nullable(String),
    `accepted_count` Int32,
    `accepted_on_time_count` Int32,
    `filed_count` Int32,
    `filed_on_time_count` Int32,
    `filed_public_count` Int32,
    `dispatched_count` Int32,
    `dispatched_on_time_count` Int32,
    `dispatched_accurate_count` Int32,
    `due_count` Int32,
    `due_deferred_count` Int32,
    `due_closed_count` Int32,
    `due_on_time_count` Int32,
    `due_first_time_count` Int32,
    `due_rework_count` Int32,
    `due_extended_count` Int32,
    `closed_count` Int32,
    `closed_timed_count` Int32,
    `disposal_den` Int32,
    `disposal_num` Int32,
    `disposal_pending_count` Int32,
    `handle_due_count` Int32,
    `handled_on_time_count` Int32,
    `handle_due_handled_count` Int32,
    `handle_pending_count` Int32,
    `handled_count` Int32,
    `verified_count` Int32,
    `verified_on_time_count` Int32,
    `callback_count` Int32,
    `satisfied_count` Int32,
    `case_count` Int32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `kpi_daily_unsettled` (
    `day` Date32,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `unit_code` Nullable(String),
    `accepted_count` Int32,
    `accepted_on_time_count` Int32,
    `filed_count` Int32,
    `filed_on_time_count` Int32,
    `filed_public_count` Int32,
    `dispatched_count` Int32,
    `dispatched_on_time_count` Int32,
    `dispatched_accurate_count` Int32,
    `due_count` Int32,
    `due_deferred_count` Int32,
    `due_closed_count` Int32,
    `due_on_time_count` Int32,
    `due_first_time_count` Int32,
    `due_rework_count` Int32,
    `due_extended_count` Int32,
    `closed_count` Int32,
    `closed_timed_count` Int32,
    `disposal_den` Int32,
    `disposal_num` Int32,
    `disposal_pending_count` Int32,
    `handle_due_count` Int32,
    `handled_on_time_count` Int32,
    `handle_due_handled_count` Int32,
    `handle_pending_count` Int32,
    `handled_count` Int32,
    `verified_count` Int32,
    `verified_on_time_count` Int32,
    `callback_count` Int32,
    `satisfied_count` Int32,
    `case_count` Int32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `meta` (
    `key` String,
    `value` Nullable(String),
    `updated_at` DateTime64(6, 'UTC')
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `needs` (
    `need_id` Int64,
    `community_code` String,
    `title` String,
    `kind` String,
    `posted_at` DateTime64(6, 'UTC'),
    `claimed_at` Nullable(DateTime64(6, 'UTC')),
    `claimed_by_unit_code` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `open_cases` (
    `case_id` Int64,
    `case_no` String,
    `source` String,
    `kind` String,
    `category_code` String,
    `major_code` String,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `grid_code` Nullable(String),
    `unit_code` Nullable(String),
    `dispatched_at` Nullable(DateTime64(6, 'UTC')),
    `handled_at` Nullable(DateTime64(6, 'UTC')),
    `handle_deadline_at` Nullable(DateTime64(6, 'UTC')),
    `deadline_at` Nullable(DateTime64(6, 'UTC')),
    `dispatch_work_minutes` Nullable(Int32),
    `handle_deadline_work_minutes` Nullable(Int32),
    `deadline_work_minutes` Nullable(Int32)
) ENGINE = MergeTree
ORDER BY (case_id)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `pairings` (
    `pairing_id` Int64,
    `unit_code` String,
    `community_code` String,
    `first_secretary_person_id` Nullable(Int64),
    `since_date` Date32,
    `until_date` Nullable(Date32)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `people` (
    `person_id` Int64,
    `name` String,
    `role` String,
    `unit_code` Nullable(String),
    `home_community_code` Nullable(String),
    `team_id` Nullable(Int64),
    `is_assigned` Bool,
    `joined_date` Date32
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `projects` (
    `project_id` Int64,
    `community_code` String,
    `unit_code` String,
    `need_id` Nullable(Int64),
    `resource_id` Nullable(Int64),
    `title` String,
    `started_at` DateTime64(6, 'UTC'),
    `completed_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `resources` (
    `resource_id` Int64,
    `unit_code` String,
    `title` String,
    `kind` String,
    `offered_at` DateTime64(6, 'UTC')
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `scrubbed_text` (
    `text_hash` UInt64,
    `shown` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `sources` (
    `source_code` String,
    `name_zh` String,
    `is_confidential` Bool
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `steps` (
    `step` String,
    `step_order` Int16,
    `name_zh` String,
    `from_column` Nullable(String),
    `at_column` String,
    `deadline_column` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `supervision_orders` (
    `order_id` Int64,
    `round_no` Int16,
    `unit_code` String,
    `community_code` Nullable(String),
    `problem` String,
    `issued_at` DateTime64(6, 'UTC'),
    `due_at` DateTime64(6, 'UTC'),
    `rectified_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `teams` (
    `team_id` Int64,
    `name` String,
    `unit_code` Nullable(String),
    `community_code` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `time_limits` (
    `category_code` String,
    `step` String,
    `amount` Float64,
    `unit` String
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `units` (
    `unit_code` String,
    `name` String,
    `kind` String,
    `peer_group` String,
    `district_code` Nullable(String)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `whistle_calls` (
    `whistle_id` Int64,
    `unit_code` String,
    `called_at` DateTime64(6, 'UTC'),
    `reported_in_at` Nullable(DateTime64(6, 'UTC')),
    `staff_count` Nullable(Int16)
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `whistles` (
    `whistle_id` Int64,
    `community_code` String,
    `whistled_at` DateTime64(6, 'UTC'),
    `problem` String,
    `category` Nullable(String),
    `problem_count` Int16,
    `solved_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = MergeTree
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `wishes` (
    `wish_id` Int64,
    `community_code` String,
    `title` String,
    `value_yuan` Float64,
    `posted_at` DateTime64(6, 'UTC'),
    `claimed_at` Nullable(DateTime64(6, 'UTC')),
    `claimed_by_unit_code` Nullable(String),
    `claimed_by_person_id` Nullable(Int64),
    `completed_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = MergeTree
ORDER BY tuple();
