-- Publication per body and report year: when the crawler first saw the report and when the list
-- page says it was posted, on time or late against the statutory deadline, how many versions
-- were seen and whether the figures changed after publication; plus a row for every body that
-- published the previous year's report but not this one's once its deadline has passed.
--
-- Deadlines (政府信息公开条例 2019, 第四十九条): a people's government's own report (scope area,
-- and a zone's area report) by 31 March; the departments of governments at county level and
-- above (offices included) by 31 January; township and street bodies have no statutory deadline
-- there. Reports for 2018 and before fall under the 2008 条例 (第三十一条): 31 March for all.
-- "As of" is the latest crawl night (today without crawl data; view mart_as_of, recorded in
-- mart_state); withdrawn: no live list entry points at any version any more. Built for the
-- bodies in mart_scope_body.
CREATE OR REPLACE TABLE mart_publication AS
WITH v AS (
    SELECT v.*, coalesce(c.digest, v.sha256) AS digest,  -- what a version says: its cells, else its bytes
           try_cast(left(v.posted, 10) AS DATE) AS posted_date
    FROM report_version v LEFT JOIN report_content c USING (report_id)
    WHERE v.agency_key IN (SELECT agency_key FROM mart_scope_body)
),
listed AS (  -- whether a live list entry still points at a version (NULL: not from the crawler)
    SELECT v.agency_key, v.report_year, bool_or(i.status = 'live') AS live
    FROM v JOIN crawl_item i ON i.sha256 = v.sha256
    GROUP BY ALL
),
body_year AS (
    SELECT v.agency_key, v.report_year,
           count(*) AS documents,
           count(DISTINCT v.digest) AS content_versions,
           count(DISTINCT v.posted_date) AS posting_dates,
           count(DISTINCT v.title) AS titles,
           min(v.first_seen_at) AS first_seen_at,
           max(v.last_seen_at) AS last_seen_at,
           min(v.posted_date) AS posted,
           bool_or(v.scope = 'area') AS area_scope
    FROM v
    GROUP BY ALL
),
kind AS (
    SELECT b.*, a.name AS agency, a.agency_type, a.region_code, a.region_name, a.city_code, a.province_code,
           c.report_id AS current_report_id, coalesce(NOT l.live, false) AS withdrawn
    FROM body_year b
    LEFT JOIN listed l USING (agency_key, report_year)
    LEFT JOIN agency a USING (agency_key)
    LEFT JOIN report_current c USING (agency_key, report_year)
),
deadline AS (
    SELECT k.*,
           CASE WHEN k.report_year <= 2018 THEN make_date(k.report_year + 1, 3, 31)
                WHEN k.agency_type = 'township' THEN NULL
                WHEN k.agency_type = 'government' OR (k.agency_type = 'development_zone' AND k.area_scope)
                    THEN make_date(k.report_year + 1, 3, 31)
                ELSE make_date(k.report_year + 1, 1, 31) END AS deadline
    FROM kind k
),
published AS (
    SELECT d.agency_key, d.agency, d.agency_type, d.region_code, d.region_name, d.city_code, d.province_code,
           d.report_year, 'published' AS status, d.current_report_id AS report_id,
           d.first_seen_at, d.posted, d.deadline,
           CASE WHEN d.deadline IS NULL THEN 'no_statutory_deadline'
                WHEN d.posted IS NOT NULL THEN (CASE WHEN d.posted <= d.deadline THEN 'on_time' ELSE 'late' END)
                WHEN CAST(d.first_seen_at AS DATE) <= d.deadline THEN 'on_time'
                ELSE 'unknown' END AS timeliness,
           CASE WHEN d.posted > d.deadline THEN CAST(d.posted - d.deadline AS INTEGER) END AS days_late,
           d.documents, d.content_versions,
           d.content_versions > 1 AS edited,
           d.content_versions > 1 AND d.posting_dates <= 1 AND d.titles <= 1 AS silent_edit,
           d.withdrawn
    FROM deadline d
),
missing AS (  -- published for Y-1, nothing for Y, Y's deadline passed
    SELECT p.agency_key, p.agency, p.agency_type, p.region_code, p.region_name, p.city_code, p.province_code,
           p.report_year + 1 AS report_year, 'missing' AS status, NULL AS report_id,
           NULL::TIMESTAMP AS first_seen_at, NULL::DATE AS posted,
           CASE WHEN p.report_year + 1 <= 2018 THEN make_date(p.report_year + 2, 3, 31)
                WHEN p.deadline IS NULL THEN NULL
                ELSE make_date(p.report_year + 2, month(p.deadline), 31) END AS deadline,
           'missing' AS timeliness, NULL::INTEGER AS days_late, 0 AS documents, 0 AS content_versions,
           false AS edited, false AS silent_edit, false AS withdrawn
    FROM published p, mart_as_of
    WHERE NOT EXISTS (SELECT 1 FROM published q WHERE q.agency_key = p.agency_key
                                                  AND q.report_year = p.report_year + 1)
      AND make_date(p.report_year + 2, CASE WHEN p.deadline IS NULL THEN 3 ELSE month(p.deadline) END, 31)
          < mart_as_of.as_of
)
SELECT * FROM published
UNION ALL
SELECT * FROM missing
ORDER BY agency_key, report_year;
