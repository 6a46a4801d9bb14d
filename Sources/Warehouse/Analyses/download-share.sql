-- Download share: each group's amount of a window or cumulative metric in a date range
-- (the definition in MetricSpan.swift), per period, with the coverage behind it.
WITH RECURSIVE
-- @include _group_amounts group_by=:by
,
ranked AS (
    -- --top keeps the groups largest over the whole range, the same in every period
    -- (window functions rather than a join: there may be thousands of groups).
    SELECT *, dense_rank() OVER (ORDER BY total DESC, grp) AS position
    FROM (SELECT *, sum(value) OVER (PARTITION BY grp) AS total FROM group_amounts)
),
collapsed AS (
    SELECT period, CASE WHEN :top IS NOT NULL AND position > :top THEN 'other' ELSE grp END AS grp,
           sum(value) AS value, sum(models) AS models,
           sum(covered_days) AS covered_days, sum(model_days) AS model_days
    FROM ranked
    GROUP BY 1, 2
)
SELECT period, grp AS "group", value,
       round(100.0 * value / nullif(sum(value) OVER (PARTITION BY period), 0), 2) AS share_pct,
       models,
       round(100.0 * covered_days / nullif(model_days, 0), 2) AS coverage_pct
FROM collapsed
-- The rest goes last in each period, whatever its size.
ORDER BY period, grp = 'other' AND :top IS NOT NULL, value DESC, grp
