-- Rule validation (owner: xxgk/quality). Applied after 10_core.sql; idempotent.

-- Columns added to rule_result after its first release (warehouses created before them).
ALTER TABLE rule_result ADD COLUMN IF NOT EXISTS classification VARCHAR;
ALTER TABLE rule_result ADD COLUMN IF NOT EXISTS run_id VARCHAR;

-- One row per validation run (a Dagster run or `xxgk run`): what it validated and, when it
-- finished, the whole warehouse's counts per rule (the quality dashboard's trend over nights).
-- A row without finished_at is a run that was stopped; its committed batches still count.
CREATE TABLE IF NOT EXISTS validation_run (
    run_id              VARCHAR PRIMARY KEY,
    started_at          TIMESTAMP NOT NULL,   -- UTC
    finished_at         TIMESTAMP,            -- UTC; NULL: stopped before the end
    rules_version       VARCHAR NOT NULL,     -- digest of the suites: results of another version are re-validated
    reports_validated   INTEGER,              -- reports new or changed (and their next-year neighbours)
    batches             INTEGER,
    instances           BIGINT,
    reports_total       INTEGER,              -- parsed reports in the warehouse
    rule_stats          STRUCT("rule" VARCHAR, pass BIGINT, fail BIGINT, not_assessable BIGINT, na BIGINT,
                               publisher_error BIGINT, parse_suspect BIGINT, reports_failing BIGINT)[]
);
