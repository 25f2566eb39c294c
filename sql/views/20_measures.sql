-- Measures of every report in report_ok (definitions: tables measure, measure_cell), from the
-- per-report cache report_measure_value (xxgk/warehouse/marts.py computes it from the cells once
-- per loaded report, with the rules below).
--
-- Blank and placeholder cells count as 0 (blank_as_zero, spec §3.1); inferred cells count with
-- their (flagged) value. A measure is NULL when any of its cells is illegible, ambiguous or out
-- of range, or missing (a table the report did not print): never a partial sum.
CREATE OR REPLACE VIEW report_measure AS
SELECT v.report_id, v.measure, v.value, v.incomplete, v.inferred
FROM report_ok o JOIN report_measure_value v USING (report_id);

-- One row per report in report_ok with its main measures as columns (counts as BIGINT).
-- `incomplete`: one of these measures is unknown (NULL) for this report.
CREATE OR REPLACE VIEW report_figures AS
WITH wide AS (
    SELECT o.report_id, o.agency_key, o.report_year, o.template, o.table3_layout, o.scope,
           CAST(any_value(m.value) FILTER (m.measure = 'new_received') AS BIGINT) AS new_received,
           CAST(any_value(m.value) FILTER (m.measure = 'carried_over') AS BIGINT) AS carried_over,
           CAST(any_value(m.value) FILTER (m.measure = 'handled') AS BIGINT) AS handled,
           CAST(any_value(m.value) FILTER (m.measure = 'carried_forward') AS BIGINT) AS carried_forward,
           CAST(any_value(m.value) FILTER (m.measure = 'granted') AS BIGINT) AS granted,
           CAST(any_value(m.value) FILTER (m.measure = 'partially_granted') AS BIGINT) AS partially_granted,
           CAST(any_value(m.value) FILTER (m.measure = 'denied') AS BIGINT) AS denied,
           CAST(any_value(m.value) FILTER (m.measure = 'unable') AS BIGINT) AS unable,
           CAST(any_value(m.value) FILTER (m.measure = 'not_processed') AS BIGINT) AS not_processed,
           CAST(any_value(m.value) FILTER (m.measure = 'other_handling') AS BIGINT) AS other_handling,
           CAST(any_value(m.value) FILTER (m.measure = 'review_total') AS BIGINT) AS review_total,
           CAST(any_value(m.value) FILTER (m.measure = 'review_corrected') AS BIGINT) AS review_corrected,
           CAST(any_value(m.value) FILTER (m.measure = 'review_pending') AS BIGINT) AS review_pending,
           CAST(any_value(m.value) FILTER (m.measure = 'litigation_total') AS BIGINT) AS litigation_total,
           CAST(any_value(m.value) FILTER (m.measure = 'litigation_corrected') AS BIGINT) AS litigation_corrected,
           CAST(any_value(m.value) FILTER (m.measure = 'litigation_pending') AS BIGINT) AS litigation_pending
    FROM report_ok o LEFT JOIN report_measure m USING (report_id)
    GROUP BY ALL
)
SELECT *, (new_received IS NULL OR carried_over IS NULL OR handled IS NULL OR carried_forward IS NULL
        OR granted IS NULL OR partially_granted IS NULL OR denied IS NULL OR unable IS NULL
        OR not_processed IS NULL OR other_handling IS NULL OR review_total IS NULL OR review_corrected IS NULL
        OR review_pending IS NULL OR litigation_total IS NULL OR litigation_corrected IS NULL OR litigation_pending IS NULL) AS incomplete
FROM wide;
