import Foundation
import SQLiteDB

/// The output formats shared by `owl query` and `owl export`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown, html, svg

    /// Whether `--chart` has somewhere to go: under a table, in a page, or as the SVG itself.
    public var carriesChart: Bool { self == .table || self == .html || self == .svg }

    /// The format a file extension implies (`.csv`, `.md`, …).
    public static func forFileName(_ path: String) -> OutputFormat? {
        switch Paths.pathExtension(of: path).lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        case "md", "markdown": return .markdown
        case "txt": return .table
        case "html", "htm": return .html
        case "svg": return .svg
        default: return nil
        }
    }
}

/// Writes rows of SQL values in one format. CSV, TSV, JSON and JSONL stream row by row;
/// table and markdown lay out their columns from the first `layoutRows` rows, then stream the
/// rest in that layout, so memory stays bounded however long the result.
public final class RowFormatter {
    /// Rows held to work out column widths (and to chart).
    public static let layoutRows = 1000

    let format: OutputFormat
    let columns: [String]
    private let sink: OutputSink
    private var buffered: [[SQLValue]] = []
    /// Column widths and alignment, once the header is written.
    private var layout: (widths: [Int], numeric: [Bool])?
    private var rowCount = 0
    /// Draw a chart of this column (under a table, in an HTML page, or as the SVG); -1 means
    /// the first numeric column after the labels (`ResultChart.defaultColumn`).
    public var chartColumn: Int?
    /// A table on a terminal fits this many columns: long cells are cut with "…".
    public var maximumWidth: Int?
    /// The page's or chart's title (html, svg).
    let title: String

    public init(format: OutputFormat, columns: [String], sink: OutputSink, title: String? = nil) {
        self.format = format
        self.columns = columns
        self.sink = sink
        self.title = title ?? columns.joined(separator: ", ")
        switch format {
        case .csv, .tsv: writeDelimited(columns)
        case .json: sink.write("[")
        case .html: sink.write(HTMLPage.start(title: self.title) + HTMLPage.tableStart(columns))
        default: break
        }
    }

    public func write(_ row: [SQLValue]) {
        defer { rowCount += 1 }
        switch format {
        case .csv, .tsv:
            writeDelimited(row.map(Self.text))
        case .json:
            sink.write((rowCount == 0 ? "\n" : ",\n") + jsonObject(row))
        case .jsonl:
            sink.write(jsonObject(row) + "\n")
        case .table, .markdown:
            if let layout { return writeAligned(row, layout: layout) }
            buffered.append(row)
            if buffered.count == Self.layoutRows { startAligned() }
        case .html:
            // The rows stream; the first ones are kept for the chart.
            if chartColumn != nil && buffered.count < Self.layoutRows { buffered.append(row) }
            sink.write(HTMLPage.row(row))
            sink.endRow()
        case .svg:
            if buffered.count < Self.layoutRows { buffered.append(row) }
        }
    }

    /// Writes the statement's current row (the given columns). CSV and TSV go straight from
    /// SQLite's bytes to the output, with no String or value built per cell.
    public func writeCurrentRow(of statement: Statement, columns indices: [Int32]) {
        guard format == .csv || format == .tsv else {
            write(indices.map(statement.value(at:)))
            return
        }
        for (position, index) in indices.enumerated() {
            if position > 0 { appendSeparator() }
            switch statement.columnType(at: index) {
            case .null: break
            case .integer: sink.append(statement.int64(at: index))
            case .real:
                // Numbers.text's whole-number case, without building a String.
                let value = statement.double(at: index)
                if value == value.rounded(), abs(value) < 9.2e18 { sink.append(Int64(value)) } else { sink.write(Numbers.text(value)) }
            case .text:
                statement.withText(at: index) { appendCell($0) }
            case .blob:
                appendCell(Self.text(statement.value(at: index)))
            }
        }
        endDelimitedRow()
        rowCount += 1
    }

    /// A header or row of text cells, CSV- or TSV-escaped.
    private func writeDelimited(_ cells: [String]) {
        for (position, cell) in cells.enumerated() {
            if position > 0 { appendSeparator() }
            appendCell(cell)
        }
        endDelimitedRow()
    }

    private func appendSeparator() { sink.append(format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t")) }

    private func endDelimitedRow() {
        if format == .csv { sink.append(UInt8(ascii: "\r")) }
        sink.append(UInt8(ascii: "\n"))
        sink.endRow()
    }

    private func appendCell(_ text: String) {
        var text = text
        text.withUTF8 { appendCell(UnsafeRawBufferPointer($0)) }
    }

    private func appendCell(_ bytes: UnsafeRawBufferPointer) {
        if format == .csv { appendCSVCell(bytes) } else { appendTSVCell(bytes) }
    }

    /// RFC 4180: quoted when the cell holds a comma, quote or line break (or edge spaces).
    private func appendCSVCell(_ bytes: UnsafeRawBufferPointer) {
        let needsQuotes = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ")
        guard needsQuotes else { return sink.append(bytes) }
        sink.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { sink.append(byte) }
            sink.append(byte)
        }
        sink.append(UInt8(ascii: "\""))
    }

    /// TSV has no quoting: tabs and line breaks inside a cell are escaped as \t, \n, \r, \\.
    private func appendTSVCell(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            switch byte {
            case 9: sink.append(UInt8(ascii: "\\")); sink.append(UInt8(ascii: "t"))
            case 10: sink.append(UInt8(ascii: "\\")); sink.append(UInt8(ascii: "n"))
            case 13: sink.append(UInt8(ascii: "\\")); sink.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\\"): sink.append(byte); sink.append(byte)
            default: sink.append(byte)
            }
        }
    }

    /// Writes what the format holds back (aligned tables, the closing bracket) and commits the sink.
    public func finish() throws {
        switch format {
        case .json: sink.write(rowCount == 0 ? "]\n" : "\n]\n")
        case .table:
            if layout == nil { startAligned() }
            writeTableEnd()
        case .markdown:
            if layout == nil { startAligned() }
        case .html:
            sink.write(HTMLPage.tableEnd + "<p>\(rowCount) row\(rowCount == 1 ? "" : "s")</p>\n")
            if chartColumn != nil, let chart = try svgChart(required: false) { sink.write("<figure class=\"chart\">\n" + chart + "</figure>\n") }
            sink.write(HTMLPage.end)
        case .svg:
            sink.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + (try svgChart(required: true) ?? ""))
        default: break
        }
        try sink.commit()
    }

    /// The column `--chart` draws, from the rows held.
    private func resolvedChartColumn() -> Int? {
        guard let chartColumn else { return nil }
        return chartColumn >= 0 ? chartColumn : ResultChart.defaultColumn(columns, buffered)
    }

    /// The chart of the rows held as SVG; nil (or, when `required`, an error) when no column is numeric.
    private func svgChart(required: Bool) throws -> String? {
        guard let column = resolvedChartColumn(), ResultChart.isNumeric(column, in: buffered) else {
            if required { throw ChartError.nothingToDraw(rows: rowCount) }
            return nil
        }
        let scope = rowCount > buffered.count ? " (the first \(buffered.count) rows)" : ""
        return ResultChart.svg(columns: columns, rows: buffered, value: column, title: title + scope).svg()
    }

    // MARK: Cells

    /// A value as text: numbers in their shortest exact form, NULL as empty.
    public static func text(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return Numbers.text(v)
        case .text(let v): return v
        case .blob(let v): return v.base64EncodedString()
        }
    }

    private func jsonObject(_ row: [SQLValue]) -> String {
        var text = "{"
        for (index, value) in row.enumerated() {
            if index > 0 { text += ", " }
            text += Self.jsonString(columns[index]) + ": " + Self.jsonValue(value)
        }
        return text + "}"
    }

    static func jsonValue(_ value: SQLValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .real(let v): return v.isFinite ? Numbers.text(v) : "null"
        case .text(let v): return jsonString(v)
        case .blob(let v): return jsonString(v.base64EncodedString())
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: Aligned formats

    private func isNumeric(_ column: Int) -> Bool { ResultChart.isNumeric(column, in: buffered) }

    /// East Asian wide characters (and emoji) take two columns in a terminal.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    private func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            width + (scalar.properties.generalCategory == .nonspacingMark ? 0 : Self.isWide(scalar) ? 2 : 1)
        }
    }

    /// Column widths narrowed, widest first, until the row (with two spaces between columns)
    /// fits `total`; no column goes below its `minimum`.
    static func fitted(_ widths: [Int], into total: Int, minimum: [Int]) -> [Int] {
        var widths = widths
        let gaps = 2 * max(0, widths.count - 1)
        while widths.reduce(gaps, +) > total {
            guard let widest = widths.indices.filter({ widths[$0] > minimum[$0] }).max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
        }
        return widths
    }

    /// `text` cut to `width` terminal columns, its last one "…".
    private func cut(_ text: String, to width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var kept = ""
        for character in text {
            if displayWidth(kept + String(character)) + 1 > width { break }
            kept.append(character)
        }
        return kept + "…"
    }

    private func pad(_ text: String, to width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - displayWidth(text)))
        return right ? padding + text : text + padding
    }

    private func cellText(_ value: SQLValue) -> String {
        let text = Self.text(value).replacingOccurrences(of: "\n", with: " ")
        return format == .markdown ? text.replacingOccurrences(of: "|", with: "\\|") : text
    }

    /// Works out the layout from the rows held, writes the header and those rows.
    private func startAligned() {
        let numeric = columns.indices.map(isNumeric)
        let header = columns.map { format == .markdown ? $0.replacingOccurrences(of: "|", with: "\\|") : $0 }
        var cellWidths = header.map { _ in 1 }
        for row in buffered { for (i, value) in row.enumerated() { cellWidths[i] = max(cellWidths[i], displayWidth(cellText(value))) } }
        var widths = zip(header.map(displayWidth), cellWidths).map(max)
        if format == .table, let maximumWidth {
            // Numbers are never cut. Long text goes first down to 10 columns (or its header's
            // width), then, if the table is still too wide, down to its header's width.
            let headerWidths = header.map(displayWidth)
            let roomy = widths.indices.map { numeric[$0] ? widths[$0] : min(widths[$0], max(headerWidths[$0], 10)) }
            let tight = widths.indices.map { numeric[$0] ? widths[$0] : min(widths[$0], max(headerWidths[$0], 2)) }
            // Last, headers are cut too, numbers keep their digits and text keeps 3 columns.
            let last = widths.indices.map { numeric[$0] ? cellWidths[$0] : min(widths[$0], 3) }
            widths = [roomy, tight, last].reduce(widths) { Self.fitted($0, into: maximumWidth, minimum: $1) }
        }
        if format == .table {
            sink.write(header.enumerated().map { pad(cut($1, to: widths[$0]), to: widths[$0], right: numeric[$0]) }.joined(separator: "  ") + "\n")
            sink.write(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n")
        } else {
            // At least 3 wide, so the separator row stays valid Markdown.
            widths = widths.map { max(3, $0) }
            sink.write("| " + header.enumerated().map { pad($1, to: widths[$0], right: false) }.joined(separator: " | ") + " |\n")
            sink.write("| " + widths.enumerated().map { index, width in
                numeric[index] ? String(repeating: "-", count: width - 1) + ":" : String(repeating: "-", count: width)
            }.joined(separator: " | ") + " |\n")
        }
        let layout = (widths, numeric)
        self.layout = layout
        for row in buffered { writeAligned(row, layout: layout) }
    }

    /// One row in the layout; a cell wider than its column (after the first rows) overflows it.
    private func writeAligned(_ row: [SQLValue], layout: (widths: [Int], numeric: [Bool])) {
        let cells = row.enumerated().map { index, value in
            var text = cellText(value)
            if maximumWidth != nil && format == .table { text = cut(text, to: layout.widths[index]) }
            return pad(text, to: layout.widths[index], right: layout.numeric[index])
        }
        sink.write(format == .table ? cells.joined(separator: "  ") + "\n" : "| " + cells.joined(separator: " | ") + " |\n")
        sink.endRow()
    }

    private func writeTableEnd() {
        sink.write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n")
        if let column = resolvedChartColumn(), isNumeric(column) { writeChart(column: column) }
    }

    /// A horizontal bar chart of one numeric column, each row labelled by its label columns.
    /// A NULL draws no bar and no number; a negative value is drawn leftward from the zero axis.
    private func writeChart(column: Int) {
        // An infinite value has no bar, like NULL; its number is still printed in the table.
        let values = buffered.map { $0[column].doubleValue.flatMap { $0.isFinite ? $0 : nil } }
        let largest = values.compactMap { $0 }.filter { $0 > 0 }.max() ?? 0
        let smallest = values.compactMap { $0 }.filter { $0 < 0 }.min() ?? 0
        guard largest - smallest > 0 else { return }
        let labelColumns = ResultChart.labelColumns(columns, buffered, value: column)
        let labels = buffered.enumerated().map { ResultChart.label($1, labelColumns, position: $0) }
        let labelWidth = min(40, labels.map(displayWidth).max() ?? 0)
        // 40 columns shared between the negative and the positive side, in proportion.
        let barWidth = 40
        let leftWidth = smallest < 0 ? Int((Double(barWidth) * -smallest / (largest - smallest)).rounded()) : 0
        let scale = Double(barWidth * 8) / (largest - smallest)
        let scope = rowCount > buffered.count ? " (the first \(buffered.count) rows)" : ""
        sink.write("\n\(columns[column])\(scope)\n")
        for (label, value) in zip(labels, values) {
            let shown = cut(label, to: labelWidth)
            var left = String(repeating: " ", count: leftWidth), right = ""
            if let value {
                let eighths = Int((abs(value) * scale).rounded())
                if value < 0 {
                    // Leftward: whole blocks only (there are no right-aligned eighth blocks), at least one.
                    let blocks = min(leftWidth, max(1, (eighths + 4) / 8))
                    left = String(repeating: " ", count: leftWidth - blocks) + String(repeating: "█", count: blocks)
                    right = " " + Numbers.text(value)
                } else {
                    let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
                    right = String(repeating: "█", count: eighths / 8) + partial + " " + Numbers.text(value)
                }
            }
            let line = pad(shown, to: labelWidth, right: false) + " " + left + "│" + right
            sink.write(line + "\n")
        }
    }
}
