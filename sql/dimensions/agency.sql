-- Every report with a named body, placed in its report year; and one row per body
-- (xxgk.warehouse.dimensions.build_agencies: incoming_report_region holds the reports placed
-- this time, place_redo the reports whose row goes: those and the reports gone).
DELETE FROM report_region WHERE report_id IN (SELECT report_id FROM place_redo);
INSERT INTO report_region SELECT * FROM incoming_report_region;

-- A body's name, type and place are those of its latest report (readable versions first).
CREATE OR REPLACE TABLE agency AS
WITH r AS (
    SELECT x.*, coalesce(x.report_year, 0) * 10 + (p.parse_status IN ('parsed', 'partial'))::INTEGER AS recency,
           p.scope
    FROM report_region x JOIN report p USING (report_id)
    WHERE x.agency_key IS NOT NULL
)
SELECT
    agency_key,
    arg_max(agency, recency) AS name,
    list(DISTINCT agency ORDER BY agency) AS names,
    arg_max(agency_type, recency) AS agency_type,
    arg_max(body_level, recency) AS body_level,
    arg_max(region_code, recency) AS region_code,
    arg_max(region_name, recency) AS region_name,
    arg_max(region_level, recency) AS region_level,
    arg_max(series_code, recency) AS series_code,
    arg_max(county_code, recency) AS county_code,
    arg_max(city_code, recency) AS city_code,
    arg_max(province_code, recency) AS province_code,
    arg_max(placed_by, recency) AS placed_by,
    arg_max(place_note, recency) AS place_note,
    list(DISTINCT scope ORDER BY scope) FILTER (scope IS NOT NULL) AS scopes,
    min(report_year) AS first_year,
    max(report_year) AS last_year,
    count(DISTINCT report_year) AS years,
    count(*) AS documents,
    list(DISTINCT source_id ORDER BY source_id) FILTER (source_id IS NOT NULL) AS sources
FROM r
GROUP BY agency_key
ORDER BY agency_key;
