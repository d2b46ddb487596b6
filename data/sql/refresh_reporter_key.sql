-- Sets case_private.reporter_key = SHA-256 of the salt and the phone's digits (a leading 86 country
-- code dropped from 13 digits), where a phone is given and the key is unset. Run by data.store.publish.
-- Parameters: $salt (writers' secret, never stored in the database).
UPDATE case_private
SET reporter_key = sha256($salt || ':' || CASE
        WHEN length(regexp_replace(reporter_phone, '[^0-9]', '', 'g')) = 13
             AND starts_with(regexp_replace(reporter_phone, '[^0-9]', '', 'g'), '86')
            THEN right(regexp_replace(reporter_phone, '[^0-9]', '', 'g'), 11)
        ELSE regexp_replace(reporter_phone, '[^0-9]', '', 'g') END)
WHERE reporter_key IS NULL AND length(regexp_replace(reporter_phone, '[^0-9]', '', 'g')) >= 7;
