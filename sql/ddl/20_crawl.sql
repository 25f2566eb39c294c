-- Crawl state and fetch log (issue 4). Applied after 10_core.sql by
-- xxgk.warehouse.db.apply_ddl; every statement is idempotent.

-- One row per crawl night; seq orders nights whatever their labels (re-running a night keeps its seq).
CREATE TABLE IF NOT EXISTS crawl_night (
    night           VARCHAR PRIMARY KEY,
    seq             INTEGER NOT NULL,
    started_at      TIMESTAMP NOT NULL    -- UTC, first run of this night
);

-- One row per fetch the crawler made or deliberately did not make (host closed, robots,
-- allowlist), after retries. Content bytes live in the raw store; sha256 is set when the
-- bytes of this fetch are there (NULL: nothing stored, e.g. a failure or an unchanged body).
CREATE SEQUENCE IF NOT EXISTS fetch_log_id;
CREATE TABLE IF NOT EXISTS fetch_log (
    id              BIGINT PRIMARY KEY DEFAULT nextval('fetch_log_id'),
    night           VARCHAR NOT NULL,     -- crawl night label (ISO date by default)
    source_id       VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,     -- robots | list | article | attachment | file
    method          VARCHAR NOT NULL,     -- GET | POST | READ (directory sources)
    url             VARCHAR NOT NULL,     -- as requested (POST: url + form)
    final_url       VARCHAR,              -- after redirects
    fetched_at      TIMESTAMP NOT NULL,   -- UTC start
    http_status     INTEGER,
    outcome         VARCHAR NOT NULL,     -- xxgk.crawl.http.OUTCOMES, pagination_repeats|_short
    attempts        INTEGER NOT NULL,
    elapsed_ms      INTEGER,
    etag            VARCHAR,
    last_modified   VARCHAR,
    content_type    VARCHAR,              -- as the server said
    media_type      VARCHAR,              -- as the bytes say
    bytes           BIGINT,
    sha256          VARCHAR,
    change          VARCHAR,              -- new | changed | unchanged (content fingerprint)
    detail          VARCHAR
);

-- What the crawler knows about each URL of a source, carried from night to night:
-- validators for conditional GET, the fingerprint of the content region (page chrome such as
-- counters and timestamps excluded) that decides "new version or not", and live/gone status.
-- A row is never deleted: a report that disappears is marked gone and keeps its versions.
CREATE TABLE IF NOT EXISTS crawl_item (
    source_id       VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,     -- canonical locator (attachments: expiring tokens removed)
    kind            VARCHAR NOT NULL,     -- list | article | attachment | file
    status          VARCHAR NOT NULL,     -- live | gone
    parent_url      VARCHAR,              -- the article an attachment is linked from
    title           VARCHAR,              -- list title (articles, files) or file name (attachments)
    published       VARCHAR,              -- posting date shown on the list
    agency          VARCHAR,              -- from the report title
    report_year     INTEGER,              -- from the report title (body / posting date fallback)
    variant         VARCHAR,              -- 图文 | 图片版 | 超链版 | '' (report twins)
    etag            VARCHAR,
    last_modified   VARCHAR,
    fingerprint     VARCHAR,
    sha256          VARCHAR,              -- raw-store object of the current version
    versions        INTEGER NOT NULL,     -- distinct fingerprints stored so far
    first_seen      VARCHAR NOT NULL,     -- night first listed / linked
    last_seen       VARCHAR NOT NULL,     -- night last listed / linked
    last_ok         VARCHAR,              -- night content was last confirmed (ok / not_modified)
    last_fetched    VARCHAR,              -- night the page was last downloaded in full (revisit policy)
    last_outcome    VARCHAR,
    gone_since      VARCHAR,
    PRIMARY KEY (source_id, url)
);
