import ArgumentParser
import Foundation

@main
struct OwlBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owl-bench",
        abstract: "Benchmarks of owl against its peers, measured in the same run.",
        discussion: """
            Generates a deterministic dataset (40,000 models of 1,000 organizations, up to 250
            weekly observations each: about 5 million rows) in --folder, then times owl and its
            peer on the same files. Figures are ratios against the peer, since machines differ.

            Examples:
              swift run -c release owl-bench ingest       # owl ingest vs sqlite3 .import
              swift run -c release owl-bench analyses     # owl's analyses vs DuckDB
              swift run -c release owl-bench export       # owl export vs sqlite3 -csv and DuckDB COPY
            """,
        subcommands: [IngestBench.self, AnalysesBench.self, ExportBench.self]
    )
}

struct BenchOptions: ParsableArguments {
    @Option(help: "Where the generated files and databases go.")
    var folder = FileManager.default.temporaryDirectory.appendingPathComponent("owl-bench").path

    /// The owl binary built beside this one.
    var owl: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("owl").path
    }
}

struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "owl ingest vs the sqlite3 shell's .import --csv of the same observations file.")

    @OptionGroup var options: BenchOptions

    func run() throws {
        let dataset = Dataset(folder: options.folder)
        print("generating the dataset in \(options.folder) …")
        let rows = try dataset.generate()
        print("observations.csv: \(rows) rows, \(megabytes(fileSize(dataset.observationsPath)))")

        let owlDB = options.folder + "/owl.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: owlDB + suffix) }
        let setup = try measure(options.owl, ["ingest", "--db", owlDB, "-q",
            options.folder + "/organizations.csv", options.folder + "/models.csv", options.folder + "/metrics.csv"])
        guard setup.status == 0 else { throw BenchError("owl could not load the dimension files") }

        let owlRun = try measure(options.owl, ["ingest", "--db", owlDB, "-q", dataset.observationsPath])
        guard owlRun.status == 0 else { throw BenchError("owl ingest failed with status \(owlRun.status)") }

        let plainDB = options.folder + "/sqlite3-import.sqlite"
        try? FileManager.default.removeItem(atPath: plainDB)
        let shell = try measure("sqlite3", [plainDB,
            "CREATE TABLE observations (model TEXT, metric TEXT, observed_on TEXT, value REAL)",
            ".import --csv --skip 1 \(dataset.observationsPath) observations"])
        guard shell.status == 0 else { throw BenchError("sqlite3 .import failed with status \(shell.status)") }

        let owlRate = Double(rows) / owlRun.seconds, shellRate = Double(rows) / shell.seconds
        let owlSize = fileSize(owlDB) + fileSize(owlDB + "-wal")
        print("""

            ingest of \(rows) observations
              owl ingest              \(String(format: "%7.2f s", owlRun.seconds))  \(rate(rows, owlRun.seconds))  peak memory \(megabytes(owlRun.peakMemoryBytes))
              sqlite3 .import --csv   \(String(format: "%7.2f s", shell.seconds))  \(rate(rows, shell.seconds))  peak memory \(megabytes(shell.peakMemoryBytes))
              owl / sqlite3 rows/s    \(String(format: "%.2f", owlRate / shellRate))  (target ≥ 1.00)
              owl peak memory         \(megabytes(owlRun.peakMemoryBytes))  (target < 150 MB)
              owl database size       \(megabytes(owlSize))  (sqlite3 plain table: \(megabytes(fileSize(plainDB))))
            """)
    }
}
