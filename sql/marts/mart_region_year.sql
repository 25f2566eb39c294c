-- Region × year roll-ups at county, city and province level that count every body once.
--
-- The reports inside a region (placed there in their report year, or in a division below it)
-- are summed, except a report another one already covers: a government's area report
-- (scope 'area', placed in the region it governs) covers every report inside its region, and a
-- zone's or township's area report covers the bodies named after it (平潭综合实验区 →
-- 平潭综合实验区经济发展局). So a region with its government's area report has exactly that
-- report as its figure; one without it sums its bodies (and its sub-areas' figures).
-- mart_region_year_member lists the reports behind every row. Built for the (level, region,
-- year) keys in mart_scope_region (xxgk/warehouse/marts.py: all of them, or those changed).
CREATE OR REPLACE TABLE mart_region_year_member AS
SELECT y.level, y.code AS region_code, y.report_year, y.report_id, y.agency_key,
       CASE WHEN y.area_gov AND y.region_code = y.code THEN 'area_report'
            WHEN y.area_gov OR y.sub_area THEN 'sub_area_report'
            ELSE 'body' END AS role
FROM region_report y
SEMI JOIN mart_scope_region s ON s.level = y.level AND s.code = y.code AND s.report_year = y.report_year
WHERE NOT EXISTS (SELECT 1 FROM region_cover c WHERE c.level = y.level AND c.code = y.code
                  AND c.report_year = y.report_year AND c.y_id = y.report_id)
ORDER BY y.level, y.code, y.report_year, y.report_id;

CREATE OR REPLACE TABLE mart_region_year AS
WITH placed AS (  -- every current report inside each region row, in the marts or not
    SELECT 'county' AS level, rr.county_code AS code, c.report_year, c.report_id, o.report_id IS NOT NULL AS ok,
           c.parse_status IN ('parsed', 'partial') AS has_cells,
           c.scope = 'area' AND rr.agency_type = 'government' AND rr.body_level = rr.region_level
               AND rr.region_code = rr.county_code AS area_gov
    FROM report_current c JOIN report_region rr USING (report_id) LEFT JOIN report_ok o USING (report_id)
    SEMI JOIN mart_scope_region s ON s.level = 'county' AND s.code = rr.county_code AND s.report_year = c.report_year
    UNION ALL
    SELECT 'city', rr.city_code, c.report_year, c.report_id, o.report_id IS NOT NULL,
           c.parse_status IN ('parsed', 'partial'),
           c.scope = 'area' AND rr.agency_type = 'government' AND rr.body_level = rr.region_level
               AND rr.region_code = rr.city_code
    FROM report_current c JOIN report_region rr USING (report_id) LEFT JOIN report_ok o USING (report_id)
    SEMI JOIN mart_scope_region s ON s.level = 'city' AND s.code = rr.city_code AND s.report_year = c.report_year
    UNION ALL
    SELECT 'province', rr.province_code, c.report_year, c.report_id, o.report_id IS NOT NULL,
           c.parse_status IN ('parsed', 'partial'),
           c.scope = 'area' AND rr.agency_type = 'government' AND rr.body_level = rr.region_level
               AND rr.region_code = rr.province_code
    FROM report_current c JOIN report_region rr USING (report_id) LEFT JOIN report_ok o USING (report_id)
    SEMI JOIN mart_scope_region s ON s.level = 'province' AND s.code = rr.province_code AND s.report_year = c.report_year
),
inside AS (
    SELECT level, code, report_year,
           count(*) FILTER (ok) AS reports_inside,
           count(*) FILTER (has_cells AND NOT ok) AS reports_excluded,
           bool_or(area_gov AND NOT ok) AS area_report_excluded
    FROM placed GROUP BY ALL
),
sums AS (
    SELECT m.level, m.region_code AS code, m.report_year,
           count(*) AS reports,
           any_value(m.report_id) FILTER (m.role = 'area_report') AS area_report_id,
           count(*) FILTER (f.incomplete) AS reports_incomplete,
           sum(f.new_received) AS new_received, sum(f.carried_over) AS carried_over, sum(f.handled) AS handled,
           sum(f.carried_forward) AS carried_forward, sum(f.granted) AS granted,
           sum(f.partially_granted) AS partially_granted, sum(f.denied) AS denied, sum(f.unable) AS unable,
           sum(f.not_processed) AS not_processed, sum(f.other_handling) AS other_handling,
           sum(f.review_total) AS review_total, sum(f.review_corrected) AS review_corrected,
           sum(f.litigation_total) AS litigation_total, sum(f.litigation_corrected) AS litigation_corrected
    FROM mart_region_year_member m JOIN report_figures f USING (report_id)
    GROUP BY ALL
)
SELECT i.level, i.code AS region_code,
       coalesce(g.name, (SELECT arg_max(x.name, x.valid_from) FROM region x WHERE x.code = i.code)) AS region_name,
       coalesce(g.parent_code, (SELECT arg_max(x.parent_code, x.valid_from) FROM region x WHERE x.code = i.code))
           AS parent_code,
       coalesce(g.series_code, i.code) AS series_code,
       i.report_year,
       CASE WHEN s.area_report_id IS NOT NULL THEN 'area_report'
            WHEN s.reports IS NOT NULL THEN 'sum_of_bodies' END AS basis,
       s.area_report_id,
       coalesce(s.reports, 0) AS reports,
       i.reports_inside,
       i.reports_excluded,
       coalesce(i.area_report_excluded, false) AS area_report_excluded,
       coalesce(s.reports_incomplete, 0) AS reports_incomplete,
       CAST(s.new_received AS BIGINT) AS new_received, CAST(s.carried_over AS BIGINT) AS carried_over,
       CAST(s.handled AS BIGINT) AS handled, CAST(s.carried_forward AS BIGINT) AS carried_forward,
       CAST(s.granted AS BIGINT) AS granted, CAST(s.partially_granted AS BIGINT) AS partially_granted,
       CAST(s.denied AS BIGINT) AS denied, CAST(s.unable AS BIGINT) AS unable,
       CAST(s.not_processed AS BIGINT) AS not_processed, CAST(s.other_handling AS BIGINT) AS other_handling,
       CAST(s.review_total AS BIGINT) AS review_total, CAST(s.review_corrected AS BIGINT) AS review_corrected,
       CAST(s.litigation_total AS BIGINT) AS litigation_total,
       CAST(s.litigation_corrected AS BIGINT) AS litigation_corrected
FROM inside i
LEFT JOIN sums s USING (level, code, report_year)
LEFT JOIN region g ON g.code = i.code AND g.valid_from <= i.report_year
                  AND (g.valid_to IS NULL OR i.report_year < g.valid_to)
WHERE i.reports_inside > 0 OR i.reports_excluded > 0
ORDER BY CASE i.level WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, i.code, i.report_year;
