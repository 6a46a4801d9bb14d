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
            if let layout { return writeAligned(row, layout: layout) }
            buffered.append(row)
            if buffered.count == Self.layoutRows { startAligned() }
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

    private func cellText(_ value: SQLValue) -> String {
        let text = Self.text(value).replacingOccurrences(of: "\n", with: " ")
        return format == .markdown ? text.replacingOccurrences(of: "|", with: "\\|") : text
    }

    /// Works out the layout from the rows held, writes the header and those rows.
    private func startAligned() {
        let numeric = columns.indices.map(isNumeric)
        let header = columns.map { format == .markdown ? $0.replacingOccurrences(of: "|", with: "\\|") : $0 }
        var widths = header.map(displayWidth)
        for row in buffered { for (i, value) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cellText(value))) } }
        if format == .table {
            sink.write(header.enumerated().map { pad($1, to: widths[$0], right: numeric[$0]) }.joined(separator: "  ") + "\n")
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
        let cells = row.enumerated().map { pad(cellText($1), to: layout.widths[$0], right: layout.numeric[$0]) }
        sink.write(format == .table ? cells.joined(separator: "  ") + "\n" : "| " + cells.joined(separator: " | ") + " |\n")
        sink.endRow()
    }

    private func writeTableEnd() {
        sink.write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n")
        if let chartColumn {
            let column = chartColumn >= 0 ? chartColumn : columns.indices.last(where: isNumeric)
            if let column { writeChart(column: column) }
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
        let scope = rowCount > buffered.count ? " (the first \(buffered.count) rows)" : ""
        sink.write("\n\(columns[column])\(scope)\n")
        for (label, value) in zip(labels, values) {
            let shown = displayWidth(label) > labelWidth ? String(label.prefix(labelWidth - 1)) + "…" : label
            let eighths = Int((abs(value) / maximum * Double(barWidth * 8)).rounded())
            let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
            let bar = String(repeating: "█", count: eighths / 8) + partial
            sink.write(pad(shown, to: labelWidth, right: false) + " │" + bar + " " + Numbers.text(value) + "\n")
        }
    }
}
