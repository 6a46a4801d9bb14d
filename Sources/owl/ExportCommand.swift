import ArgumentParser
import Foundation
import Warehouse

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a table or an analysis result to a file or standard output.",
        discussion: """
            TARGET is an entity (organizations, organization_aliases, releases, models,
            metrics, observations), all, or a prepared analysis with its parameters.
            Entities are written in the interchange format, so `owl ingest` reads them back
            unchanged; `all` writes one file per entity into the --output folder (there
            --from and --to narrow the observations only, so every model they refer to is
            written too). Files are written to a temporary file and renamed into place when
            complete; an existing file is kept unless --force is given.

            observations --partition-by month, metric or metric,month writes Hive-style
            partitions into the --output folder (metric=ID/month=YYYY-MM/part-0.csv, or
            .jsonl), the partition columns in the folder names only, with _manifest.json
            listing each part's rows and SHA-256 and the schema: the layout DuckDB, Spark
            and Trino read as one table (see docs/SCALE.md).

            Examples:
              owl export models --output models.csv
              owl export observations --organization deepseek --format jsonl
              owl export all --output backup/
              owl export observations --partition-by metric,month --output lake/
              owl export leaderboard --metric hf_likes --by organization --format markdown
              owl export download-share --metric hf_downloads_30d --period month \\
                  --chart --output share.html
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("An entity, all, or an analysis name.", valueName: "target"), completion: Completions.exportTargets)
    var target: String

    @Option(help: ArgumentHelp("Only this organization's rows (entities).", valueName: "id"))
    var organization: String?

    @Option(help: ArgumentHelp("Only rows of organizations in this country (entities).", valueName: "code"))
    var country: String?

    @Option(help: ArgumentHelp("Only rows dated on or after this day (releases, models, observations).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Only rows dated on or before this day (releases, models, observations).", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("With observations: write Hive-style partitions into the --output folder (month, metric or metric,month).",
                               valueName: "columns"), completion: .list(Partitioning.allCases.map(\.rawValue)))
    var partitionBy: Partitioning?

    @Flag(help: "With an analysis: draw its main column as a chart (in --format html, or as --format svg).")
    var chart = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("An analysis's parameters, e.g. --metric hf_likes.", valueName: "--parameter value"),
              completion: Completions.analysisParameters)
    var analysisArguments: [String] = []

    /// What the command line asks for, checked in full before the database is opened.
    private enum Plan {
        case partitioned(folder: String, by: Partitioning, format: OutputFormat)
        case all(folder: String, format: OutputFormat)
        case entity(Entity, format: OutputFormat)
        case analysis(Analysis, arguments: [String: String], format: OutputFormat)
    }

    func validate() throws {
        _ = try checkingCommandLine(plan)
    }

    private func plan() throws -> (Plan, ExportFilter) {
        let entity = Entity(rawValue: target)
        let filter = try ExportFilter(organization: organization, country: country, from: from, to: to).checked()
        if let entity { try Exporter.check(entity, filter: filter) }
        if (entity != nil || target == "all"), !analysisArguments.isEmpty {
            throw UsageError("unexpected \(analysisArguments.joined(separator: " ")) for \(target); entities take --organization, --country, --from and --to")
        }
        if let partitionBy {
            guard entity == .observations else { throw UsageError("--partition-by splits observations; \(target) is not partitioned") }
            if chart { throw UsageError("--chart draws an analysis; --partition-by writes observations") }
            guard let folder = outputOptions.file else { throw UsageError("--partition-by needs --output FOLDER") }
            let format = outputOptions.format ?? .csv
            guard format == .csv || format == .jsonl else {
                throw UsageError("--partition-by writes csv or jsonl parts (got --format \(format.rawValue))")
            }
            return (.partitioned(folder: folder, by: partitionBy, format: format), filter)
        }
        if target == "all" {
            guard let folder = outputOptions.output else { throw UsageError("export all needs --output FOLDER") }
            try refuseFileLikeFolder(folder)
            return (.all(folder: folder, format: outputOptions.format ?? .csv), filter)
        }
        let format = try outputOptions.resolvedFormat(fallback: .csv)
        if entity != nil && chart { throw UsageError("--chart draws an analysis; \(target) is an entity") }
        try outputOptions.checkChart(chart, format: format)
        if let entity { return (.entity(entity, format: format), filter) }
        guard let analysis = try? Analysis.named(target) else {
            var message = "\(target) is not something owl exports: give an entity (\(Entity.allCases.map(\.rawValue).joined(separator: ", "))), all, "
                + "or an analysis (\(Analysis.catalog.map(\.name).joined(separator: ", ")))"
            let names = Entity.allCases.map(\.rawValue) + ["all"] + Analysis.catalog.map(\.name)
            if let suggestion = Warehouse.suggestion(for: target, among: names) { message += "; did you mean \(suggestion)?" }
            throw UsageError(message)
        }
        guard organization == nil, country == nil else {
            throw UsageError("--organization and --country filter entities; \(analysis.name) takes \(analysis.synopsis)")
        }
        // --from and --to are analysis parameters when the analysis has them.
        var words = analysisArguments
        if let from { words += ["--from", from] }
        if let to { words += ["--to", to] }
        return (.analysis(analysis, arguments: try analysis.arguments(fromCommandLine: words), format: format), filter)
    }

    func run() throws {
        let (plan, filter) = try plan()
        let warehouse = try database.openWarehouseForReading()
        switch plan {
        case let .partitioned(folder, partitioning, format):
            warn(try filter.warnings(on: warehouse.db))
            let manifest = try Exporter.exportPartitioned(from: warehouse.db, to: folder, by: partitioning, format: format,
                                                          filter: filter, overwrite: outputOptions.force)
            printError("\(folder): \(manifest.rows) rows in \(manifest.parts.count) parts")
        case let .all(folder, format):
            warn(try filter.warnings(on: warehouse.db))
            for written in try Exporter.exportAll(from: warehouse.db, to: folder, format: format, filter: filter, overwrite: outputOptions.force) {
                printError("\(written.path): \(written.rows) rows")
            }
        case let .entity(entity, format):
            outputOptions.noteChartLeftOut(chart, format: format)
            warn(try filter.warnings(on: warehouse.db))
            let rows = try Exporter.export(entity, from: warehouse.db, filter: filter, format: format, to: try outputOptions.sink())
            if let file = outputOptions.file { printError("\(file): \(rows) rows") }
        case let .analysis(analysis, arguments, format):
            outputOptions.noteChartLeftOut(chart, format: format)
            let rows = try runAnalysis(analysis, arguments: arguments, on: warehouse, format: format, output: outputOptions, chart: chart)
            if let file = outputOptions.file { printError("\(file): \(rows) rows") }
        }
    }
}

/// Says on standard error why a result may be empty; the command still succeeds.
func warn(_ warnings: [String]) {
    for warning in warnings { printError("owl: warning: \(warning)") }
}

/// `export all --output all.csv` would make a folder named all.csv: a path with an
/// extension that is not an existing folder is refused; a trailing slash says "a folder".
func refuseFileLikeFolder(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
    guard !path.hasSuffix("/"), !(path as NSString).pathExtension.isEmpty else { return }
    throw UsageError("export all writes one file per entity into a folder, and \(path) looks like a file name; "
        + "give a folder (e.g. --output backup/), or export one entity to a file")
}

extension Partitioning: ExpressibleByArgument {}
