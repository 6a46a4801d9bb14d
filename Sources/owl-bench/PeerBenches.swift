import ArgumentParser
import Foundation
import SQLiteDB
import Warehouse

/// The owl database of the ingest benchmark, with the extra observations the analyses need.
func preparedDatabase(_ options: BenchOptions) throws -> (path: String, dataset: Dataset) {
    let dataset = Dataset(folder: options.folder, scale: options.scale)
    try dataset.generate()
    let path = options.folder + "/owl-analyses.sqlite"
    let marker = path + ".complete-v5"  // v4: observations store day numbers (0011); v5: 16 KB pages
    if !FileManager.default.fileExists(atPath: marker) {
        print("loading the dataset into \(path) …")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let run = try measure(options.owl, ["ingest", "--db", path, "-q", options.folder + "/organizations.csv", options.folder + "/models.csv",
                                            options.folder + "/metrics.csv", dataset.observationsPath])
        guard run.status == 0 else { throw BenchError("owl could not load the dataset") }
        let extra = try measure(options.owl, ["ingest", "--db", path, "-q", dataset.extraObservationsPath, "--into", "observations"])
        guard extra.status == 0 else { throw BenchError("owl could not load the extra observations") }
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
    }
    return (path, dataset)
}

/// A virtual environment with DuckDB, made once in the bench folder; its python.
func duckdbPython(_ options: BenchOptions) throws -> String {
    let venv = options.folder + "/duckdb-venv"
    let python = venv + "/bin/python3"
    if !FileManager.default.fileExists(atPath: python) {
        print("installing duckdb into \(venv) (the benchmark's own; owl does not depend on it) …")
        guard try measure("python3", ["-m", "venv", venv]).status == 0,
              try measure(python, ["-m", "pip", "install", "--quiet", "duckdb"]).status == 0 else {
            throw BenchError("could not install duckdb with pip")
        }
    }
    return python
}

/// Runs Benchmarks/duckdb_peer.py and parses its JSON timings.
func runDuckDB(_ options: BenchOptions, _ arguments: [String]) throws -> [String: Double] {
    let python = try duckdbPython(options)
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/duckdb_peer.py").path
    // One file per command: an ingest and an analyses run may share a folder at the same time.
    let output = options.folder + "/duckdb-\(arguments[0]).json"
    let run = try measure(python, [script] + arguments, stdout: output)
    guard run.status == 0, let data = FileManager.default.contents(atPath: output),
          let object = try JSONSerialization.jsonObject(with: data) as? [String: Double] else {
        throw BenchError("the DuckDB peer failed (status \(run.status))")
    }
    return object
}

struct AnalysesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyses",
        abstract: "Each prepared analysis in owl vs the same question in DuckDB, on the same 5 million observations.")

    @OptionGroup var options: BenchOptions

    /// A case: a label, the analysis, its arguments, and the columns whose values make the
    /// checksum both sides print (so equal answers are visible, not just times).
    typealias Case = (label: String, name: String, arguments: [String: String], checksum: [String])

    static let cases: [Case] = [
        ("share 7d, range cuts months and years", "download-share",
         ["metric": "hf_downloads_7d", "from": "2022-03-15", "to": "2024-08-20"], ["value", "coverage_pct"]),
        ("share 7d, whole years", "download-share",
         ["metric": "hf_downloads_7d", "from": "2022-01-01", "to": "2024-12-31"], ["value", "coverage_pct"]),
        ("share 30d monthly, by month", "download-share",
         ["metric": "hf_downloads_30d", "from": "2022-03-15", "to": "2024-08-20", "period": "month"], ["value", "coverage_pct"]),
        ("share likes, by quarter", "download-share",
         ["metric": "hf_likes", "from": "2022-03-15", "to": "2024-08-20", "period": "quarter", "by": "organization"], ["value", "coverage_pct"]),
        ("concentration 7d, by quarter", "concentration",
         ["metric": "hf_downloads_7d", "from": "2022-01-01", "to": "2024-12-31", "period": "quarter"], ["total", "hhi"]),
        ("concentration 30d, by year", "concentration",
         ["metric": "hf_downloads_30d", "from": "2021-06-10", "to": "2025-06-30", "period": "year", "by": "country"], ["total", "hhi"]),
        ("coverage 30d, by country", "coverage",
         ["metric": "hf_downloads_30d", "from": "2022-03-15", "to": "2024-08-20", "by": "country"], ["model_days", "covered_days"]),
        ("leaderboard likes", "leaderboard", ["metric": "hf_likes", "as-of": "2025-12-31"], ["value"]),
        ("leaderboard likes, past", "leaderboard", ["metric": "hf_likes", "as-of": "2023-06-30"], ["value"]),
        ("leaderboard likes, past mid-month", "leaderboard", ["metric": "hf_likes", "as-of": "2023-06-15"], ["value"]),
        ("efficiency", "efficiency", ["metric": "bench_score", "as-of": "2025-12-31"], ["score"]),
        ("timeline", "timeline", ["to": "2025-12-31"], ["models"]),
        ("openness", "openness", ["to": "2025-12-31"], ["models"]),
        ("cadence", "cadence", ["to": "2025-12-31", "by": "country"], ["release_days", "median_gap_days"]),
    ]

    /// The sum of the columns' values, each rounded to 9 significant digits.
    static func checksum(_ columns: [String], of result: (columns: [String], rows: [[SQLValue]])) throws -> Double {
        let indices = try columns.map { name in
            guard let index = result.columns.firstIndex(of: name) else { throw BenchError("the result has no column \(name)") }
            return index
        }
        var sum = 0.0
        for row in result.rows {
            for index in indices {
                if let value = row[index].doubleValue { sum += Double(String(format: "%.9g", value)) ?? .nan }
            }
        }
        return sum
    }

    @Option(help: "Run only the cases whose label contains this text (e.g. derivatives, the lineage cases on their own dataset).")
    var only: String?

    @Flag(help: "Time owl alone, without DuckDB (whose queries take seconds each at a large scale).")
    var withoutPeer = false

    func run() throws {
        let cases = Self.cases.filter { only.map($0.label.contains) ?? true }
        if !cases.isEmpty { try runMain(cases) }
        let forestCases = Self.forestCases.filter { only.map($0.label.contains) ?? true }
        if !forestCases.isEmpty { try runForest(forestCases) }
    }

    /// Each case's best time of `runs` in process, and its checksum. Timed as `owl query`
    /// computes an answer: the result and the notes printed beside it.
    static func timeOwl(_ cases: [Case], on warehouse: Warehouse, runs: Int = 3) throws -> (times: [String: Double], sums: [String: Double]) {
        var times: [String: Double] = [:], sums: [String: Double] = [:]
        for test in cases {
            let analysis = try Analysis.named(test.name)
            var best = Double.infinity
            for _ in 0..<max(1, runs) {
                let start = Date()
                let result = try analysis.rows(on: warehouse.db, arguments: test.arguments)
                sums[test.label] = try checksum(test.checksum, of: (result.columns, result.rows))
                best = min(best, Date().timeIntervalSince(start))
            }
            times[test.label] = best
        }
        return (times, sums)
    }

    /// One row per case: owl's time, DuckDB's, their ratio and both checksums.
    static func printComparison(_ labels: [String], owlTimes: [String: Double], owlSums: [String: Double], duck: [String: Double]) {
        print("  case                                     owl         DuckDB     owl/DuckDB  checksum owl       checksum DuckDB")
        for label in labels {
            let owl = owlTimes[label] ?? .nan
            let peer = duck[label]
            let ratio = peer.map { String(format: "%8.2f", owl / $0) } ?? "       —"
            let peerText = peer.map { String(format: "%8.4f s", $0) } ?? "        —"
            let sums = String(format: "%.10g", owlSums[label] ?? .nan).padding(toLength: 18, withPad: " ", startingAt: 0)
                + (duck[label + " checksum"].map { String(format: "%.10g", $0) } ?? "—")
            print("  \(label.padding(toLength: 38, withPad: " ", startingAt: 0))  \(String(format: "%8.4f s", owl))  \(peerText)  \(ratio)    \(sums)")
        }
    }

    private func runMain(_ cases: [Case]) throws {
        let figures = try Self.measureCases(cases, options, runs: 3, peerRuns: withoutPeer ? 0 : 3)
        print("\nanalyses on \(figures.path) (best of 3, warm, in-process; DuckDB from its database file, loaded from the CSVs in \(String(format: "%.1f s", figures.duck["load_seconds"] ?? 0)) where not kept from a run before)")
        Self.printComparison(cases.map(\.label), owlTimes: figures.owlTimes, owlSums: figures.owlSums, duck: figures.duck)
        print("  (target: download-share, concentration, leaderboard and coverage at 1.00 or less, with equal checksums)")
        try Self.printWholeProcessTimes(cases.filter { Self.wholeProcessAnalyses.contains($0.name) }, path: figures.path, owl: options.owl)
    }

    /// What one run of the analyses measured: owl's best time and checksum of each case and
    /// DuckDB's (none when `peerRuns` is 0).
    struct Figures {
        let path: String
        let owlTimes: [String: Double], owlSums: [String: Double]
        let duck: [String: Double]

        /// Whether both checksums agree to the 9 significant digits each value was rounded to
        /// (the sums themselves may differ in the last bits: they add in different orders).
        func sameAnswer(_ label: String) -> Bool? {
            guard let peer = duck[label + " checksum"], let own = owlSums[label] else { return nil }
            return abs(peer - own) <= 1e-9 * max(abs(peer), abs(own))
        }
    }

    /// The cases in process on the analyses database, best of `runs`, then in DuckDB over a
    /// database file of the same CSVs, best of `peerRuns`.
    static func measureCases(_ cases: [Case], _ options: BenchOptions, runs: Int, peerRuns: Int) throws -> Figures {
        let (path, _) = try preparedDatabase(options)
        return try measureCases(cases, on: path, runs: runs, peer: peerRuns == 0 ? nil : { json in
            try runDuckDB(options, ["analyses", options.folder, json, options.folder + "/duckdb-analyses.duckdb", String(peerRuns)])
        })
    }

    /// The cases in process on the database at `path`, best of `runs`, then through `peer`,
    /// which takes them as JSON (label, name, checksum columns, arguments) and returns
    /// DuckDB's figures; none without it.
    static func measureCases(_ cases: [Case], on path: String, runs: Int, peer: ((String) throws -> [String: Double])?) throws -> Figures {
        let warehouse = try Warehouse.openForReading(path: path)  // as `owl query` opens it
        let (owlTimes, owlSums) = try timeOwl(cases, on: warehouse, runs: runs)
        guard let peer else { return Figures(path: path, owlTimes: owlTimes, owlSums: owlSums, duck: [:]) }
        let peerCases = cases.map { test -> [String: Any] in
            ["label": test.label, "name": test.name, "checksum": test.checksum,
             "arguments": Dictionary(uniqueKeysWithValues: test.arguments.map { ($0.key.replacingOccurrences(of: "-", with: "_"), $0.value) })]
        }
        let json = String(data: try JSONSerialization.data(withJSONObject: peerCases), encoding: .utf8)!
        return Figures(path: path, owlTimes: owlTimes, owlSums: owlSums, duck: try peer(json))
    }

    /// The analyses with no DuckDB target, which must answer within 100 ms as a whole process.
    static let wholeProcessAnalyses: Set<String> = ["efficiency", "timeline", "openness", "cadence"]

    /// `owl query` run as a user runs it: a process that starts, opens the database, answers
    /// and exits; the median of 5.
    static func printWholeProcessTimes(_ cases: [Case], path: String, owl: String) throws {
        guard !cases.isEmpty else { return }
        print("\n  whole process, `owl query` (median of 5)")
        for test in cases {
            let arguments = ["query", test.name, "--db", path, "--format", "csv"]
                + test.arguments.sorted { $0.key < $1.key }.flatMap { ["--\($0.key)", $0.value] }
            var seconds: [Double] = []
            for _ in 0..<5 {
                let run = try measure(owl, arguments)
                guard run.status == 0 else { throw BenchError("owl \(arguments.joined(separator: " ")) failed with status \(run.status)") }
                seconds.append(run.seconds)
            }
            print("  \(test.label.padding(toLength: 38, withPad: " ", startingAt: 0))  \(String(format: "%8.4f s", median(seconds)))")
        }
        print("  (target: under 0.100 s each)")
    }

    /// The lineage cases: `derivatives` over the forest of 200,000 models, against the same
    /// recursive question in DuckDB.
    static let forestCases: [Case] = [
        ("derivatives direct, by model", "derivatives",
         ["depth": "direct", "by": "model", "from": "2024-01-01", "to": "2025-12-31"], ["derived", "share_pct"]),
        ("derivatives all, by model", "derivatives",
         ["depth": "all", "by": "model", "from": "2024-01-01", "to": "2025-12-31"], ["derived", "share_pct"]),
        ("derivatives all, by organization", "derivatives",
         ["depth": "all", "by": "organization", "from": "2024-01-01", "to": "2025-12-31"], ["derived", "share_pct"]),
        ("derivatives root, by model", "derivatives",
         ["depth": "root", "by": "model", "from": "2024-01-01", "to": "2025-12-31"], ["derived", "share_pct"]),
        ("derivatives root, by country", "derivatives",
         ["depth": "root", "by": "country", "from": "2024-01-01", "to": "2025-12-31"], ["derived", "share_pct"]),
    ]

    private func runForest(_ cases: [Case]) throws {
        let forest = Forest(folder: options.folder + "/forest", scale: options.scale)
        let relations = try forest.generate()
        let path = options.folder + "/owl-forest.sqlite"
        let marker = path + ".complete-v3"  // v3: 16 KB pages
        if !FileManager.default.fileExists(atPath: marker) {
            print("loading \(forest.models) models and \(relations) bases into \(path) …")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let run = try measure(options.owl, ["ingest", "--db", path, "-q", forest.organizationsPath, forest.modelsPath, forest.basesPath])
            guard run.status == 0 else { throw BenchError("owl could not load the forest") }
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
        }
        let figures = try Self.measureCases(cases, on: path, runs: 3, peer: withoutPeer ? nil : { json in
            try runDuckDB(options, ["derivatives", forest.folder, json])
        })
        print("\nderivatives on \(forest.models) models and \(relations) bases, chains up to \(Forest.maxDepth) deep (best of 3, warm, in-process)")
        Self.printComparison(cases.map(\.label), owlTimes: figures.owlTimes, owlSums: figures.owlSums, duck: figures.duck)
        print("  (target: --depth all and root at 2.00 or less, with equal checksums)")
    }
}

struct ExportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "owl export of 5 million observations to CSV vs sqlite3 -csv of the same SELECT and DuckDB's COPY … TO.")

    @OptionGroup var options: BenchOptions

    func run() throws {
        let (path, _) = try preparedDatabase(options)
        let owlOutput = options.folder + "/owl-export.csv"
        try? FileManager.default.removeItem(atPath: owlOutput)
        let owl = try measure(options.owl, ["export", "observations", "--db", path, "--output", owlOutput, "--from", "2000-01-01", "--force"])
        guard owl.status == 0 else { throw BenchError("owl export failed") }
        let exported = Int(try Warehouse(path: path).db.scalar("SELECT count(*) FROM observations")?.integerValue ?? 0)
        let shellOutput = options.folder + "/sqlite3-export.csv"
        let shell = try measure("sqlite3", ["-csv", "-header", path, """
            SELECT m.id AS model, mt.id AS metric, date(o.observed_day * 86400, 'unixepoch') AS observed_on, o.value, o.source
            FROM observations AS o JOIN models AS m ON m.key = o.model JOIN metrics AS mt ON mt.key = o.metric
            ORDER BY o.model, o.metric, o.observed_day
            """], stdout: shellOutput)
        guard shell.status == 0 else { throw BenchError("sqlite3 -csv failed") }
        let duck = try runDuckDB(options, ["export", options.folder, options.folder + "/duckdb-export.csv"])
        let duckSeconds = duck["export_seconds"] ?? .nan
        print("""

            export of \(exported) observations to CSV
              owl export              \(String(format: "%7.2f s", owl.seconds))  \(rate(exported, owl.seconds))  peak memory \(megabytes(owl.peakMemoryBytes))
              sqlite3 -csv            \(String(format: "%7.2f s", shell.seconds))  \(rate(exported, shell.seconds))  peak memory \(megabytes(shell.peakMemoryBytes))
              DuckDB COPY … TO        \(String(format: "%7.2f s", duckSeconds))  \(rate(exported, duckSeconds))  (in-memory table, after loading)
              owl / sqlite3 rows/s    \(String(format: "%.2f", shell.seconds / owl.seconds))  (target ≥ 1.00)
              owl / DuckDB rows/s     \(String(format: "%.2f", duckSeconds / owl.seconds))
            """)
    }
}
