-- Region × year figures from the reports that passed every error-severity rule.
--
-- A report with an error-severity rule failure stays in the warehouse (report, cell,
-- rule_result) but is kept out of these sums; `reports_excluded` says how many.
-- Where an agency has several versions of the same year's report, the latest-seen version
-- counts. Blank and placeholder cells count as 0 (blank_as_zero, spec §3.1); inferred cells
-- count with their inferred value; a report with illegible or ambiguous table-3/4 cells is
-- counted in `reports_incomplete` (its unknown cells add nothing).
CREATE OR REPLACE TABLE mart_region_year AS
WITH latest AS (
    SELECT r.*
    FROM report r
    JOIN (SELECT sha256, min(first_seen_at) AS seen FROM document GROUP BY sha256) d USING (sha256)
    WHERE r.parse_status IN ('parsed', 'partial')
    QUALIFY row_number() OVER (
        PARTITION BY coalesce(r.agency, r.report_id), r.report_year ORDER BY d.seen DESC, r.report_id) = 1
),
flagged AS (
    SELECT DISTINCT report_id FROM rule_result WHERE status = 'fail' AND severity = 'error'
),
counted AS (
    SELECT l.*, (f.report_id IS NOT NULL) AS excluded FROM latest l LEFT JOIN flagged f USING (report_id)
),
v AS (
    SELECT report_id, "table", "row", col,
        CASE WHEN status IN ('blank', 'placeholder') THEN 0 ELSE value END AS value,
        status IN ('illegible', 'ambiguous') AS unknown
    FROM cell
),
incomplete AS (
    SELECT DISTINCT report_id FROM v WHERE unknown AND "table" IN ('table3', 'table4')
),
t3 AS (
    SELECT report_id,
        sum(value) FILTER ("row" = 'new_received') AS new_received,
        sum(value) FILTER ("row" = 'carried_over') AS carried_over,
        sum(value) FILTER ("row" = 'total') AS handled,
        sum(value) FILTER ("row" = 'carried_forward') AS carried_forward,
        sum(value) FILTER ("row" = 'granted') AS granted,
        sum(value) FILTER ("row" = 'partially_granted') AS partially_granted,
        sum(value) FILTER ("row" LIKE 'denied.%' AND "row" <> 'denied.total') AS denied,
        sum(value) FILTER ("row" LIKE 'unable.%' AND "row" <> 'unable.total') AS unable,
        sum(value) FILTER ("row" LIKE 'not_processed.%' AND "row" <> 'not_processed.total') AS not_processed,
        -- （六）其他处理: the 2021 leaves, or the single printed row of the 2019 layout
        coalesce(sum(value) FILTER ("row" IN ('other.no_correction', 'other.fee_unpaid', 'other.other')),
                 sum(value) FILTER ("row" = 'other.total')) AS other_handling
    FROM v WHERE "table" = 'table3' AND col = 'total'
    GROUP BY report_id
),
t4 AS (
    SELECT report_id,
        sum(value) FILTER ("row" = 'review' AND col = 'total') AS review_total,
        sum(value) FILTER ("row" = 'review' AND col = 'corrected') AS review_corrected,
        sum(value) FILTER ("row" <> 'review' AND col = 'total') AS litigation_total,
        sum(value) FILTER ("row" <> 'review' AND col = 'corrected') AS litigation_corrected
    FROM v WHERE "table" = 'table4'
    GROUP BY report_id
)
SELECT
    c.region_code,
    any_value(c.region_name) AS region_name,
    c.report_year,
    count(*) FILTER (NOT c.excluded) AS reports,
    count(*) FILTER (c.excluded) AS reports_excluded,
    count(i.report_id) FILTER (NOT c.excluded) AS reports_incomplete,
    sum(t3.new_received) FILTER (NOT c.excluded) AS new_received,
    sum(t3.carried_over) FILTER (NOT c.excluded) AS carried_over,
    sum(t3.handled) FILTER (NOT c.excluded) AS handled,
    sum(t3.carried_forward) FILTER (NOT c.excluded) AS carried_forward,
    sum(t3.granted) FILTER (NOT c.excluded) AS granted,
    sum(t3.partially_granted) FILTER (NOT c.excluded) AS partially_granted,
    sum(t3.denied) FILTER (NOT c.excluded) AS denied,
    sum(t3.unable) FILTER (NOT c.excluded) AS unable,
    sum(t3.not_processed) FILTER (NOT c.excluded) AS not_processed,
    sum(t3.other_handling) FILTER (NOT c.excluded) AS other_handling,
    sum(t4.review_total) FILTER (NOT c.excluded) AS review_total,
    sum(t4.review_corrected) FILTER (NOT c.excluded) AS review_corrected,
    sum(t4.litigation_total) FILTER (NOT c.excluded) AS litigation_total,
    sum(t4.litigation_corrected) FILTER (NOT c.excluded) AS litigation_corrected
FROM counted c
LEFT JOIN t3 USING (report_id)
LEFT JOIN t4 USING (report_id)
LEFT JOIN incomplete i USING (report_id)
GROUP BY c.region_code, c.report_year
ORDER BY c.region_code NULLS LAST, c.report_year;
