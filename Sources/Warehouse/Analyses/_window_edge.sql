-- The amount and covered days of a window metric in the partial month {edge} ('first' or
-- 'last' row of edges), per model, from the observations (the definition in _segments.sql).
-- Each measured model with an observation in the range is sought once, carrying its group
-- and release day: observations dated from ps to pe + W − 1 (the last whose span can reach
-- pe). An observation before ps is not read even as a predecessor: it would only end its
-- successor's span before ps, which the credit clips at ps anyway. Gives CTE {edge}_credit
-- (period_key, grp_key, model, amount, covered_days), at whole_credit's grain in
-- _group_amounts.sql (model only with --fill-gaps).
{edge}_observed AS (
    SELECT s.model, s.grp_key, s.r, CAST(julianday(o.observed_on) AS INTEGER) AS d, o.value AS v,
           lag(CAST(julianday(o.observed_on) AS INTEGER)) OVER byday AS prev_d
    FROM edges AS e
    CROSS JOIN measured AS s
    CROSS JOIN observations AS o
        ON o.model = s.model AND o.metric = :metric_key AND o.observed_on BETWEEN e.ps_text AND e.hi
    WHERE :metric_kind = 'window' AND e.edge = '{edge}' AND s.last_observed >= e.ps_text AND s.first_observed <= e.hi
    WINDOW byday AS (PARTITION BY s.model ORDER BY o.observed_on)
),
{edge}_credit AS (
    SELECT e.period_key, x.grp_key, CASE WHEN coalesce(:fill_gaps, 0) THEN x.model END AS model,
           sum(x.rate * max(0, min(x.d, e.pe) - max(x.start, e.ps) + 1)) AS amount,
           sum(max(0, min(x.d, e.pe) - max(x.start, e.ps, x.r) + 1)) AS covered_days
    FROM (SELECT model, grp_key, d, r,
                 max(d - :metric_window + 1, coalesce(prev_d + 1, 0), CASE WHEN r <= d THEN r ELSE 0 END) AS start,
                 v / CASE WHEN r <= d THEN min(:metric_window, d - r + 1) ELSE :metric_window END AS rate
          FROM {edge}_observed) AS x
    JOIN edges AS e ON e.edge = '{edge}'
    WHERE x.d >= e.ps
    GROUP BY 1, 2, 3
)