-- Run on the copy of the writers' database that becomes the readers' snapshot (data/snapshot.py),
-- never on the writers' database: structured personal data replaced by what may be shown.
-- Grain: whole tables. Parameters: none. Free text is scrubbed separately (Python, data/privacy.py).
-- Reporter: 张* / 138****5678 / 430902********1234 / the start of the address; reporter_key (salted
-- hash, data/reporter_key.py) stays so 一人多诉 can count one reporter.
CREATE OR REPLACE TABLE case_private AS
SELECT * EXCLUDE (phone_digits) REPLACE (
    CASE WHEN nullif(trim(reporter_name), '') IS NULL THEN NULL
         ELSE left(trim(reporter_name), 1) || '*' END AS reporter_name,
    CASE WHEN reporter_phone IS NULL THEN NULL
         WHEN length(phone_digits) = 11 AND starts_with(phone_digits, '1')
            THEN left(phone_digits, 3) || '****' || right(phone_digits, 4)
         WHEN length(phone_digits) >= 7 THEN '****' || right(phone_digits, 4)
         ELSE '****' END AS reporter_phone,
    CASE WHEN reporter_id_no IS NULL THEN NULL
         WHEN length(reporter_id_no) = 18 THEN left(reporter_id_no, 6) || '********' || right(reporter_id_no, 4)
         ELSE '******' END AS reporter_id_no,
    CASE WHEN nullif(trim(address), '') IS NULL THEN NULL
         ELSE left(trim(address), least(6, length(trim(address)) // 2)) || '***' END AS address
) FROM (SELECT *, regexp_replace(reporter_phone, '[^0-9]', '', 'g') AS phone_digits FROM case_private);

-- People of the people stream: the masked name only.
CREATE OR REPLACE TABLE people AS
SELECT * REPLACE (left(trim(name), 1) || '*' AS name) FROM people;

-- A rejected record as it came stays with the writers; readers get the masked record in both columns.
UPDATE import_rejects SET raw_record = raw_masked WHERE raw_record IS DISTINCT FROM raw_masked;

-- Who looked at what is for auditors with the writers' database, not for the dashboard.
DELETE FROM audit_log;
