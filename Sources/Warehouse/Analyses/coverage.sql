-- Coverage: how many of each group's model-days in a range an observation of the metric
-- covers (the definition in MetricSpan.swift), to find the gaps behind a share.
WITH RECURSIVE
-- @include _group_amounts group_by=:by
SELECT grp AS "group", models, model_days, covered_days,
       round(100.0 * covered_days / nullif(model_days, 0), 2) AS coverage_pct
FROM group_amounts
WHERE models > 0
ORDER BY covered_days * 1.0 / nullif(model_days, 0), model_days DESC, grp
