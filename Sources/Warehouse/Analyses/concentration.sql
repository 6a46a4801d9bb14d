-- Concentration: HHI and top shares of a window or cumulative metric among groups, per
-- period, from the amounts of _group_amounts (the definition in MetricSpan.swift).
WITH RECURSIVE
-- @include _group_amounts group_by=:by
,
shares AS (
    SELECT period, grp, value, covered_days, model_days,
           100.0 * value / nullif(sum(value) OVER (PARTITION BY period), 0) AS share,
           row_number() OVER (PARTITION BY period ORDER BY value DESC, grp) AS position
    FROM group_amounts
)
SELECT period,
       count(CASE WHEN value <> 0 THEN 1 END) AS groups,
       sum(value) AS total,
       round(sum(share * share), 2) AS hhi,
       max(CASE WHEN position = 1 THEN grp END) AS top1_group,
       round(max(CASE WHEN position = 1 THEN share END), 2) AS top1_share_pct,
       round(sum(CASE WHEN position <= 5 THEN share END), 2) AS top5_share_pct,
       round(100.0 * sum(covered_days) / nullif(sum(model_days), 0), 2) AS coverage_pct
FROM shares
GROUP BY period
ORDER BY period
