import ArgumentParser
import Foundation

@main
struct OwlBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owl-bench",
        abstract: "Benchmarks of owl against its peers, measured in the same run.",
        discussion: """
            Generates a deterministic dataset (40,000 models of 1,000 organizations, up to
            250 weekly observations each: about 5 million rows; --scale N makes N times the
            models and organizations) in --folder, then times owl and its peer on the same
            files. Figures are ratios against the peer, since machines differ.

            Examples:
              swift run -c release owl-bench ingest      # vs sqlite3 .import and DuckDB
              swift run -c release owl-bench ingest --scale 10 --pairs 1   # 50M rows
              swift run -c release owl-bench ingest --formats-only  # CSV, JSONL, JSON
              swift run -c release owl-bench analyses    # owl's analyses vs DuckDB
              swift run -c release owl-bench export      # vs sqlite3 -csv, DuckDB COPY
              swift run -c release owl-bench scale       # 1× and 10×: the README's tables
            """,
        subcommands: [IngestBench.self, AnalysesBench.self, ExportBench.self, ScaleBench.self]
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

    func run() throws {
        try ensureDatasets([options])
        let figures = try measureIngest(options, pairs: pairs, formatsOnly: formatsOnly)
        let formats = """
              owl ingest, CSV         \(String(format: "%7.2f s", figures.owlSeconds))  \(rate(figures.rows, figures.owlSeconds))
              owl ingest, JSON Lines  \(String(format: "%7.2f s", figures.jsonLinesSeconds))  \(rate(figures.rows, figures.jsonLinesSeconds))  peak memory \(megabytes(peak(figures.jsonLines)))
              owl ingest, JSON        \(String(format: "%7.2f s", figures.jsonSeconds))  \(rate(figures.rows, figures.jsonSeconds))  peak memory \(megabytes(peak(figures.json)))
              owl JSON Lines / owl CSV rows/s  \(String(format: "%.2f", figures.owlSeconds / figures.jsonLinesSeconds))  (target ≥ 0.80)
              owl JSON / owl CSV rows/s        \(String(format: "%.2f", figures.owlSeconds / figures.jsonSeconds))  (target ≥ 0.80)
            """
        if formatsOnly {
            print("\nowl ingest of \(figures.rows) observations by format (scale \(options.scale); medians of \(figures.owl.count) runs)\n" + formats)
            return
        }
        print("""

            ingest of \(figures.rows) observations (scale \(options.scale); medians of \(figures.owl.count) owl/sqlite3 pairs, DuckDB median of 3)
              owl ingest              \(String(format: "%7.2f s", figures.owlSeconds))  \(rate(figures.rows, figures.owlSeconds))  peak memory \(megabytes(peak(figures.owl)))
              sqlite3 .import --csv   \(String(format: "%7.2f s", figures.shellSeconds))  \(rate(figures.rows, figures.shellSeconds))  peak memory \(megabytes(peak(figures.shell)))
              DuckDB read_csv         \(String(format: "%7.2f s", figures.duckSeconds))  \(rate(figures.rows, figures.duckSeconds))  peak memory \(megabytes(Int(figures.duck["peak_memory_bytes"] ?? 0)))
              owl / sqlite3 rows/s    \(String(format: "%.2f", figures.shellSeconds / figures.owlSeconds))  (target ≥ 1.00)
              owl / DuckDB rows/s     \(String(format: "%.2f", figures.duckSeconds / figures.owlSeconds))
              owl peak memory         \(megabytes(peak(figures.owl)))  (target < 150 MB)
              database size           owl \(megabytes(figures.owlBytes)) (summaries included, -wal \(megabytes(figures.walBytes))); sqlite3 plain table \(megabytes(figures.plainBytes)) (owl/sqlite3 \(String(format: "%.2f", figures.sizeRatio))); DuckDB \(megabytes(figures.duckBytes))

            owl's own formats, the same observations (medians of \(figures.owl.count) runs)
            """ + "\n" + formats)
    }
}

/// Generates each dataset that is not complete yet, then restarts in a fresh process (see
/// `restartInFreshProcess`) if it generated any.
func ensureDatasets(_ options: [BenchOptions]) throws {
    var generated = false
    for option in options {
        let dataset = Dataset(folder: option.folder, scale: option.scale)
        if dataset.isComplete { continue }
        print("generating the dataset in \(option.folder) …")
        _ = try dataset.generate()
        try dataset.writeJSONForms()
        generated = true
    }
    if generated { restartInFreshProcess() }
}

/// What one ingest benchmark measured: owl against the sqlite3 shell in pairs, DuckDB's
/// read_csv, and owl's loads of the same rows as JSON Lines and JSON.
struct IngestFigures {
    let rows: Int
    var owl: [Measurement] = [], shell: [Measurement] = [], jsonLines: [Measurement] = [], json: [Measurement] = []
    var duck: [String: Double] = [:]
    var owlBytes = 0, walBytes = 0, plainBytes = 0

    var owlSeconds: Double { median(owl.map(\.seconds)) }
    var shellSeconds: Double { median(shell.map(\.seconds)) }
    var jsonLinesSeconds: Double { median(jsonLines.map(\.seconds)) }
    var jsonSeconds: Double { median(json.map(\.seconds)) }
    var duckSeconds: Double { duck["ingest_seconds"] ?? .nan }
    var duckBytes: Int { Int(duck["database_bytes"] ?? 0) }
    /// owl's file (its -wal counted, should one be left) against the shell's plain table.
    var sizeRatio: Double { Double(owlBytes + walBytes) / Double(max(1, plainBytes)) }
}

func peak(_ runs: [Measurement]) -> Int { runs.map(\.peakMemoryBytes).max() ?? 0 }

/// owl ingest of one observations file into a fresh database at `db` that holds the
/// organizations, models and metrics first.
func owlLoad(_ options: BenchOptions, _ observations: String, into db: String) throws -> Measurement {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    let setup = try measure(options.owl, ["ingest", "--db", db, "-q",
        options.folder + "/organizations.csv", options.folder + "/models.csv", options.folder + "/metrics.csv"])
    guard setup.status == 0 else { throw BenchError("owl could not load the dimension files") }
    let run = try measure(options.owl, ["ingest", "--db", db, "-q", observations, "--into", "observations"])
    guard run.status == 0 else { throw BenchError("owl ingest of \(observations) failed with status \(run.status)") }
    return run
}

/// `pairs` rounds of owl's CSV load and the sqlite3 shell's `.import` of the same CSV (unless
/// `formatsOnly`), the first `formatRounds` of them with owl's JSON Lines and JSON loads too,
/// then DuckDB's load; each round's times are printed as it ends.
func measureIngest(_ options: BenchOptions, pairs: Int, formatRounds: Int? = nil, formatsOnly: Bool) throws -> IngestFigures {
    let dataset = Dataset(folder: options.folder, scale: options.scale)
    var figures = IngestFigures(rows: try dataset.generate())
    print("observations.csv: \(figures.rows) rows, \(megabytes(fileSize(dataset.observationsPath))); "
        + ".jsonl \(megabytes(fileSize(dataset.observationsJSONLinesPath))), .json \(megabytes(fileSize(dataset.observationsJSONPath)))")
    let owlDB = options.folder + "/owl.sqlite", plainDB = options.folder + "/sqlite3-import.sqlite"
    let formatDB = options.folder + "/owl-format.sqlite"
    for pair in 1...max(1, pairs) {
        let owlRun = try owlLoad(options, dataset.observationsPath, into: owlDB)
        figures.owl.append(owlRun)
        if pair <= formatRounds ?? pairs {
            let jsonLines = try owlLoad(options, dataset.observationsJSONLinesPath, into: formatDB)
            let json = try owlLoad(options, dataset.observationsJSONPath, into: formatDB)
            figures.jsonLines.append(jsonLines)
            figures.json.append(json)
            print(String(format: "  pair %d: owl CSV %.2f s (%@), JSON Lines %.2f s, JSON %.2f s", pair, owlRun.seconds,
                         megabytes(owlRun.peakMemoryBytes), jsonLines.seconds, json.seconds))
        } else {
            print(String(format: "  pair %d: owl CSV %.2f s (%@)", pair, owlRun.seconds, megabytes(owlRun.peakMemoryBytes)))
        }
        if formatsOnly { continue }

        try? FileManager.default.removeItem(atPath: plainDB)
        // The shell in its default mode (rollback journal), as a user would run it.
        let shell = try measure("sqlite3", [plainDB,
            "CREATE TABLE observations (model TEXT, metric TEXT, observed_on TEXT, value REAL)",
            ".import --csv --skip 1 \(dataset.observationsPath) observations"])
        guard shell.status == 0 else { throw BenchError("sqlite3 .import failed with status \(shell.status)") }
        print(String(format: "  pair %d: sqlite3 %.2f s", pair, shell.seconds))
        figures.shell.append(shell)
    }
    if formatsOnly { return figures }
    figures.duck = try runDuckDB(options, ["ingest", options.folder, options.folder + "/duckdb-ingest.duckdb"])
    // The load ends with a TRUNCATE checkpoint, so the -wal file should be empty; it is counted if not.
    figures.owlBytes = fileSize(owlDB)
    figures.walBytes = fileSize(owlDB + "-wal")
    figures.plainBytes = fileSize(plainDB)
    return figures
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
