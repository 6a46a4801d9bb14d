/// One row of a CSV file: its cells, and the line it starts on (1-based, the header is line 1).
struct CSVRow {
    var line: Int
    var cells: [String]
    /// 0-based index of the first cell that was not valid UTF-8 (decoded with replacement characters).
    var invalidUTF8Cell: Int?

    init(line: Int, cells: [String], invalidUTF8Cell: Int? = nil) {
        self.line = line
        self.cells = cells
        self.invalidUTF8Cell = invalidUTF8Cell
    }

    /// Decodes a raw row's cells, noting the first that is not valid UTF-8.
    init(line: Int, cellCount: Int, withCell: (Int, (UnsafeBufferPointer<UInt8>) -> Void) -> Void) {
        var cells: [String] = []
        cells.reserveCapacity(cellCount)
        var invalid: Int?
        for index in 0..<cellCount {
            withCell(index) { bytes in
                cells.append(String(validating: bytes, as: UTF8.self) ?? {
                    if invalid == nil { invalid = index }
                    return String(decoding: bytes, as: UTF8.self)
                }())
            }
        }
        self.init(line: line, cells: cells, invalidUTF8Cell: invalid)
    }
}

/// A streaming RFC 4180 reader: quoted cells, doubled quotes, newlines inside quotes,
/// CRLF or LF line ends, a UTF-8 byte-order mark. Blank lines are skipped.
final class CSVReader {
    private let source: ByteSource
    private let separator: UInt8
    private var line = 1
    private var startedFile = false
    /// The last row read by `nextRaw`: every cell's bytes one after another (quotes undone),
    /// and where each cell ends. Valid until the next read.
    private(set) var rawBytes: [UInt8] = []
    private(set) var cellEnds: [Int] = []
    private(set) var rawLine = 0

    init(source: ByteSource, separator: UInt8 = UInt8(ascii: ",")) {
        self.source = source
        self.separator = separator
    }

    var fileName: String { source.path }
    var bytesRead: Int64 { source.bytesRead }

    /// The next row, or nil at end of file. Throws on an unterminated quote or a stray
    /// character after a closing quote, which leave the rest of the file unreadable.
    func next() throws -> CSVRow? {
        guard try nextRaw() else { return nil }
        return currentRow()
    }

    /// The last raw row as Strings.
    func currentRow() -> CSVRow {
        CSVRow(line: rawLine, cellCount: cellEnds.count) { index, body in withCell(index, body) }
    }


    /// Reads the next row into `rawBytes`, `cellEnds` and `rawLine` without building
    /// Strings (the bulk-load hot path); false at end of file.
    func nextRaw() throws -> Bool {
        if !startedFile {
            startedFile = true
            try source.skipByteOrderMark()
        }
        while true {
            switch try parseRecord() {
            case .row: return true
            case .blank: continue
            case .endOfFile: return false
            case .needMore:
                // At the end of the file this sets atEnd, and the next parse finishes the record.
                _ = try source.refill()
            }
        }
    }

    /// The bytes of cell `index` of the last raw row.
    func withCell<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try rawBytes.withUnsafeBufferPointer { bytes in
            try body(UnsafeBufferPointer(rebasing: bytes[(index == 0 ? 0 : cellEnds[index - 1])..<cellEnds[index]]))
        }
    }

    private enum Outcome {
        case row
        case blank
        case endOfFile
        case needMore
    }

    /// Parses one record from the buffered bytes. Returns `.needMore` (consuming nothing)
    /// when the record may continue past the buffer and more of the file remains.
    private func parseRecord() throws -> Outcome {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        let separator = self.separator
        let atEnd = source.atEnd
        // Local arrays, swapped back at the end: appending to a class's stored array would
        // pay a dynamic exclusivity check per byte.
        var rawBytes: [UInt8] = [], cellEnds: [Int] = []
        swap(&rawBytes, &self.rawBytes)
        swap(&cellEnds, &self.cellEnds)
        defer {
            swap(&rawBytes, &self.rawBytes)
            swap(&cellEnds, &self.cellEnds)
        }
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
            rawBytes.removeAll(keepingCapacity: true)
            cellEnds.removeAll(keepingCapacity: true)
            while true {
                // At the start of a cell.
                if p < end && buffer[p] == quote {
                    p += 1
                    var closed = false
                    while p < end {
                        let byte = buffer[p]
                        if byte == quote {
                            if p + 1 == end && !atEnd { return .needMore }
                            if p + 1 < end && buffer[p + 1] == quote {
                                rawBytes.append(quote)
                                p += 2
                                continue
                            }
                            p += 1
                            closed = true
                            break
                        }
                        if byte == newline { linesInside += 1 }
                        rawBytes.append(byte)
                        p += 1
                    }
                    if !closed {
                        if !atEnd { return .needMore }
                        throw WarehouseError("\(source.path):\(startLine): unterminated quoted field: a \" opened here is never closed")
                    }
                    if p < end && buffer[p] != separator && buffer[p] != newline && buffer[p] != carriage {
                        throw WarehouseError("\(source.path):\(startLine + linesInside): unexpected character after a closing quote in cell \(cellEnds.count + 1); a quote inside a quoted cell must be doubled (\"\")")
                    }
                } else {
                    let start = p
                    while p < end {
                        let byte = buffer[p]
                        if byte == separator || byte == newline || byte == carriage { break }
                        p += 1
                    }
                    if p == end && !atEnd { return .needMore }
                    rawBytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<p]))
                }
                cellEnds.append(rawBytes.count)
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
            rawLine = startLine
            return .row
        }
    }
}
