import Foundation
import SQLiteDB

/// A prepared analysis: SQL plus what it means. Each lives as NAME.sql and NAME.json in
/// Sources/Warehouse/Analyses/ and is embedded in the binary at build time.
public struct Analysis: Decodable, Sendable {
    public struct Parameter: Decodable, Sendable {
        public enum Kind: String, Decodable, Sendable { case date, integer, choice, metric, flag }
        public let name: String
        public let type: Kind
        public let help: String
        public var required: Bool? = false
        /// A literal default, or "today" for a date.
        public var `default`: String?
        public var choices: [String]?
        /// For a choice: several may be given, separated by commas (`--relation finetune,merge`).
        public var multiple: Bool?
        /// For a metric: the metric kinds the analysis accepts.
        public var metricKinds: [String]?
        public var minimum: Int?

        /// The SQL parameter it binds: `released-from` → `:released_from`.
        var sqlName: String { ":" + name.replacingOccurrences(of: "-", with: "_") }

        public var isRequired: Bool { required ?? false }
    }

    public struct Column: Decodable, Sendable {
        public let name: String
        public let description: String
    }

    /// The columns shown for given parameter values, when they differ (leaderboard --by).
    public struct Output: Decodable, Sendable {
        /// Parameter values; null means the parameter is not given.
        public let when: [String: String?]
        public let columns: [String]
    }

    public let name: String
    public let title: String
    public let description: String
    public let parameters: [Parameter]
    public let columns: [Column]
    public let outputs: [Output]?
    /// The column `--chart` draws.
    public let chart: String?
    /// A statement (an `_name.sql` fragment) whose rows, one `note` each, say what the
    /// result leaves out; run with the analysis's parameters.
    let notes: String?
    /// The analysis's SQL, its includes expanded (when it is run, not for the whole catalog
    /// in every process).
    public var sql: String { Self.expand(Self.sqlFiles[name] ?? "") }
    var notesSQL: String? { notes.map { Self.expand(Self.sqlFiles[$0] ?? "") } }

    enum CodingKeys: String, CodingKey { case name, title, description, parameters, columns, outputs, chart, notes }

    /// The SQL files embedded in this binary, by name without `.sql`: analyses and the
    /// fragments they include.
    static let sqlFiles: [String: String] = Dictionary(uniqueKeysWithValues: EmbeddedFiles.analyses
        .filter { $0.name.hasSuffix(".sql") }
        .map { (($0.name as NSString).deletingPathExtension, $0.text) })

    /// Every analysis embedded in this binary, by name.
    public static let catalog: [Analysis] = EmbeddedFiles.analyses.filter { $0.name.hasSuffix(".json") }.map { file in
        let stem = (file.name as NSString).deletingPathExtension
        do {
            let analysis = try JSONDecoder().decode(Analysis.self, from: Data(file.text.utf8))
            guard sqlFiles[stem] != nil, analysis.name == stem else { fatalError("analysis \(stem): missing \(stem).sql or mismatched name") }
            if let notes = analysis.notes, sqlFiles[notes] == nil { fatalError("analysis \(stem): no \(notes).sql for its notes") }
            return analysis
        } catch {
            fatalError("analysis \(stem).json is malformed: \(error)")
        }
    }.sorted { $0.name < $1.name }

    /// A line `-- @include NAME [KEY=VALUE…]` takes the text of NAME.sql, with each {KEY}
    /// replaced by VALUE: SQL that analyses share, or one fragment used twice.
    static func expand(_ sql: String) -> String {
        let marker = "-- @include "
        let start: String.Index
        if sql.hasPrefix(marker) {
            start = sql.startIndex
        } else if let found = sql.range(of: "\n" + marker) {
            start = sql.index(after: found.lowerBound)
        } else {
            return sql
        }
        let lineEnd = sql[start...].firstIndex(of: "\n") ?? sql.endIndex
        let words = sql[start..<lineEnd].dropFirst(marker.count).split(separator: " ")
        var included = String(sql[start..<lineEnd])
        if let name = words.first, var part = sqlFiles[String(name)] {
            for word in words.dropFirst() {
                guard let equals = word.firstIndex(of: "=") else { continue }
                part = part.replacingOccurrences(of: "{\(word[..<equals])}", with: String(word[word.index(after: equals)...]))
            }
            // Fragments may include fragments.
            let first = part.firstIndex { !$0.isWhitespace } ?? part.endIndex
            let last = part.lastIndex { !$0.isWhitespace }.map(part.index(after:)) ?? first
            included = expand(String(part[first..<max(first, last)]))
        }
        return String(sql[..<start]) + included + expand(String(sql[lineEnd...]))
    }

    /// The analysis called `name`.
    public static func named(_ name: String) throws -> Analysis {
        if let analysis = catalog.first(where: { $0.name == name }) { return analysis }
        throw AnalysisArgumentError.unknownAnalysis(name, suggestion: closest(to: name, in: catalog.map(\.name)))
    }

    /// The parameter called `name`, else nil.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// Checks every value that needs no database (metrics are checked in `prepare`): each
    /// names a parameter, dates exist, integers reach their minimum, choices are among
    /// the choices, required parameters are given, from is not after to. Returns them.
    public func checked(_ values: [String: String]) throws -> [String: String] {
        for key in values.keys.sorted() where parameter(named: key) == nil {
            throw AnalysisArgumentError.unknownParameter(key, analysis: self, suggestion: closest(to: key, in: parameters.map(\.name)))
        }
        for parameter in parameters {
            if let raw = values[parameter.name] {
                _ = try value(of: parameter, raw)
            } else if parameter.isRequired {
                throw AnalysisArgumentError.missing(parameter, analysis: name)
            }
        }
        if let from = values["from"], let to = values["to"], from > to {
            throw AnalysisArgumentError.emptyRange(from: from, to: to)
        }
        return values
    }

    /// A date, integer or choice parameter's value, checked; a metric stays its id here.
    func value(of parameter: Parameter, _ raw: String) throws -> SQLValue {
        switch parameter.type {
        case .date:
            guard DateText.isValid(raw) else { throw AnalysisArgumentError.invalidDate(parameter, got: raw) }
            return .text(raw)
        case .integer:
            guard let number = Int64(raw), number >= Int64(parameter.minimum ?? Int.min) else {
                throw AnalysisArgumentError.notAWholeNumber(parameter, got: raw)
            }
            return .integer(number)
        case .choice:
            let choices = parameter.choices ?? []
            let given = parameter.multiple == true ? raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [raw]
            for item in given where !choices.contains(item) {
                throw AnalysisArgumentError.notAChoice(parameter, got: item, suggestion: closest(to: item, in: choices))
            }
            return .text(raw)
        case .metric:
            return .text(raw)
        case .flag:
            return .integer(1)
        }
    }

    /// The output columns for these arguments; nil means every column of the SQL.
    public func outputColumns(for arguments: [String: String]) -> [String]? {
        outputs?.first { output in
            output.when.allSatisfy { key, value in
                (arguments[key] ?? parameters.first { $0.name == key }?.default) == value
            }
        }?.columns
    }

    /// Prepares the analysis on `db` with its parameters checked and bound.
    public func prepare(on db: Database, arguments: [String: String], today: String = Analysis.today()) throws -> Statement {
        try prepare(sql, on: db, arguments: arguments, today: today)
    }

    private func prepare(_ sql: String, on db: Database, arguments: [String: String], today: String) throws -> Statement {
        try PartialCredit.define(on: db)
        let statement = try db.prepare(sql)
        for parameter in parameters {
            let raw = arguments[parameter.name] ?? (parameter.default == "today" ? today : parameter.default)
            guard let raw else {
                if parameter.isRequired { throw AnalysisArgumentError.missing(parameter, analysis: name) }
                try bindIfUsed(statement, parameter.sqlName, .null)
                continue
            }
            switch parameter.type {
            case .date, .integer, .choice:
                try bindIfUsed(statement, parameter.sqlName, try value(of: parameter, raw))
            case .metric:
                let metric = try Self.metric(raw, accepting: parameter.metricKinds ?? Entity.metricKinds, for: name, on: db)
                try bindIfUsed(statement, parameter.sqlName, .text(raw))
                try bindIfUsed(statement, parameter.sqlName + "_key", .integer(metric.key))
                try bindIfUsed(statement, parameter.sqlName + "_kind", .text(metric.kind))
                try bindIfUsed(statement, parameter.sqlName + "_sign", .integer(metric.higherIsBetter ? 1 : -1))
                try bindIfUsed(statement, parameter.sqlName + "_window", metric.windowDays.map { .integer($0) } ?? .null)
            case .flag:
                try bindIfUsed(statement, parameter.sqlName, .integer(1))
            }
        }
        return statement
    }

    /// Runs the analysis into `sink`: the one way query and export run an analysis. Returns
    /// the rows written and what the result leaves out or should be read with (for
    /// standard error): the analysis's notes, the lowest coverage below 95%, filled gaps.
    public func run(on db: Database, arguments: [String: String], format: OutputFormat, to sink: OutputSink,
                    chart: Bool = false, maximumWidth: Int? = nil, today: String = Analysis.today()) throws -> (rows: Int, notes: [String]) {
        try execute(on: db, arguments: arguments, today: today) { statement, observe in
            try ResultWriter.write(statement, columns: outputColumns(for: arguments), format: format, to: sink,
                                   chart: chart ? self.chart ?? "*" : nil, title: title, maximumWidth: maximumWidth, observe: observe)
        }
    }

    /// Runs the analysis and returns its rows in memory, with the same notes as `run`: for
    /// `owl report`, which draws them.
    public func rows(on db: Database, arguments: [String: String], today: String = Analysis.today())
        throws -> (columns: [String], rows: [[SQLValue]], notes: [String]) {
        var result: (columns: [String], rows: [[SQLValue]]) = ([], [])
        let (_, notes) = try execute(on: db, arguments: arguments, today: today) { statement, observe in
            result = try ResultWriter.collect(statement, columns: outputColumns(for: arguments), observe: observe)
            return result.rows.count
        }
        return (result.columns, result.rows, notes)
    }

    /// Prepares the statement, lets `body` read it (seeing each row through `observe`), and
    /// works out the notes.
    private func execute(on db: Database, arguments: [String: String], today: String,
                         _ body: (Statement, @escaping (Statement) -> Void) throws -> Int) throws -> (rows: Int, notes: [String]) {
        let statement = try prepare(on: db, arguments: arguments, today: today)
        let coverage = statement.columnNames.firstIndex(of: "coverage_pct").map(Int32.init)
        let group = statement.columnNames.firstIndex(of: "group").map(Int32.init)
        let period = statement.columnNames.firstIndex(of: "period").map(Int32.init)
        var lowest: (pct: Double, where: String)?
        let rows = try body(statement) { row in
            guard let coverage, !row.isNull(at: coverage), case let pct = row.double(at: coverage),
                  pct < lowest?.pct ?? 95 else { return }
            let label = [group.flatMap { row.string(at: $0) }, period.flatMap { row.string(at: $0) }].compactMap { $0 }
                .filter { $0 != "all" }.joined(separator: " in ")
            lowest = (pct, label)
        }
        var notes: [String] = []
        if let notesSQL {
            let statement = try prepare(notesSQL, on: db, arguments: arguments, today: today)
            while try statement.step() { notes.append(statement.string(at: 0) ?? "") }
        }
        if let lowest {
            let metric = arguments["metric"] ?? ""
            var command = "owl query coverage --metric \(metric)"
            if let from = arguments["from"] { command += " --from \(from)" }
            if let to = arguments["to"] { command += " --to \(to)" }
            if let by = arguments["by"], by != "kind" { command += " --by \(by)" }
            notes.append("coverage is below 95%: lowest \(lowest.where.isEmpty ? "" : lowest.where + " ")at "
                + String(format: "%.2f%%", lowest.pct) + "; `\(command)` lists the gaps")
        }
        if arguments["fill-gaps"] != nil {
            notes.append("gaps filled (--fill-gaps): each model's uncovered days are credited at its mean daily rate over its covered days in the range")
        }
        return (rows, notes)
    }

    private func bindIfUsed(_ statement: Statement, _ name: String, _ value: SQLValue) throws {
        if let index = try? statement.parameterIndex(named: name) { try statement.bind(value, at: index) }
    }

    static func metric(_ id: String, accepting kinds: [String], for analysis: String, on db: Database)
        throws -> (key: Int64, kind: String, higherIsBetter: Bool, windowDays: Int64?) {
        let fitting = try db.rows("SELECT id FROM metrics WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY id",
                                  [String(decoding: try JSONEncoder().encode(kinds), as: UTF8.self)]).compactMap { $0.first?.textValue }
        let kindsText = kinds.joined(separator: " or ")
        guard let row = try db.rows("SELECT key, kind, higher_is_better, window_days FROM metrics WHERE id = ?", [id]).first,
              case .integer(let key) = row[0], case .text(let kind) = row[1] else {
            throw WarehouseError("no metric named \(id); \(analysis) takes a \(kindsText) metric: "
                + (fitting.isEmpty ? "none is loaded yet" : fitting.joined(separator: ", ")))
        }
        guard kinds.contains(kind) else {
            throw WarehouseError("metric \(id) is a \(kind) metric; \(analysis) takes a \(kindsText) metric: "
                + (fitting.isEmpty ? "none is loaded yet" : fitting.joined(separator: ", ")))
        }
        if case .integer(let days) = row[3] { return (key, kind, row[2].integerValue != 0, days) }
        return (key, kind, row[2].integerValue != 0, nil)
    }

    /// Today in UTC, YYYY-MM-DD: what a missing --to or --as-of means.
    public static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date())
    }
}

/// What is wrong with the name or the arguments of an analysis, with the values; the CLI
/// words it with its options (`--metric`), as the parameters are options there.
public enum AnalysisArgumentError: Error {
    /// No analysis has this name; `suggestion` is the closest one.
    case unknownAnalysis(String, suggestion: String?)
    /// The analysis has no parameter of this name.
    case unknownParameter(String, analysis: Analysis, suggestion: String?)
    /// A required parameter is not given.
    case missing(Analysis.Parameter, analysis: String)
    /// A date parameter's value is not a date that exists, written YYYY-MM-DD.
    case invalidDate(Analysis.Parameter, got: String)
    /// An integer parameter's value is not a whole number of at least its minimum.
    case notAWholeNumber(Analysis.Parameter, got: String)
    /// A choice parameter's value (or one of several) is not among its choices.
    case notAChoice(Analysis.Parameter, got: String, suggestion: String?)
    /// The range from `from` to `to` is empty.
    case emptyRange(from: String, to: String)
}
