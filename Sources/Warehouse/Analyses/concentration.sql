-- Concentration: HHI and top shares of a window metric among groups, per period.
-- Summing per model (and period) first joins each model once per period, not once per
-- observation. Without --period the totals come from the yearly summaries.
WITH
-- @include _window_totals
,
per_model AS (
    SELECT model, 'all' AS period, value FROM model_totals WHERE :period IS NULL
    UNION ALL
    SELECT o.model,
           CASE :period
               WHEN 'month' THEN substr(o.observed_on, 1, 7)
               WHEN 'quarter' THEN substr(o.observed_on, 1, 4) || '-Q' || ((CAST(substr(o.observed_on, 6, 2) AS INTEGER) + 2) / 3)
               ELSE substr(o.observed_on, 1, 4)
           END AS period,
           sum(o.value) AS value
    FROM observations AS o
    WHERE :period IS NOT NULL AND o.metric = :metric_key
      AND o.observed_on BETWEEN coalesce(:from, '0000-01-01') AND :to
    GROUP BY o.model, period
),
per_group AS (
    SELECT p.period, CASE :by WHEN 'country' THEN org.country ELSE org.id END AS grp, sum(p.value) AS value
    FROM per_model AS p
    JOIN models AS m ON m.key = p.model
    JOIN organizations AS org ON org.id = m.organization
    GROUP BY p.period, grp
),
shares AS (
    SELECT period, grp, value,
           100.0 * value / nullif(sum(value) OVER (PARTITION BY period), 0) AS share,
           row_number() OVER (PARTITION BY period ORDER BY value DESC, grp) AS position
    FROM per_group
)
SELECT period,
       count(*) AS groups,
       sum(value) AS total,
       round(sum(share * share), 2) AS hhi,
       max(CASE WHEN position = 1 THEN grp END) AS top1_group,
       round(max(CASE WHEN position = 1 THEN share END), 2) AS top1_share_pct,
       round(sum(CASE WHEN position <= 5 THEN share END), 2) AS top5_share_pct
FROM shares
GROUP BY period
ORDER BY period
