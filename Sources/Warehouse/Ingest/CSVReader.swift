/// One row of a CSV file: its cells, and the line it starts on (1-based, the header is line 1).
struct CSVRow {
    var line: Int
    var cells: [String]
    /// 0-based index of the first cell that was not valid UTF-8 (decoded with replacement characters).
    var invalidUTF8Cell: Int?
}

/// A streaming RFC 4180 reader: quoted cells, doubled quotes, newlines inside quotes,
/// CRLF or LF line ends, a UTF-8 byte-order mark. Blank lines are skipped.
final class CSVReader {
    private let source: ByteSource
    private let separator: UInt8
    private var line = 1
    private var startedFile = false
    private var cells: [String] = []
    private var scratch: [UInt8] = []

    init(source: ByteSource, separator: UInt8 = UInt8(ascii: ",")) {
        self.source = source
        self.separator = separator
    }

    var fileName: String { source.path }

    /// The next row, or nil at end of file. Throws on an unterminated quote or a stray
    /// character after a closing quote, which leave the rest of the file unreadable.
    func next() throws -> CSVRow? {
        if !startedFile {
            startedFile = true
            try skipByteOrderMark()
        }
        while true {
            switch try parseRecord() {
            case .row(let row): return row
            case .blank: continue
            case .endOfFile: return nil
            case .needMore:
                // At the end of the file this sets atEnd, and the next parse finishes the record.
                _ = try source.refill()
            }
        }
    }

    private enum Outcome {
        case row(CSVRow)
        case blank
        case endOfFile
        case needMore
    }

    private func skipByteOrderMark() throws {
        while source.buffer.count - source.position < 3, try source.refill() {}
        let b = source.buffer, p = source.position
        if b.count - p >= 3, b[p] == 0xEF, b[p + 1] == 0xBB, b[p + 2] == 0xBF { source.position += 3 }
    }

    /// Parses one record from the buffered bytes. Returns `.needMore` (consuming nothing)
    /// when the record may continue past the buffer and more of the file remains.
    private func parseRecord() throws -> Outcome {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        let separator = self.separator
        let atEnd = source.atEnd
        return try source.buffer.withUnsafeBufferPointer { buffer -> Outcome in
            let end = buffer.count
            var p = source.position
            if p == end { return atEnd ? .endOfFile : .needMore }
            // A blank line is skipped, not a row of one empty cell.
            if buffer[p] == newline || buffer[p] == carriage {
                if buffer[p] == carriage {
                    if p + 1 == end && !atEnd { return .needMore }
                    if p + 1 < end && buffer[p + 1] == newline { p += 1 }
                }
                source.position = p + 1
                line += 1
                return .blank
            }
            let startLine = line
            var linesInside = 0
            cells.removeAll(keepingCapacity: true)
            var invalid: Int?
            while true {
                // At the start of a cell.
                var decoded: String
                if p < end && buffer[p] == quote {
                    p += 1
                    scratch.removeAll(keepingCapacity: true)
                    var closed = false
                    while p < end {
                        let byte = buffer[p]
                        if byte == quote {
                            if p + 1 == end && !atEnd { return .needMore }
                            if p + 1 < end && buffer[p + 1] == quote {
                                scratch.append(quote)
                                p += 2
                                continue
                            }
                            p += 1
                            closed = true
                            break
                        }
                        if byte == newline { linesInside += 1 }
                        scratch.append(byte)
                        p += 1
                    }
                    if !closed {
                        if !atEnd { return .needMore }
                        throw WarehouseError("\(source.path):\(startLine): unterminated quoted field: a \" opened here is never closed")
                    }
                    if p < end && buffer[p] != separator && buffer[p] != newline && buffer[p] != carriage {
                        throw WarehouseError("\(source.path):\(startLine + linesInside): unexpected character after a closing quote in cell \(cells.count + 1); a quote inside a quoted cell must be doubled (\"\")")
                    }
                    decoded = scratch.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) } ?? {
                        if invalid == nil { invalid = cells.count }
                        return String(decoding: scratch, as: UTF8.self)
                    }()
                } else {
                    let start = p
                    while p < end {
                        let byte = buffer[p]
                        if byte == separator || byte == newline || byte == carriage { break }
                        p += 1
                    }
                    if p == end && !atEnd { return .needMore }
                    let bytes = UnsafeBufferPointer(rebasing: buffer[start..<p])
                    decoded = String(validating: bytes, as: UTF8.self) ?? {
                        if invalid == nil { invalid = cells.count }
                        return String(decoding: bytes, as: UTF8.self)
                    }()
                }
                cells.append(decoded)
                // After a cell: a separator, a line end, or the end of the file.
                if p == end {
                    if !atEnd { return .needMore }
                    break
                }
                let byte = buffer[p]
                if byte == separator {
                    p += 1
                    if p == end && !atEnd { return .needMore }
                    continue
                }
                if byte == carriage {
                    if p + 1 == end && !atEnd { return .needMore }
                    p += (p + 1 < end && buffer[p + 1] == newline) ? 2 : 1
                } else {
                    p += 1
                }
                linesInside += 1
                break
            }
            source.position = p
            line = startLine + linesInside
            return .row(CSVRow(line: startLine, cells: cells, invalidUTF8Cell: invalid))
        }
    }
}
