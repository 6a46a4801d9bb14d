import Foundation
import SQLiteDB
import Testing

/// observation_latest and observation_months must always equal what the observations say,
/// whichever way the observations arrived. observation_months is held to the definition
/// written in SQL here (`segments`), independently of the Swift that ingest and the analyses
/// use (MetricSpan.swift), and split into calendar months here too.
@Suite struct SummaryTests {
    static let storedMonths = """
        SELECT metric, model, month, amount, covered_days, decreases, early FROM observation_months ORDER BY 1, 2, 3
        """
    static let recomputedLatest = """
        SELECT o.metric, o.model, date(o.observed_day * 86400, 'unixepoch'), o.value,
               (SELECT date(min(observed_day) * 86400, 'unixepoch') FROM observations WHERE metric = o.metric AND model = o.model)
        FROM observations o
        WHERE o.observed_day = (SELECT max(observed_day) FROM observations WHERE metric = o.metric AND model = o.model)
        ORDER BY 1, 2
        """
    static let storedLatest = "SELECT metric, model, observed_on, value, first_observed FROM observation_latest ORDER BY 1, 2"

    /// Where each month's row says its cumulative series stood, and the days it was observed.
    static let storedMonthEnds = """
        SELECT metric, model, month, start_value, end_value, first_day, last_day FROM observation_months ORDER BY 1, 2, 3
        """
    /// The same from the observations' dates as text (NULL in a window metric's rows).
    static let definedMonthEnds = """
        WITH dated AS (
            SELECT o.metric, o.model, date(o.observed_day * 86400, 'unixepoch') AS observed_on, o.value FROM observations AS o
        )
        SELECT m.metric, m.model, m.month,
               (SELECT d.value FROM dated AS d WHERE d.metric = m.metric AND d.model = m.model AND d.observed_on < m.month || '-01'
                ORDER BY d.observed_on DESC LIMIT 1),
               (SELECT d.value FROM dated AS d WHERE d.metric = m.metric AND d.model = m.model AND d.observed_on <= m.month || '-31'
                ORDER BY d.observed_on DESC LIMIT 1),
               (SELECT CAST(substr(min(d.observed_on), 9) AS INTEGER) FROM dated AS d
                WHERE d.metric = m.metric AND d.model = m.model AND substr(d.observed_on, 1, 7) = m.month),
               (SELECT CAST(substr(max(d.observed_on), 9) AS INTEGER) FROM dated AS d
                WHERE d.metric = m.metric AND d.model = m.model AND substr(d.observed_on, 1, 7) = m.month)
        FROM observation_months AS m JOIN metrics AS k ON k.key = m.metric AND k.kind = 'cumulative'
        UNION ALL
        SELECT m.metric, m.model, m.month, NULL, NULL, NULL, NULL
        FROM observation_months AS m JOIN metrics AS k ON k.key = m.metric AND k.kind <> 'cumulative'
        ORDER BY 1, 2, 3
        """
    /// Each cumulative series' months from its curve's first (its release, or its first
    /// observation if earlier; a model without a release date counts from 1970) to its last
    /// observation's: the months that must have a row, so that a month's slice holds every
    /// series running then.
    static let monthsOfCumulativeSeries = """
        WITH RECURSIVE series (metric, model, month, last) AS (
            SELECT o.metric, o.model,
                   substr(date(min(coalesce(unixepoch(md.released_on) / 86400, 0), min(o.observed_day)) * 86400, 'unixepoch'), 1, 7),
                   substr(date(max(o.observed_day) * 86400, 'unixepoch'), 1, 7)
            FROM observations AS o JOIN metrics AS k ON k.key = o.metric AND k.kind = 'cumulative'
            JOIN models AS md ON md.key = o.model
            GROUP BY o.metric, o.model
            UNION ALL
            SELECT metric, model, substr(date(month || '-01', '+1 month'), 1, 7), last FROM series WHERE month < last
        )
        SELECT metric, model, month FROM series ORDER BY 1, 2, 3
        """

    /// owl's definition in SQL, over a CTE `bounds` the query gives.
    static let segments = """
        -- How much of a metric fell on each day (README, "Measures"), in SQL.
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
        -- The SQL twin of MetricSpan.swift, written apart from it: ingest keeps these spans' monthly
        -- sums in observation_months, and SummaryTests hold the two equal.
        --
        -- Needs a CTE bounds (model, part, r, lo, hi): the observations of `model` dated lo … hi
        -- are read; r is the model's release day. Gives segments: bounds' columns and seg_start,
        -- seg_end, rate, decrease, early, days as julianday integers.
        observed AS (
            SELECT b.*, CAST(julianday(date(o.observed_day * 86400, 'unixepoch')) AS INTEGER) AS d, o.value AS v
            FROM bounds AS b
            JOIN observations AS o ON o.model = b.model AND o.metric = :metric_key AND date(o.observed_day * 86400, 'unixepoch') BETWEEN b.lo AND b.hi
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
        """

    /// The monthly amounts of one metric from the SQL definition, over every observation.
    static func definedMonths(metric: Int64, kind: String, window: Int64?) throws -> String {
        let definition = segments.replacingOccurrences(of: ":metric_key", with: String(metric))
            .replacingOccurrences(of: ":metric_kind", with: "'\(kind)'")
            .replacingOccurrences(of: ":metric_window", with: window.map(String.init) ?? "NULL")
        // Day numbers are julianday integers: date(n + 0.5) is their date.
        return """
            WITH RECURSIVE bounds AS (
                SELECT DISTINCT o.model, 0 AS part, CAST(julianday(m.released_on) AS INTEGER) AS r,
                       '0000-01-01' AS lo, '9999-12-31' AS hi
                FROM observations AS o JOIN models AS m ON m.key = o.model WHERE o.metric = \(metric)
            ),
            \(definition),
            pieces (model, r, s, e, seg_end, rate) AS (
                SELECT model, r, seg_start,
                       min(seg_end, CAST(julianday(date(seg_start + 0.5, 'start of month', '+1 month', '-1 day')) AS INTEGER)),
                       seg_end, rate
                FROM segments WHERE seg_start <= seg_end
                UNION ALL
                SELECT model, r, e + 1,
                       min(seg_end, CAST(julianday(date(e + 1.5, 'start of month', '+1 month', '-1 day')) AS INTEGER)),
                       seg_end, rate
                FROM pieces WHERE e < seg_end
            ),
            credited AS (
                SELECT model, substr(date(s + 0.5), 1, 7) AS month, sum(rate * (e - s + 1)) AS amount,
                       sum(max(0, e - max(s, r) + 1)) AS covered_days, 0 AS decreases, 0 AS early
                FROM pieces GROUP BY 1, 2
                UNION ALL
                SELECT model, substr(date(seg_end + 0.5), 1, 7), 0, 0, sum(decrease), sum(early)
                FROM segments GROUP BY 1, 2
            )
            SELECT \(metric), model, month, sum(amount), sum(covered_days), sum(decreases), sum(early)
            FROM credited GROUP BY model, month
            HAVING sum(amount) <> 0 OR sum(covered_days) <> 0 OR sum(decreases) <> 0 OR sum(early) <> 0
            ORDER BY 2, 3
            """
    }

    private func expectConsistent(_ box: Sandbox, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var defined: [[SQLValue]] = []
        for metric in try box.rows("SELECT key, kind, window_days FROM metrics WHERE kind <> 'score' ORDER BY key") {
            guard case .integer(let key) = metric[0], case .text(let kind) = metric[1] else { continue }
            let window: Int64? = if case .integer(let days) = metric[2] { days } else { nil }
            defined += try box.rows(Self.definedMonths(metric: key, kind: kind, window: window))
        }
        let stored = try box.rows(Self.storedMonths).filter { row in
            // A month whose every credit is zero is not worth a row either way.
            !(row[3].doubleValue == 0 && row[4].integerValue == 0 && row[5].integerValue == 0 && row[6].integerValue == 0)
        }
        #expect(stored.count == defined.count, "months after \(step): \(stored.count) stored, \(defined.count) defined",
                sourceLocation: sourceLocation)
        for (got, want) in zip(stored, defined) {
            let same = got[0] == want[0] && got[1] == want[1] && got[2] == want[2] && got[4].integerValue == want[4].integerValue
                && got[5].integerValue == want[5].integerValue && got[6].integerValue == want[6].integerValue
                && Self.close(got[3].doubleValue ?? .nan, want[3].doubleValue ?? .nan)
            #expect(same, "months after \(step): stored \(got), defined \(want)", sourceLocation: sourceLocation)
            if !same { break }
        }
        #expect(try box.rows(Self.storedLatest) == box.rows(Self.recomputedLatest), "latest after \(step)", sourceLocation: sourceLocation)
        let monthEnds = try box.rows(Self.storedMonthEnds), definedEnds = try box.rows(Self.definedMonthEnds)
        let firstDifference = zip(monthEnds, definedEnds).first { $0 != $1 }.map { "stored \($0), defined \($1)" }
        let sameEnds = monthEnds == definedEnds
        #expect(sameEnds, "month ends after \(step): \(firstDifference ?? "\(monthEnds.count) stored, \(definedEnds.count) defined")",
                sourceLocation: sourceLocation)
        let cumulativeMonths = try box.rows("""
            SELECT o.metric, o.model, o.month FROM observation_months AS o JOIN metrics AS k ON k.key = o.metric AND k.kind = 'cumulative'
            ORDER BY 1, 2, 3
            """)
        let sameMonths = try cumulativeMonths == box.rows(Self.monthsOfCumulativeSeries)
        #expect(sameMonths, "cumulative series' months after \(step)",
                sourceLocation: sourceLocation)
        // Each year holds the sum of its months.
        let years = try box.rows("SELECT metric, model, year, amount, covered_days FROM observation_years ORDER BY 1, 2, 3")
        let monthsByYear = try box.rows("""
            SELECT metric, model, substr(month, 1, 4), sum(amount), sum(covered_days) FROM observation_months
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """)
        #expect(years.count == monthsByYear.count, "years after \(step)", sourceLocation: sourceLocation)
        for (got, want) in zip(years, monthsByYear) {
            #expect(got[0] == want[0] && got[1] == want[1] && got[2] == want[2] && got[4].integerValue == want[4].integerValue
                    && Self.close(got[3].doubleValue ?? .nan, want[3].doubleValue ?? .nan),
                    "years after \(step): stored \(got), months give \(want)", sourceLocation: sourceLocation)
        }
        try expectOrganizationMonthsConsistent(box, step, sourceLocation: sourceLocation)
    }

    /// Each organization's months hold the sums of its non-stub models' months (a sum that
    /// went back to nothing may stay as a row of zeros), and none is left to recompute.
    private func expectOrganizationMonthsConsistent(_ box: Sandbox, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let organizationMonths = try box.rows("""
            SELECT metric, month, organization, amount, covered_days FROM observation_organization_months
            WHERE NOT (abs(amount) < 1e-6 AND covered_days = 0) ORDER BY 1, 2, 3
            """)
        let monthsByOrganization = try box.rows("""
            SELECT o.metric, o.month, m.organization, sum(o.amount), sum(o.covered_days)
            FROM observation_months AS o JOIN models AS m ON m.key = o.model
            WHERE m.stub = 0 GROUP BY 1, 2, 3 HAVING NOT (abs(sum(o.amount)) < 1e-6 AND sum(o.covered_days) = 0) ORDER BY 1, 2, 3
            """)
        #expect(organizationMonths.count == monthsByOrganization.count,
                "organization months after \(step): \(organizationMonths.count) stored, \(monthsByOrganization.count) from the models' months",
                sourceLocation: sourceLocation)
        for (got, want) in zip(organizationMonths, monthsByOrganization) {
            let same = got[0] == want[0] && got[1] == want[1] && got[2] == want[2] && got[4].integerValue == want[4].integerValue
                && Self.close(got[3].doubleValue ?? .nan, want[3].doubleValue ?? .nan)
            #expect(same, "organization months after \(step): stored \(got), models give \(want)", sourceLocation: sourceLocation)
            if !same { break }
        }
        #expect(try box.rows("SELECT organization FROM observation_organization_months_stale").isEmpty,
                "organizations left to recompute after \(step)", sourceLocation: sourceLocation)
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1)
    }

    static let header = "model,metric,observed_on,value,source\n"
    static let r1 = "deepseek-ai/DeepSeek-R1", llama = "meta-llama/Llama-3.1-8B"

    /// The fixture, then `rows` of observations (CSV without its header) loaded and checked.
    private func fixtureWithObservations(_ rows: String, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Sandbox {
        let box = try Sandbox()
        try box.loadFixture()
        try box.write("a.csv", Self.header + rows)
        #expect(try ingest(box, "a.csv", "--into", "observations").status == 0, sourceLocation: sourceLocation)
        try expectConsistent(box, step, sourceLocation: sourceLocation)
        return box
    }

    private func ingest(_ box: Sandbox, _ arguments: String...) throws -> Run {
        let run = try box.run(["ingest"] + arguments)
        return run
    }

    @Test func summariesFollowEveryKindOfLoad() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try expectConsistent(box, "the fixture")
        let header = Self.header, r1 = Self.r1, llama = Self.llama
        // Several years, models interleaved, dates out of order within a model.
        try box.write("a.csv", header + """
            \(r1),hf_likes,2024-12-31,100,
            \(llama),hf_likes,2025-01-02,5,
            \(r1),hf_likes,2025-01-01,150,
            \(r1),hf_likes,2023-06-01,10,
            \(llama),hf_downloads_30d,2024-03-01,7000,
            \(r1),hf_likes,2025-06-15,300,

            """)
        #expect(try ingest(box, "a.csv", "--into", "observations").status == 0)
        try expectConsistent(box, "a bulk CSV load")
        // The same file again changes nothing.
        #expect(try ingest(box, "a.csv", "--into", "observations").stdout.contains("0 inserted, 0 updated, 6 unchanged"))
        try expectConsistent(box, "a re-load")
        // Updates, including of the latest value, through the general path (JSON Lines).
        try box.write("b.jsonl", """
            {"model": "\(r1)", "metric": "hf_likes", "observed_on": "2025-06-15", "value": 320}
            {"model": "\(r1)", "metric": "hf_likes", "observed_on": "2024-12-31", "value": 90}
            {"model": "\(llama)", "metric": "hf_likes", "observed_on": "2026-01-01", "value": 9}

            """)
        #expect(try ingest(box, "b.jsonl", "--into", "observations").stdout.contains("1 inserted, 2 updated"))
        try expectConsistent(box, "updates through the general path")
        // Updates through the bulk path, and a row it leaves to the general path (spaces).
        try box.write("c.csv", header + "\(r1),hf_likes,2025-01-01,151,\n \(llama) ,hf_downloads_30d,2024-04-01,8000,\n")
        #expect(try ingest(box, "c.csv", "--into", "observations").status == 0)
        try expectConsistent(box, "bulk updates")
        // Skipped rows leave no trace in the summaries.
        try box.write("d.csv", header + "\(r1),hf_likes,2025-07-01,400,\nnobody/x,hf_likes,2025-07-01,1,\n")
        #expect(try ingest(box, "d.csv", "--into", "observations", "--skip-invalid").status == 0)
        try expectConsistent(box, "--skip-invalid")
        // A failed file and a dry run change nothing at all.
        let before = try box.rows(Self.storedMonths) + box.rows(Self.storedLatest)
        try box.write("e.csv", header + "\(r1),hf_likes,2027-01-01,999,\nnobody/x,hf_likes,2025-07-01,1,\n")
        #expect(try ingest(box, "e.csv", "--into", "observations").status == 1)
        try box.write("f.csv", header + "\(r1),hf_likes,2028-01-01,999,\n")
        #expect(try ingest(box, "f.csv", "--into", "observations", "--dry-run").status == 0)
        #expect(try box.rows(Self.storedMonths) + box.rows(Self.storedLatest) == before)
        try expectConsistent(box, "a failed file and a dry run")
        #expect(try box.rows("SELECT value FROM observation_latest WHERE model = (SELECT key FROM models WHERE id = '\(r1)') AND metric = (SELECT key FROM metrics WHERE id = 'hf_likes')") == [[.real(400)]])
    }

    /// The bulk path inserts up to 64 rows with one statement when all of them are new, and
    /// writes them one by one otherwise. A key given twice in the same group of 64, or again
    /// in a later group, or already stored, must count and summarize as row-by-row writing did.
    @Test func rowsWrittenManyAtATimeKeepEachRowsOutcome() throws {
        let box = try Sandbox()
        try box.loadFixture()
        let r1 = Self.r1, llama = Self.llama
        func day(_ offset: Int) -> String {
            let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: offset, to: Date(timeIntervalSince1970: 1_735_689_600))!
            return ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        }
        // 150 daily rows of r1's downloads from 2025-01-01, then llama's likes: row 10 repeats
        // row 5's key (same group of 64), row 100 repeats row 3's (an earlier group).
        var lines = (0..<150).map { "\(r1),hf_downloads_30d,\(day($0)),\(1000 + $0 * 10)," }
        lines[10] = "\(r1),hf_downloads_30d,\(day(5)),7777,"
        lines[100] = "\(r1),hf_downloads_30d,\(day(3)),8888,"
        lines += (0..<40).map { "\(llama),hf_likes,\(day($0 * 7)),\(100 + $0 * 3)," }
        /// Loads the rows as a file and expects the counts it reports, then consistent summaries.
        func load(_ name: String, _ rows: [String], counts: String, _ step: String) throws {
            try box.write(name, Self.header + rows.joined(separator: "\n") + "\n")
            let run = try ingest(box, name, "--into", "observations")
            #expect(run.stdout.contains(counts), "\(run.stdout)\(run.stderr)")
            try expectConsistent(box, step)
        }
        try load("a.csv", lines, counts: "190 read, 188 inserted, 2 updated, 0 unchanged", "repeated keys in and across groups")
        #expect(try box.rows("SELECT date(o.observed_day * 86400, 'unixepoch'), o.value FROM observations o JOIN models m ON m.key = o.model WHERE m.id = '\(r1)' AND date(o.observed_day * 86400, 'unixepoch') IN ('\(day(3))', '\(day(5))') ORDER BY 1")
                == [[.text(day(3)), .real(8888)], [.text(day(5)), .real(7777)]])
        // Half stored (two of them changed), half new.
        var second = lines[120..<190].map { $0 }
        second[0] = "\(r1),hf_downloads_30d,\(day(120)),1,"
        second[69] = "\(llama),hf_likes,\(day(39 * 7)),2,"
        second += (150..<220).map { "\(r1),hf_downloads_30d,\(day($0)),\(1000 + $0 * 10)," }
        try load("b.csv", second, counts: "140 read, 70 inserted, 2 updated, 68 unchanged", "a file half stored, half new")
    }

    @Test func rebuildRepairsSummariesLeftBehindByAnotherWriter() throws {
        let box = try Sandbox()
        try box.loadFixture()
        // Another tool writes an observation directly, bypassing owl.
        let db = try Database(path: box.path("owl.sqlite"))
        try db.run("INSERT INTO observations (model, metric, observed_day, value) VALUES (1, 1, unixepoch('2030-01-01') / 86400, 5)")
        #expect(try box.rows(Self.storedLatest) != box.rows(Self.recomputedLatest))
        let run = try box.owl("migrate", "--rebuild-summaries")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("observation summaries rebuilt"))
        try expectConsistent(box, "--rebuild-summaries")
    }

    /// A series that leaves off and comes back later in the same file, in date order,
    /// continues where its first run ended (nothing per series is remembered to catch it).
    @Test func aSeriesThatComesBackLaterInTheFileContinues() throws {
        let r1 = Self.r1, llama = Self.llama
        _ = try fixtureWithObservations("""
            \(r1),hf_downloads_30d,2025-01-10,3000,
            \(r1),hf_likes,2025-01-10,100,
            \(llama),hf_downloads_30d,2025-01-20,900,
            \(r1),hf_downloads_30d,2025-02-10,6000,
            \(r1),hf_likes,2025-03-01,160,
            \(llama),hf_downloads_30d,2025-02-25,1200,
            \(r1),hf_downloads_30d,2025-04-15,4500,

            """, "series in several runs of one file")
    }

    /// A model's release date or a metric's window changes every span: the months follow.
    @Test func summariesFollowReleaseDatesAndWindows() throws {
        let r1 = Self.r1
        let box = try fixtureWithObservations(
            "\(r1),hf_downloads_30d,2025-02-10,3000,\n\(r1),hf_downloads_30d,2025-03-20,6000,\n\(r1),hf_likes,2025-03-01,500,\n", "the load")
        let models = try box.rows("SELECT id, organization, name, release, released_on FROM models WHERE id = '\(r1)'")
        #expect(models.count == 1)
        try box.write("models.csv", "id,organization,name,release,released_on\n\(r1),\(models[0][1].textValue ?? ""),\(models[0][2].textValue ?? ""),,2025-02-01\n")
        #expect(try ingest(box, "models.csv").status == 0)
        try expectConsistent(box, "a new release date")
        let metric = try box.rows("SELECT id, name, unit, kind FROM metrics WHERE id = 'hf_downloads_30d'")
        try box.write("metrics.csv", "id,name,unit,kind,window_days\nhf_downloads_30d,\(metric[0][1].textValue ?? ""),\(metric[0][2].textValue ?? ""),window,7\n")
        #expect(try ingest(box, "metrics.csv").status == 0)
        try expectConsistent(box, "a new window length")
    }

    /// Organizations' monthly sums follow a model that moves to another organization, a
    /// merge, a stub that gains observations and is then described, and a change another
    /// tool makes to models (analyses then read the models' months until a rebuild).
    @Test func organizationMonthsFollowMovesMergesStubsAndOtherWriters() throws {
        let r1 = Self.r1, llama = Self.llama, header = Self.header
        let box = try fixtureWithObservations("""
            \(r1),hf_downloads_30d,2025-02-10,3000,
            \(r1),hf_downloads_30d,2025-03-20,6000,
            \(llama),hf_downloads_30d,2025-02-25,1200,
            \(llama),hf_downloads_30d,2025-03-25,900,

            """, "the load")
        let share = ["query", "download-share", "--metric", "hf_downloads_30d", "--from", "2025-02-01", "--to", "2025-03-31", "--by", "organization"]
        let before = try box.run(share)
        #expect(before.stdout.hasPrefix("group,value"), "\(before.stdout)\(before.stderr)")
        // R1 moves to meta: deepseek's sums go with it.
        try box.write("moved.csv", "id,organization,name,released_on\n\(r1),meta,DeepSeek-R1,2025-01-20\n")
        #expect(try ingest(box, "moved.csv", "--into", "models").status == 0)
        try expectConsistent(box, "a model moved")
        let moved = try box.run(share)
        #expect(moved.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",")[0] } == ["meta"], "\(moved.stdout)")
        // A stub with observations counts nowhere until a file describes it.
        try box.write("stub.csv", "id,organization,name,released_on,stub\nnew/Stub,deepseek,Stub,,true\n")
        #expect(try ingest(box, "stub.csv", "--into", "models").status == 0)
        try box.write("s.csv", header + "new/Stub,hf_downloads_30d,2025-03-01,3000,\n")
        #expect(try ingest(box, "s.csv", "--into", "observations").status == 0)
        // (A stub's own months are credited from no release date; no analysis reads them.)
        try expectOrganizationMonthsConsistent(box, "a stub observed")
        try box.write("described.csv", "id,organization,name,released_on\nnew/Stub,deepseek,Stub,2025-01-01\n")
        #expect(try ingest(box, "described.csv", "--into", "models").status == 0)
        try expectConsistent(box, "a stub described")
        // A merge moves every model of the organization.
        #expect(try box.run(["organizations", "merge", "deepseek", "meta"]).status == 0)
        try expectConsistent(box, "a merge")
        let merged = try box.run(share)
        #expect(merged.stdout.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",")[0] } == ["meta"], "\(merged.stdout)")
        // Another tool moves a model: the marked organization sends analyses to the models'
        // months, which give the same answer as the sums recomputed by a rebuild.
        try box.write("org.csv", "id,name,country,kind\nother,Other,FR,company\n")
        #expect(try ingest(box, "org.csv", "--into", "organizations").status == 0)
        let db = try Database(path: box.path("owl.sqlite"))
        try db.run("UPDATE models SET organization = 'other' WHERE id = ?", [llama])
        #expect(try box.rows("SELECT organization FROM observation_organization_months_stale ORDER BY 1") == [[.text("meta")], [.text("other")]])
        let byModels = try box.run(share)
        #expect(byModels.stdout.contains("\r\nother,"), "\(byModels.stdout)")
        #expect(try box.owl("migrate", "--rebuild-summaries").status == 0)
        try expectConsistent(box, "--rebuild-summaries after another tool's change")
        #expect(try box.run(share).stdout == byModels.stdout)
    }
}
