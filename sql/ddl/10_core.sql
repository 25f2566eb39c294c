-- Core warehouse tables. Applied in file-name order by xxgk.warehouse.db.apply_ddl; every
-- statement is idempotent (IF NOT EXISTS) so applying twice changes nothing.

-- One row per distinct raw document seen at one locator (URL or file path). The bytes live in
-- the raw store at data/raw/<sha256[:2]>/<sha256>. A changed report is a new sha256 at the same
-- locator: a new row beside the old one, nothing overwritten.
CREATE TABLE IF NOT EXISTS document (
    sha256          VARCHAR NOT NULL,
    source_id       VARCHAR NOT NULL,   -- id in data/sources.toml
    locator         VARCHAR NOT NULL,   -- URL or path the bytes came from
    name            VARCHAR,            -- file name used to sniff the format (e.g. report.pdf)
    media_type      VARCHAR,            -- sniffed from the bytes, not the server's header
    bytes           BIGINT,
    title_hint      VARCHAR,            -- link title on the list page, if any
    published_hint  VARCHAR,            -- posting date on the list page, if any
    parent_sha256   VARCHAR,            -- the article page an attachment was linked from
    first_seen_at   TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP,          -- start (UTC) of the last crawl night that found this content (any locator)
    PRIMARY KEY (sha256, locator)
);
-- Warehouses created before last_seen_at existed get the column (NULL: use first_seen_at).
ALTER TABLE document ADD COLUMN IF NOT EXISTS last_seen_at TIMESTAMP;

-- One row per parsed report version (= per document hash); every document gets one, failures
-- included (parse_status says how parsing ended, xxgk.parse.api.OUTCOMES).
CREATE TABLE IF NOT EXISTS report (
    report_id       VARCHAR PRIMARY KEY,  -- first 16 hex digits of sha256
    sha256          VARCHAR NOT NULL UNIQUE,
    title           VARCHAR,
    agency          VARCHAR,
    agency_key      VARCHAR,              -- region code + agency without place names (xxgk.regions.agency_key)
    region_code     VARCHAR,
    region_name     VARCHAR,
    report_year     INTEGER,
    template        VARCHAR,              -- 2019 | 2021 | pre2019 | NULL
    table3_layout   VARCHAR,              -- 2019 | 2021 | 2021_single_other
    scope           VARCHAR,              -- agency | area
    source          VARCHAR,              -- URL or path
    parse_status    VARCHAR NOT NULL,     -- parsed | partial | tables_unreadable | not_a_report | unreadable | too_large | parse_failed | timeout | memory (docs/contracts.md)
    parse_message   VARCHAR,              -- why, for every status but parsed
    parser_version  VARCHAR NOT NULL,
    parsed_at       TIMESTAMP NOT NULL
);

-- Long format: one row per template cell of a report.
CREATE TABLE IF NOT EXISTS cell (
    report_id       VARCHAR NOT NULL,
    "table"         VARCHAR NOT NULL,
    "row"           VARCHAR NOT NULL,
    col             VARCHAR NOT NULL,
    value           DECIMAL(24, 6),
    unit            VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,     -- reported | blank | placeholder | illegible | inferred | ambiguous
    raw             VARCHAR,
    label_row_raw   VARCHAR,
    label_col_raw   VARCHAR,
    locator         VARCHAR,              -- page / grid coordinates in the source
    note            VARCHAR,
    "read"          VARCHAR NOT NULL,     -- cell | text | glued: how the value was read
    confident       BOOLEAN NOT NULL      -- false: the reading rests on more than the printed cell
    -- No primary key on the large tables (cell, rule_result, parse_issue, narrative_fact): their
    -- rows are written per report as a whole (xxgk/warehouse/load.py), which keeps them unique,
    -- and an index over hundreds of millions of cells would be held in memory on every insert.
);

-- One row per rule instance (spec §3), as decided by the Great Expectations validation;
-- upserted per report (docs/contracts.md).
CREATE TABLE IF NOT EXISTS rule_result (
    report_id       VARCHAR NOT NULL,
    rule            VARCHAR NOT NULL,
    scope           VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,     -- pass | fail | n/a | not_assessable
    severity        VARCHAR NOT NULL,     -- error | warning
    lhs             DECIMAL(24, 6),
    rhs             DECIMAL(24, 6),
    involves_blank  BOOLEAN NOT NULL,
    cells           VARCHAR[],            -- cell paths involved (prev:… = the previous year's report)
    note            VARCHAR,
    classification  VARCHAR,              -- failing only: publisher_error | parse_suspect
    run_id          VARCHAR               -- the run that validated it (validation_run)
);

CREATE TABLE IF NOT EXISTS parse_issue (
    report_id       VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    code            VARCHAR NOT NULL,
    severity        VARCHAR NOT NULL,
    message         VARCHAR NOT NULL
);

-- Numbers the narrative states that have a table counterpart (rule R20).
CREATE TABLE IF NOT EXISTS narrative_fact (
    report_id       VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    quote           VARCHAR NOT NULL,     -- the phrase as printed (normalised)
    expression      VARCHAR[] NOT NULL,   -- cell paths summed; group.* = every leaf of the group
    stated          BIGINT NOT NULL,
    in_scope        BOOLEAN NOT NULL      -- false: the sentence speaks of another population
);

-- How far the load stage got, per parser version: result files older than this were loaded.
CREATE TABLE IF NOT EXISTS load_state (
    parser_version  VARCHAR PRIMARY KEY,
    loaded_until    TIMESTAMP NOT NULL    -- UTC start of the last complete load, less a little slack
);
