import ArgumentParser
import Foundation
import Warehouse

struct Analyses: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the prepared analyses, or show one in full.",
        discussion: """
            With a database (--db, $OWL_DB, or owl.sqlite here when it exists), each
            analysis that takes a metric lists the stored metrics it can take; `owl
            metrics` lists them all.

            Examples:
              owl analyses
              owl analyses download-share --db research.sqlite
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "An analysis to describe: its parameters and output columns.", completion: Completions.analyses)
    var name: String?

    func validate() throws {
        if let name { _ = try checkingCommandLine { try Analysis.named(name) } }
    }

    /// The stored metrics each metric parameter can take, when there is a database to ask;
    /// a --db or $OWL_DB that names no database is an error, a missing owl.sqlite is not.
    func metricChoices() throws -> ((Analysis.Parameter) -> [String])? {
        let explicit = database.db != nil || !(ProcessInfo.processInfo.environment["OWL_DB"] ?? "").isEmpty
        guard explicit || FileManager.default.fileExists(atPath: database.path) else { return nil }
        let warehouse = try database.openWarehouse()
        return { parameter in
            (try? MetricCatalog.ids(in: warehouse, kinds: parameter.metricKinds ?? Entity.metricKinds)) ?? []
        }
    }

    func run() throws {
        let metrics = try metricChoices()
        func metricLines(_ analysis: Analysis, indent: String) -> [String] {
            guard let metrics else { return [] }
            return analysis.parameters.filter { $0.type == .metric }.map { parameter in
                let ids = metrics(parameter)
                return indent + "--\(parameter.name): " + (ids.isEmpty ? "no stored metric of kind \((parameter.metricKinds ?? []).joined(separator: " or "))" : ids.joined(separator: ", "))
            }
        }
        guard let name else {
            let width = Analysis.catalog.map(\.name.count).max() ?? 0
            for analysis in Analysis.catalog {
                print("\(analysis.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(analysis.title)")
                print(String(repeating: " ", count: width + 2) + analysis.synopsis)
                for line in metricLines(analysis, indent: String(repeating: " ", count: width + 4)) { print(line) }
            }
            print("\nRun one with `owl query NAME --PARAMETER VALUE …` (e.g. --metric hf_likes); `owl analyses NAME` explains it.")
            return
        }
        let analysis = try Analysis.named(name)
        print("\(analysis.name): \(analysis.title)\n")
        print(wrap(analysis.description, indent: ""))
        print("\nParameters:")
        for parameter in analysis.parameters {
            var line = "  \(parameter.synopsis)\n      \(parameter.help)"
            if let value = parameter.default, value != "today", !parameter.help.contains("default") { line += " (default \(value))" }
            print(line)
        }
        let stored = metricLines(analysis, indent: "  ")
        if !stored.isEmpty { print("\nMetrics stored in \(database.path):\n" + stored.joined(separator: "\n")) }
        print("\nColumns:")
        let width = analysis.columns.map(\.name.count).max() ?? 0
        for column in analysis.columns {
            print("  \(column.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(column.description)")
        }
        let example = analysis.parameters.filter(\.isRequired).map { parameter in
            "--\(parameter.name) " + (parameter.type == .metric ? metrics?(parameter).first ?? "METRIC" : "VALUE")
        }
        print("\nExample:\n  owl query \(analysis.name) \(example.joined(separator: " "))")
    }

    private func wrap(_ text: String, indent: String, width: Int = 88) -> String {
        var lines: [String] = [], line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width && line != indent {
                lines.append(line)
                line = indent
            }
            line += (line == indent ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}

/// Output options shared by query and export.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The output format (default: from the --output extension, else table on a terminal and csv otherwise).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output (- is standard output).", valueName: "file"))
    var output: String?

    /// The file to write, nil for standard output (no --output, `-` or /dev/stdout).
    var file: String? { output == "-" || output == "/dev/stdout" ? nil : output }

    @Flag(help: "Replace the --output file if it exists.")
    var force = false

    /// The format asked for, else the one the --output extension names (csv when it has
    /// none), else `fallback`. An extension owl does not write is refused, not written as CSV.
    func resolvedFormat(fallback: OutputFormat) throws -> OutputFormat {
        if let format { return format }
        guard let file else { return fallback }
        if let chosen = OutputFormat.forFileName(file) { return chosen }
        let ext = (file as NSString).pathExtension
        guard ext.isEmpty else {
            throw UsageError("owl does not write .\(ext) files; the formats are \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")) "
                + "(extensions .csv, .tsv, .json, .jsonl, .md, .txt, .html, .svg), or give --format")
        }
        return .csv
    }

    /// For `validate()`: refuses an --output extension owl does not write.
    func checkFormat() throws {
        _ = try checkingCommandLine { try resolvedFormat(fallback: .csv) }
    }

    func sink() throws -> OutputSink {
        guard let file else { return OutputSink() }
        return try OutputSink(path: file, overwrite: force)
    }

    /// Whether standard output is a terminal: a table and a pager there, csv elsewhere.
    var toTerminal: Bool { isatty(STDOUT_FILENO) != 0 && file == nil }

    /// Checks that `--chart` has somewhere to go: svg needs it.
    func checkChart(_ chart: Bool, format: OutputFormat) throws {
        if format == .svg && !chart { throw UsageError("--format svg writes a chart alone: give --chart") }
    }

    /// Says on standard error that a format without charts leaves `--chart` out.
    func noteChartLeftOut(_ chart: Bool, format: OutputFormat) {
        guard chart, !format.carriesChart else { return }
        let why = self.format == nil && file == nil && !toTerminal ? " (standard output is not a terminal, so the format is csv)" : ""
        printError("owl: note: \(format.rawValue) output carries no chart\(why); --chart is drawn under a table, in html or as svg (--format)")
    }
}

extension OutputFormat: ExpressibleByArgument {}

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a prepared analysis, or one read-only SQL statement.",
        discussion: """
            A prepared analysis takes its own parameters as options, --NAME VALUE (see `owl
            analyses NAME`), e.g. --metric hf_likes; its SQL runs as a prepared statement
            with the values bound, never pasted in. --sql runs one read-only statement on a
            read-only connection: statements that write, ATTACH, and pragmas that set a
            value are refused. Named parameters (:name) take --param name=value.

            Examples:
              owl query download-share --metric hf_downloads_30d --from 2025-01-01
              owl query leaderboard --metric hf_likes --by organization --chart
              owl query timeline --period year --by openness --format markdown
              owl query --sql "SELECT country, count(*) FROM organizations GROUP BY 1"
              owl query --sql "SELECT * FROM models WHERE organization = :o" --param o=meta
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("The analysis to run (see owl analyses).", valueName: "name"), completion: Completions.analyses)
    var name: String?

    // Unconditional: SQL may begin with "-- a comment", which would otherwise read as an option.
    @Option(parsing: .unconditional, help: ArgumentHelp("Run this one read-only SQL statement instead of an analysis.", valueName: "sql"))
    var sql: String?

    @Option(help: ArgumentHelp("A value for a named SQL parameter, with --sql.", valueName: "name=value"))
    var param: [String] = []

    @Flag(help: ArgumentHelp("Draw a chart of the analysis's main column (under a table, in --format html, or as --format svg); with --sql, `--chart COLUMN` names the column, else the first numeric one after the labels."))
    var chart = false

    @Flag(help: "On a terminal, keep long cells whole instead of fitting the table to its width.")
    var wide = false

    @Flag(name: .customLong("no-pager"), help: "Do not send long output on a terminal through $PAGER (default less -FRX).")
    var noPager = false

    @Option(help: ArgumentHelp("Stop the query after this many seconds; 0 for no limit (default: 60 with --sql, none for an analysis).", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("memory-limit"), help: ArgumentHelp("With --sql: the memory the query may use, in MiB; sorts and temporary results are held in memory (default: 1024).", valueName: "MiB"))
    var memoryLimit: Int64?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The analysis's parameters, e.g. --metric hf_likes.", valueName: "--parameter value"),
              completion: Completions.analysisParameters)
    var analysisArguments: [String] = []

    func validate() throws {
        if sql == nil && name == nil { throw ValidationError("name an analysis (see owl analyses) or give --sql") }
        if let timeout, !(timeout >= 0 && timeout <= 1e9) { throw ValidationError("--timeout takes a number of seconds, 0 for no limit (got \(timeout))") }
        if let memoryLimit, memoryLimit < 1 || memoryLimit > 1 << 30 { throw ValidationError("--memory-limit takes a number of MiB from 1 (got \(memoryLimit))") }
        if memoryLimit != nil && sql == nil { throw ValidationError("--memory-limit bounds --sql; prepared analyses run unbounded") }
        if sql != nil && name != nil && !chart { throw ValidationError("give an analysis name or --sql, not both") }
        if sql == nil && !param.isEmpty {
            // --param binds :name in --sql; an analysis takes its parameters as options.
            let options = param.map { pair in pair.split(separator: "=", maxSplits: 1).map(String.init) }
                .map { $0.count == 2 ? "--\($0[0]) \($0[1])" : "--\($0[0]) VALUE" }
            throw ValidationError("--param is for the :name parameters of --sql; an analysis takes its parameters as options: \(options.joined(separator: " "))")
        }
        if sql != nil && !analysisArguments.isEmpty {
            throw ValidationError("unexpected \(analysisArguments.joined(separator: " ")); with --sql, bind values with --param name=value")
        }
        _ = try checkingCommandLine(plan)
        _ = try checkingCommandLine(sqlParameters)
    }

    /// The --param name=value pairs.
    private func sqlParameters() throws -> [(name: String, value: String)] {
        try param.map { pair in
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw UsageError("--param takes name=value (got \"\(pair)\")")
            }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
    }

    /// What the command line asks for, checked without the database: the format, and the
    /// analysis with its arguments (nil with --sql).
    private func plan() throws -> (format: OutputFormat, analysis: (Analysis, [String: String])?) {
        let format = try outputOptions.resolvedFormat(fallback: outputOptions.toTerminal ? .table : .csv)
        try outputOptions.checkChart(chart, format: format)
        guard sql == nil, let name else { return (format, nil) }
        let analysis = try Analysis.named(name)
        return (format, (analysis, try analysis.arguments(fromCommandLine: analysisArguments)))
    }

    func run() throws {
        let terminal = outputOptions.toTerminal
        let (format, analysis) = try plan()
        outputOptions.noteChartLeftOut(chart, format: format)
        // With --sql, a word after --chart names the column to draw.
        let sqlChart = chart ? (name ?? "*") : nil
        let width = terminal && format == .table && !wide ? Terminal.width() : nil
        let pager = terminal && !noPager ? Pager.start() : nil
        defer { pager?.finish() }
        // 0 means no limit.
        let seconds = (timeout ?? (sql != nil ? AdHocQuery.defaultTimeoutSeconds : 0)).nonZero
        guard let (analysis, arguments) = analysis else {
            let mebibytes = memoryLimit ?? AdHocQuery.defaultMemoryLimitMiB
            AdHocQuery.limitMemory(mebibytes: mebibytes)
            let db = try Warehouse.openReadOnly(path: database.path)
            let statement = try AdHocQuery.prepare(sql!, parameters: try sqlParameters(), on: db)
            db.interrupt(after: seconds)
            try AdHocQuery.explainingLimits(timeout: seconds, memoryLimitMiB: mebibytes) {
                try ResultWriter.write(statement, format: format, to: try outputOptions.sink(), chart: sqlChart, title: "owl query --sql", maximumWidth: width)
            }
            return
        }
        try runAnalysis(analysis, arguments: arguments, on: try database.openWarehouseForReading(), format: format, output: outputOptions,
                        chart: chart, maximumWidth: width, timeout: seconds)
    }
}

/// Runs an analysis into the output the options name and says its notes on standard error:
/// the one way query and export run one. Returns the rows written.
@discardableResult
func runAnalysis(_ analysis: Analysis, arguments: [String: String], on warehouse: Warehouse, format: OutputFormat, output: OutputOptions,
                 chart: Bool, maximumWidth: Int? = nil, timeout seconds: Double? = nil) throws -> Int {
    warehouse.db.interrupt(after: seconds)
    let (rows, notes) = try AdHocQuery.explainingLimits(timeout: seconds, memoryLimitMiB: nil) {
        try analysis.run(on: warehouse.db, arguments: arguments, format: format, to: try output.sink(), chart: chart, maximumWidth: maximumWidth)
    }
    notes.forEach(printError)
    return rows
}

private extension Double {
    /// nil for 0: "no limit".
    var nonZero: Double? { self == 0 ? nil : self }
}
