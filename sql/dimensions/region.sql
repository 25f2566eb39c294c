-- Administrative divisions from the vendored areacodes dataset (xxgk.warehouse.dimensions.load_regions):
-- one row per record, so a code that changed name or parent has one row per period.
CREATE OR REPLACE TABLE region AS
SELECT code, name, short_name, level, parent_code, valid_from, valid_to, status, successors, transfers, series_code
FROM incoming_region
ORDER BY code, valid_from;
