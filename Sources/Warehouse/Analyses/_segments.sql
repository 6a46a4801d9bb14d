-- owl's one definition of how much of a metric fell on each day (README, "Measures").
-- Each observation is credited to a span of days at a constant daily rate:
--   window metric of W days, model released on day r, observations d1 < d2 < … (whole days):
--     observation i counts the days max(r, d_i − W + 1) … d_i, L_i = min(W, d_i − r + 1) of
--     them, so its rate is v_i / L_i; it is credited only for the days no earlier
--     observation covered: (max(d_{i−1}, d_i − W, r − 1), d_i]. Dated before its model's
--     release (inconsistent data), it ignores r: L_i = W.
--   cumulative metric (a running total from 0 on release): the curve through (r − 1, 0),
--     (d1, c1), …, (dn, cn) is linear between points, so observation i is credited
--     (c_i − c_{i−1}) / (d_i − d_{i−1}) a day over (d_{i−1}, d_i]; the first over
--     (r − 1, d1] (with r taken as d1 when the first observation predates the release).
-- The amount in days [a, b] is the sum of rate × the days of each span inside [a, b].
-- Ingest keeps these spans' monthly sums in observation_months (ObservationSummaries.swift,
-- held equal to this by SummaryTests).
--
-- Needs a CTE bounds (model, part, r, lo, hi, and any columns the includer wants carried
-- along): the observations of `model` dated lo … hi are read (they must include every
-- observation whose span can reach the days of `part` that matter, and the one before the
-- first of them); r is the model's release day. Gives segments: bounds' columns and
-- seg_start, seg_end, rate, decrease, early, days as julianday integers.
observed AS (
    SELECT b.*, CAST(julianday(o.observed_on) AS INTEGER) AS d, o.value AS v
    FROM bounds AS b
    JOIN observations AS o ON o.model = b.model AND o.metric = :metric_key AND o.observed_on BETWEEN b.lo AND b.hi
),
stepped AS (
    SELECT *, lag(d) OVER byday AS prev_d, lag(v) OVER byday AS prev_v
    FROM observed
    WINDOW byday AS (PARTITION BY model, part ORDER BY d)
),
segments AS (
    SELECT *, d AS seg_end,
           CASE :metric_kind WHEN 'window'
               THEN max(d - :metric_window + 1, coalesce(prev_d + 1, 0), CASE WHEN r <= d THEN r ELSE 0 END)
               ELSE coalesce(prev_d + 1, min(r, d)) END AS seg_start,
           CASE :metric_kind WHEN 'window'
               THEN v / CASE WHEN r <= d THEN min(:metric_window, d - r + 1) ELSE :metric_window END
               ELSE (v - coalesce(prev_v, 0)) / (d - coalesce(prev_d, min(r, d) - 1)) END AS rate,
           coalesce(:metric_kind = 'cumulative' AND v < prev_v, 0) AS decrease,
           r > d AS early
    FROM stepped
)
