-- Derives the step history (one row per step or dispatch) of a batch of new cases (relation new_cases).
-- seq is the step's rank, which follows time within a case (the generator keeps the times in that
-- order); no window and no sort, so each branch is written in case order and zone maps stay tight.
INSERT INTO case_steps
SELECT case_id, step_rank::SMALLINT AS seq, step, unit_code, step_at, deadline_at, opinion
FROM (
    SELECT case_id, 1 AS step_rank, 'report' AS step, NULL::VARCHAR AS unit_code, reported_at AS step_at,
           NULL::TIMESTAMP AS deadline_at, '问题上报' AS opinion FROM new_cases
    UNION ALL SELECT case_id, 2, 'cancel', NULL, reported_at + INTERVAL 15 MINUTE, accept_deadline_at,
           list_element(['重复上报，作废', '经核实不属实，作废', '不属于受理范围，作废'], (hash(case_id) % 3 + 1)::INTEGER)
           FROM new_cases WHERE is_cancelled
    UNION ALL SELECT case_id, 2, 'accept', NULL, accepted_at, accept_deadline_at, '受理，信息核实属实'
           FROM new_cases WHERE accepted_at IS NOT NULL
    UNION ALL SELECT case_id, 3, 'file', NULL, filed_at, file_deadline_at, '符合立案条件，立案'
           FROM new_cases WHERE filed_at IS NOT NULL
    UNION ALL SELECT case_id, 4, 'shelve', NULL, filed_at + INTERVAL 5 MINUTE, NULL, '需专项资金解决，挂账处理'
           FROM new_cases WHERE is_shelved AND filed_at IS NOT NULL
    UNION ALL SELECT case_id, 5, 'dispatch', coalesce(first_unit_code, unit_code), dispatched_at, handle_deadline_at, '派遣至责任单位处置'
           FROM new_cases WHERE dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 6, 'redispatch', first_unit_code, dispatched_at + INTERVAL 40 MINUTE, NULL, '非本单位职责，申请回退'
           FROM new_cases WHERE first_unit_code IS NOT NULL AND dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 7, 'dispatch', unit_code, dispatched_at + INTERVAL 55 MINUTE, handle_deadline_at, '二次派遣'
           FROM new_cases WHERE first_unit_code IS NOT NULL AND dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 8, 'defer', unit_code, dispatched_at + INTERVAL 56 MINUTE, NULL, '申请缓办，已批准，计时暂停'
           FROM new_cases WHERE is_deferred AND dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 8, 'extend', unit_code, dispatched_at + INTERVAL 56 MINUTE, handle_deadline_at, '申请延期，已批准'
           FROM new_cases WHERE is_extended AND dispatched_at IS NOT NULL
    UNION ALL SELECT case_id, 9, 'handle', CASE WHEN is_self_handled THEN NULL ELSE unit_code END, handled_at, handle_deadline_at,
           CASE WHEN is_self_handled THEN '网格员现场自行处置' ELSE
           list_element(['已处理完毕，现场照片已回传', '已修复完毕', '已责令当事人整改到位', '已清理干净'], (hash(case_id) % 4 + 1)::INTEGER) END
           FROM new_cases WHERE handled_at IS NOT NULL
    UNION ALL SELECT case_id, 10, 'rework', unit_code, rework_at, NULL, '核查未通过，退回重新处置'
           FROM new_cases WHERE rework_at IS NOT NULL
    UNION ALL SELECT case_id, 11, 'handle', unit_code, rehandled_at, handle_deadline_at, '已重新处置完毕'
           FROM new_cases WHERE rehandled_at IS NOT NULL
    UNION ALL SELECT case_id, 12, 'verify', NULL, verified_at, verify_deadline_at, '现场核查，已处置到位'
           FROM new_cases WHERE verified_at IS NOT NULL
    UNION ALL SELECT case_id, 13, 'close', NULL, closed_at, deadline_at, '值班长审核，结案'
           FROM new_cases WHERE closed_at IS NOT NULL
    UNION ALL SELECT case_id, 14, 'callback', NULL, callback_at, NULL, '回访：满意度 ' || satisfaction::VARCHAR || ' 分'
           FROM new_cases WHERE callback_at IS NOT NULL
);
