-- Each model's amount of a window or cumulative metric in the range :from … :to, per
-- period (:period month, quarter or year; NULL: one period, all), with its coverage, under
-- the definition in _segments.sql. Whole months come from observation_months; only the
-- partial months at the range's edges are computed from the observations. Included by
-- analyses as CTEs ending in
--   model_amounts (model, period, value, covered_days, model_days)
-- for every model with an observation of the metric (and, when :released_from is set,
-- released on or after it): model_days are its days in the period from its release on,
-- covered_days those an observation covers, value the amount credited to the period; with
-- :fill_gaps, uncovered days are credited at the model's mean daily rate over its covered
-- days in the whole range.
range AS (
    SELECT coalesce(:from, (SELECT min(month) FROM observation_months WHERE metric = :metric_key) || '-01', :to) AS first_day,
           :to AS last_day
),
months (month_start) AS (
    SELECT date(first_day, 'start of month') FROM range
    UNION ALL
    SELECT date(month_start, '+1 month') FROM months, range WHERE date(month_start, '+1 month') <= last_day
),
pieces AS (
    SELECT substr(month_start, 1, 7) AS month, ps_text, pe_text,
           ps_text = month_start AND pe_text = date(month_start, '+1 month', '-1 day') AS whole,
           CAST(julianday(ps_text) AS INTEGER) AS ps, CAST(julianday(pe_text) AS INTEGER) AS pe,
           CASE :period
               WHEN 'month' THEN substr(month_start, 1, 7)
               WHEN 'quarter' THEN substr(month_start, 1, 4) || '-Q' || ((CAST(substr(month_start, 6, 2) AS INTEGER) + 2) / 3)
               WHEN 'year' THEN substr(month_start, 1, 4)
               ELSE 'all' END AS period
    FROM (SELECT month_start, max(month_start, first_day) AS ps_text,
                 min(date(month_start, '+1 month', '-1 day'), last_day) AS pe_text
          FROM months, range)
    WHERE ps_text <= pe_text
),
periods AS (
    SELECT period, min(ps) AS ps, max(pe) AS pe FROM pieces GROUP BY period
),
measured AS (
    -- The models counted: those with an observation of the metric.
    SELECT l.model, l.observed_on AS last_observed, CAST(julianday(m.released_on) AS INTEGER) AS r
    FROM observation_latest AS l JOIN models AS m ON m.key = l.model
    WHERE l.metric = :metric_key AND (:released_from IS NULL OR m.released_on >= :released_from)
),
bounds AS (
    -- Partial months: read the observations whose spans can reach into them.
    SELECT s.model, p.month AS part, p.ps, p.pe,
           CASE :metric_kind WHEN 'window' THEN date(p.ps_text, printf('-%d days', :metric_window))
               ELSE coalesce((SELECT max(o.observed_on) FROM observations AS o
                              WHERE o.model = s.model AND o.metric = :metric_key AND o.observed_on < p.ps_text), '0000-01-01') END AS lo,
           CASE :metric_kind WHEN 'window' THEN date(p.pe_text, printf('+%d days', :metric_window))
               ELSE coalesce((SELECT min(o.observed_on) FROM observations AS o
                              WHERE o.model = s.model AND o.metric = :metric_key AND o.observed_on > p.pe_text), '9999-12-31') END AS hi
    FROM pieces AS p JOIN measured AS s
    WHERE NOT p.whole AND s.last_observed >= p.ps_text
),
-- @include _segments
,
credited AS (
    -- Whole months are contiguous (only the range's ends can cut a month): one slice of the
    -- summary, labelled without a join.
    SELECT s.model,
           CASE :period
               WHEN 'month' THEN s.month
               WHEN 'quarter' THEN substr(s.month, 1, 4) || '-Q' || ((CAST(substr(s.month, 6, 2) AS INTEGER) + 2) / 3)
               WHEN 'year' THEN substr(s.month, 1, 4)
               ELSE 'all' END AS period,
           s.amount, s.covered_days
    FROM observation_months AS s
    WHERE s.metric = :metric_key
      AND s.month BETWEEN (SELECT min(month) FROM pieces WHERE whole) AND (SELECT max(month) FROM pieces WHERE whole)
    UNION ALL
    SELECT g.model, p.period,
           sum(g.rate * max(0, min(g.seg_end, g.pe) - max(g.seg_start, g.ps) + 1)),
           sum(max(0, min(g.seg_end, g.pe) - max(g.seg_start, g.ps, g.r) + 1))
    FROM segments AS g JOIN pieces AS p ON p.month = g.part
    GROUP BY g.model, g.part
),
per_model_period AS (
    SELECT model, period, sum(amount) AS value, sum(covered_days) AS covered_days
    FROM credited GROUP BY model, period
),
unfilled AS (
    SELECT s.model, pr.period, coalesce(a.value, 0) AS value, coalesce(a.covered_days, 0) AS covered_days,
           max(0, pr.pe - max(pr.ps, s.r) + 1) AS model_days
    FROM measured AS s
    CROSS JOIN periods AS pr
    LEFT JOIN per_model_period AS a ON a.model = s.model AND a.period = pr.period
),
model_amounts AS (
    SELECT model, period, covered_days, model_days,
           CASE WHEN coalesce(:fill_gaps, 0) AND covered_days < model_days
               THEN value + (model_days - covered_days)
                            * coalesce(sum(value) OVER whole_range / nullif(sum(covered_days) OVER whole_range, 0), 0)
               ELSE value END AS value
    FROM unfilled
    -- A model not yet released in a period has nothing there, unless an observation dated
    -- before its release date (inconsistent data) credits it.
    WHERE model_days > 0 OR value <> 0
    WINDOW whole_range AS (PARTITION BY model)
)
