-- Inputs of the marts as digests (xxgk/warehouse/marts.py compares them with mart_input).

-- One row per report version: everything of it any mart reads (its report row, when it was
-- first seen and posted, its place, whether it is current, its failing error rules, whether a
-- live list entry points at it), but not when it was last seen, which changes every night.
CREATE OR REPLACE VIEW mart_input_now AS
WITH fails AS (
    SELECT report_id, string_agg(DISTINCT rule, ',' ORDER BY rule) AS rules
    FROM rule_result WHERE status = 'fail' AND severity = 'error' GROUP BY report_id
),
live AS (
    SELECT sha256, bool_or(status = 'live') AS live FROM crawl_item WHERE sha256 IS NOT NULL GROUP BY sha256
)
SELECT v.report_id, v.agency_key, v.report_year, rr.county_code, rr.city_code, rr.province_code,
       hash(v.sha256, v.title, v.agency, v.agency_key, v.region_code, v.region_name, v.report_year, v.template,
            v.table3_layout, v.scope, v.source, v.parse_status, v.parse_message, v.parser_version, v.parsed_at,
            v.first_seen_at, v.posted, v.locators, v.sources, rr, c.report_id IS NOT NULL, f.rules, l.live) AS digest
FROM report_version v
LEFT JOIN report_region rr USING (report_id)
LEFT JOIN (SELECT report_id FROM report_current) c USING (report_id)
LEFT JOIN fails f USING (report_id)
LEFT JOIN live l ON l.sha256 = v.sha256;

-- One row per body: its agency row (name, type and place shown in the body marts).
CREATE OR REPLACE VIEW mart_body_input_now AS
SELECT a.agency_key, hash(a) AS digest FROM agency a;

-- The date missing reports are judged at: the latest crawl night (its label when that is a
-- date, else its start), today without crawl data.
CREATE OR REPLACE VIEW mart_as_of AS
SELECT coalesce(max(coalesce(try_cast(night AS DATE), CAST(started_at AS DATE))), current_date) AS as_of
FROM crawl_night;
