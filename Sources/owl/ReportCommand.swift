import ArgumentParser
import Foundation
import Warehouse

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page of charts drawn from the prepared analyses.",
        discussion: """
            The page works offline: its style and its SVG charts are inline and it makes no
            network request. Each chart has under it the `owl query` command that prints
            its rows, the rows themselves (collapsed), and the observation sources and
            ingest batches behind them. A section whose data is missing says why. The range
            is --from to --to, by default the first to the last date stored.

            Examples:
              owl report --output report.html
              owl report --from 2025-01-01 --to 2025-10-31 --title "Open models in 2025"
              owl report --metric-score aime_2025 --output aime.html
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write (- for standard output).", valueName: "file"))
    var output = "report.html"

    @Flag(help: "Replace the --output file if it exists.")
    var force = false

    @Option(help: ArgumentHelp("First day counted (default: the first date stored).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last day counted (default: the last date stored).", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("The page's title.", valueName: "text"))
    var title: String?

    @Option(name: .customLong("metric-downloads"), help: ArgumentHelp("The window or cumulative metric of the download share and concentration sections.", valueName: "metric"))
    var metricDownloads = "hf_downloads_30d"

    @Option(name: .customLong("metric-likes"), help: ArgumentHelp("The metric of the leaderboard section.", valueName: "metric"))
    var metricLikes = "hf_likes"

    @Option(name: .customLong("metric-score"), help: ArgumentHelp("The score metric of the score-per-parameter section.", valueName: "metric"))
    var metricScore = "gpqa_diamond"

    func validate() throws {
        for (flag, date) in [("--from", from), ("--to", to)] {
            if let date, !Warehouse.isValidDate(date) { throw ValidationError("\(flag) must be a date that exists, written YYYY-MM-DD (got \"\(date)\")") }
        }
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to); the range would be empty") }
    }

    func run() throws {
        var options = Report.Options()
        if let title { options.title = title }
        (options.from, options.to) = (from, to)
        (options.metricDownloads, options.metricLikes, options.metricScore) = (metricDownloads, metricLikes, metricScore)
        options.databasePath = database.path
        let warehouse = try database.openWarehouseForReading()
        let toStandardOutput = output == "-" || output == "/dev/stdout"
        let sink = toStandardOutput ? OutputSink() : try OutputSink(path: output, overwrite: force)
        try Report.write(warehouse, options: options, to: sink)
        if !toStandardOutput { printError("wrote \(output)") }
    }
}
