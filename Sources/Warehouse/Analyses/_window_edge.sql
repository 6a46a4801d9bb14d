-- The amount and covered days of a window metric in the partial month {edge} ('first' or
-- 'last' row of edges), per model, from the observations (the definition in _segments.sql).
-- One range scan of the observations for all measured models at once, in key order, so the
-- lag needs no sort: observations dated from ps to pe + W − 1 (the last whose span can reach
-- pe). An observation before ps is not read even as a predecessor: it would only end its
-- successor's span before ps, which the credit clips at ps anyway. Gives CTE {edge}_credit (period_key, grp_key, model, amount,
-- covered_days), at whole_credit's grain in _group_amounts.sql (model only with --fill-gaps).
{edge}_observed AS (
    SELECT o.model, CAST(julianday(o.observed_on) AS INTEGER) AS d, o.value AS v,
           lag(CAST(julianday(o.observed_on) AS INTEGER)) OVER byday AS prev_d
    FROM observations AS o
    WHERE :metric_kind = 'window' AND o.metric = :metric_key AND o.model IN (SELECT model FROM measured)
      AND o.observed_on BETWEEN (SELECT ps_text FROM edges WHERE edge = '{edge}') AND (SELECT hi FROM edges WHERE edge = '{edge}')
    WINDOW byday AS (PARTITION BY o.model ORDER BY o.observed_on)
),
{edge}_credit AS (
    SELECT e.period_key, x.grp_key, CASE WHEN coalesce(:fill_gaps, 0) THEN x.model END AS model,
           sum(x.rate * max(0, min(x.d, e.pe) - max(x.start, e.ps) + 1)) AS amount,
           sum(max(0, min(x.d, e.pe) - max(x.start, e.ps, x.r) + 1)) AS covered_days
    FROM (SELECT b.model, s.grp_key, b.d, s.r,
                 max(b.d - :metric_window + 1, coalesce(b.prev_d + 1, 0), CASE WHEN s.r <= b.d THEN s.r ELSE 0 END) AS start,
                 b.v / CASE WHEN s.r <= b.d THEN min(:metric_window, b.d - s.r + 1) ELSE :metric_window END AS rate
          FROM {edge}_observed AS b JOIN measured AS s ON s.model = b.model) AS x
    JOIN edges AS e ON e.edge = '{edge}'
    WHERE x.d >= e.ps
    GROUP BY 1, 2, 3
)
