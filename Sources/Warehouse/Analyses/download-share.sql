-- Download share: each group's amount of a window or cumulative metric in a date range
-- (the definition in _segments.sql), per period, with the coverage behind it.
WITH RECURSIVE
-- @include _model_amounts
,
per_group AS (
    SELECT a.period,
           CASE :by WHEN 'organization' THEN org.id WHEN 'kind' THEN org.kind ELSE org.country END AS grp,
           sum(a.value) AS value, count(CASE WHEN a.covered_days > 0 THEN 1 END) AS models,
           sum(a.covered_days) AS covered_days, sum(a.model_days) AS model_days
    FROM model_amounts AS a
    JOIN models AS m ON m.key = a.model
    JOIN organizations AS org ON org.id = m.organization
    GROUP BY a.period, grp
),
ranked AS (
    -- --top keeps the groups largest over the whole range, the same in every period.
    SELECT grp, row_number() OVER (ORDER BY sum(value) DESC, grp) AS position
    FROM per_group GROUP BY grp
),
collapsed AS (
    SELECT p.period, CASE WHEN :top IS NOT NULL AND r.position > :top THEN 'other' ELSE p.grp END AS grp,
           sum(p.value) AS value, sum(p.models) AS models,
           sum(p.covered_days) AS covered_days, sum(p.model_days) AS model_days, min(r.position) AS position
    FROM per_group AS p JOIN ranked AS r ON r.grp = p.grp
    GROUP BY 1, 2
)
SELECT period, grp AS "group", value,
       round(100.0 * value / nullif(sum(value) OVER (PARTITION BY period), 0), 2) AS share_pct,
       models,
       round(100.0 * covered_days / nullif(model_days, 0), 2) AS coverage_pct
FROM collapsed
-- The rest goes last in each period, whatever its size.
ORDER BY period, grp = 'other' AND :top IS NOT NULL, value DESC, grp
