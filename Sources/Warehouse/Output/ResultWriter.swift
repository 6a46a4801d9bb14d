import SQLiteDB

/// Streams a prepared statement's rows through a formatter, optionally keeping only some columns.
public enum ResultWriter {
    /// Returns the number of rows written. `chart` names the column to chart, or is "*" for
    /// the first numeric one after the labels; `observe` sees each row as it is written.
    /// `maximumWidth` fits a table to a terminal; `title` heads an HTML page or SVG chart.
    @discardableResult
    public static func write(_ statement: Statement, columns wanted: [String]? = nil, format: OutputFormat,
                             to sink: OutputSink, chart: String? = nil, title: String? = nil, maximumWidth: Int? = nil,
                             observe: ((Statement) -> Void)? = nil) throws -> Int {
        let names = statement.columnNames
        let indices = try columnIndices(of: statement, wanted: wanted)
        let shown = indices.map { names[Int($0)] }
        if let chart, chart != "*", !shown.contains(chart) {
            throw ChartError.noColumn(chart, columns: shown)
        }
        let formatter = RowFormatter(format: format, columns: shown, sink: sink, title: title)
        formatter.maximumWidth = maximumWidth
        if let chart { formatter.chartColumn = chart == "*" ? -1 : shown.firstIndex(of: chart) }
        var rows = 0
        while try statement.step() {
            formatter.writeCurrentRow(of: statement, columns: indices)
            observe?(statement)
            try sink.checkWritten()
            rows += 1
        }
        statement.reset()
        try formatter.finish()
        return rows
    }

    /// Reads every row into memory, for a caller that draws them (`owl report`).
    public static func collect(_ statement: Statement, columns wanted: [String]? = nil,
                               observe: ((Statement) -> Void)? = nil) throws -> (columns: [String], rows: [[SQLValue]]) {
        let indices = try columnIndices(of: statement, wanted: wanted)
        var rows: [[SQLValue]] = []
        while try statement.step() {
            rows.append(indices.map(statement.value(at:)))
            observe?(statement)
        }
        statement.reset()
        return (indices.map { statement.columnNames[Int($0)] }, rows)
    }

    /// The positions of the wanted columns; every column by position when none are chosen:
    /// two columns may share a name (SELECT m.id, k.id …), and each keeps its own values.
    private static func columnIndices(of statement: Statement, wanted: [String]?) throws -> [Int32] {
        let names = statement.columnNames
        return try wanted.map { wanted in
            try wanted.map { name in
                guard let index = names.firstIndex(of: name) else { throw WarehouseError("no column \(name) in the result") }
                return Int32(index)
            }
        } ?? names.indices.map(Int32.init)
    }
}

/// Why a chart asked for cannot be drawn, with the values; the CLI words it with --chart and --format.
public enum ChartError: Error {
    /// The column to draw is not in the result.
    case noColumn(String, columns: [String])
    /// An SVG chart was asked for, and no column of the result is numeric.
    case nothingToDraw(rows: Int)
}
