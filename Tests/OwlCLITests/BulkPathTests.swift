import Foundation
import SQLiteDB
import Testing

/// Observation files (CSV, JSON, JSON Lines) load through a bulk path that binds the file's
/// bytes directly; every other file, and a CSV read through a column mapping, through the
/// general path. The same rows must give the same database and the same messages either
/// way, so each case here is loaded as CSV and as JSON Lines (bulk, from each reader) and
/// as the CSV through a mapping of each column onto itself (general), and compared.
@Suite struct BulkPathTests {
    /// Rows as (CSV line, the same row as a JSON object).
    static let awkward: [(csv: String, json: String)] = [
        ("deepseek-ai/DeepSeek-R1,hf_likes,2025-06-01,12800,hf", #"{"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-06-01", "value": "12800", "source": "hf"}"#),
        // The same model again: the bulk path reuses its key.
        ("deepseek-ai/DeepSeek-R1,hf_likes,2025-07-01,13000,", #"{"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-07-01", "value": "13000"}"#),
        // Spaces to trim, a value with an exponent and a fraction, non-ASCII text.
        (" meta-llama/Llama-3.1-8B , hf_downloads_30d , 2025-06-01 , 5e6 , Zürich notes ", #"{"model": " meta-llama/Llama-3.1-8B ", "metric": " hf_downloads_30d ", "observed_on": " 2025-06-01 ", "value": " 5e6 ", "source": " Zürich notes "}"#),
        ("meta-llama/Llama-3.1-8B,hf_downloads_30d,2025-07-01,-0.25,\"quoted, with comma\"", #"{"model": "meta-llama/Llama-3.1-8B", "metric": "hf_downloads_30d", "observed_on": "2025-07-01", "value": "-0.25", "source": "quoted, with comma"}"#),
        ("meta-llama/Llama-3.1-8B,hf_likes,2025-06-01,123456789012345678,", #"{"model": "meta-llama/Llama-3.1-8B", "metric": "hf_likes", "observed_on": "2025-06-01", "value": "123456789012345678"}"#),
    ]

    static let invalid: [(csv: String, json: String)] = [
        ("deepseek-ai/DeepSeek-R1,hf_likes,2025-02-30,1,", #"{"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-02-30", "value": "1"}"#),
        ("nobody/none,hf_likes,2025-06-01,1,", #"{"model": "nobody/none", "metric": "hf_likes", "observed_on": "2025-06-01", "value": "1"}"#),
        ("deepseek-ai/DeepSeek-R1,hf_likes,2025-06-02,1 000,", #"{"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-06-02", "value": "1 000"}"#),
        ("deepseek-ai/DeepSeek-R1,hf_likes,2025-06-03,,", #"{"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-06-03"}"#),
        ("deepseek-ai/DeepSeek-R1,no_metric,2025-06-04,1,", #"{"model": "deepseek-ai/DeepSeek-R1", "metric": "no_metric", "observed_on": "2025-06-04", "value": "1"}"#),
    ]

    /// One load of the rows: how it ran and the observations it stored.
    struct Loaded {
        let run: Run
        let rows: [[SQLValue]]
    }

    /// The rows loaded as CSV, as JSON Lines and as the CSV through an identity mapping.
    private func load(_ rows: [(csv: String, json: String)], extra: [String] = []) throws -> (csv: Loaded, json: Loaded, mapped: Loaded) {
        let csvText = "model,metric,observed_on,value,source\n" + rows.map(\.csv).joined(separator: "\n") + "\n"
        let identity = ["model", "metric", "observed_on", "value", "source"].flatMap { ["--column", "\($0)=\($0)"] }
        var loads: [Loaded] = []
        for (name, text, mapping) in [("obs.csv", csvText, []), ("obs.jsonl", rows.map(\.json).joined(separator: "\n") + "\n", []),
                                      ("obs.csv", csvText, identity)] {
            let box = try Sandbox()
            try box.loadFixture()
            // Drop the fixture's own observations so only these rows are compared.
            _ = try Database(path: box.path("owl.sqlite")).run("DELETE FROM observations")
            try box.write(name, text)
            let run = try box.run(["ingest", name, "--into", "observations"] + mapping + extra)
            let stored = try box.rows("""
                SELECT m.id, mt.id, date(o.observed_day * 86400, 'unixepoch'), o.value, o.source FROM observations o
                JOIN models m ON m.key = o.model JOIN metrics mt ON mt.key = o.metric ORDER BY 1, 2, 3
                """)
            loads.append(Loaded(run: run, rows: stored))
        }
        return (loads[0], loads[1], loads[2])
    }

    @Test func awkwardRowsLoadTheSameThroughBothPaths() throws {
        let (csv, json, mapped) = try load(Self.awkward)
        for loaded in [csv, json, mapped] { #expect(loaded.run.status == 0, "\(loaded.run.stderr)") }
        #expect(csv.rows.count == Self.awkward.count)
        #expect(csv.rows == json.rows)
        #expect(csv.rows == mapped.rows)
        #expect(csv.rows.contains([.text("meta-llama/Llama-3.1-8B"), .text("hf_downloads_30d"), .text("2025-06-01"), .real(5e6), .text("Zürich notes")]))
        #expect(csv.rows.contains([.text("meta-llama/Llama-3.1-8B"), .text("hf_downloads_30d"), .text("2025-07-01"), .real(-0.25), .text("quoted, with comma")]))
        #expect(csv.rows.contains([.text("deepseek-ai/DeepSeek-R1"), .text("hf_likes"), .text("2025-07-01"), .real(13000), .null]))
    }

    /// The bulk path inserts 64 rows to a statement and binds a row's model, metric and empty
    /// source again only when they differ from the row's in the statement's last run: ids
    /// and sources that change at points that fall anywhere in a statement must still land.
    @Test func idsAndSourcesChangingWithinAndAcrossInsertsLoadAsWritten() throws {
        let models = ["deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B"], metrics = ["hf_likes", "hf_downloads_30d"]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        let written: [(model: String, metric: String, date: String, value: Int, source: String)] = (0..<300).map { i in
            let date = day.string(from: Date(timeIntervalSince1970: Double(18_262 + i) * 86_400))  // from 2020-01-01
            return (models[(i / 50) % 2], metrics[(i / 30) % 2], date, i, i % 7 == 3 || (100..<170).contains(i) ? "s\(i % 11)" : "")
        }
        let rows = written.map { row in
            ("\(row.model),\(row.metric),\(row.date),\(row.value),\(row.source)",
             #"{"model": "\#(row.model)", "metric": "\#(row.metric)", "observed_on": "\#(row.date)", "value": "\#(row.value)""#
                + (row.source.isEmpty ? "}" : #", "source": "\#(row.source)"}"#))
        }
        let (csv, json, mapped) = try load(rows)
        for loaded in [csv, json, mapped] { #expect(loaded.run.status == 0, "\(loaded.run.stderr)") }
        let expected: [[SQLValue]] = written.sorted { ($0.model, $0.metric, $0.date) < ($1.model, $1.metric, $1.date) }.map {
            [.text($0.model), .text($0.metric), .text($0.date), .real(Double($0.value)), $0.source.isEmpty ? .null : .text($0.source)]
        }
        #expect(csv.rows == expected)
        #expect(json.rows == expected)
        #expect(mapped.rows == expected)
    }

    @Test func invalidRowsGetTheSameMessagesThroughBothPaths() throws {
        let (csv, json, mapped) = try load(Self.awkward + Self.invalid)
        for loaded in [csv, json, mapped] { #expect(loaded.run.status == 1) }
        #expect(csv.rows.isEmpty, "a failed file loads nothing")
        func problems(_ run: Run, _ file: String) -> [String] {
            run.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix(file + ":") }
                .map { String($0.dropFirst(file.count)) }
        }
        let fromCSV = problems(csv.run, "obs.csv"), fromJSON = problems(json.run, "obs.jsonl")
        #expect(fromCSV.count == 5)
        #expect(problems(mapped.run, "obs.csv") == fromCSV)
        // The CSV has a header, so each of its lines is one further down.
        #expect(fromCSV.map { $0.drop { $0 != " " } } == fromJSON.map { $0.drop { $0 != " " } })
        #expect(fromCSV.contains(":7: field observed_on: is not a date that exists (got \"2025-02-30\")"))
        #expect(fromCSV.contains(":8: field model: no model with this id; load it in models first (got \"nobody/none\")"))
    }

    @Test func skipInvalidKeepsTheSameRowsAndRejectsThroughBothPaths() throws {
        let (csv, json, mapped) = try load(Self.awkward + Self.invalid, extra: ["--skip-invalid"])
        for loaded in [csv, json, mapped] { #expect(loaded.run.status == 0, "\(loaded.run.stderr)") }
        #expect(csv.rows == json.rows)
        #expect(csv.rows == mapped.rows)
        #expect(csv.rows.count == Self.awkward.count)
        for loaded in [csv, json, mapped] {
            #expect(loaded.run.stdout.contains("10 read, 5 inserted, 0 updated, 0 unchanged, 5 skipped"), "\(loaded.run.stdout)")
        }
    }
    @Test func jsonObjectsWithEscapesProblemsOrKeysInAnotherOrderLoadAsBefore() throws {
        let box = try Sandbox()
        try box.loadFixture()
        _ = try Database(path: box.path("owl.sqlite")).run("DELETE FROM observations")
        // Escapes (undone, loaded), an unknown field and an array value (each parsed whole, a
        // located problem), keys in another order.
        try box.write("obs.jsonl", #"""
            {"model": "deepseek-ai\/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-06-01", "value": 1, "source": "tab\there"}
            {"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-06-02", "valeu": 2}
            {"model": "deepseek-ai/DeepSeek-R1", "metric": "hf_likes", "observed_on": "2025-06-03", "value": [3]}
            {"value": 4, "observed_on": "2025-06-04", "metric": "hf_likes", "model": "deepseek-ai/DeepSeek-R1"}

            """#)
        let failed = try box.run(["ingest", "obs.jsonl", "--into", "observations"])
        #expect(failed.status == 1)
        let problems = failed.stderr.split(separator: "\n").filter { $0.hasPrefix("obs.jsonl:") }
        #expect(problems == [
            "obs.jsonl:2: field valeu: is not a field of observations; did you mean value?",
            "obs.jsonl:2: field value: is required",
            // A field already reported is not reported again as missing.
            "obs.jsonl:3: field value: must be a single value, not an array or object",
        ], "\(failed.stderr)")
        let skipped = try box.run(["ingest", "obs.jsonl", "--into", "observations", "--skip-invalid"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(try box.rows("SELECT date(observed_day * 86400, 'unixepoch'), value, source FROM observations ORDER BY 1") ==
                [[.text("2025-06-01"), .real(1), .text("tab\there")], [.text("2025-06-04"), .real(4), .null]])
    }

    @Test func reloadingAndChangingRowsCountTheSame() throws {
        let box = try Sandbox()
        try box.loadFixture()
        _ = try Database(path: box.path("owl.sqlite")).run("DELETE FROM observations")
        try box.write("obs.csv", "model,metric,observed_on,value,source\n" + Self.awkward.map(\.csv).joined(separator: "\n") + "\n")
        #expect(try box.owl("ingest", "obs.csv", "--into", "observations").stdout.contains("5 inserted, 0 updated, 0 unchanged"))
        #expect(try box.owl("ingest", "obs.csv", "--into", "observations").stdout.contains("0 inserted, 0 updated, 5 unchanged"))
        let changed = Self.awkward.map(\.csv).joined(separator: "\n").replacingOccurrences(of: "12800", with: "12801")
        try box.write("obs.csv", "model,metric,observed_on,value,source\n" + changed + "\n")
        #expect(try box.owl("ingest", "obs.csv", "--into", "observations").stdout.contains("0 inserted, 1 updated, 4 unchanged"))
        #expect(try box.rows("SELECT value FROM observations WHERE observed_day = unixepoch('2025-06-01') / 86400 AND metric = (SELECT key FROM metrics WHERE id = 'hf_likes') AND model = (SELECT key FROM models WHERE id = 'deepseek-ai/DeepSeek-R1')") == [[.real(12801)]])
        // The bulk load switches journal mode and checks only for its own transaction.
        let db = try Database(path: box.path("owl.sqlite"))
        #expect(try db.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try db.rows("PRAGMA integrity_check") == [[.text("ok")]])
    }

    @Test func columnsInAnotherOrderAndWithoutSourceLoadTheSame() throws {
        let box = try Sandbox()
        try box.loadFixture()
        try box.write("obs.csv", "value,observed_on,metric,model\n7,2025-08-01,hf_likes,deepseek-ai/DeepSeek-R1\n8,2025-08-02,hf_likes,deepseek-ai/DeepSeek-R1\n")
        let run = try box.owl("ingest", "obs.csv", "--into", "observations")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try box.rows("SELECT date(observed_day * 86400, 'unixepoch'), value, source FROM observations WHERE observed_day >= unixepoch('2025-08-01') / 86400 ORDER BY 1") ==
                [[.text("2025-08-01"), .real(7), .null], [.text("2025-08-02"), .real(8), .null]])
    }
}
