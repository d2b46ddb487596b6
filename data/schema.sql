-- The single definition of every table of the dashboard's database.
-- Conventions: snake_case; *_at = TIMESTAMP (naive local time, Asia/Shanghai); *_date = DATE;
-- *_hours = DOUBLE hours; *_rate = 0..1. Codes are VARCHAR. Big fact tables carry no PRIMARY KEY
-- (no ART indexes: they slow bulk writes and are not used by the scans the dashboard does);
-- writers guarantee uniqueness of their keys.

-- ───────────────────────── reference ─────────────────────────

-- One row per key: facts about the database itself (city, demo flag, last write time of each writer).
CREATE TABLE IF NOT EXISTS meta (
    key        VARCHAR PRIMARY KEY,
    value      VARCHAR,
    updated_at TIMESTAMP NOT NULL
);

-- One row per level of the area hierarchy (1 = top). Names come from the city's configuration.
CREATE TABLE IF NOT EXISTS area_levels (
    level SMALLINT PRIMARY KEY,
    name  VARCHAR NOT NULL          -- e.g. 区县 / 街道(乡镇) / 社区(村) / 网格, or Borough / Community Board
);

-- One row per area at any level: district → street → community → grid.
CREATE TABLE IF NOT EXISTS areas (
    area_code      VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    level          SMALLINT NOT NULL,      -- area_levels.level
    parent_code    VARCHAR,                -- NULL for level 1
    district_code  VARCHAR NOT NULL,       -- ancestor codes (self at own level) for one-column filters
    street_code    VARCHAR,
    community_code VARCHAR,
    population     INTEGER,                -- residents where known
    centroid_lat   DOUBLE,
    centroid_lon   DOUBLE,
    geojson        VARCHAR,                -- polygon geometry, GeoJSON text, WGS84
    is_synthetic   BOOLEAN NOT NULL DEFAULT false  -- generated, not an official boundary
);

-- One row per responsible unit (责任单位).
CREATE TABLE IF NOT EXISTS units (
    unit_code     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,        -- city_bureau | district_bureau | street_office | enterprise
    peer_group    VARCHAR NOT NULL,        -- league-table group label, e.g. 市直部门 / 区县部门 / 街道(乡镇) / 企业
    district_code VARCHAR                  -- NULL for city-wide units
);

-- One row per case source (来源).
CREATE TABLE IF NOT EXISTS sources (
    source_code     VARCHAR PRIMARY KEY,
    name_zh         VARCHAR NOT NULL,
    is_confidential BOOLEAN NOT NULL DEFAULT false  -- complaints (信访/举报/督办): reporter identity shown as 保密
);

-- One row per 小类 (minor class), with its 大类 and kind (部件/事件).
CREATE TABLE IF NOT EXISTS categories (
    category_code VARCHAR PRIMARY KEY,     -- kind letter + major + minor, e.g. S0101
    kind          VARCHAR NOT NULL,        -- component (部件) | event (事件)
    major_code    VARCHAR NOT NULL,        -- e.g. S01
    major_name    VARCHAR NOT NULL,
    minor_code    VARCHAR NOT NULL,        -- two digits within the major class
    minor_name    VARCHAR NOT NULL
);

-- One row per step of the case lifecycle, in order.
CREATE TABLE IF NOT EXISTS steps (
    step            VARCHAR PRIMARY KEY,   -- report | accept | file | dispatch | handle | verify | close
    step_order      SMALLINT NOT NULL,
    name_zh         VARCHAR NOT NULL,
    from_column     VARCHAR,               -- the cases column the step's clock starts from
    at_column       VARCHAR NOT NULL,      -- the cases column the step is done at
    deadline_column VARCHAR                -- the cases column holding the step's deadline
);

-- One row per (category, step) time limit; category_code '*' is the default for every category.
CREATE TABLE IF NOT EXISTS time_limits (
    category_code VARCHAR NOT NULL,
    step          VARCHAR NOT NULL,
    amount        DOUBLE NOT NULL,
    unit          VARCHAR NOT NULL,        -- work_hours (工作时) | work_days (工作日) | natural_hours (自然时)
    PRIMARY KEY (category_code, step)
);

-- One row per calendar date covered by the data: working day or not, and where that fact came from.
CREATE TABLE IF NOT EXISTS calendar (
    cal_date     DATE PRIMARY KEY,
    is_workday   BOOLEAN NOT NULL,
    holiday_name VARCHAR,                  -- e.g. 国庆节; NULL on ordinary days
    source       VARCHAR NOT NULL          -- chinesecalendar | override | statutory_fallback
);

-- ───────────────────────── case stream ─────────────────────────

-- One row per case (事件/案件). Step timestamps are NULL until the step happens.
CREATE TABLE IF NOT EXISTS cases (
    case_id              BIGINT NOT NULL,  -- surrogate key, unique
    case_no              VARCHAR NOT NULL, -- 案件编号: category code + yyyymmdd + 5-digit sequence, unique
    source               VARCHAR NOT NULL, -- sources.source_code
    kind                 VARCHAR NOT NULL, -- component | event
    category_code        VARCHAR NOT NULL, -- 小类
    major_code           VARCHAR NOT NULL, -- 大类
    district_code        VARCHAR,
    street_code          VARCHAR,
    community_code       VARCHAR,
    grid_code            VARCHAR,
    lat                  DOUBLE,           -- WGS84
    lon                  DOUBLE,
    unit_code            VARCHAR,          -- unit currently responsible (last dispatch)
    status               VARCHAR NOT NULL, -- reported|accepted|filed|dispatched|handled|verified|closed|cancelled|shelved
    reported_at          TIMESTAMP NOT NULL,
    accepted_at          TIMESTAMP,
    filed_at             TIMESTAMP,
    dispatched_at        TIMESTAMP,        -- first dispatch
    handled_at           TIMESTAMP,        -- first reply of the unit (a failed check then sends it back)
    verified_at          TIMESTAMP,        -- last passed on-site check
    closed_at            TIMESTAMP,
    accept_deadline_at   TIMESTAMP,
    file_deadline_at     TIMESTAMP,
    dispatch_deadline_at TIMESTAMP,
    handle_deadline_at   TIMESTAMP,
    verify_deadline_at   TIMESTAMP,
    deadline_at          TIMESTAMP,        -- closing deadline (结案时限), the 应结案 clock
    is_cancelled         BOOLEAN NOT NULL DEFAULT false,  -- 作废
    is_shelved           BOOLEAN NOT NULL DEFAULT false,  -- 挂账
    is_deferred          BOOLEAN NOT NULL DEFAULT false,  -- 缓办
    is_extended          BOOLEAN NOT NULL DEFAULT false,  -- 延期 (deadline moved with approval)
    is_self_handled      BOOLEAN NOT NULL DEFAULT false,  -- 自行处置: closed on the spot, never dispatched
    deferred_hours       DOUBLE NOT NULL DEFAULT 0,       -- working hours the clock was paused
    rework_count         SMALLINT NOT NULL DEFAULT 0,     -- 返工: failed on-site checks
    dispatch_count       SMALLINT NOT NULL DEFAULT 0,     -- dispatches incl. re-dispatches (二次派遣)
    satisfaction         SMALLINT,                        -- 1..5 from the callback, NULL if not answered
    callback_at          TIMESTAMP,
    description          VARCHAR,                         -- free text as reported (may hold personal data)
    handle_work_hours    DOUBLE,           -- working hours dispatched_at → handled_at (pauses excluded)
    close_work_hours     DOUBLE,           -- working hours reported_at → closed_at
    reported_date        DATE NOT NULL,    -- buckets precomputed at write time (faster than date_trunc)
    reported_month       DATE NOT NULL,
    reported_hour        SMALLINT NOT NULL,
    updated_at           TIMESTAMP NOT NULL, -- last change in the source system; newer wins on import
    origin               VARCHAR NOT NULL, -- demo | simulate | import:<source system> (import_records says which batch)
    -- Span of the case's activity: least / greatest of every timestamp and deadline above. Derived:
    -- data/sql/refresh_case_span.sql sets them before every publish (writers need not); NULL = not yet
    -- set, which queries treat as "may be active any time". Lets a short window skip old row groups.
    first_event_at       TIMESTAMP,
    last_event_at        TIMESTAMP,
    -- Derived likewise: the closing deadline of a case still open and counted (not 作废, 挂账 or 不予立案),
    -- NULL otherwise. "Overdue now" = overdue_from_at < now: one column to scan for the live count.
    overdue_from_at      TIMESTAMP,
    -- Derived likewise (data/sql/refresh_case_work_minutes.sql): the city's working-minute clock at
    -- dispatched_at and at closed_at (working days before the date × office minutes a day + the office
    -- minutes of the day before the time; NULL when unset or the date is outside `calendar`), under the
    -- office hours meta work_minutes_office names. Their difference is the working time between them:
    -- 预计办结 reads it instead of joining the calendar per case (queries/expected.py).
    dispatch_work_minutes INTEGER,
    close_work_minutes   INTEGER
);
-- Databases created before the span columns existed get them here (refreshed on the next publish).
ALTER TABLE cases ADD COLUMN IF NOT EXISTS first_event_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS last_event_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS overdue_from_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS dispatch_work_minutes INTEGER;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS close_work_minutes INTEGER;

-- One row per case: personal data of the reporter. Only the masked case-detail query reads it.
CREATE TABLE IF NOT EXISTS case_private (
    case_id        BIGINT NOT NULL,
    reporter_name  VARCHAR,
    reporter_phone VARCHAR,
    reporter_id_no VARCHAR,
    address        VARCHAR,
    is_confidential BOOLEAN NOT NULL DEFAULT false,  -- the reporter asked for confidentiality (保密)
    -- Salted SHA-256 of the phone's digits (data/reporter_key.py), set by the writers at publish: lets
    -- 一人多诉 / 多人同诉 count one reporter's reports without any query reading the number.
    reporter_key   VARCHAR
);
ALTER TABLE case_private ADD COLUMN IF NOT EXISTS reporter_key VARCHAR;

-- One row per step or dispatch of a case, in order: its timeline and its bouncing between units.
CREATE TABLE IF NOT EXISTS case_steps (
    case_id     BIGINT NOT NULL,
    seq         SMALLINT NOT NULL,         -- increases with time within the case (gaps allowed)
    step        VARCHAR NOT NULL,          -- report|accept|file|dispatch|redispatch|handle|verify|rework|close|cancel|shelve|defer|extend|callback
    unit_code   VARCHAR,                   -- unit acting or dispatched to
    step_at     TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP,                 -- the step's deadline where the rules give one
    opinion     VARCHAR                    -- 处理意见, free text
);

-- ───────────────────────── imports (data/ingest) ─────────────────────────

-- One row per attempt to import one file. A row left at status 'started' is an import that was
-- killed or crashed: its data were never committed, and importing the same file again completes it.
CREATE TABLE IF NOT EXISTS import_ledger (
    batch_id      BIGINT PRIMARY KEY,
    file_name     VARCHAR NOT NULL,         -- name as given by the user (no directory)
    sha256        VARCHAR NOT NULL,         -- of the raw bytes; the landing copy is <landing>/<sha256>.<ext>
    size_bytes    BIGINT NOT NULL,
    format        VARCHAR,                  -- csv | xlsx | xls | json | xml (detected from content)
    mapping       VARCHAR,                  -- mapping name, e.g. cn_case_export | nyc311 | open311_requests
    encoding      VARCHAR,                  -- utf-8 | utf-8-sig | gb18030 (text files)
    invoked_by    VARCHAR NOT NULL,         -- cli | page | rebuild
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,         -- started | complete | failed
    rows_read     INTEGER,                  -- = accepted + rejected + duplicates, always
    accepted      INTEGER,                  -- = inserted + updated + unchanged + stale
    inserted      INTEGER,
    updated       INTEGER,
    unchanged     INTEGER,                  -- same key, same content as stored
    stale         INTEGER,                  -- same key, older than stored: not applied
    rejected      INTEGER,
    duplicates    INTEGER,                  -- further rows of a key already in the same file
    flagged       INTEGER,                  -- accepted rows with a warning (import_flags)
    reason_code   VARCHAR,                  -- why a file failed as a whole
    message_zh    VARCHAR,                  -- that reason, or notes (repairs made, unused columns)
    same_as_batch BIGINT                    -- an earlier complete import of the same bytes
);
-- the --mapping given (a name or a TOML file), NULL when detected: the landing manifest is rebuilt
-- from the ledger after a crash between an import's commit and its manifest line
ALTER TABLE import_ledger ADD COLUMN IF NOT EXISTS mapping_source VARCHAR;

-- One row per rejected source row: nothing is dropped without its reason.
CREATE TABLE IF NOT EXISTS import_rejects (
    batch_id    BIGINT NOT NULL,
    file_name   VARCHAR NOT NULL,
    line        INTEGER NOT NULL,           -- line of the record in the file (Excel: row number)
    raw_record  VARCHAR NOT NULL,           -- the record as it came (may hold personal data: never shown)
    raw_masked  VARCHAR NOT NULL,           -- the same with personal data masked: what the page shows
    reason_code VARCHAR NOT NULL,           -- first problem found (data/ingest/reasons.py)
    column_name VARCHAR,                    -- source column of that problem
    message_zh  VARCHAR NOT NULL            -- every problem of the row, in Chinese
);

-- One row per accepted source row that carries a warning (unknown area, duplicate within the
-- file, older than the stored record...).
CREATE TABLE IF NOT EXISTS import_flags (
    batch_id   BIGINT NOT NULL,
    line       INTEGER NOT NULL,
    case_no    VARCHAR,
    flag_code  VARCHAR NOT NULL,
    message_zh VARCHAR NOT NULL
);

-- One row per imported case: its source key, the version stored and where it came from. The
-- importer's key registry: updates apply only when (updated_at, record_hash) is greater.
CREATE TABLE IF NOT EXISTS import_records (
    origin      VARCHAR NOT NULL,           -- cases.origin, import:<source system>
    case_no     VARCHAR NOT NULL,
    case_id     BIGINT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    record_hash UBIGINT NOT NULL,           -- content fingerprint: deterministic tie-break
    batch_id    BIGINT NOT NULL,            -- last batch that wrote it
    line        INTEGER NOT NULL
);

-- ───────────────────────── people stream (党建引领) ─────────────────────────

-- One row per pairing of a unit with a community (结对共建 / 双到进社区).
CREATE TABLE IF NOT EXISTS pairings (
    pairing_id                BIGINT PRIMARY KEY,
    unit_code                 VARCHAR NOT NULL,
    community_code            VARCHAR NOT NULL,
    first_secretary_person_id BIGINT,      -- people.person_id serving as 第一书记, if any
    since_date                DATE NOT NULL,
    until_date                DATE         -- NULL while active
);

-- One row per volunteer team (志愿服务队).
CREATE TABLE IF NOT EXISTS teams (
    team_id        BIGINT PRIMARY KEY,
    name           VARCHAR NOT NULL,
    unit_code      VARCHAR,
    community_code VARCHAR
);

-- One row per person in the people stream: cadre, party-member volunteer or volunteer.
CREATE TABLE IF NOT EXISTS people (
    person_id           BIGINT PRIMARY KEY,
    name                VARCHAR NOT NULL,  -- personal data: never on the wall
    role                VARCHAR NOT NULL,  -- cadre | party_volunteer | volunteer
    unit_code           VARCHAR,           -- employer unit for cadres
    home_community_code VARCHAR,           -- community the person reports in to (双报到)
    team_id             BIGINT,
    is_assigned         BOOLEAN NOT NULL DEFAULT false, -- required to report in (报到率 denominator)
    joined_date         DATE NOT NULL
);

-- One row per check-in (报到) of a person at a community.
CREATE TABLE IF NOT EXISTS checkins (
    checkin_id     BIGINT NOT NULL,
    person_id      BIGINT NOT NULL,
    community_code VARCHAR NOT NULL,
    checkin_at     TIMESTAMP NOT NULL,
    checkin_date   DATE NOT NULL,
    purpose        VARCHAR                 -- report_in | service | visit (first secretary)
);

-- One row per service activity (志愿服务活动).
CREATE TABLE IF NOT EXISTS activities (
    activity_id    BIGINT PRIMARY KEY,
    title          VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,       -- e.g. 环境整治 / 文明劝导 / 关爱帮扶 / 政策宣讲
    community_code VARCHAR NOT NULL,
    unit_code      VARCHAR,
    team_id        BIGINT,
    start_at       TIMESTAMP NOT NULL,
    end_at         TIMESTAMP NOT NULL,
    activity_date  DATE NOT NULL
);

-- One row per person taking part in an activity, with hours served.
CREATE TABLE IF NOT EXISTS activity_participants (
    activity_id BIGINT NOT NULL,
    person_id   BIGINT NOT NULL,
    hours       DOUBLE NOT NULL
);

-- One row per whistle (吹哨) a community blows.
CREATE TABLE IF NOT EXISTS whistles (
    whistle_id     BIGINT PRIMARY KEY,
    community_code VARCHAR NOT NULL,
    whistled_at    TIMESTAMP NOT NULL,
    problem        VARCHAR NOT NULL,
    category       VARCHAR,                -- problem type label
    problem_count  SMALLINT NOT NULL DEFAULT 1,
    solved_at      TIMESTAMP               -- NULL while open
);

-- One row per unit called by a whistle (部门报到), with its report-in.
CREATE TABLE IF NOT EXISTS whistle_calls (
    whistle_id     BIGINT NOT NULL,
    unit_code      VARCHAR NOT NULL,
    called_at      TIMESTAMP NOT NULL,
    reported_in_at TIMESTAMP,              -- NULL while the unit has not come
    staff_count    SMALLINT                -- people sent (rule: at least 2)
);

-- One row per micro-wish (微心愿).
CREATE TABLE IF NOT EXISTS wishes (
    wish_id                BIGINT PRIMARY KEY,
    community_code         VARCHAR NOT NULL,
    title                  VARCHAR NOT NULL,
    value_yuan             DOUBLE NOT NULL,
    posted_at              TIMESTAMP NOT NULL,
    claimed_at             TIMESTAMP,
    claimed_by_unit_code   VARCHAR,
    claimed_by_person_id   BIGINT,
    completed_at           TIMESTAMP
);

-- One row per resident need (需求清单).
CREATE TABLE IF NOT EXISTS needs (
    need_id              BIGINT PRIMARY KEY,
    community_code       VARCHAR NOT NULL,
    title                VARCHAR NOT NULL,
    kind                 VARCHAR NOT NULL,
    posted_at            TIMESTAMP NOT NULL,
    claimed_at           TIMESTAMP,
    claimed_by_unit_code VARCHAR
);

-- One row per resource a unit offers (资源清单).
CREATE TABLE IF NOT EXISTS resources (
    resource_id BIGINT PRIMARY KEY,
    unit_code   VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    offered_at  TIMESTAMP NOT NULL
);

-- One row per project (项目清单) matching a need with a resource.
CREATE TABLE IF NOT EXISTS projects (
    project_id     BIGINT PRIMARY KEY,
    community_code VARCHAR NOT NULL,
    unit_code      VARCHAR NOT NULL,
    need_id        BIGINT,
    resource_id    BIGINT,
    title          VARCHAR NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    completed_at   TIMESTAMP
);

-- One row per supervision order (督办): a problem singled out for follow-up.
CREATE TABLE IF NOT EXISTS supervision_orders (
    order_id       BIGINT PRIMARY KEY,
    round_no       SMALLINT NOT NULL,      -- 督查轮次
    unit_code      VARCHAR NOT NULL,
    community_code VARCHAR,
    problem        VARCHAR NOT NULL,
    issued_at      TIMESTAMP NOT NULL,
    due_at         TIMESTAMP NOT NULL,
    rectified_at   TIMESTAMP               -- NULL while not rectified
);

-- ───────────────────────── audit ─────────────────────────

-- One row per view of a case's details or other reveal of personal data (security.md rule 10).
-- The dashboard's connection is read-only, so it appends these records to daily JSON-lines files
-- (data/audit.py, same columns); a writer can load them into this table for reporting.
CREATE TABLE IF NOT EXISTS audit_log (
    logged_at  TIMESTAMP NOT NULL,      -- wall-clock time of the view
    actor      VARCHAR NOT NULL,        -- the signed-in user id (who)
    session_id VARCHAR,                 -- Streamlit session, to tell two views of one person apart
    page       VARCHAR NOT NULL,        -- page file, e.g. pages/cases.py
    action     VARCHAR NOT NULL,        -- case_detail | ...
    case_id    BIGINT,
    scope_json VARCHAR NOT NULL,        -- window, access and filters in force, as JSON
    role         VARCHAR,               -- authz role of the signed-in user (city, district, ..., demo, desk)
    client_ip    VARCHAR,
    access_label VARCHAR,               -- what the identity may see, in words
    detail       VARCHAR                -- e.g. a download's file name, format and row count
);

-- ───────────────────────── derived at publish ─────────────────────────

-- One row per (day, district, street, unit): every count of queries/sql/kpi_counts.sql over an
-- unbounded window, each case counted on the day of its flag's anchor (accepted_at for 受理,
-- deadline_at for 应结案, ...), plus case_count (cases on the day of their last_event_at). Rebuilt from
-- case_anchor_counts (queries/sql/_scoped.sql) by every publish under the city's KPI rules (meta
-- kpi_daily_rules); read through scoped_kpi_daily by queries/kpi_daily.py. Codes may be NULL.
CREATE TABLE IF NOT EXISTS kpi_daily (
    day                       DATE NOT NULL,
    district_code             VARCHAR,
    street_code               VARCHAR,
    unit_code                 VARCHAR,
    accepted_count            INTEGER NOT NULL,
    accepted_on_time_count    INTEGER NOT NULL,
    filed_count               INTEGER NOT NULL,
    filed_on_time_count       INTEGER NOT NULL,
    filed_public_count        INTEGER NOT NULL,
    dispatched_count          INTEGER NOT NULL,
    dispatched_on_time_count  INTEGER NOT NULL,
    dispatched_accurate_count INTEGER NOT NULL,
    due_count                 INTEGER NOT NULL,
    due_deferred_count        INTEGER NOT NULL,
    due_closed_count          INTEGER NOT NULL,
    due_on_time_count         INTEGER NOT NULL,
    due_first_time_count      INTEGER NOT NULL,
    due_rework_count          INTEGER NOT NULL,
    due_extended_count        INTEGER NOT NULL,
    closed_count              INTEGER NOT NULL,
    closed_timed_count        INTEGER NOT NULL,
    disposal_den              INTEGER NOT NULL,
    disposal_num              INTEGER NOT NULL,
    disposal_pending_count    INTEGER NOT NULL,
    handle_due_count          INTEGER NOT NULL,
    handled_on_time_count     INTEGER NOT NULL,
    handle_due_handled_count  INTEGER NOT NULL,
    handle_pending_count      INTEGER NOT NULL,
    handled_count             INTEGER NOT NULL,
    verified_count            INTEGER NOT NULL,
    verified_on_time_count    INTEGER NOT NULL,
    callback_count            INTEGER NOT NULL,
    satisfied_count           INTEGER NOT NULL,
    case_count                INTEGER NOT NULL
);

-- Every timed case of 处置时长 / 结案时长 over an unbounded window (case_facts' in_handled with
-- handle_work_hours, in_closed with close_work_hours not NULL, in_closed with handle_work_hours not NULL),
-- built with kpi_daily under the same KPI rules (meta kpi_daily_rules): measure 'handle' / 'close' /
-- 'handle_closed' (趋势's 派遣→处置 by closing day), the hours, the anchor's day (handled_at / closed_at /
-- closed_at: the flags need only that day in the window, nothing else of the window or the clock), the
-- access codes, and bucket = the value's equal-count bucket (0..255) in the measure's sorted order, so
-- every value of a bucket is <= every value of the next. Stored sorted by (measure, bucket, hours):
-- the values of one bucket are a few row groups. Read through scoped_case_durations
-- (queries/kpi_daily.py, kpi_duration_values.sql). Codes may be NULL.
CREATE TABLE IF NOT EXISTS case_durations (
    measure       VARCHAR NOT NULL,
    bucket        SMALLINT NOT NULL,
    hours         DOUBLE NOT NULL,
    day           DATE NOT NULL,
    district_code VARCHAR,
    street_code   VARCHAR,
    unit_code     VARCHAR
);

-- case_durations counted per (measure, day, district, bucket): how many of a window's timed cases lie
-- in each bucket, for the whole city or a district, without reading them (kpi_duration_counts.sql).
-- Read through scoped_case_duration_days. Codes may be NULL.
CREATE TABLE IF NOT EXISTS case_duration_days (
    measure       VARCHAR NOT NULL,
    day           DATE NOT NULL,
    district_code VARCHAR,
    bucket        SMALLINT NOT NULL,
    case_count    INTEGER NOT NULL
);

-- The pairing scorecard's 应结案 counts per community (party_pairing_scorecard.sql), built with kpi_daily
-- under the same KPI rules (meta kpi_daily_rules) from case_facts over an unbounded window: the cases
-- SETTLED at the publish day's midnight P (last_event_at < P; meta kpi_daily_unsettled_day = P), each on
-- its deadline's day with in_due / in_due_closed / in_due_on_time. For a window whose D (the day of
-- least(end, now)) is P or later, such a case's window flags are "deadline day on or after the start"
-- and these (queries/community_due_daily.py); the other cases are read with the real window. Read
-- through scoped_community_due_daily. Codes may be NULL.
CREATE TABLE IF NOT EXISTS community_due_daily (
    day               DATE NOT NULL,
    district_code     VARCHAR,
    street_code       VARCHAR,
    community_code    VARCHAR,
    unit_code         VARCHAR,
    due_count         INTEGER NOT NULL,
    due_closed_count  INTEGER NOT NULL,
    due_on_time_count INTEGER NOT NULL
);

-- kpi_daily's correction B (queries/kpi_daily.py) for D = the publish day, precomputed: the same
-- columns, counted the same way, over the cases not settled at that day's midnight
-- (first_event_at < D <= last_event_at): case_anchor_counts with an unbounded window and $span_start =
-- $span_end = D. The day is meta kpi_daily_unsettled_day. A running window viewed on the publish day
-- then reads this small table instead of those cases' row groups. Codes may be NULL.
CREATE TABLE IF NOT EXISTS kpi_daily_unsettled (
    day                       DATE NOT NULL,
    district_code             VARCHAR,
    street_code               VARCHAR,
    unit_code                 VARCHAR,
    accepted_count            INTEGER NOT NULL,
    accepted_on_time_count    INTEGER NOT NULL,
    filed_count               INTEGER NOT NULL,
    filed_on_time_count       INTEGER NOT NULL,
    filed_public_count        INTEGER NOT NULL,
    dispatched_count          INTEGER NOT NULL,
    dispatched_on_time_count  INTEGER NOT NULL,
    dispatched_accurate_count INTEGER NOT NULL,
    due_count                 INTEGER NOT NULL,
    due_deferred_count        INTEGER NOT NULL,
    due_closed_count          INTEGER NOT NULL,
    due_on_time_count         INTEGER NOT NULL,
    due_first_time_count      INTEGER NOT NULL,
    due_rework_count          INTEGER NOT NULL,
    due_extended_count        INTEGER NOT NULL,
    closed_count              INTEGER NOT NULL,
    closed_timed_count        INTEGER NOT NULL,
    disposal_den              INTEGER NOT NULL,
    disposal_num              INTEGER NOT NULL,
    disposal_pending_count    INTEGER NOT NULL,
    handle_due_count          INTEGER NOT NULL,
    handled_on_time_count     INTEGER NOT NULL,
    handle_due_handled_count  INTEGER NOT NULL,
    handle_pending_count      INTEGER NOT NULL,
    handled_count             INTEGER NOT NULL,
    verified_count            INTEGER NOT NULL,
    verified_on_time_count    INTEGER NOT NULL,
    callback_count            INTEGER NOT NULL,
    satisfied_count           INTEGER NOT NULL,
    case_count                INTEGER NOT NULL
);

-- One row per hand-off (推诿/改派) of a case: a dispatch to a unit other than the one the case was last
-- dispatched to, before any unit handled it (steps after the first 'handle' are rework). hop: the
-- dispatch's place in the case's chain of dispatches (0 = the first); is_return: the case goes back
-- to a unit that had it earlier (A → B → A). Intrinsic to the case's steps, so rebuilt by every
-- publish (data/sql/refresh_case_handoffs.sql) and read through scoped_handoffs (queries/sql/_scoped.sql).
-- Stored in to_at order. The case's codes that access and filters test (district_code … unit_code,
-- copied from cases, added below) let scoped_handoffs apply scoped_cases' very predicate
-- to the row instead of joining every scoped case (SCHEMA_VERSION 10; docs/performance.md 6d).
CREATE TABLE IF NOT EXISTS case_handoffs (
    case_id        BIGINT NOT NULL,
    from_unit_code VARCHAR NOT NULL,
    to_unit_code   VARCHAR NOT NULL,
    from_at        TIMESTAMP NOT NULL,
    to_at          TIMESTAMP NOT NULL,
    hop            BIGINT NOT NULL,
    is_return      BOOLEAN NOT NULL
);
-- The case's codes that access and filters test (unit_code = the case's responsible unit).
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS district_code VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS street_code VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS community_code VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS grid_code VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS major_code VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS category_code VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS source VARCHAR;
ALTER TABLE case_handoffs ADD COLUMN IF NOT EXISTS unit_code VARCHAR;

-- One row per dispatch step of a case to a unit (case_steps step 'dispatch' with a unit_code): what
-- 推诿率's denominator counts (cases dispatched to a unit in the window, queries/sql/handoff_units.sql).
-- Rebuilt by every publish (data/sql/refresh_case_dispatches.sql), read through scoped_case_dispatches
-- (scoped_cases' predicate on the case's codes held by the row). prev_dispatched_at: the case's previous
-- dispatch to the same unit (by time, then seq; NULL for the first): in a window [start, end) the case
-- counts once for the unit, on the dispatch whose prev_dispatched_at is NULL or before start. Stored in
-- dispatched_at order. unit_code is the unit dispatched to; case_unit_code the case's responsible unit.
CREATE TABLE IF NOT EXISTS case_dispatches (
    case_id            BIGINT NOT NULL,
    unit_code          VARCHAR NOT NULL,
    dispatched_at      TIMESTAMP NOT NULL,
    prev_dispatched_at TIMESTAMP
);
-- The case's codes that access and filters test, as in case_handoffs (case_unit_code = cases.unit_code).
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS district_code VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS street_code VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS community_code VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS grid_code VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS major_code VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS category_code VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS source VARCHAR;
ALTER TABLE case_dispatches ADD COLUMN IF NOT EXISTS case_unit_code VARCHAR;

-- One row per case open at publish and counted by the live rules (not closed, cancelled, shelved or
-- 不予立案: the rule of case_facts.is_overdue_open), with the columns the alert strip (alert_cases.sql)
-- and the live overdue count (overdue_counts.sql) read and the codes scoped_open_cases filters on. The
-- set changes only with the data, never with the clock (a snapshot is immutable): only "past its
-- deadline now" moves, and that is computed per view over these few rows (~1.2 % of cases).
-- Rebuilt by every publish (data/sql/refresh_open_cases.sql), read through scoped_open_cases
-- (queries/sql/_scoped.sql: the very predicate of scoped_cases). Stored in deadline_at order.
CREATE TABLE IF NOT EXISTS open_cases (
    case_id            BIGINT NOT NULL,
    case_no            VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    category_code      VARCHAR NOT NULL,
    major_code         VARCHAR NOT NULL,
    district_code      VARCHAR,
    street_code        VARCHAR,
    community_code     VARCHAR,
    grid_code          VARCHAR,
    unit_code          VARCHAR,
    dispatched_at      TIMESTAMP,
    handled_at         TIMESTAMP,
    handle_deadline_at TIMESTAMP,
    deadline_at        TIMESTAMP
);
-- The working-minute clock (queries/worktime_sql.py, the rule of ref_workdays) at dispatched_at,
-- handle_deadline_at and deadline_at under the office hours recorded in meta open_cases_office, NULL
-- outside the calendar: the alert strip (alert_cases.sql) compares these integers with the clock of now
-- instead of clocking each open case per view; under other office hours it clocks them itself
-- (alert_cases_clocked.sql).
ALTER TABLE open_cases ADD COLUMN IF NOT EXISTS dispatch_work_minutes INTEGER;
ALTER TABLE open_cases ADD COLUMN IF NOT EXISTS handle_deadline_work_minutes INTEGER;
ALTER TABLE open_cases ADD COLUMN IF NOT EXISTS deadline_work_minutes INTEGER;

-- 预计办结's figures (queries/sql/expected_stats.sql's rows, same columns and doubles) for the grants most
-- officials hold, built by every publish for the publish day (data.store.refresh_expected_stats_day):
-- grant_key '*' = the whole city (Access.all_districts), else one district code (a one-district grant
-- without streets). The as-of day, window and office hours it was built with are in meta
-- expected_stats_day_as_of / _window_days / _office; queries/expected.py reads it (through
-- scoped_expected_stats_day) only when all three match the view's, else runs the query.
CREATE TABLE IF NOT EXISTS expected_stats_day (
    grant_key     VARCHAR NOT NULL,
    level         VARCHAR NOT NULL,         -- unit_category | category | major | unit
    unit_code     VARCHAR,
    category_code VARCHAR,
    major_code    VARCHAR,
    cases         BIGINT NOT NULL,
    hours_median  DOUBLE,
    hours_p90     DOUBLE
);

-- 预计办结's calibration (queries/sql/expected_calibration.sql) for the grants expected_stats_day holds and
-- the last quarter closed before the publish day, built by every publish (data.store.
-- refresh_expected_calibration) from _scoped.sql calibration_closed / calibration_open, the rows the query
-- computes otherwise: the closed cases' counts per fallback level (fixed per snapshot, grant and quarter)
-- and the open cases, which each view judges against now. Quarter, window, minimum closures and office
-- hours are in meta expected_calibration_*; queries/expected.calibration reads the tables only when all
-- match the view's, else computes the model.
CREATE TABLE IF NOT EXISTS expected_calibration_closed (
    grant_key  VARCHAR NOT NULL,
    level      VARCHAR NOT NULL,            -- unit_category | category | major
    cases      BIGINT NOT NULL,
    within_p90 BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS expected_calibration_open (
    grant_key             VARCHAR NOT NULL,
    level                 VARCHAR NOT NULL,
    dispatch_work_minutes INTEGER,
    deferred_hours        DOUBLE,
    p90_hours             DOUBLE
);

-- 趋势's counts of accepted cases (case_facts.in_accepted, a flag no window end or clock changes: the
-- acceptance day and, under the KPI rules it was built with, not cancelled), built by every publish of
-- a city of data.store.kpi_daily_min_cases() cases or more (data.store.refresh_accepted_daily), on the
-- day of accepted_at, per district, along one dimension per row: 'source' (source), 'category' (kind,
-- category_code) or 'hour' (weekday and hour of reported_at, as hour_weekday.sql reads them). The other
-- dimensions' columns are NULL in a row. The rules it was built with are meta accepted_daily_rules;
-- queries/accepted_daily.py reads it through scoped_accepted_daily for city and district grants.
CREATE TABLE IF NOT EXISTS accepted_daily (
    day           DATE NOT NULL,
    district_code VARCHAR,
    dimension     VARCHAR NOT NULL,         -- source | category | hour
    source        VARCHAR,
    kind          VARCHAR,
    category_code VARCHAR,
    weekday       INTEGER,                  -- isodow(reported_at): 1 = Monday
    hour          INTEGER,                  -- reported_hour
    case_count    BIGINT NOT NULL
);

-- 异动's reports per day (of reported_at), street and 小类, not cancelled, with a street: every case,
-- built by every publish of a city of data.store.kpi_daily_min_cases() cases or more
-- (data.store.refresh_anomaly_daily; meta anomaly_daily_built = '1' once complete). anomaly_counts.sql
-- reads it through scoped_anomaly_daily for the days no week boundary of its baseline cuts
-- (queries/anomalies.py); the split days are still read from the cases.
CREATE TABLE IF NOT EXISTS anomaly_daily (
    report_day    DATE NOT NULL,
    district_code VARCHAR,
    street_code   VARCHAR NOT NULL,
    major_code    VARCHAR,
    category_code VARCHAR,
    reports       BIGINT NOT NULL
);

-- ───────────────────────── writers only ─────────────────────────

-- One row per distinct free-text value (data/snapshot.py FREE_TEXT) the scrubber has looked at:
-- `shown` is its scrubbed form where that differs, else NULL. Lets each publish scrub only text it
-- has not seen before; the readers' snapshot applies it and drops the table.
CREATE TABLE IF NOT EXISTS scrubbed_text (
    text_hash UBIGINT NOT NULL,             -- hash() of the raw value
    shown     VARCHAR                       -- NULL: the scrubber leaves the value as it is
);
