import ArgumentParser
import Foundation
import Warehouse

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the stored metrics and the analyses that take each.",
        discussion: """
            A metric's kind decides which analyses take it: download-share and
            concentration sum window metrics (e.g. hf_downloads_30d), leaderboard and
            efficiency rank cumulative metrics and scores (e.g. hf_likes, gpqa_diamond).
            The models column counts the models with a value.

            Examples:
              owl metrics
              owl metrics --format csv
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        try outputOptions.checkFormat()
    }

    func run() throws {
        let terminal = isatty(STDOUT_FILENO) != 0 && outputOptions.file == nil
        let format = try outputOptions.resolvedFormat(fallback: terminal ? .table : .csv)
        let warehouse = try database.openWarehouse()
        let rows = try ResultWriter.write(try MetricCatalog.query(in: warehouse), format: format, to: try outputOptions.sink())
        if rows == 0 { printError("owl: no metrics stored; load some with owl ingest (Seeds/metrics.csv defines the common ones)") }
    }
}
