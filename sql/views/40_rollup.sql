-- Roll-up helpers (used by mart_region_year and mart_hierarchy_check).

-- Every report in report_ok under each division it lies in (its county, city and province in
-- its report year), with what it is: a government's area report (area_gov), a zone's or
-- township's area report (sub_area), or a body.
CREATE OR REPLACE VIEW region_report AS
WITH ok AS (
    SELECT f.*, rr.agency, rr.region_code, rr.region_level, rr.county_code, rr.city_code, rr.province_code,
           rr.agency_type,
           f.scope = 'area' AND rr.agency_type = 'government' AND rr.body_level = rr.region_level AS area_gov,
           f.scope = 'area' AND rr.agency_type IN ('development_zone', 'township') AS sub_area,
           regexp_replace(rr.agency, '(管理委员会|管委会|人民政府|政府|办事处)$', '') AS stem
    FROM report_figures f JOIN report_region rr USING (report_id)
    WHERE rr.region_level IN ('county', 'city', 'province')
)
SELECT * FROM (
    SELECT 'county' AS level, county_code AS code, * FROM ok WHERE county_code IS NOT NULL
    UNION ALL SELECT 'city', city_code, * FROM ok WHERE city_code IS NOT NULL
    UNION ALL SELECT 'province', province_code, * FROM ok WHERE province_code IS NOT NULL
);

-- x covers y within one region row: a government's area report covers every report inside its
-- region; a zone's or township's area report covers the bodies named after it. Written as
-- equi-joins from the few covering reports (the two kinds of x are disjoint), so the pairs
-- compared are the pairs that cover, not every pair of reports in a province and year
-- (quadratic: 10^10 at a million reports).
CREATE OR REPLACE VIEW region_cover AS
WITH rr AS MATERIALIZED (SELECT * FROM region_report),
inside AS (  -- each report under each of its divisions: a government's area covers what is under it
    SELECT y.*, u.level AS under_level, u.code AS under_code
    FROM rr y, unnest([{'level': 'county', 'code': y.county_code}, {'level': 'city', 'code': y.city_code},
                       {'level': 'province', 'code': y.province_code}]) AS t(u)
)
SELECT x.level, x.code, x.report_year, x.report_id AS x_id, y.report_id AS y_id
FROM (SELECT * FROM rr WHERE area_gov) x JOIN inside y
  ON x.level = y.level AND x.code = y.code AND x.report_year = y.report_year
 AND y.under_level = x.region_level AND y.under_code = x.region_code
WHERE x.report_id <> y.report_id
  -- two area reports of one government and year: the first by report_id stands
  AND NOT (y.area_gov AND y.region_code = x.region_code AND y.report_id < x.report_id)
UNION ALL
SELECT x.level, x.code, x.report_year, x.report_id, y.report_id
FROM (SELECT * FROM rr WHERE sub_area AND length(stem) >= 2) x JOIN rr y
  ON x.level = y.level AND x.code = y.code AND x.report_year = y.report_year AND y.region_code = x.region_code
WHERE x.report_id <> y.report_id AND NOT y.area_gov AND starts_with(y.agency, x.stem) AND y.agency <> x.agency;
