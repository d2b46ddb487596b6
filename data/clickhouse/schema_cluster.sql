-- GENERATED from data/schema.sql by `python -m data.clickhouse_load --ddl-only --cluster dashboard_cluster`; do not edit.
-- tests/test_clickhouse_load.py fails when this file and the DuckDB schema drift apart.

CREATE TABLE IF NOT EXISTS `accepted_daily` ON CLUSTER `dashboard_cluster` (
    `day` Date32,
    `district_code` Nullable(String),
    `dimension` String,
    `source` Nullable(String),
    `kind` Nullable(String),
    `category_code` Nullable(String),
    `weekday` Nullable(Int32),
    `hour` Nullable(Int32),
    `case_count` Int64
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/accepted_daily', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `activities` ON CLUSTER `dashboard_cluster` (
    `activity_id` Int64,
    `title` String,
    `kind` String,
    `community_code` String,
    `unit_code` Nullable(String),
    `team_id` Nullable(Int64),
    `start_at` DateTime64(6, 'UTC'),
    `end_at` DateTime64(6, 'UTC'),
    `activity_date` Date32
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/activities', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `activity_participants` ON CLUSTER `dashboard_cluster` (
    `activity_id` Int64,
    `person_id` Int64,
    `hours` Float64
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/activity_participants', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `anomaly_daily` ON CLUSTER `dashboard_cluster` (
    `report_day` Date32,
    `district_code` Nullable(String),
    `street_code` String,
    `major_code` Nullable(String),
    `category_code` Nullable(String),
    `reports` Int64
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/anomaly_daily', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `area_levels` ON CLUSTER `dashboard_cluster` (
    `level` Int16,
    `name` String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/area_levels', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `areas` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/areas', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `audit_log` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/audit_log', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `calendar` ON CLUSTER `dashboard_cluster` (
    `cal_date` Date32,
    `is_workday` Bool,
    `holiday_name` Nullable(String),
    `source` String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/calendar', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `case_dispatches_local` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/case_dispatches_local', '{replica}')
PARTITION BY toYYYYMM(dispatched_at)
ORDER BY (toStartOfMonth(dispatched_at), case_id)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_dispatches` ON CLUSTER `dashboard_cluster` AS `case_dispatches_local`
ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `case_dispatches_local`, cityHash64(case_id));

CREATE TABLE IF NOT EXISTS `case_duration_days` ON CLUSTER `dashboard_cluster` (
    `measure` String,
    `day` Date32,
    `district_code` Nullable(String),
    `bucket` Int16,
    `case_count` Int32
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/case_duration_days', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `case_durations` ON CLUSTER `dashboard_cluster` (
    `measure` String,
    `bucket` Int16,
    `hours` Float64,
    `day` Date32,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `unit_code` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/case_durations', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `case_handoffs_local` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/case_handoffs_local', '{replica}')
PARTITION BY toYYYYMM(to_at)
ORDER BY (toStartOfMonth(to_at), case_id, hop)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_handoffs` ON CLUSTER `dashboard_cluster` AS `case_handoffs_local`
ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `case_handoffs_local`, cityHash64(case_id));

CREATE TABLE IF NOT EXISTS `case_private_local` ON CLUSTER `dashboard_cluster` (
    `case_id` Int64,
    `reporter_name` Nullable(String),
    `reporter_phone` Nullable(String),
    `reporter_id_no` Nullable(String),
    `address` Nullable(String),
    `is_confidential` Bool,
    `reporter_key` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/case_private_local', '{replica}')
ORDER BY (case_id)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_private` ON CLUSTER `dashboard_cluster` AS `case_private_local`
ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `case_private_local`, cityHash64(case_id));

CREATE TABLE IF NOT EXISTS `case_steps_local` ON CLUSTER `dashboard_cluster` (
    `case_id` Int64,
    `seq` Int16,
    `step` String,
    `unit_code` Nullable(String),
    `step_at` DateTime64(6, 'UTC'),
    `deadline_at` Nullable(DateTime64(6, 'UTC')),
    `opinion` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/case_steps_local', '{replica}')
PARTITION BY toYYYYMM(step_at)
ORDER BY (toStartOfMonth(step_at), case_id, seq)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `case_steps` ON CLUSTER `dashboard_cluster` AS `case_steps_local`
ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `case_steps_local`, cityHash64(case_id));

CREATE TABLE IF NOT EXISTS `cases_local` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/cases_local', '{replica}')
PARTITION BY toYYYYMM(reported_month)
ORDER BY (reported_month, ifNull(district_code, ''), reported_at)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `cases` ON CLUSTER `dashboard_cluster` AS `cases_local`
ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `cases_local`, cityHash64(case_id));

CREATE TABLE IF NOT EXISTS `categories` ON CLUSTER `dashboard_cluster` (
    `category_code` String,
    `kind` String,
    `major_code` String,
    `major_name` String,
    `minor_code` String,
    `minor_name` String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/categories', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `checkins` ON CLUSTER `dashboard_cluster` (
    `checkin_id` Int64,
    `person_id` Int64,
    `community_code` String,
    `checkin_at` DateTime64(6, 'UTC'),
    `checkin_date` Date32,
    `purpose` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/checkins', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `community_due_daily` ON CLUSTER `dashboard_cluster` (
    `day` Date32,
    `district_code` Nullable(String),
    `street_code` Nullable(String),
    `community_code` Nullable(String),
    `unit_code` Nullable(String),
    `due_count` Int32,
    `due_closed_count` Int32,
    `due_on_time_count` Int32
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/community_due_daily', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `expected_calibration_closed` ON CLUSTER `dashboard_cluster` (
    `grant_key` String,
    `level` String,
    `cases` Int64,
    `within_p90` Int64
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/expected_calibration_closed', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `expected_calibration_open` ON CLUSTER `dashboard_cluster` (
    `grant_key` String,
    `level` String,
    `dispatch_work_minutes` Nullable(Int32),
    `deferred_hours` Nullable(Float64),
    `p90_hours` Nullable(Float64)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/expected_calibration_open', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `expected_stats_day` ON CLUSTER `dashboard_cluster` (
    `grant_key` String,
    `level` String,
    `unit_code` Nullable(String),
    `category_code` Nullable(String),
    `major_code` Nullable(String),
    `cases` Int64,
    `hours_median` Nullable(Float64),
    `hours_p90` Nullable(Float64)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/expected_stats_day', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_flags` ON CLUSTER `dashboard_cluster` (
    `batch_id` Int64,
    `line` Int32,
    `case_no` Nullable(String),
    `flag_code` String,
    `message_zh` String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/import_flags', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_ledger` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/import_ledger', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_records` ON CLUSTER `dashboard_cluster` (
    `origin` String,
    `case_no` String,
    `case_id` Int64,
    `updated_at` DateTime64(6, 'UTC'),
    `record_hash` UInt64,
    `batch_id` Int64,
    `line` Int32
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/import_records', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `import_rejects` ON CLUSTER `dashboard_cluster` (
    `batch_id` Int64,
    `file_name` String,
    `line` Int32,
    `raw_record` String,
    `raw_masked` String,
    `reason_code` String,
    `column_name` Nullable(String),
    `message_zh` String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/import_rejects', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `kpi_daily` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/kpi_daily', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `kpi_daily_unsettled` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/kpi_daily_unsettled', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `meta` ON CLUSTER `dashboard_cluster` (
    `key` String,
    `value` Nullable(String),
    `updated_at` DateTime64(6, 'UTC')
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/meta', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `needs` ON CLUSTER `dashboard_cluster` (
    `need_id` Int64,
    `community_code` String,
    `title` String,
    `kind` String,
    `posted_at` DateTime64(6, 'UTC'),
    `claimed_at` Nullable(DateTime64(6, 'UTC')),
    `claimed_by_unit_code` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/needs', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `open_cases_local` ON CLUSTER `dashboard_cluster` (
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
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/open_cases_local', '{replica}')
ORDER BY (case_id)
SETTINGS allow_nullable_key = 1;

CREATE TABLE IF NOT EXISTS `open_cases` ON CLUSTER `dashboard_cluster` AS `open_cases_local`
ENGINE = Distributed(`dashboard_cluster`, `dashboard`, `open_cases_local`, cityHash64(case_id));

CREATE TABLE IF NOT EXISTS `pairings` ON CLUSTER `dashboard_cluster` (
    `pairing_id` Int64,
    `unit_code` String,
    `community_code` String,
    `first_secretary_person_id` Nullable(Int64),
    `since_date` Date32,
    `until_date` Nullable(Date32)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/pairings', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `people` ON CLUSTER `dashboard_cluster` (
    `person_id` Int64,
    `name` String,
    `role` String,
    `unit_code` Nullable(String),
    `home_community_code` Nullable(String),
    `team_id` Nullable(Int64),
    `is_assigned` Bool,
    `joined_date` Date32
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/people', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `projects` ON CLUSTER `dashboard_cluster` (
    `project_id` Int64,
    `community_code` String,
    `unit_code` String,
    `need_id` Nullable(Int64),
    `resource_id` Nullable(Int64),
    `title` String,
    `started_at` DateTime64(6, 'UTC'),
    `completed_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/projects', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `resources` ON CLUSTER `dashboard_cluster` (
    `resource_id` Int64,
    `unit_code` String,
    `title` String,
    `kind` String,
    `offered_at` DateTime64(6, 'UTC')
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/resources', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `scrubbed_text` ON CLUSTER `dashboard_cluster` (
    `text_hash` UInt64,
    `shown` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/scrubbed_text', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `sources` ON CLUSTER `dashboard_cluster` (
    `source_code` String,
    `name_zh` String,
    `is_confidential` Bool
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/sources', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `steps` ON CLUSTER `dashboard_cluster` (
    `step` String,
    `step_order` Int16,
    `name_zh` String,
    `from_column` Nullable(String),
    `at_column` String,
    `deadline_column` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/steps', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `supervision_orders` ON CLUSTER `dashboard_cluster` (
    `order_id` Int64,
    `round_no` Int16,
    `unit_code` String,
    `community_code` Nullable(String),
    `problem` String,
    `issued_at` DateTime64(6, 'UTC'),
    `due_at` DateTime64(6, 'UTC'),
    `rectified_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/supervision_orders', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `teams` ON CLUSTER `dashboard_cluster` (
    `team_id` Int64,
    `name` String,
    `unit_code` Nullable(String),
    `community_code` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/teams', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `time_limits` ON CLUSTER `dashboard_cluster` (
    `category_code` String,
    `step` String,
    `amount` Float64,
    `unit` String
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/time_limits', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `units` ON CLUSTER `dashboard_cluster` (
    `unit_code` String,
    `name` String,
    `kind` String,
    `peer_group` String,
    `district_code` Nullable(String)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/units', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `whistle_calls` ON CLUSTER `dashboard_cluster` (
    `whistle_id` Int64,
    `unit_code` String,
    `called_at` DateTime64(6, 'UTC'),
    `reported_in_at` Nullable(DateTime64(6, 'UTC')),
    `staff_count` Nullable(Int16)
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/whistle_calls', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `whistles` ON CLUSTER `dashboard_cluster` (
    `whistle_id` Int64,
    `community_code` String,
    `whistled_at` DateTime64(6, 'UTC'),
    `problem` String,
    `category` Nullable(String),
    `problem_count` Int16,
    `solved_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/whistles', '{replica}')
ORDER BY tuple();

CREATE TABLE IF NOT EXISTS `wishes` ON CLUSTER `dashboard_cluster` (
    `wish_id` Int64,
    `community_code` String,
    `title` String,
    `value_yuan` Float64,
    `posted_at` DateTime64(6, 'UTC'),
    `claimed_at` Nullable(DateTime64(6, 'UTC')),
    `claimed_by_unit_code` Nullable(String),
    `claimed_by_person_id` Nullable(Int64),
    `completed_at` Nullable(DateTime64(6, 'UTC'))
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/wishes', '{replica}')
ORDER BY tuple();
