import SQLiteDB

/// Keeps `observation_latest` and `observation_years` (Migrations/0002) in step with the
/// observations one file writes, in the same transaction. Rows arrive grouped by model in
/// practice, so totals are kept for the current (metric, model, year) run and written once
/// per run, not once per row. A pair with an updated row is recomputed from the table.
struct ObservationSummaries {
    private struct Pair: Hashable {
        let metric: Int64, model: Int64
    }
    private struct YearRun {
        let pair: Pair
        let year: Int
        var total: Double
        var count: Int
    }
    private struct Latest {
        let pair: Pair
        var day: Int  // yyyymmdd
        var value: Double
    }

    private var years: [YearRun] = []
    private var latest: [Latest] = []
    private var dirty: Set<Pair> = []

    /// Notes one written observation; `day` is its date as yyyymmdd.
    mutating func record(metric: Int64, model: Int64, day: Int, value: Double, outcome: RowWriter.Outcome) {
        let pair = Pair(metric: metric, model: model)
        switch outcome {
        case .unchanged:
            return
        case .updated:
            dirty.insert(pair)
        case .inserted:
            let year = day / 10_000
            if let last = years.indices.last, years[last].pair == pair, years[last].year == year {
                years[last].total += value
                years[last].count += 1
            } else {
                years.append(YearRun(pair: pair, year: year, total: value, count: 1))
            }
            if let last = latest.indices.last, latest[last].pair == pair {
                if day > latest[last].day { latest[last] = Latest(pair: pair, day: day, value: value) }
            } else {
                latest.append(Latest(pair: pair, day: day, value: value))
            }
        }
    }

    /// Takes over what another accumulator (the bulk path's) recorded.
    mutating func absorb(_ other: ObservationSummaries) {
        years += other.years
        latest += other.latest
        dirty.formUnion(other.dirty)
    }

    /// yyyymmdd of a `YYYY-MM-DD` date already checked to exist.
    static func day(_ date: String) -> Int {
        guard let (year, month, day) = DateText.components(date) else { return 0 }
        return year * 10_000 + month * 100 + day
    }

    static func dateText(_ day: Int) -> String {
        let year = String(day / 10_000), month = String(day / 100 % 100), dayOfMonth = String(day % 100)
        return String(repeating: "0", count: 4 - year.count) + year + "-" + (month.count == 1 ? "0" : "") + month
            + "-" + (dayOfMonth.count == 1 ? "0" : "") + dayOfMonth
    }

    /// Writes what this file changed into the summary tables.
    mutating func flush(to db: Database) throws {
        let addYear = try db.cachedStatement("""
            INSERT INTO observation_years (metric, model, year, total, observations) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (metric, model, year) DO UPDATE
            SET total = total + excluded.total, observations = observations + excluded.observations
            """)
        for run in years where !dirty.contains(run.pair) {
            let year = String(run.year)
            try addYear.run([run.pair.metric, run.pair.model, String(repeating: "0", count: max(0, 4 - year.count)) + year, run.total, run.count])
        }
        let newer = try db.cachedStatement("""
            INSERT INTO observation_latest (metric, model, observed_on, value) VALUES (?, ?, ?, ?)
            ON CONFLICT (metric, model) DO UPDATE SET observed_on = excluded.observed_on, value = excluded.value
            WHERE excluded.observed_on > observed_on
            """)
        for entry in latest where !dirty.contains(entry.pair) {
            try newer.run([entry.pair.metric, entry.pair.model, Self.dateText(entry.day), entry.value])
        }
        for pair in dirty { try Self.recompute(metric: pair.metric, model: pair.model, in: db) }
        years.removeAll()
        latest.removeAll()
        dirty.removeAll()
    }

    /// One pair's summaries from its observations.
    static func recompute(metric: Int64, model: Int64, in db: Database) throws {
        try db.run("DELETE FROM observation_years WHERE metric = ? AND model = ?", [metric, model])
        try db.run("""
            INSERT INTO observation_years (metric, model, year, total, observations)
            SELECT metric, model, substr(observed_on, 1, 4), sum(value), count(*) FROM observations
            WHERE metric = ? AND model = ? GROUP BY substr(observed_on, 1, 4)
            """, [metric, model])
        try db.run("DELETE FROM observation_latest WHERE metric = ? AND model = ?", [metric, model])
        try db.run("""
            INSERT INTO observation_latest (metric, model, observed_on, value)
            SELECT metric, model, observed_on, value FROM observations
            WHERE model = ? AND metric = ? ORDER BY observed_on DESC LIMIT 1
            """, [model, metric])
    }

    /// Both tables rebuilt from every observation (after another tool wrote observations).
    static func rebuild(in db: Database) throws {
        try db.transaction {
            try db.execute("""
                DELETE FROM observation_latest;
                DELETE FROM observation_years;
                INSERT INTO observation_latest (metric, model, observed_on, value)
                SELECT metric, model, max(observed_on), value FROM observations GROUP BY metric, model;
                INSERT INTO observation_years (metric, model, year, total, observations)
                SELECT metric, model, substr(observed_on, 1, 4), sum(value), count(*)
                FROM observations GROUP BY metric, model, substr(observed_on, 1, 4);
                """)
        }
    }
}
