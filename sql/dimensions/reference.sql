-- The template's labels and the measures (xxgk.warehouse.dimensions.load_reference).
CREATE OR REPLACE TABLE template_label AS
SELECT template, "table", "row", col, row_label, col_label, group_label, unit, kind FROM incoming_label
ORDER BY template, "table", "row", col;

CREATE OR REPLACE TABLE measure AS
SELECT measure, label, unit, money, templates, comparable_across_templates, description FROM incoming_measure;

CREATE OR REPLACE TABLE measure_cell AS
SELECT measure, layout, "table", "row", col FROM incoming_measure_cell
ORDER BY measure, layout, "table", "row", col;
