"""The DuckDB side of owl-bench: the same questions over the same files, timed in one run.

Usage: python3 duckdb_peer.py analyses FOLDER ARGS_JSON
       python3 duckdb_peer.py export FOLDER OUTPUT_CSV
Prints one JSON object of timings (seconds). owl-bench installs duckdb into a virtual
environment of its own; duckdb is not a dependency of owl.
"""
import json
import sys
import time

import duckdb


def load(folder):
    con = duckdb.connect()
    for table in ["organizations", "models", "metrics"]:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder}/{table}.csv', header=true)")
    con.execute(f"""CREATE TABLE observations AS
        SELECT * FROM read_csv('{folder}/observations.csv', header=true,
                               columns={{'model': 'VARCHAR', 'metric': 'VARCHAR', 'observed_on': 'DATE', 'value': 'DOUBLE'}})
        UNION ALL
        SELECT * FROM read_csv('{folder}/extra-observations.csv', header=true,
                               columns={{'model': 'VARCHAR', 'metric': 'VARCHAR', 'observed_on': 'DATE', 'value': 'DOUBLE'}})""")
    return con


# The same questions as owl's analyses, in DuckDB's SQL; $-parameters bound by name.
QUERIES = {
    "download-share": """
        WITH per_model AS (
            SELECT o.model, sum(o.value) AS value FROM observations o
            WHERE o.metric = $metric AND o.observed_on BETWEEN $from AND $to GROUP BY o.model)
        SELECT org.country AS "group", sum(p.value) AS value,
               round(100.0 * sum(p.value) / sum(sum(p.value)) OVER (), 2) AS share_pct, count(*) AS models
        FROM per_model p JOIN models m ON m.id = p.model JOIN organizations org ON org.id = m.organization
        GROUP BY org.country ORDER BY value DESC, "group" """,
    "leaderboard": """
        WITH latest AS (
            SELECT model, arg_max(value, observed_on) AS value FROM observations
            WHERE metric = $metric AND observed_on <= $as_of GROUP BY model)
        SELECT rank() OVER (ORDER BY l.value DESC) AS rank, l.model, m.organization, org.country, l.value
        FROM latest l JOIN models m ON m.id = l.model JOIN organizations org ON org.id = m.organization
        ORDER BY rank, l.model LIMIT 20""",
    "concentration": """
        WITH per_group AS (
            SELECT m.organization AS grp, sum(o.value) AS value FROM observations o
            JOIN models m ON m.id = o.model
            WHERE o.metric = $metric AND o.observed_on BETWEEN $from AND $to GROUP BY grp),
        shares AS (
            SELECT grp, value, 100.0 * value / sum(value) OVER () AS share,
                   row_number() OVER (ORDER BY value DESC, grp) AS position FROM per_group)
        SELECT 'all' AS period, count(*) AS groups, sum(value) AS total, round(sum(share * share), 2) AS hhi,
               max(CASE WHEN position = 1 THEN grp END) AS top1_group,
               round(max(CASE WHEN position = 1 THEN share END), 2) AS top1_share_pct,
               round(sum(CASE WHEN position <= 5 THEN share END), 2) AS top5_share_pct
        FROM shares""",
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
        GROUP BY ALL ORDER BY period, models DESC, "group" """,
    "openness": """
        WITH counted AS (
            SELECT year(released_on) AS period, openness, count(*) AS models FROM models GROUP BY ALL)
        SELECT period, openness, models, round(100.0 * models / sum(models) OVER (PARTITION BY period), 2) AS share_pct
        FROM counted ORDER BY period, models DESC, openness""",
}


def best_of(con, sql, params, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        con.execute(sql, params).fetchall()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    command, folder = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    con = load(folder)
    loaded = time.perf_counter() - start
    if command == "analyses":
        arguments = json.loads(sys.argv[3])
        result = {"load_seconds": loaded}
        for name, sql in QUERIES.items():
            params = {k: v for k, v in arguments.get(name, {}).items() if f"${k}" in sql}
            result[name] = best_of(con, sql, params)
        print(json.dumps(result))
    elif command == "export":
        output = sys.argv[3]
        start = time.perf_counter()
        con.execute(f"""COPY (SELECT model, metric, observed_on, value, NULL AS source FROM observations
                             ORDER BY model, metric, observed_on) TO '{output}' (HEADER, DELIMITER ',')""")
        print(json.dumps({"export_seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
