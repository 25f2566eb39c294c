-- Per-report caches for the reports in cache_todo (report_id, template, table3_layout, parsed_at):
-- their content digest, their cells per status and their measures (sql/views/20_measures.sql says how a measure is
-- summed). Run by xxgk/warehouse/marts.py after deleting the entries of those reports.
INSERT INTO report_content
SELECT t.report_id, t.parsed_at, c.digest, c.statuses
FROM cache_todo t
LEFT JOIN (
    SELECT report_id, CAST(sum(hash("table", "row", col, status, value)) AS VARCHAR) AS digest,
           histogram(status) AS statuses
    FROM cell WHERE report_id IN (SELECT report_id FROM cache_todo) GROUP BY report_id
) c USING (report_id);

INSERT INTO report_measure_value
WITH expected AS (
    SELECT measure, layout, count(*) AS n FROM measure_cell GROUP BY ALL
),
hits AS (
    SELECT t.report_id, m.measure, m.layout,
           sum(CASE WHEN c.status IN ('blank', 'placeholder') THEN 0 ELSE c.value END) AS total,
           count(*) AS n,
           bool_or(c.status IN ('illegible', 'ambiguous', 'out_of_range') OR
                   (c.value IS NULL AND c.status NOT IN ('blank', 'placeholder'))) AS unknown,
           bool_or(c.status = 'inferred') AS inferred
    FROM cache_todo t
    JOIN measure_cell m
      ON m.layout = CASE WHEN m."table" = 'table2' THEN t.template ELSE t.table3_layout END
    JOIN (SELECT * FROM cell WHERE report_id IN (SELECT report_id FROM cache_todo)) c
      ON c.report_id = t.report_id AND c."table" = m."table" AND c."row" = m."row" AND c.col = m.col
    GROUP BY ALL
)
SELECT h.report_id, h.measure,
       CASE WHEN h.unknown OR h.n < e.n THEN NULL ELSE h.total END AS value,
       h.unknown OR h.n < e.n AS incomplete,
       h.inferred
FROM hits h JOIN expected e USING (measure, layout);
