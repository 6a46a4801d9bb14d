import ArgumentParser
import Foundation
import Warehouse

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a table or an analysis result to a file or standard output.",
        discussion: """
            TARGET is an entity (organizations, releases, models, metrics, observations),
            all, or a prepared analysis with its parameters. Entities are written in the
            interchange format, so `owl ingest` reads them back unchanged; `all` writes
            one file per entity into the --output folder (there --from and --to narrow the
            observations only, so every model they refer to is written too). Files are
            written to a temporary file and renamed into place when complete; an existing
            file is kept unless --force is given.

            Examples:
              owl export models --output models.csv
              owl export observations --organization deepseek --format jsonl
              owl export all --output backup/
              owl export leaderboard --metric hf_likes --by organization --format markdown
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("An entity, all, or an analysis name.", valueName: "target"))
    var target: String

    @Option(help: ArgumentHelp("Only this organization's rows (entities).", valueName: "id"))
    var organization: String?

    @Option(help: ArgumentHelp("Only rows of organizations in this country (entities).", valueName: "code"))
    var country: String?

    @Option(help: ArgumentHelp("Only rows dated on or after this day (releases, models, observations).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Only rows dated on or before this day (releases, models, observations).", valueName: "date"))
    var to: String?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("An analysis's parameters, e.g. --metric hf_likes.", valueName: "--parameter value"))
    var analysisArguments: [String] = []

    func run() throws {
        let format = outputOptions.resolvedFormat(fallback: .csv)
        let filter = ExportFilter(organization: organization, country: country, from: from, to: to)
        try reportingErrors {
            let entity = Entity(rawValue: target)
            if (entity != nil || target == "all"), !analysisArguments.isEmpty {
                throw WarehouseError("unexpected \(analysisArguments.joined(separator: " ")) for \(target); entities take --organization, --country, --from and --to")
            }
            if target == "all" {
                guard let folder = outputOptions.output else { throw WarehouseError("export all needs --output FOLDER") }
                let warehouse = try database.openWarehouseForReading()
                let format = outputOptions.format.flatMap(OutputFormat.init(rawValue:)) ?? .csv
                for written in try Exporter.exportAll(from: warehouse.db, to: folder, format: format, filter: filter, overwrite: outputOptions.force) {
                    printError("\(written.path): \(written.rows) rows")
                }
            } else if let entity {
                let warehouse = try database.openWarehouseForReading()
                let rows = try Exporter.export(entity, from: warehouse.db, filter: filter, format: format, to: try outputOptions.sink())
                if let file = outputOptions.file { printError("\(file): \(rows) rows") }
            } else {
                guard let analysis = try? Analysis.named(target) else {
                    var message = "\(target) is not something owl exports: give an entity (\(Entity.allCases.map(\.rawValue).joined(separator: ", "))), all, "
                        + "or an analysis (\(Analysis.catalog.map(\.name).joined(separator: ", ")))"
                    let names = Entity.allCases.map(\.rawValue) + ["all"] + Analysis.catalog.map(\.name)
                    if let suggestion = Warehouse.suggestion(for: target, among: names) { message += "; did you mean \(suggestion)?" }
                    throw WarehouseError(message)
                }
                guard organization == nil, country == nil else {
                    throw WarehouseError("--organization and --country filter entities; \(analysis.name) takes \(analysis.parameters.map(\.synopsis).joined(separator: " "))")
                }
                // --from and --to are analysis parameters when the analysis has them.
                var words = analysisArguments
                if let from { words += ["--from", from] }
                if let to { words += ["--to", to] }
                let arguments = try analysis.arguments(from: words)
                let warehouse = try database.openWarehouseForReading()
                let statement = try analysis.prepare(on: warehouse.db, arguments: arguments)
                let rows = try ResultWriter.write(statement, columns: analysis.outputColumns(for: arguments), format: format, to: try outputOptions.sink())
                if let file = outputOptions.file { printError("\(file): \(rows) rows") }
            }
        }
    }
}
