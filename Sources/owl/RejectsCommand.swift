import ArgumentParser
import Foundation
import Warehouse

struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "List the rows that --skip-invalid kept aside, with their reasons.",
        discussion: """
            `owl ingest --skip-invalid` loads a file's valid rows and keeps each invalid
            one in the rejects table: file, line, field, value and reason. Loading the same
            path again replaces its rejects. `owl status` lists the batches.

            Examples:
              owl rejects
              owl rejects --file notable-ai-models.csv --format csv
              owl rejects --batch 12
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(help: ArgumentHelp("Only the rejects of this ingest batch (see owl status).", valueName: "id"))
    var batch: Int64?

    @Option(help: ArgumentHelp("Only the rejects of this file path, as it was given to owl ingest.", valueName: "path"))
    var file: String?

    func validate() throws {
        try outputOptions.checkFormat()
    }

    func run() throws {
        let terminal = isatty(STDOUT_FILENO) != 0 && outputOptions.file == nil
        let format = try outputOptions.resolvedFormat(fallback: terminal ? .table : .csv)
        let warehouse = try database.openWarehouse()
        let statement = try Rejects.query(in: warehouse, batch: batch, file: file)
        let rows = try ResultWriter.write(statement, format: format, to: try outputOptions.sink())
        if rows == 0 { printError("owl: no rejects\(batch.map { " in batch \($0)" } ?? "")\(file.map { " of \($0)" } ?? "")") }
    }
}
