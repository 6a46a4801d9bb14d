import Foundation
import SQLiteDB
import Testing

/// observation_latest and observation_years must always equal what the observations say,
/// whichever way the observations arrived.
@Suite struct SummaryTests {
    static let recomputedYears = """
        SELECT metric, model, substr(observed_on, 1, 4), sum(value), count(*) FROM observations
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """
    static let storedYears = "SELECT metric, model, year, total, observations FROM observation_years ORDER BY 1, 2, 3"
    static let recomputedLatest = """
        SELECT o.metric, o.model, o.observed_on, o.value FROM observations o
        WHERE o.observed_on = (SELECT max(observed_on) FROM observations WHERE metric = o.metric AND model = o.model)
        ORDER BY 1, 2
        """
    static let storedLatest = "SELECT metric, model, observed_on, value FROM observation_latest ORDER BY 1, 2"

    private func expectConsistent(_ box: Sandbox, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try box.rows(Self.storedYears) == box.rows(Self.recomputedYears), "years after \(step)", sourceLocation: sourceLocation)
        #expect(try box.rows(Self.storedLatest) == box.rows(Self.recomputedLatest), "latest after \(step)", sourceLocation: sourceLocation)
    }

    private func ingest(_ box: Sandbox, _ arguments: String...) throws -> Run {
        let run = try box.run(["ingest"] + arguments)
        return run
    }

    @Test func summariesFollowEveryKindOfLoad() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try expectConsistent(box, "the fixture")
        let header = "model,metric,observed_on,value,source\n"
        let r1 = "deepseek-ai/DeepSeek-R1", llama = "meta-llama/Llama-3.1-8B"
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
        let before = try box.rows(Self.storedYears) + box.rows(Self.storedLatest)
        try box.write("e.csv", header + "\(r1),hf_likes,2027-01-01,999,\nnobody/x,hf_likes,2025-07-01,1,\n")
        #expect(try ingest(box, "e.csv", "--into", "observations").status == 1)
        try box.write("f.csv", header + "\(r1),hf_likes,2028-01-01,999,\n")
        #expect(try ingest(box, "f.csv", "--into", "observations", "--dry-run").status == 0)
        #expect(try box.rows(Self.storedYears) + box.rows(Self.storedLatest) == before)
        try expectConsistent(box, "a failed file and a dry run")
        #expect(try box.rows("SELECT value FROM observation_latest WHERE model = (SELECT key FROM models WHERE id = '\(r1)') AND metric = (SELECT key FROM metrics WHERE id = 'hf_likes')") == [[.real(400)]])
    }

    @Test func rebuildRepairsSummariesLeftBehindByAnotherWriter() throws {
        let box = try Sandbox()
        try box.loadFixture()
        // Another tool writes an observation directly, bypassing owl.
        let db = try Database(path: box.path("owl.sqlite"))
        try db.run("INSERT INTO observations (model, metric, observed_on, value) VALUES (1, 1, '2030-01-01', 5)")
        #expect(try box.rows(Self.storedYears) != box.rows(Self.recomputedYears))
        let run = try box.owl("migrate", "--rebuild-summaries")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("observation summaries rebuilt"))
        try expectConsistent(box, "--rebuild-summaries")
    }

    /// download-share and concentration read whole years from the summaries and the rest from
    /// the observations: over many ranges, they must agree with a sum over the observations.
    @Test func rangeTotalsAgreeWithTheObservationsAcrossYearBoundaries() throws {
        let box = try Sandbox()
        try box.loadFixture()
        // Two models, monthly-ish observations from 2022 to 2026 on awkward days.
        var rows = "model,metric,observed_on,value,source\n"
        for (index, model) in ["deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B"].enumerated() {
            for year in 2022...2026 {
                for (month, day) in [(1, 1), (2, 28), (6, 15), (12, 31)] where !(index == 1 && year == 2024) {
                    rows += "\(model),hf_downloads_30d,\(year)-\(String(format: "%02d-%02d", month, day)),\(year * 10 + month + index * 1000),\n"
                }
            }
        }
        try box.write("obs.csv", rows)
        #expect(try box.run(["ingest", "obs.csv", "--into", "observations"]).status == 0)
        let ranges: [(String?, String)] = [
            (nil, "2030-01-01"), ("2022-01-01", "2026-12-31"), ("2023-01-01", "2024-12-31"), ("2022-12-31", "2023-01-01"),
            ("2022-01-02", "2025-12-30"), ("2024-02-28", "2024-06-15"), ("2024-03-01", "2024-05-31"), ("2025-12-31", "2025-12-31"),
            ("2021-06-01", "2022-01-01"), ("2026-12-31", "2027-06-30"), (nil, "2024-06-14"),
        ]
        for (from, to) in ranges {
            var arguments = ["query", "download-share", "--metric", "hf_downloads_30d", "--by", "organization", "--to", to, "--format", "csv"]
            if let from { arguments += ["--from", from] }
            let share = try box.run(arguments)
            #expect(share.status == 0, "\(share.stderr)")
            let expected = try box.rows("""
                SELECT m.organization, sum(o.value), count(DISTINCT o.model) FROM observations o JOIN models m ON m.key = o.model
                WHERE o.metric = (SELECT key FROM metrics WHERE id = 'hf_downloads_30d')
                  AND o.observed_on BETWEEN '\(from ?? "0000-01-01")' AND '\(to)'
                GROUP BY 1 ORDER BY 2 DESC, 1
                """)
            let got = parseCSV(share.stdout).dropFirst().map { [$0[0], $0[1], $0[3]] }
            let want = expected.map { row in row.map { value -> String in
                switch value {
                case .integer(let v): return String(v)
                case .real(let v): return String(Int64(v))
                case .text(let v): return v
                default: return ""
                }
            } }
            #expect(got == want, "download-share from \(from ?? "-") to \(to)")
            var concentration = ["query", "concentration", "--metric", "hf_downloads_30d", "--to", to, "--format", "csv"]
            if let from { concentration += ["--from", from] }
            let hhi = try box.run(concentration)
            let total = want.reduce(0) { $0 + (Int64($1[1]) ?? 0) }
            let line = parseCSV(hhi.stdout).dropFirst().first
            #expect(line.map { $0[2] } ?? "" == (want.isEmpty ? "" : String(total)), "concentration total from \(from ?? "-") to \(to): \(hhi.stdout)")
        }
    }
}
