-- Long-format series: one row per body, report year and measure (definitions in `measure`),
-- for reports in the marts. Series across the 2019 and 2021 templates are meaningful only where
-- comparable_across_templates is true: （六）其他处理 is one measure (other_handling) in both;
-- the 第二十条第（一）项 columns are separate measures per template; no measure adds a printed
-- total to its parts. Built for the bodies in mart_scope_body.
CREATE OR REPLACE TABLE mart_series AS
SELECT o.agency_key, o.report_year, o.report_id, o.template, o.table3_layout, m.measure, d.label, d.unit,
       d.comparable_across_templates,
       CASE WHEN d.money THEN NULL ELSE CAST(m.value AS BIGINT) END AS count,
       CASE WHEN d.money THEN CAST(m.value AS DECIMAL(24, 6)) END AS amount,
       m.incomplete, m.inferred
FROM report_ok o
JOIN report_measure m USING (report_id)
JOIN measure d USING (measure)
WHERE o.agency_key IN (SELECT agency_key FROM mart_scope_body)
ORDER BY o.agency_key, m.measure, o.report_year;
