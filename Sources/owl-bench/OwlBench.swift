import ArgumentParser
import Foundation

@main
struct OwlBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owl-bench",
        abstract: "Benchmarks of owl against its peers, measured in the same run.",
        discussion: """
            Generates a deterministic dataset (40,000 models of 1,000 organizations, up to 250
            weekly observations each: about 5 million rows; --scale N makes N times the models and
            organizations) in --folder, then times owl and its peer on the same files. Figures are
            ratios against the peer, since machines differ.

            Examples:
              swift run -c release owl-bench ingest       # owl ingest vs sqlite3 .import and DuckDB
              swift run -c release owl-bench ingest --scale 10 --pairs 1   # 50 million observations
              swift run -c release owl-bench ingest --formats-only   # owl's CSV vs JSON Lines vs JSON
              swift run -c release owl-bench analyses     # owl's analyses vs DuckDB
              swift run -c release owl-bench export       # owl export vs sqlite3 -csv and DuckDB COPY
            """,
        subcommands: [IngestBench.self, AnalysesBench.self, ExportBench.self]
    )

    static func main() {
        lineBufferStandardOutput()
        main(nil)
    }
}

struct BenchOptions: ParsableArguments {
    @Option(help: "The dataset's size in multiples of the default (1: 40,000 models, about 5 million observations).")
    var scale = 1

    @Option(name: .customLong("folder"), help: "Where the generated files and databases go (default: $TMPDIR/owl-bench, or owl-bench-xN at --scale N).")
    var folderOption: String?

    /// Each scale has a folder of its own, so runs at different sizes never share files.
    var folder: String {
        folderOption ?? FileManager.default.temporaryDirectory.appendingPathComponent(scale == 1 ? "owl-bench" : "owl-bench-x\(scale)").path
    }

    /// The owl binary built beside this one.
    var owl: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("owl").path
    }

    func validate() throws {
        guard scale >= 1 else { throw ValidationError("--scale must be 1 or more (got \(scale))") }
    }
}

struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "owl ingest vs the sqlite3 shell's .import and DuckDB's read_csv of the same observations file, and owl's CSV vs JSON Lines vs JSON.")

    @OptionGroup var options: BenchOptions

    @Option(help: "How many owl/sqlite3 pairs to run; the medians are reported.")
    var pairs = 3

    @Flag(help: "Time only owl's loads of the same observations as CSV, JSON Lines and JSON (no sqlite3, no DuckDB).")
    var formatsOnly = false

    /// owl ingest of one observations file into a fresh database at `db` that holds the
    /// organizations, models and metrics first.
    func owlLoad(_ observations: String, into db: String) throws -> Measurement {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let setup = try measure(options.owl, ["ingest", "--db", db, "-q",
            options.folder + "/organizations.csv", options.folder + "/models.csv", options.folder + "/metrics.csv"])
        guard setup.status == 0 else { throw BenchError("owl could not load the dimension files") }
        let run = try measure(options.owl, ["ingest", "--db", db, "-q", observations, "--into", "observations"])
        guard run.status == 0 else { throw BenchError("owl ingest of \(observations) failed with status \(run.status)") }
        return run
    }

    func run() throws {
        let dataset = Dataset(folder: options.folder, scale: options.scale)
        if !dataset.isComplete {
            print("generating the dataset in \(options.folder) …")
            _ = try dataset.generate()
            try dataset.writeJSONForms()
            restartInFreshProcess()
        }
        let rows = try dataset.generate()
        print("observations.csv: \(rows) rows, \(megabytes(fileSize(dataset.observationsPath))); "
            + ".jsonl \(megabytes(fileSize(dataset.observationsJSONLinesPath))), .json \(megabytes(fileSize(dataset.observationsJSONPath)))")

        let owlDB = options.folder + "/owl.sqlite", plainDB = options.folder + "/sqlite3-import.sqlite"
        let formatDB = options.folder + "/owl-format.sqlite"
        var owlRuns: [Measurement] = [], shellRuns: [Measurement] = [], jsonLinesRuns: [Measurement] = [], jsonRuns: [Measurement] = []
        for pair in 1...max(1, pairs) {
            let owlRun = try owlLoad(dataset.observationsPath, into: owlDB)
            owlRuns.append(owlRun)
            let jsonLines = try owlLoad(dataset.observationsJSONLinesPath, into: formatDB)
            let json = try owlLoad(dataset.observationsJSONPath, into: formatDB)
            jsonLinesRuns.append(jsonLines)
            jsonRuns.append(json)
            print(String(format: "  pair %d: owl CSV %.2f s (%@), JSON Lines %.2f s, JSON %.2f s", pair, owlRun.seconds,
                         megabytes(owlRun.peakMemoryBytes), jsonLines.seconds, json.seconds))
            if formatsOnly { continue }

            try? FileManager.default.removeItem(atPath: plainDB)
            // The shell in its default mode (rollback journal), as a user would run it.
            let shell = try measure("sqlite3", [plainDB,
                "CREATE TABLE observations (model TEXT, metric TEXT, observed_on TEXT, value REAL)",
                ".import --csv --skip 1 \(dataset.observationsPath) observations"])
            guard shell.status == 0 else { throw BenchError("sqlite3 .import failed with status \(shell.status)") }
            print(String(format: "  pair %d: sqlite3 %.2f s", pair, shell.seconds))
            shellRuns.append(shell)
        }
        let owlSeconds = median(owlRuns.map(\.seconds))
        let jsonLinesSeconds = median(jsonLinesRuns.map(\.seconds)), jsonSeconds = median(jsonRuns.map(\.seconds))
        let formats = """
              owl ingest, CSV         \(String(format: "%7.2f s", owlSeconds))  \(rate(rows, owlSeconds))
              owl ingest, JSON Lines  \(String(format: "%7.2f s", jsonLinesSeconds))  \(rate(rows, jsonLinesSeconds))  peak memory \(megabytes(jsonLinesRuns.map(\.peakMemoryBytes).max() ?? 0))
              owl ingest, JSON        \(String(format: "%7.2f s", jsonSeconds))  \(rate(rows, jsonSeconds))  peak memory \(megabytes(jsonRuns.map(\.peakMemoryBytes).max() ?? 0))
              owl JSON Lines / owl CSV rows/s  \(String(format: "%.2f", owlSeconds / jsonLinesSeconds))  (target ≥ 0.80)
              owl JSON / owl CSV rows/s        \(String(format: "%.2f", owlSeconds / jsonSeconds))  (target ≥ 0.80)
            """
        if formatsOnly {
            print("\nowl ingest of \(rows) observations by format (scale \(options.scale); medians of \(owlRuns.count) runs)\n" + formats)
            return
        }
        let duck = try runDuckDB(options, ["ingest", options.folder, options.folder + "/duckdb-ingest.duckdb"])
        let duckSeconds = duck["ingest_seconds"] ?? .nan

        let shellSeconds = median(shellRuns.map(\.seconds))
        let owlPeak = owlRuns.map(\.peakMemoryBytes).max() ?? 0
        // The load ends with a TRUNCATE checkpoint, so the -wal file should be empty; it is counted if not.
        let owlSize = fileSize(owlDB) + fileSize(owlDB + "-wal")
        print("""

            ingest of \(rows) observations (scale \(options.scale); medians of \(owlRuns.count) owl/sqlite3 pairs, DuckDB median of 3)
              owl ingest              \(String(format: "%7.2f s", owlSeconds))  \(rate(rows, owlSeconds))  peak memory \(megabytes(owlPeak))
              sqlite3 .import --csv   \(String(format: "%7.2f s", shellSeconds))  \(rate(rows, shellSeconds))  peak memory \(megabytes(shellRuns.map(\.peakMemoryBytes).max() ?? 0))
              DuckDB read_csv         \(String(format: "%7.2f s", duckSeconds))  \(rate(rows, duckSeconds))  peak memory \(megabytes(Int(duck["peak_memory_bytes"] ?? 0)))
              owl / sqlite3 rows/s    \(String(format: "%.2f", shellSeconds / owlSeconds))  (target ≥ 1.00)
              owl / DuckDB rows/s     \(String(format: "%.2f", duckSeconds / owlSeconds))
              owl peak memory         \(megabytes(owlPeak))  (target < 150 MB)
              database size           owl \(megabytes(owlSize)) (summaries included, -wal \(megabytes(fileSize(owlDB + "-wal")))); sqlite3 plain table \(megabytes(fileSize(plainDB))) (owl/sqlite3 \(String(format: "%.2f", Double(owlSize) / Double(max(1, fileSize(plainDB)))))); DuckDB \(megabytes(Int(duck["database_bytes"] ?? 0)))

            owl's own formats, the same observations (medians of \(owlRuns.count) runs)
            """ + "\n" + formats)
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
