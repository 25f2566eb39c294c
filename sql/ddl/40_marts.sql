-- Incremental marts (owner: xxgk/warehouse/marts.py). Applied after 30_quality.sql; idempotent.
--
-- Per-report caches computed once per loaded report (cells are immutable until the report is
-- loaded again, which changes report.parsed_at), so no mart reads the cell table except for
-- reports loaded since the last build.
CREATE TABLE IF NOT EXISTS report_content (
    report_id   VARCHAR NOT NULL,
    parsed_at   TIMESTAMP NOT NULL,       -- the load the cache entry was computed from
    digest      VARCHAR,                  -- the sum of the hashes of its cells (position, status, value); NULL: no cells
    statuses    MAP(VARCHAR, UBIGINT)     -- cells per status (the quality pages' cell counts)
);
CREATE TABLE IF NOT EXISTS report_measure_value (
    report_id   VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL,
    value       DECIMAL(38, 6),
    incomplete  BOOLEAN NOT NULL,
    inferred    BOOLEAN NOT NULL
);

-- What each mart was last built from: one digest per report version (everything of it the marts
-- read, except when it was last seen) and per body, plus the build's global inputs. A build
-- compares the current digests (views mart_input_now, mart_body_input_now) with these and
-- rebuilds only the keys whose inputs changed.
CREATE TABLE IF NOT EXISTS mart_input (
    mart          VARCHAR NOT NULL,
    report_id     VARCHAR NOT NULL,
    agency_key    VARCHAR,
    report_year   INTEGER,
    county_code   VARCHAR,
    city_code     VARCHAR,
    province_code VARCHAR,
    digest        UBIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS mart_body_input (
    mart        VARCHAR NOT NULL,
    agency_key  VARCHAR NOT NULL,
    digest      UBIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS mart_state (
    mart            VARCHAR NOT NULL,     -- a file of sql/marts, or 'cache' for the per-report caches
    inputs          VARCHAR NOT NULL,     -- digest of the SQL and the reference tables: another one rebuilds all
    as_of           DATE,                 -- mart_publication: the date missing reports were judged at
    built_at        TIMESTAMP NOT NULL,   -- UTC
    mode            VARCHAR NOT NULL,     -- full | incremental | unchanged
    bodies          BIGINT,               -- body keys rebuilt
    regions         BIGINT,               -- (level, region, year) keys rebuilt
    rows_deleted    BIGINT,
    rows_inserted   BIGINT
);
