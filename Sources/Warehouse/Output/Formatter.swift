import Foundation
import SQLiteDB

/// The output formats shared by `owl query` and `owl export`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown

    /// The format a file extension implies (`.csv`, `.md`, …).
    public static func forFileName(_ path: String) -> OutputFormat? {
        switch Paths.pathExtension(of: path).lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        case "md", "markdown": return .markdown
        case "txt": return .table
        default: return nil
        }
    }
}

/// Writes rows of SQL values in one format. CSV, TSV, JSON and JSONL stream row by row;
/// table and markdown hold the rows to align their columns.
public final class RowFormatter {
    let format: OutputFormat
    let columns: [String]
    private let sink: OutputSink
    private var buffered: [[SQLValue]] = []
    private var rowCount = 0
    /// Draw a bar chart of this column under a table; -1 means the last numeric column.
    public var chartColumn: Int?

    public init(format: OutputFormat, columns: [String], sink: OutputSink) {
        self.format = format
        self.columns = columns
        self.sink = sink
        switch format {
        case .csv, .tsv: writeDelimited(columns)
        case .json: sink.write("[")
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
            buffered.append(row)
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
        case .table: writeTable()
        case .markdown: writeMarkdown()
        default: break
        }
        try sink.commit()
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

    private func isNumeric(_ column: Int) -> Bool {
        var sawNumber = false
        for row in buffered {
            switch row[column] {
            case .integer, .real: sawNumber = true
            case .null: continue
            default: return false
            }
        }
        return sawNumber
    }

    private func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            // East Asian wide characters take two columns in a terminal.
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
            return width + (scalar.properties.generalCategory == .nonspacingMark ? 0 : wide ? 2 : 1)
        }
    }

    private func pad(_ text: String, to width: Int, right: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - displayWidth(text)))
        return right ? padding + text : text + padding
    }

    private func cellLines() -> (cells: [[String]], widths: [Int], numeric: [Bool]) {
        let cells = buffered.map { row in row.map { Self.text($0).replacingOccurrences(of: "\n", with: " ") } }
        var widths = columns.map(displayWidth)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
        return (cells, widths, columns.indices.map(isNumeric))
    }

    private func writeTable() {
        let (cells, widths, numeric) = cellLines()
        let header = columns.enumerated().map { pad($1, to: widths[$0], right: numeric[$0]) }.joined(separator: "  ")
        sink.write(header + "\n")
        sink.write(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n")
        for row in cells {
            sink.write(row.enumerated().map { pad($1, to: widths[$0], right: numeric[$0]) }.joined(separator: "  ") + "\n")
        }
        sink.write("(\(buffered.count) row\(buffered.count == 1 ? "" : "s"))\n")
        if let chartColumn {
            let column = chartColumn >= 0 ? chartColumn : columns.indices.last(where: isNumeric)
            if let column { writeChart(column: column) }
        }
    }

    private func writeMarkdown() {
        let (cells, _, numeric) = cellLines()
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        // Widths after escaping; at least 3 so the separator row stays valid Markdown.
        let escapedWidths = columns.indices.map { index in
            max(3, max(displayWidth(escape(columns[index])), cells.map { displayWidth(escape($0[index])) }.max() ?? 0))
        }
        sink.write("| " + columns.enumerated().map { pad(escape($1), to: escapedWidths[$0], right: false) }.joined(separator: " | ") + " |\n")
        sink.write("| " + escapedWidths.enumerated().map { index, width in
            numeric[index] ? String(repeating: "-", count: width - 1) + ":" : String(repeating: "-", count: width)
        }.joined(separator: " | ") + " |\n")
        for row in cells {
            sink.write("| " + row.enumerated().map { pad(escape($1), to: escapedWidths[$0], right: numeric[$0]) }.joined(separator: " | ") + " |\n")
        }
    }

    /// A horizontal bar chart of one numeric column, labelled by the first text column.
    private func writeChart(column: Int) {
        let values = buffered.map { $0[column].doubleValue ?? 0 }
        guard let maximum = values.map(abs).max(), maximum > 0 else { return }
        let labelColumn = columns.indices.first { index in index != column && !isNumeric(index) } ?? 0
        let labels = buffered.map { Self.text($0[labelColumn]) }
        let labelWidth = min(30, labels.map(displayWidth).max() ?? 0)
        let barWidth = 40
        sink.write("\n\(columns[column])\n")
        for (label, value) in zip(labels, values) {
            let shown = displayWidth(label) > labelWidth ? String(label.prefix(labelWidth - 1)) + "…" : label
            let eighths = Int((abs(value) / maximum * Double(barWidth * 8)).rounded())
            let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
            let bar = String(repeating: "█", count: eighths / 8) + partial
            sink.write(pad(shown, to: labelWidth, right: false) + " │" + bar + " " + Numbers.text(value) + "\n")
        }
    }
}
