-- Where a government's area report and reports of bodies inside its region both exist: the area
-- figure against the sum of its bodies, per measure. The bodies are counted once each, as in
-- mart_region_year but without the area report itself (sub-areas by their own area reports).
-- The bodies are a subset of the area's bodies, so an area figure below their sum is a
-- publisher inconsistency (status 'area_below_bodies'). Built for the keys in mart_scope_region.
CREATE OR REPLACE TABLE mart_hierarchy_check AS
WITH area AS (
    SELECT level, region_code, report_year, report_id FROM mart_region_year_member m
    SEMI JOIN mart_scope_region s ON s.level = m.level AND s.code = m.region_code AND s.report_year = m.report_year
    WHERE role = 'area_report'
),
bodies AS (
    SELECT a.level, a.region_code, a.report_year, a.report_id AS area_report_id, y.report_id
    FROM area a
    JOIN region_report y ON y.level = a.level AND y.code = a.region_code AND y.report_year = a.report_year
    WHERE NOT (y.area_gov AND y.region_code = a.region_code)
      AND NOT EXISTS (
          SELECT 1 FROM region_cover c JOIN region_report x
            ON x.report_id = c.x_id AND x.level = c.level AND x.code = c.code
          WHERE c.level = y.level AND c.code = y.code AND c.report_year = y.report_year AND c.y_id = y.report_id
            AND NOT (x.area_gov AND x.region_code = a.region_code))
),
body_sums AS (
    SELECT b.level, b.region_code, b.report_year, b.area_report_id, m.measure,
           count(*) AS bodies, sum(m.value) AS bodies_value, bool_or(m.value IS NULL) AS bodies_unknown
    FROM bodies b JOIN report_measure m USING (report_id)
    GROUP BY ALL
)
SELECT s.level, s.region_code,
       (SELECT arg_max(x.name, x.valid_from) FROM region x WHERE x.code = s.region_code
            AND x.valid_from <= s.report_year) AS region_name,
       s.report_year, s.area_report_id, s.measure,
       CAST(a.value AS BIGINT) AS area_value,
       CAST(s.bodies_value AS BIGINT) AS bodies_value,
       s.bodies,
       CAST(a.value - s.bodies_value AS BIGINT) AS difference,
       CASE WHEN a.value IS NULL OR s.bodies_unknown THEN 'not_assessable'
            WHEN a.value < s.bodies_value THEN 'area_below_bodies'
            ELSE 'ok' END AS status
FROM body_sums s
JOIN report_measure a ON a.report_id = s.area_report_id AND a.measure = s.measure
JOIN measure d ON d.measure = s.measure AND NOT d.money
WHERE s.measure IN ('new_received', 'carried_over', 'handled', 'carried_forward', 'granted', 'partially_granted',
                    'denied', 'unable', 'not_processed', 'other_handling', 'review_total', 'litigation_total')
ORDER BY s.level, s.region_code, s.report_year, s.measure;
