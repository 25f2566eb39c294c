-- Versions of a report and the current one (docs/contracts.md, "Current version").
--
-- A version is a report row that says "this is body X's report for year Y": a template report
-- (parsed, partial, tables_unreadable) or a pre-2019 report. Each version keeps when the
-- crawler first and last found its bytes (over all locators); documents loaded without a crawl
-- (tests, `xxgk parse`) count as seen when parsed.
CREATE OR REPLACE VIEW report_version AS
WITH seen AS (
    SELECT sha256,
           min(first_seen_at) AS first_seen_at,
           max(greatest(coalesce(last_seen_at, first_seen_at), first_seen_at)) AS last_seen_at,
           min(published_hint) AS posted,
           list(DISTINCT locator ORDER BY locator) AS locators,
           list(DISTINCT source_id ORDER BY source_id) AS sources
    FROM document GROUP BY sha256
)
SELECT r.*,
       coalesce(s.first_seen_at, r.parsed_at) AS first_seen_at,
       coalesce(s.last_seen_at, r.parsed_at) AS last_seen_at,
       s.posted, s.locators, s.sources
FROM report r LEFT JOIN seen s USING (sha256)
WHERE r.agency_key IS NOT NULL AND r.report_year IS NOT NULL
  AND (r.parse_status IN ('parsed', 'partial', 'tables_unreadable') OR r.template = 'pre2019');

-- One row per (agency_key, report_year): the version the crawler saw last. Versions seen on the
-- same night tie; then a readable version beats an unreadable one, then the newer version.
CREATE OR REPLACE VIEW report_current AS
SELECT * FROM report_version
QUALIFY row_number() OVER (
    PARTITION BY agency_key, report_year
    ORDER BY last_seen_at DESC, (parse_status IN ('parsed', 'partial')) DESC, first_seen_at DESC, report_id) = 1;

-- The reports whose numbers enter the marts: current, with cells, and no failing error-severity rule.
CREATE OR REPLACE VIEW report_ok AS
SELECT c.* FROM report_current c
WHERE c.parse_status IN ('parsed', 'partial')
  AND NOT EXISTS (SELECT 1 FROM rule_result x
                  WHERE x.report_id = c.report_id AND x.status = 'fail' AND x.severity = 'error');
