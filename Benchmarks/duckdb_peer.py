"""The DuckDB side of owl-bench: the same questions over the same files, timed in one run.

Usage: python3 duckdb_peer.py analyses FOLDER CASES_JSON DATABASE_FILE RUNS
       python3 duckdb_peer.py ingest FOLDER DATABASE_FILE
       python3 duckdb_peer.py export FOLDER OUTPUT_CSV
       python3 duckdb_peer.py derivatives FOREST_FOLDER CASES_JSON
Prints one JSON object of timings (seconds) and, for analyses, checksums (the sum of the
checksum columns' values, each rounded to 9 significant digits). owl-bench installs duckdb
into a virtual environment of its own; duckdb is not a dependency of owl.

The amounts follow owl's definition (README, "Measures"), written here independently with
DuckDB's window functions: each observation is credited at a constant daily rate over a span
of days; the amount in a range is the sum of rate x the span's days inside it.
"""
import datetime
import json
import os
import resource
import statistics
import sys
import time

import duckdb


def load(folder, path=":memory:"):
    """The benchmark's tables from its CSVs, in memory or in a database file that is loaded
    once and kept beside them (at --scale 10 the tables in memory take 8-11 GB)."""
    ready = path + ".complete"
    if path != ":memory:":
        sources = [f"{folder}/{name}.csv" for name in ("organizations", "models", "metrics", "observations", "extra-observations")]
        # Kept only while no CSV is newer: a regenerated dataset is loaded again.
        if os.path.exists(ready) and all(os.path.getmtime(s) <= os.path.getmtime(ready) for s in sources):
            return duckdb.connect(path)
        for suffix in ("", ".wal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    con = duckdb.connect(path)
    for table in ["organizations", "models", "metrics"]:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder}/{table}.csv', header=true)")
    con.execute(f"""CREATE TABLE observations AS
        SELECT * FROM read_csv('{folder}/observations.csv', header=true,
                               columns={{'model': 'VARCHAR', 'metric': 'VARCHAR', 'observed_on': 'DATE', 'value': 'DOUBLE'}})
        UNION ALL
        SELECT * FROM read_csv('{folder}/extra-observations.csv', header=true,
                               columns={{'model': 'VARCHAR', 'metric': 'VARCHAR', 'observed_on': 'DATE', 'value': 'DOUBLE'}})""")
    if path != ":memory:":
        con.execute("CHECKPOINT")
        open(ready, "w").close()
    return con


def periods(start, end, period):
    """(label, first day, last day) of each period of [start, end], days since 1970-01-01."""
    epoch = datetime.date(1970, 1, 1)
    day = datetime.date.fromisoformat(start)
    last = datetime.date.fromisoformat(end)
    rows = []
    while day <= last:
        if period == "month":
            label = f"{day.year:04d}-{day.month:02d}"
        elif period == "quarter":
            label = f"{day.year:04d}-Q{(day.month + 2) // 3}"
        elif period == "year":
            label = f"{day.year:04d}"
        else:
            label = "all"
        if rows and rows[-1][0] == label:
            rows[-1][2] = (day - epoch).days
        else:
            rows.append([label, (day - epoch).days, (day - epoch).days])
        day += datetime.timedelta(days=1)
    return rows


# Each model's amount and coverage per period: the definition, from the raw observations.
AMOUNTS = """
    WITH obs AS (
        SELECT o.model, o.value AS v, datediff('day', DATE '1970-01-01', o.observed_on) AS d,
               datediff('day', DATE '1970-01-01', m.released_on) AS r
        FROM observations o JOIN models m ON m.id = o.model
        WHERE o.metric = $metric),
    stepped AS (
        SELECT *, lag(d) OVER w AS prev_d, lag(v) OVER w AS prev_v FROM obs WINDOW w AS (PARTITION BY model ORDER BY d)),
    segments AS (
        SELECT model, r, d AS seg_end,
               CASE WHEN $kind = 'window'
                    THEN greatest(d - $window + 1, coalesce(prev_d + 1, d - $window + 1), CASE WHEN r <= d THEN r ELSE d - $window + 1 END)
                    ELSE coalesce(prev_d + 1, least(r, d)) END AS seg_start,
               CASE WHEN $kind = 'window'
                    THEN v / CASE WHEN r <= d THEN least($window, d - r + 1) ELSE $window END
                    ELSE (v - coalesce(prev_v, 0)) / (d - coalesce(prev_d, least(r, d) - 1)) END AS rate
        FROM stepped),
    periods AS (SELECT * FROM (VALUES {periods}) AS p(period, ps, pe)),
    credited AS (
        SELECT s.model, p.period,
               sum(s.rate * greatest(0, least(s.seg_end, p.pe) - greatest(s.seg_start, p.ps) + 1)) AS value,
               sum(greatest(0, least(s.seg_end, p.pe) - greatest(s.seg_start, p.ps, s.r) + 1)) AS covered
        FROM segments s JOIN periods p ON p.ps <= s.seg_end AND p.pe >= s.seg_start
        GROUP BY ALL),
    measured AS (SELECT DISTINCT model, r FROM obs),
    model_amounts AS (
        SELECT d.model, d.period, coalesce(c.value, 0) AS value, coalesce(c.covered, 0) AS covered, d.days
        FROM (SELECT mm.model, p.period, greatest(0, p.pe - greatest(p.ps, mm.r) + 1) AS days
              FROM measured mm CROSS JOIN periods p) d
        LEFT JOIN credited c ON c.model = d.model AND c.period = d.period
        WHERE d.days > 0 OR coalesce(c.value, 0) <> 0)
"""

GROUP = {"country": "org.country", "organization": "org.id", "kind": "org.kind", "model": "m.id"}

SHARE = AMOUNTS + """,
    per_group AS (
        SELECT a.period, {group} AS grp, sum(a.value) AS value, count(CASE WHEN a.covered > 0 THEN 1 END) AS models,
               sum(a.covered) AS covered, sum(a.days) AS days
        FROM model_amounts a JOIN models m ON m.id = a.model JOIN organizations org ON org.id = m.organization
        GROUP BY ALL)
    SELECT period, grp, value, round(100.0 * value / sum(value) OVER (PARTITION BY period), 2) AS share_pct, models,
           round(100.0 * covered / days, 2) AS coverage_pct
    FROM per_group ORDER BY period, value DESC, grp"""

CONCENTRATION = AMOUNTS + """,
    per_group AS (
        SELECT a.period, {group} AS grp, sum(a.value) AS value
        FROM model_amounts a JOIN models m ON m.id = a.model JOIN organizations org ON org.id = m.organization
        GROUP BY ALL),
    shares AS (
        SELECT period, grp, value, 100.0 * value / sum(value) OVER (PARTITION BY period) AS share,
               row_number() OVER (PARTITION BY period ORDER BY value DESC, grp) AS position FROM per_group)
    SELECT period, count(CASE WHEN value <> 0 THEN 1 END) AS groups, sum(value) AS total, round(sum(share * share), 2) AS hhi,
           max(CASE WHEN position = 1 THEN grp END) AS top1_group,
           round(max(CASE WHEN position = 1 THEN share END), 2) AS top1_share_pct,
           round(sum(CASE WHEN position <= 5 THEN share END), 2) AS top5_share_pct
    FROM shares GROUP BY period ORDER BY period"""

COVERAGE = AMOUNTS + """
    SELECT {group} AS grp, count(*) AS models, sum(a.days) AS model_days, sum(a.covered) AS covered_days,
           round(100.0 * sum(a.covered) / sum(a.days), 2) AS coverage_pct
    FROM model_amounts a JOIN models m ON m.id = a.model JOIN organizations org ON org.id = m.organization
    GROUP BY ALL ORDER BY covered_days / model_days, model_days DESC, grp"""

OTHER = {
    "leaderboard": """
        WITH latest AS (
            SELECT model, arg_max(value, observed_on) AS value FROM observations
            WHERE metric = $metric AND observed_on <= $as_of GROUP BY model)
        SELECT rank() OVER (ORDER BY l.value DESC) AS rank, l.model, m.organization, org.country, l.value
        FROM latest l JOIN models m ON m.id = l.model JOIN organizations org ON org.id = m.organization
        ORDER BY rank, l.model LIMIT 20""",
    "efficiency": """
        WITH latest AS (
            SELECT model, arg_max(value, observed_on) AS score FROM observations
            WHERE metric = $metric AND observed_on <= $as_of GROUP BY model)
        SELECT l.model, m.organization, l.score, m.params_total_b, m.params_total_b AS params_active_b,
               round(l.score / m.params_total_b, 4) AS score_per_total_b
        FROM latest l JOIN models m ON m.id = l.model ORDER BY l.score DESC, l.model LIMIT 20""",
    "timeline": """
        SELECT strftime(m.released_on, '%Y') || '-Q' || quarter(m.released_on) AS period, org.country AS "group",
               count(*) AS models
        FROM models m JOIN organizations org ON org.id = m.organization
        WHERE m.released_on <= $to
        GROUP BY ALL ORDER BY period, models DESC, "group" """,
    "openness": """
        WITH counted AS (
            SELECT year(released_on) AS period, openness, count(*) AS models FROM models WHERE released_on <= $to GROUP BY ALL)
        SELECT period, openness, models, round(100.0 * models / sum(models) OVER (PARTITION BY period), 2) AS share_pct
        FROM counted ORDER BY period, models DESC, openness""",
    "cadence": """
        WITH days AS (
            SELECT DISTINCT org.country AS grp, m.released_on AS day FROM models m JOIN organizations org ON org.id = m.organization
            WHERE m.released_on <= $to),
        gaps AS (SELECT grp, day - lag(day) OVER (PARTITION BY grp ORDER BY day) AS gap FROM days)
        SELECT d.grp, count(*) AS release_days, (SELECT median(gap) FROM gaps g WHERE g.grp = d.grp) AS median_gap_days
        FROM days d GROUP BY d.grp ORDER BY release_days DESC, d.grp""",
}


def prepare(con, case):
    """The SQL and parameters of one case."""
    name, arguments = case["name"], case["arguments"]
    if name in OTHER:
        sql = OTHER[name]
        return sql, {k: v for k, v in arguments.items() if f"${k}" in sql}
    kind, window = con.execute("SELECT kind, window_days FROM metrics WHERE id = $1", [arguments["metric"]]).fetchone()
    rows = periods(arguments["from"], arguments["to"], arguments.get("period"))
    values = ", ".join(f"('{label}', {first}, {last})" for label, first, last in rows)
    template = {"download-share": SHARE, "concentration": CONCENTRATION, "coverage": COVERAGE}[name]
    default_by = {"download-share": "country", "concentration": "organization", "coverage": "model"}[name]
    sql = template.format(periods=values, group=GROUP[arguments.get("by", default_by)])
    return sql, {"metric": arguments["metric"], "kind": kind, "window": window or 0}


def load_forest(folder):
    """The lineage benchmark's forest: organizations, models and model_bases."""
    con = duckdb.connect()
    for table in ["organizations", "models", "model_bases"]:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder}/{table}.csv', header=true)")
    return con


# owl's derivatives, written independently: the derived repos released in the range, paired
# with their direct bases, every ancestor (all) or the ancestors with no base (root).
DERIVATIVES = """
    WITH RECURSIVE ancestors (model, base) AS (
        SELECT r.model, r.base FROM model_bases r JOIN models d ON d.id = r.model
        WHERE d.released_on BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
        {recursion}),
    pairs AS (
        SELECT DISTINCT a.model, {group} AS grp
        FROM ancestors a JOIN models m ON m.id = a.base JOIN organizations org ON org.id = m.organization
        {roots}),
    per_group AS (SELECT grp, count(*) AS derived FROM pairs GROUP BY grp)
    SELECT rank() OVER (ORDER BY derived DESC) AS rank, grp AS base, derived,
           round(100.0 * derived / (SELECT count(DISTINCT model) FROM pairs), 2) AS share_pct
    FROM per_group ORDER BY derived DESC, grp LIMIT 20"""


def prepare_derivatives(arguments):
    depth = arguments.get("depth", "direct")
    recursion = "" if depth == "direct" else "UNION SELECT a.model, r.base FROM ancestors a JOIN model_bases r ON r.model = a.base"
    roots = "WHERE a.base NOT IN (SELECT model FROM model_bases)" if depth == "root" else ""
    sql = DERIVATIVES.format(recursion=recursion, roots=roots, group=GROUP[arguments.get("by", "model")])
    return sql, {"from": arguments["from"], "to": arguments["to"]}


def checksum(rows, names, wanted):
    indices = [names.index(name) for name in wanted if name in names]
    return sum(float(f"{row[i]:.9g}") for row in rows for i in indices if row[i] is not None)


def timed(con, sql, params, checksum_columns, runs=3):
    """The best of `runs` times of a query, and its result's checksum."""
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        cursor = con.execute(sql, params)
        rows = cursor.fetchall()
        times.append(time.perf_counter() - begin)
    return min(times), checksum(rows, [d[0] for d in cursor.description], checksum_columns)


def ingest(folder, path, runs=3):
    """observations.csv into a table of a database file, checkpointed and closed: the median
    of `runs` loads, the file's size and this process's peak memory."""
    times = []
    for _ in range(runs):
        for suffix in ("", ".wal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        begin = time.perf_counter()
        con = duckdb.connect(path)
        con.execute(f"""CREATE TABLE observations AS SELECT * FROM read_csv('{folder}/observations.csv', header=true,
                        columns={{'model': 'VARCHAR', 'metric': 'VARCHAR', 'observed_on': 'DATE', 'value': 'DOUBLE'}})""")
        con.execute("CHECKPOINT")
        con.close()
        times.append(time.perf_counter() - begin)
    return {"ingest_seconds": statistics.median(times), "database_bytes": os.path.getsize(path),
            "peak_memory_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def main():
    command, folder = sys.argv[1], sys.argv[2]
    if command == "ingest":
        print(json.dumps(ingest(folder, sys.argv[3])))
        return
    start = time.perf_counter()
    if command == "derivatives":
        con = load_forest(folder)
    elif command == "analyses":
        con = load(folder, sys.argv[4])
    else:
        con = load(folder)
    loaded = time.perf_counter() - start
    if command in ("analyses", "derivatives"):
        result = {"load_seconds": loaded}
        runs = int(sys.argv[5]) if command == "analyses" else 3
        for case in json.loads(sys.argv[3]):
            sql, params = prepare(con, case) if command == "analyses" else prepare_derivatives(case["arguments"])
            result[case["label"]], result[case["label"] + " checksum"] = timed(con, sql, params, case["checksum"], runs)
        print(json.dumps(result))
    elif command == "export":
        output = sys.argv[3]
        start = time.perf_counter()
        con.execute(f"""COPY (SELECT model, metric, observed_on, value, NULL AS source FROM observations
                             ORDER BY model, metric, observed_on) TO '{output}' (HEADER, DELIMITER ',')""")
        print(json.dumps({"export_seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
