-- Coverage: how many of each group's model-days in a range an observation of the metric
-- covers (the definition in _segments.sql), to find the gaps behind a share.
WITH RECURSIVE
-- @include _model_amounts
,
per_group AS (
    SELECT CASE :by WHEN 'model' THEN m.id WHEN 'organization' THEN org.id ELSE org.country END AS grp,
           count(*) AS models, sum(a.model_days) AS model_days, sum(a.covered_days) AS covered_days
    FROM model_amounts AS a
    JOIN models AS m ON m.key = a.model
    JOIN organizations AS org ON org.id = m.organization
    GROUP BY grp
)
SELECT grp AS "group", models, model_days, covered_days,
       round(100.0 * covered_days / nullif(model_days, 0), 2) AS coverage_pct
FROM per_group
ORDER BY covered_days * 1.0 / nullif(model_days, 0), model_days DESC, grp
