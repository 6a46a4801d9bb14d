import ArgumentParser
import Foundation
import Warehouse

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load files or directories of data into the database.",
        discussion: """
            Each file holds one entity, named by its base name (organizations.csv,
            models.jsonl, …) or by --into. A directory loads its files in dependency order:
            organizations, organization_aliases, releases, models, metrics, observations.
            Formats: CSV with a header row, a JSON array of objects, or JSON Lines; the
            field names are those of the interchange format.

            Every file loads in one transaction: a file with an invalid row loads nothing,
            and every problem is reported as FILE:LINE: field NAME: what is wrong (got
            "VALUE"). Re-loading a file changes nothing; a changed row is updated (keyed by
            id, or by model + metric + observed_on for observations). Each load is recorded
            as a batch that `owl status` lists.

            Real-world files load through the same checks: Hugging Face Hub listings
            (--format hf-models, with --observed-on) and Epoch AI's models CSV (--format
            epoch), both recognised from their content when --format is left out; and any
            CSV through a column mapping (--map FILE, or --column and --set with --into).

            Examples:
              owl ingest Seeds/
              owl ingest downloads-2025-06.csv --into observations
              owl ingest models.jsonl --dry-run
              owl ingest big.csv --skip-invalid     # valid rows load, the rest: rejects
              owl ingest models-2025-06-01.json --observed-on 2025-06-01
              owl ingest notable-ai-models.csv --skip-invalid
              owl ingest snapshots/ --into observations --set metric=hf_downloads_30d \\
                  --column "model=model_url|strip-prefix:https://huggingface.co/" \\
                  --column observed_on=date --column "value=downloads|number"
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files or directories to load.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("Load every file as this entity, whatever its name.", valueName: "entity"))
    var into: Entity?

    @Option(help: ArgumentHelp("The source format (default: from the content, else the extension).", valueName: "format"))
    var format: SourceFormat?

    @Option(name: .customLong("observed-on"), help: ArgumentHelp("For hf-models: the day the listing was fetched (its downloads cover the 30 days before).", valueName: "date"))
    var observedOn: String?

    @Option(help: ArgumentHelp("Map the columns of CSV files of another shape with this file (.json or .toml).", valueName: "file"))
    var map: String?

    @Option(help: ArgumentHelp("Map a source column onto a field: FIELD=COLUMN, with optional transforms |strip-prefix:TEXT |number |date:DD/MM/YYYY |lowercase |uppercase.", valueName: "field=column"))
    var column: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("Give a field the same value in every row: FIELD=VALUE (with --column or --map).", valueName: "field=value"))
    var constants: [String] = []

    @Flag(help: "Only add new rows; leave rows already stored as they are.")
    var insertOnly = false

    @Flag(help: "Validate and report what would change, then roll everything back.")
    var dryRun = false

    @Flag(help: "Load the valid rows and keep each invalid one, with its reason, in the rejects table.")
    var skipInvalid = false

    @Flag(name: .shortAndLong, help: "No progress bar; only the one-line summary per file.")
    var quiet = false

    @Option(help: ArgumentHelp("While another load of the database runs, wait at most this long for it (default: as long as it takes).", valueName: "seconds"))
    var wait: Double?

    func validate() throws {
        if let observedOn, !Warehouse.isValidDate(observedOn) {
            throw ValidationError("--observed-on must be a date that exists, written YYYY-MM-DD (got \(observedOn))")
        }
        if map != nil && (!column.isEmpty || !constants.isEmpty) {
            throw ValidationError("give a --map file or --column/--set options, not both")
        }
        if let wait, !(wait >= 0) { throw ValidationError("--wait takes a number of seconds (got \(wait))") }
        _ = try checkingCommandLine(commandLineMapping)
    }

    /// The mapping --column and --set give: nil without them. What is wrong with them is
    /// the command line's fault.
    private func commandLineMapping() throws -> ColumnMapping? {
        guard map == nil, !column.isEmpty || !constants.isEmpty else { return nil }
        guard let into else { throw UsageError("--column and --set need --into ENTITY (or a --map file naming it)") }
        let columns = try column.map { try Self.entry($0, option: "--column", shape: "FIELD=SOURCE_COLUMN") }
        let values = try constants.map { try Self.entry($0, option: "--set", shape: "FIELD=VALUE") }
        return try ColumnMapping(entity: into, columns: columns, constants: values)
    }

    /// `--column model=model_url|number` as a mapping entry, named `--column model` in messages.
    private static func entry(_ text: String, option: String, shape: String) throws -> ColumnMapping.Entry {
        guard let equals = text.firstIndex(of: "=") else { throw UsageError("\(option) takes \(shape) (got \"\(text)\")") }
        let field = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        return ColumnMapping.Entry(field: field, text: String(text[text.index(after: equals)...]), origin: "\(option) \(field)")
    }

    func run() throws {
        // A --map file is data: reading it may fail with exit 1.
        let mapping = try map.map { try ColumnMapping.load(path: $0, into: into) } ?? commandLineMapping()
        let files = try Ingester.plan(paths: paths, into: into, format: format, mapping: mapping) { path, reason in
            if !quiet { printError("skipped \(path) (\(reason))") }
        }
        defer { for file in files { file.removeCopy() } }
        // Found by reading the files (their format), so an exit 1 as before, but before the database is opened.
        if observedOn == nil, let file = files.first(where: \.format.needsObservationDate) {
            throw WarehouseError(file.format == .hfModels
                ? "\(file.path): a Hugging Face listing needs --observed-on DATE, the day it was fetched (downloads are the 30 days before it)"
                : "\(file.path): an Open LLM Leaderboard export needs --observed-on DATE, the day it was exported (its likes and scores are as of then)")
        }
        let warehouse = try database.openWarehouse(creation: .ifMissing)
        // One load at a time: a second waits its turn rather than failing after 5 s.
        warehouse.db.waitWhenBusy(upTo: wait) { printError("waiting for another load of this database…") }
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        var options = IngestOptions(dryRun: dryRun, skipInvalid: skipInvalid, observedOn: observedOn, mapping: mapping)
        options.insertOnly = insertOnly
        let ingester = Ingester(warehouse: warehouse, options: options, progress: bar.enabled ? bar.show : nil)
        let reports = try ingester.ingest(files) { report in
            bar.clear()
            print(summary(of: report))
            if report.loaded && report.skipped > 0 { printError(digest(of: report)) }
        }
        guard let failed = reports.first(where: { !$0.loaded }) else {
            if dryRun { print("dry run: nothing was written") }
            return
        }
        for problem in failed.problems { printError(problem) }
        if failed.problemCount > failed.problems.count {
            printError("… and \(failed.problemCount - failed.problems.count) more problems")
        }
        printError("owl: \(failed.failure?.ingestMessage ?? "")")
        let loaded = reports.filter(\.loaded)
        if !loaded.isEmpty && !dryRun {
            printError("owl: stopped; \(loaded.count) file(s) before it stay loaded: \(loaded.map(\.file.path).joined(separator: ", "))")
        }
        let notRun = files.count - reports.count
        if notRun > 0 { printError("owl: \(notRun) file(s) after it were not loaded") }
        throw ExitCode(1)
    }

    /// What --skip-invalid skipped: the first reasons and a count per field.
    private func digest(of report: FileReport, shown: Int = 10) -> String {
        let kept = dryRun ? "would be kept in rejects" : "kept in rejects; `owl rejects --file \(report.file.path)` lists them"
        var lines = ["\(report.file.path): skipped \(report.invalidRows) invalid rows (\(kept)):"]
        lines += report.problems.prefix(shown).map { "  \($0)" }
        if report.problemCount > shown { lines.append("  … and \(report.problemCount - shown) more problems") }
        let byField = report.problemsByField.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        lines.append("  problems by field: " + byField.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    private func summary(of report: FileReport) -> String {
        let verb = dryRun ? "would be " : ""
        let status = report.loaded ? (dryRun ? "checked" : "loaded") : "FAILED"
        let time = String(format: " (%.2f s)", report.seconds)
        guard report.loaded else {
            let problems = report.problemCount > 0 ? ", \(report.rows) rows read, \(report.problemCount) problems" : ""
            return "\(report.file.path) → \(report.file.describedEntity): FAILED\(problems)\(time)"
        }
        var lines = report.entities.map { c in
            "\(report.file.path) → \(c.entity.rawValue): \(status), \(c.read) read, \(c.inserted) \(verb)inserted, "
                + "\(c.updated) \(verb)updated, \(c.unchanged) unchanged, \(c.skipped) skipped"
        }
        if lines.isEmpty {
            lines = ["\(report.file.path) → \(report.file.describedEntity): \(status), 0 read, 0 \(verb)inserted, 0 \(verb)updated, 0 unchanged, 0 skipped"]
        }
        lines[lines.count - 1] += time
        return (lines + report.notes.map { "  note: \($0)" }).joined(separator: "\n")
    }
}

extension Entity: ExpressibleByArgument {}
extension SourceFormat: ExpressibleByArgument {}

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
        let name = Paths.name(of: progress.file.path)
        FileHandle.standardError.write(Data(String(format: "\r%@ %@ %3.0f%%  %d rows  %.0f rows/s ", name, bar, fraction * 100, progress.rows, rate).utf8))
        visible = true
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }
}
