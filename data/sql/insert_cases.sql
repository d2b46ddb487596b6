-- Writes a batch of generated cases (relation new_cases: the cases columns minus case_no and
-- description, plus first_unit_code, rework_at, rehandled_at and day_seq = 1.. within (category,
-- reported_date) in the batch)
-- into cases; case numbers continue each (category, day) sequence already in the table.
INSERT INTO cases BY NAME
SELECT n.* EXCLUDE (first_unit_code, rework_at, rehandled_at, day_seq),
       n.category_code || strftime(n.reported_at, '%Y%m%d')
           || lpad((coalesce(prev.last_seq, 0) + n.day_seq)::VARCHAR, 5, '0') AS case_no,
       coalesce(s.name, '') || coalesce(c.name, '') || '附近'
           || list_element(['发现', '有群众反映', '巡查发现', '存在'], (hash(n.case_id) % 4 + 1)::INTEGER)
           || cat.minor_name || '问题，'
           || list_element(['请尽快处理。', '影响居民出行，请处理。', '已拍照上传，请派单。', '多次反映未解决。'], (hash(n.case_id // 7) % 4 + 1)::INTEGER)
           || CASE WHEN hash(n.case_id) % 40 = 0 THEN '联系人手机1' || lpad((hash(n.case_id) % 10000000000)::VARCHAR, 10, '0') ELSE '' END
           AS description
FROM new_cases n
LEFT JOIN areas s ON s.area_code = n.street_code
LEFT JOIN areas c ON c.area_code = n.community_code
LEFT JOIN categories cat ON cat.category_code = n.category_code
LEFT JOIN (
    -- cases are stored in time order, so zone maps skip everything before the batch's first day
    SELECT category_code, reported_date, max(right(case_no, 5)::INTEGER) AS last_seq
    FROM cases WHERE reported_date >= (SELECT min(reported_date) FROM new_cases) GROUP BY ALL
) prev ON prev.category_code = n.category_code AND prev.reported_date = n.reported_date
ORDER BY n.case_id;
