import SQLiteDB

/// Which column of a result `--chart` draws, what labels its rows, and the SVG it makes:
/// one rule for the terminal, HTML and SVG.
enum ResultChart {
    /// A column that holds numbers (and NULLs) only, with at least one number.
    static func isNumeric(_ column: Int, in rows: [[SQLValue]]) -> Bool {
        var sawNumber = false
        for row in rows {
            switch row[column] {
            case .integer, .real: sawNumber = true
            case .null: continue
            default: return false
            }
        }
        return sawNumber
    }

    /// The first numeric column after the first label (text) column, else the first numeric
    /// one: `SELECT country, count(*) n, avg(…) l` draws n.
    static func defaultColumn(_ columns: [String], _ rows: [[SQLValue]]) -> Int? {
        let numeric = columns.indices.filter { isNumeric($0, in: rows) }
        guard let firstLabel = columns.indices.first(where: { !numeric.contains($0) }) else { return numeric.first }
        return numeric.first { $0 > firstLabel } ?? numeric.first
    }

    /// The columns that name a row: every column that is not numeric, except the charted one.
    static func labelColumns(_ columns: [String], _ rows: [[SQLValue]], value: Int) -> [Int] {
        columns.indices.filter { $0 != value && !isNumeric($0, in: rows) }
    }

    static func label(_ row: [SQLValue], _ labels: [Int], position: Int) -> String {
        labels.isEmpty ? "row \(position + 1)" : labels.map { RowFormatter.text(row[$0]) }.joined(separator: " · ")
    }

    /// A line per group over the periods when the rows are (period, group, …); else a bar per row.
    static func svg(columns: [String], rows: [[SQLValue]], value: Int, title: String) -> SVGChart {
        let labels = labelColumns(columns, rows, value: value)
        let names = labels.map { columns[$0] }
        if names.count == 2, names[0] == "period",
           let chart = Report.lines(columns, rows, category: "period", series: names[1], value: columns[value],
                                    title: title, xTitle: "period", yTitle: columns[value]) {
            return chart
        }
        var chart = SVGChart(kind: .bar, title: title, xTitle: columns[value], yTitle: "")
        chart.categories = rows.enumerated().map { label($1, labels, position: $0) }
        chart.series = [.init(name: columns[value], values: rows.map { $0[value].doubleValue })]
        return chart
    }
}
