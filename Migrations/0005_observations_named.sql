-- observations as other tools want to read them: the fact table holds integer keys (small
-- and fast for owl), this view puts the model and metric ids back. For sqlite3, Datasette,
-- DuckDB's sqlite extension or any SQL client: SELECT * FROM observations_named.
-- (0003 and 0004 are numbers taken by changes made alongside this one.)

CREATE VIEW observations_named AS
SELECT m.id AS model, k.id AS metric, o.observed_on, o.value, o.source
FROM observations AS o
JOIN models AS m ON m.key = o.model
JOIN metrics AS k ON k.key = o.metric;
