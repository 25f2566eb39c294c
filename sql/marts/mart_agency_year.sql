-- One row per body and report year (the current version), with the national outcome shares,
-- the corrected rates of reviews and lawsuits, and the change from the body's previous year.
-- Figures are NULL for a report kept out of the marts (see in_marts / excluded_because).
-- Built for the bodies in mart_scope_body (xxgk/warehouse/marts.py: all of them, or those changed).
CREATE OR REPLACE TABLE mart_agency_year AS
WITH base AS (
    SELECT r.agency_key, r.agency_name AS agency, r.agency_type, r.body_level, r.region_code, r.region_name,
           r.city_code, r.province_code, r.report_year, r.report_id, r.template, r.scope, r.parse_status,
           r.in_marts, r.excluded_because,
           f.new_received, f.carried_over, f.handled, f.carried_forward, f.granted, f.partially_granted, f.denied,
           f.unable, f.not_processed, f.other_handling, f.review_total, f.review_corrected, f.review_pending,
           f.litigation_total, f.litigation_corrected, f.litigation_pending, f.incomplete,
           CAST(f.granted + f.partially_granted AS DOUBLE) / nullif(f.handled, 0) AS disclosure_rate,
           CAST(f.denied AS DOUBLE) / nullif(f.handled, 0) AS denied_rate,
           CAST(f.unable AS DOUBLE) / nullif(f.handled, 0) AS unable_rate,
           CAST(f.not_processed AS DOUBLE) / nullif(f.handled, 0) AS not_processed_rate,
           CAST(f.review_corrected AS DOUBLE) / nullif(f.review_total - f.review_pending, 0) AS review_correction_rate,
           CAST(f.litigation_corrected AS DOUBLE) / nullif(f.litigation_total - f.litigation_pending, 0)
               AS litigation_correction_rate
    FROM v_report r LEFT JOIN report_figures f USING (report_id)
    WHERE r.agency_key IN (SELECT agency_key FROM mart_scope_body)
)
SELECT b.*,
       p.new_received AS new_received_prev,
       b.new_received - p.new_received AS new_received_change,
       p.handled AS handled_prev,
       b.handled - p.handled AS handled_change,
       p.disclosure_rate AS disclosure_rate_prev,
       b.disclosure_rate - p.disclosure_rate AS disclosure_rate_change,
       p.review_total AS review_total_prev,
       b.review_total - p.review_total AS review_total_change
FROM base b
LEFT JOIN base p ON p.agency_key = b.agency_key AND p.report_year = b.report_year - 1 AND p.in_marts
ORDER BY b.agency_key, b.report_year;
