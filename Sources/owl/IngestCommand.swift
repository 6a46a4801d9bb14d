import ArgumentParser
import Foundation
import Warehouse

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load files or directories of data into the database.",
        discussion: """
            Each file holds one entity, named by its base name (organizations.csv, models.jsonl,
            …) or by --into. A directory loads its files in dependency order: organizations,
            releases, models, metrics, observations. Formats: CSV with a header row, a JSON array
            of objects, or JSON Lines; the field names are those of the interchange format.

            Every file loads in one transaction: a file with an invalid row loads nothing, and
            every problem is reported as FILE:LINE: field NAME: what is wrong (got "VALUE").
            Re-loading a file changes nothing; a changed row is updated (keyed by id, or by
            model + metric + observed_on for observations). Each load is recorded as a batch
            that `owl status` lists.

            Examples:
              owl ingest Seeds/
              owl ingest downloads-2025-06.csv --into observations
              owl ingest models.jsonl --dry-run
              owl ingest big.csv --skip-invalid      # load the valid rows, keep the rest as rejects
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files or directories to load.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("Load every file as this entity, whatever its name.", valueName: "entity"))
    var into: String?

    @Option(help: ArgumentHelp("The source format: csv, json or jsonl (default: from the file extension).", valueName: "format"))
    var format: String?

    @Flag(help: "Validate and report what would change, then roll everything back.")
    var dryRun = false

    @Flag(help: "Load the valid rows and keep each invalid one, with its reason, in the rejects table.")
    var skipInvalid = false

    @Flag(name: .shortAndLong, help: "No progress bar; only the one-line summary per file.")
    var quiet = false

    func validate() throws {
        if let into, Entity(rawValue: into) == nil {
            throw ValidationError("--into must be one of \(Entity.allCases.map(\.rawValue).joined(separator: ", ")), not \(into)")
        }
        if let format, SourceFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")), not \(format)")
        }
    }

    func run() throws {
        let files = try reportingErrors {
            try Ingester.plan(paths: paths, into: into.flatMap(Entity.init(rawValue:)), format: format.flatMap(SourceFormat.init(rawValue:)))
        }
        let warehouse = try database.openWarehouse()
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        let ingester = Ingester(warehouse: warehouse, options: IngestOptions(dryRun: dryRun, skipInvalid: skipInvalid),
                                progress: bar.enabled ? bar.show : nil)
        let reports = try reportingErrors {
            try ingester.ingest(files) { report in
                bar.clear()
                print(summary(of: report))
            }
        }
        guard let failed = reports.first(where: { !$0.loaded }) else {
            if dryRun { print("dry run: nothing was written") }
            return
        }
        for problem in failed.problems { printError(problem) }
        if failed.problemCount > failed.problems.count {
            printError("… and \(failed.problemCount - failed.problems.count) more problems")
        }
        printError("owl: \(failed.failure ?? "")")
        let loaded = reports.filter(\.loaded)
        if !loaded.isEmpty && !dryRun {
            printError("owl: stopped; \(loaded.count) file(s) before it stay loaded: \(loaded.map(\.file.path).joined(separator: ", "))")
        }
        let notRun = files.count - reports.count
        if notRun > 0 { printError("owl: \(notRun) file(s) after it were not loaded") }
        throw ExitCode(1)
    }

    private func summary(of report: FileReport) -> String {
        let verb = dryRun ? "would be" : ""
        let status = report.loaded ? (dryRun ? "checked" : "loaded") : "FAILED"
        var line = "\(report.file.path) → \(report.file.entity.rawValue): \(status), \(report.read) read"
        if report.loaded {
            line += ", \(report.inserted) \(verb.isEmpty ? "" : verb + " ")inserted, \(report.updated) \(verb.isEmpty ? "" : verb + " ")updated, \(report.unchanged) unchanged, \(report.skipped) skipped"
        } else if report.problemCount > 0 {
            line += ", \(report.problemCount) problems"
        }
        return line + String(format: " (%.2f s)", report.seconds)
    }
}

/// A one-line progress bar on standard error, shown only for files that take more than a second.
final class ProgressBar {
    let enabled: Bool
    private var visible = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: IngestProgress) {
        guard progress.seconds >= 1 else { return }
        let fraction = progress.bytesTotal > 0 ? Double(progress.bytesRead) / Double(progress.bytesTotal) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let rate = Double(progress.rows) / max(progress.seconds, 0.001)
        let name = (progress.file.path as NSString).lastPathComponent
        FileHandle.standardError.write(Data(String(format: "\r%@ %@ %3.0f%%  %d rows  %.0f rows/s ", name, bar, fraction * 100, progress.rows, rate).utf8))
        visible = true
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }
}
