import Foundation

/// A JSON value. Numbers keep their literal text, so `0.1` is read back exactly as written.
indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value as one interchange cell: nil for null, text for scalars; nil for containers.
    var scalarText: String?? {
        switch self {
        case .null: return .some(nil)
        case .bool(let b): return .some(b ? "true" : "false")
        case .number(let n): return .some(n)
        case .string(let s): return .some(s)
        case .array, .object: return nil
        }
    }
}

/// Streams the objects of a JSON array (`[{…}, {…}]`) or of JSON Lines (one object a line),
/// holding one object in memory at a time.
final class JSONReader {
    /// Arrays and objects nested deeper than this are refused: the parser recurses once per
    /// level, and a file of 40,000 `[` would otherwise overflow the stack.
    static let maxDepth = 512

    private let source: ByteSource
    private let jsonLines: Bool
    private var line = 1
    /// In JSON Lines, the line of the record being read: a line break inside it ends it too soon.
    private var recordLine: Int?
    private var depth = 0
    private var started = false
    private var finished = false
    /// `scanFlatObject`'s scratch, kept between objects so no object allocates.
    private struct FlatScratch {
        /// Where each field's value is: in the buffer, or in `unescaped` when `escaped`
        /// (start -1: not seen).
        var starts: [Int] = [], ends: [Int] = []
        var escaped: [Bool] = []
        /// The strings with escapes, undone.
        var unescaped: [UInt8] = []
        /// The field of each key position in the last object: files write their keys in one
        /// order, so a key is usually found at the first guess.
        var layout: [Int] = []

        /// Ready for an object of `fieldCount` fields, none seen.
        mutating func start(fieldCount: Int) {
            if starts.count != fieldCount {
                (starts, ends, escaped) = (Array(repeating: -1, count: fieldCount), Array(repeating: 0, count: fieldCount),
                                           Array(repeating: false, count: fieldCount))
            }
            for field in 0..<fieldCount {
                starts[field] = -1
                ends[field] = 0
                escaped[field] = false
            }
            unescaped.removeAll(keepingCapacity: true)
        }

        func isPlaced(_ field: Int) -> Bool { starts[field] >= 0 }

        mutating func place(_ field: Int, _ range: Range<Int>, escaped isEscaped: Bool) {
            starts[field] = range.lowerBound
            ends[field] = range.upperBound
            escaped[field] = isEscaped
        }
    }
    private var flatScratch = FlatScratch()

    init(source: ByteSource, jsonLines: Bool) {
        self.source = source
        self.jsonLines = jsonLines
    }

    /// The next object and the line it starts on, or nil after the last one.
    func next() throws -> (line: Int, object: [String: JSONValue])? {
        guard let startLine = try nextRecordStart() else { return nil }
        return (startLine, try readObject(startLine: startLine))
    }

    /// The next record of a file of one entity, as `nextFlat` reads it.
    enum FlatRecord {
        /// A flat object, whose value texts are laid out in `cells` and `cellEnds`.
        case row(line: Int)
        /// Any other object, parsed whole.
        case object(line: Int, [String: JSONValue])
    }

    /// The next object as a row of `fields`, or nil after the last one. An object whose keys
    /// are all among `fields` (each once, none escaped) and whose values are all strings,
    /// numbers, booleans or null is read straight from the file's bytes: each field's value
    /// text (a string's contents, escapes undone only where there are any; a number as
    /// written; `true`, `false`; nothing for null or an absent field) goes into `cells` in
    /// the order of `fields`, each ending at its
    /// `cellEnds` entry. Any other object, or one that is not valid, is parsed whole and
    /// returned as `.object`, with the same errors as `next()`.
    func nextFlat(fields: [[UInt8]], cells: inout [UInt8], cellEnds: inout [Int]) throws -> FlatRecord? {
        guard let startLine = try nextRecordStart() else { return nil }
        while true {
            switch scanFlatObject(fields: fields, cells: &cells, cellEnds: &cellEnds) {
            case .row:
                if jsonLines { try skipSpacesToLineEnd() }
                return .row(line: startLine)
            case .needMore:
                if try source.refill() { continue }
                fallthrough  // the file ends inside the object: parsed whole, to say how
            case .other:
                return .object(line: startLine, try readObject(startLine: startLine))
            }
        }
    }

    /// Moves to the next record (past the array's `[` or the `,` after the last element),
    /// returning the line it starts on, or nil after the last one.
    private func nextRecordStart() throws -> Int? {
        if finished { return nil }
        if !started {
            started = true
            try source.skipByteOrderMark()
            if !jsonLines {
                try skipWhitespace()
                guard let first = try source.peek() else { throw error("the file is empty; expected a JSON array of objects") }
                guard first == UInt8(ascii: "[") else {
                    throw error("expected a JSON array of objects (starting with [), found \(describe(first))")
                }
                source.position += 1
                depth = 1  // the enclosing array is the first level
                try skipWhitespace()
                if try source.peek() == UInt8(ascii: "]") {
                    source.position += 1
                    try expectEnd()
                    return nil
                }
                return line
            }
        }
        if jsonLines {
            try skipWhitespace()
            guard try source.peek() != nil else {
                finished = true
                return nil
            }
            return line
        }
        // Between array elements.
        try skipWhitespace()
        guard let byte = try source.peek() else { throw error("the JSON array is never closed (missing ])") }
        if byte == UInt8(ascii: "]") {
            source.position += 1
            try expectEnd()
            return nil
        }
        guard byte == UInt8(ascii: ",") else { throw error("expected , or ] after an array element, found \(describe(byte))") }
        source.position += 1
        try skipWhitespace()
        return line
    }

    /// Parses the record that starts here, on `startLine`, which must be an object.
    private func readObject(startLine: Int) throws -> [String: JSONValue] {
        guard jsonLines else {
            guard case .object(let object) = try parseValue() else {
                throw WarehouseError("\(source.path):\(startLine): expected a JSON object as array element")
            }
            return object
        }
        let value: JSONValue
        recordLine = startLine
        do {
            value = try parseValue()
        } catch let error as WarehouseError {
            // The file ended inside the record: it is incomplete, whatever was expected next.
            if (try? source.peek()) ?? nil == nil { throw incomplete(startLine) }
            throw error
        }
        recordLine = nil
        try skipSpacesToLineEnd()
        guard case .object(let object) = value else {
            throw WarehouseError("\(source.path):\(startLine): expected a JSON object on this line")
        }
        return object
    }

    /// Reads a whole file holding one JSON value (a mapping file), with the same errors and
    /// depth limit as the data files.
    static func document(at path: String) throws -> JSONValue {
        let source = try ByteSource(path: path)
        let reader = JSONReader(source: source, jsonLines: false)
        try source.skipByteOrderMark()
        try reader.skipWhitespace()
        guard try source.peek() != nil else { throw reader.error("the file is empty; expected a JSON object") }
        let value = try reader.parseValue()
        try reader.skipWhitespace()
        if let byte = try source.peek() { throw reader.error("unexpected \(reader.describe(byte)) after the value") }
        return value
    }

    private func expectEnd() throws {
        try skipWhitespace()
        if let byte = try source.peek() { throw error("unexpected \(describe(byte)) after the closing ]") }
        finished = true
    }

    // MARK: Flat objects

    private enum FlatScan { case row, other, needMore }

    /// Reads a flat object (see `nextFlat`) from the buffered bytes into `cells`, moving past
    /// it. `.other`, consuming nothing, for anything else: a nested value, an escaped,
    /// unknown or repeated key, an invalid escape, a line break inside a JSON Lines record,
    /// invalid UTF-8 or a syntax error, which the full parser then reads and reports.
    /// `.needMore` when the object runs past the buffer and the file goes on.
    private func scanFlatObject(fields: [[UInt8]], cells: inout [UInt8], cellEnds: inout [Int]) -> FlatScan {
        let atEnd = source.atEnd, position = source.position, jsonLines = self.jsonLines
        return source.buffer.withUnsafeBufferPointer { buffer -> FlatScan in
            var scanner = FlatScanner(buffer: buffer, position: position, atEnd: atEnd, fields: fields, jsonLines: jsonLines)
            // The scratch moves into the scanner for the scan, and back (a class's stored arrays
            // would pay a dynamic exclusivity check at every use).
            swap(&scanner.scratch, &flatScratch)
            defer { swap(&scanner.scratch, &flatScratch) }
            scanner.scratch.start(fieldCount: fields.count)
            if let failure = scanner.object() { return failure }
            cells.removeAll(keepingCapacity: true)
            cellEnds.removeAll(keepingCapacity: true)
            for field in fields.indices {
                let range = scanner.scratch.starts[field]..<scanner.scratch.ends[field]
                if scanner.scratch.escaped[field] {
                    cells.append(contentsOf: scanner.scratch.unescaped[range])
                } else if scanner.scratch.isPlaced(field) {
                    cells.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[range]))
                }
                cellEnds.append(cells.count)
            }
            source.position = scanner.p
            line += scanner.lineBreaks
            return .row
        }
    }

    /// The scan of one flat object: the bytes, where it stands, and what it has found. A
    /// struct whose methods change it in place, rather than local functions capturing local
    /// variables: Swift checked every use of those at run time (exclusivity), about 4% of a
    /// JSON Lines load's CPU; a struct's own fields are checked when compiled.
    private struct FlatScanner {
        let buffer: UnsafeBufferPointer<UInt8>
        var end: Int { buffer.count }
        let fields: [[UInt8]]
        let jsonLines: Bool
        /// What running out of bytes means: the file goes on, or it ends inside the object.
        let outOfBytes: FlatScan
        var p: Int
        var lineBreaks = 0
        var scratch = FlatScratch()
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), minus = UInt8(ascii: "-")

        init(buffer: UnsafeBufferPointer<UInt8>, position: Int, atEnd: Bool, fields: [[UInt8]], jsonLines: Bool) {
            self.buffer = buffer
            p = position
            outOfBytes = atEnd ? .other : .needMore
            self.fields = fields
            self.jsonLines = jsonLines
        }

        /// Skips blanks; false at a line break inside a JSON Lines record.
        mutating func skipBlanks() -> Bool {
            while p < end {
                switch buffer[p] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): p += 1
                case UInt8(ascii: "\n"):
                    if jsonLines { return false }
                    lineBreaks += 1
                    p += 1
                default: return true
                }
            }
            return true
        }
        /// Skips blanks and then `byte`; nil when it is there, else what to return.
        mutating func expect(_ byte: UInt8) -> FlatScan? {
            guard skipBlanks() else { return .other }
            guard p < end else { return outOfBytes }
            guard buffer[p] == byte else { return .other }
            p += 1
            return nil
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        mutating func skipDigits() { while p < end && isDigit(buffer[p]) { p += 1 } }

        /// The field the key at `p` names, past its closing quote: the field at this
        /// position in the last object, or any; nil for any other key.
        mutating func key(at position: Int) -> Int? {
            let start = p
            while p < end && buffer[p] != quote && buffer[p] != backslash && buffer[p] >= 0x20 { p += 1 }
            guard p < end, buffer[p] == quote else { return nil }
            let key = UnsafeBufferPointer(rebasing: buffer[start..<p])
            p += 1
            if position < scratch.layout.count, case let guess = scratch.layout[position], guess < fields.count,
               fields[guess].elementsEqual(key) { return guess }
            guard let found = fields.firstIndex(where: { $0.elementsEqual(key) }) else { return nil }
            if position < scratch.layout.count { scratch.layout[position] = found } else { scratch.layout.append(found) }
            return found
        }

        /// A string's contents, from past its opening quote to past its closing one: a
        /// slice of the buffer, or undone into `scratch.unescaped` when it has escapes.
        mutating func string(for field: Int) -> FlatScan? {
            let start = p
            var ascii = true
            while p < end && buffer[p] != quote && buffer[p] != backslash && buffer[p] >= 0x20 {
                if buffer[p] >= 0x80 { ascii = false }
                p += 1
            }
            guard p < end else { return outOfBytes }
            if buffer[p] == quote {
                guard ascii || String(validating: UnsafeBufferPointer(rebasing: buffer[start..<p]), as: UTF8.self) != nil else { return .other }
                scratch.place(field, start..<p, escaped: false)
                p += 1
                return nil
            }
            let from = scratch.unescaped.count
            scratch.unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<p]))
            while p < end && buffer[p] != quote {
                let byte = buffer[p]
                if byte < 0x20 { return .other }
                if byte >= 0x80 { ascii = false }
                if byte == backslash {
                    if let failure = escape() { return failure }
                } else {
                    scratch.unescaped.append(byte)
                    p += 1
                }
            }
            guard p < end else { return outOfBytes }
            guard ascii || String(validating: scratch.unescaped[from...], as: UTF8.self) != nil else { return .other }
            scratch.place(field, from..<scratch.unescaped.count, escaped: true)
            p += 1
            return nil
        }

        /// The escape at `p` undone into `scratch.unescaped`, moving past it.
        mutating func escape() -> FlatScan? {
            guard p + 1 < end else { return outOfBytes }
            let byte: UInt8
            switch buffer[p + 1] {
            case quote, backslash, UInt8(ascii: "/"): byte = buffer[p + 1]
            case UInt8(ascii: "b"): byte = 8
            case UInt8(ascii: "f"): byte = 12
            case UInt8(ascii: "n"): byte = 10
            case UInt8(ascii: "r"): byte = 13
            case UInt8(ascii: "t"): byte = 9
            case UInt8(ascii: "u"):
                guard end - p >= 6 else { return outOfBytes }
                guard var scalar = JSONReader.hex4(buffer, at: p + 2) else { return .other }
                var length = 6
                if (0xD800...0xDBFF).contains(scalar) {
                    // A surrogate pair: \uD83D\uDE00.
                    guard end - p >= 12 else { return outOfBytes }
                    guard buffer[p + 6] == backslash, buffer[p + 7] == UInt8(ascii: "u"),
                          let low = JSONReader.hex4(buffer, at: p + 8), (0xDC00...0xDFFF).contains(low) else { return .other }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    length = 12
                }
                guard let unicode = Unicode.Scalar(scalar), let encoded = UTF8.encode(unicode) else { return .other }
                scratch.unescaped.append(contentsOf: encoded)
                p += length
                return nil
            default: return .other
            }
            scratch.unescaped.append(byte)
            p += 2
            return nil
        }

        /// A number as JSON writes it (the full parser's rules), as written.
        mutating func number(for field: Int) -> FlatScan? {
            let start = p
            if buffer[p] == minus { p += 1 }
            let integer = p
            skipDigits()
            guard p < end else { return outOfBytes }
            guard p > integer, p - integer == 1 || buffer[integer] != UInt8(ascii: "0") else { return .other }
            if buffer[p] == UInt8(ascii: ".") {
                p += 1
                let fraction = p
                skipDigits()
                guard p < end else { return outOfBytes }
                guard p > fraction else { return .other }
            }
            if buffer[p] == UInt8(ascii: "e") || buffer[p] == UInt8(ascii: "E") {
                p += 1
                guard p < end else { return outOfBytes }
                if buffer[p] == UInt8(ascii: "+") || buffer[p] == minus { p += 1 }
                let exponent = p
                skipDigits()
                guard p < end else { return outOfBytes }
                guard p > exponent else { return .other }
            }
            scratch.place(field, start..<p, escaped: false)
            return nil
        }

        /// true and false as written; null as nothing, like an absent field.
        mutating func literal(for field: Int) -> FlatScan? {
            let word: StaticString
            switch buffer[p] {
            case UInt8(ascii: "t"): word = "true"
            case UInt8(ascii: "f"): word = "false"
            case UInt8(ascii: "n"): word = "null"
            default: return .other
            }
            let length = word.utf8CodeUnitCount
            guard end - p >= length else { return outOfBytes }
            guard word.withUTF8Buffer({ $0.elementsEqual(UnsafeBufferPointer(rebasing: buffer[p..<(p + length)])) }) else { return .other }
            scratch.place(field, buffer[p] == UInt8(ascii: "n") ? p..<p : p..<(p + length), escaped: false)
            p += length
            return nil
        }

        /// Scans the object at `p`: nil when it is a flat object, its fields in `scratch`.
        mutating func object() -> FlatScan? {
            if let failure = expect(UInt8(ascii: "{")) { return failure }
            guard skipBlanks() else { return .other }
            guard p < end else { return outOfBytes }
            if buffer[p] == UInt8(ascii: "}") {
                p += 1
            } else {
                var position = 0
                while true {
                    // A key naming a field not seen yet in this object, then its value.
                    if let failure = expect(quote) { return failure }
                    guard let field = key(at: position), !scratch.isPlaced(field) else { return p < end ? .other : outOfBytes }
                    position += 1
                    if let failure = expect(UInt8(ascii: ":")) { return failure }
                    guard skipBlanks() else { return .other }
                    guard p < end else { return outOfBytes }
                    let first = buffer[p]
                    if first == quote { p += 1 }
                    let failure = first == quote ? string(for: field)
                        : first == minus || isDigit(first) ? number(for: field) : literal(for: field)
                    if let failure { return failure }
                    guard skipBlanks() else { return .other }
                    guard p < end else { return outOfBytes }
                    p += 1
                    if buffer[p - 1] == UInt8(ascii: ",") { continue }
                    if buffer[p - 1] == UInt8(ascii: "}") { break }
                    return .other
                }
            }
            return nil
        }
    }

    // MARK: Values

    private func parseValue() throws -> JSONValue {
        try skipWhitespace()
        guard let byte = try source.peek() else { throw error("unexpected end of file; expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describe(byte)); expected a JSON value")
        }
    }

    /// Enters an array or object, refusing one level more than `maxDepth`.
    private func enterContainer() throws {
        depth += 1
        if depth > Self.maxDepth {
            throw error("arrays and objects are nested more than \(Self.maxDepth) levels deep")
        }
    }

    private func parseObject() throws -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        source.position += 1
        var object: [String: JSONValue] = [:]
        try skipWhitespace()
        if try source.peek() == UInt8(ascii: "}") {
            source.position += 1
            return .object(object)
        }
        while true {
            try skipWhitespace()
            guard try source.peek() == UInt8(ascii: "\"") else { throw error("expected a quoted field name") }
            let key = try parseString()
            try skipWhitespace()
            guard try source.peek() == UInt8(ascii: ":") else { throw error("expected : after field name \"\(key)\"") }
            source.position += 1
            let value = try parseValue()
            if object[key] != nil { throw error("field \"\(key)\" appears twice in one object") }
            object[key] = value
            try skipWhitespace()
            guard let byte = try source.peek() else { throw error("unexpected end of file inside an object") }
            source.position += 1
            if byte == UInt8(ascii: "}") { return .object(object) }
            guard byte == UInt8(ascii: ",") else { throw error("expected , or } in an object, found \(describe(byte))") }
        }
    }

    private func parseArray() throws -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        source.position += 1
        var array: [JSONValue] = []
        try skipWhitespace()
        if try source.peek() == UInt8(ascii: "]") {
            source.position += 1
            return .array(array)
        }
        while true {
            array.append(try parseValue())
            try skipWhitespace()
            guard let byte = try source.peek() else { throw error("unexpected end of file inside an array") }
            source.position += 1
            if byte == UInt8(ascii: "]") { return .array(array) }
            guard byte == UInt8(ascii: ",") else { throw error("expected , or ] in an array, found \(describe(byte))") }
        }
    }

    private func parseString() throws -> String {
        source.position += 1  // the opening quote
        var bytes: [UInt8] = []
        while true {
            guard let byte = try source.peek() else { throw error("unterminated string") }
            source.position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: bytes, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                guard let escape = try source.peek() else { throw error("unterminated string") }
                source.position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard try source.peek() == UInt8(ascii: "\\") else { throw error("unpaired surrogate in \\u escape") }
                        source.position += 1
                        guard try source.peek() == UInt8(ascii: "u") else { throw error("unpaired surrogate in \\u escape") }
                        source.position += 1
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: throw error("invalid escape \\\(describe(escape)) in a string")
                }
            case UInt8(ascii: "\n"):
                // In JSON Lines a newline inside a string cuts the record short; elsewhere it
                // is a control character like the others.
                if let recordLine { throw incomplete(recordLine) }
                fallthrough
            case 0..<0x20:
                throw error("control character in a string; newlines and tabs must be escaped")
            default:
                bytes.append(byte)
            }
        }
    }

    private func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try source.peek(), let digit = Self.hexDigit(byte) else { throw error("invalid \\u escape") }
            source.position += 1
            value = value << 4 | digit
        }
        return value
    }

    /// The four hex digits at `position`, or nil.
    private static func hex4(_ buffer: UnsafeBufferPointer<UInt8>, at position: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexDigit(buffer[position + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private func parseNumber() throws -> String {
        var bytes: [UInt8] = []
        func digits() throws -> Int {
            var count = 0
            while let byte = try source.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                bytes.append(byte)
                source.position += 1
                count += 1
            }
            return count
        }
        func take(_ byte: UInt8) throws -> Bool {
            if try source.peek() == byte {
                bytes.append(byte)
                source.position += 1
                return true
            }
            return false
        }
        _ = try take(UInt8(ascii: "-"))
        let firstDigit = bytes.count
        let integerDigits = try digits()
        guard integerDigits > 0 else { throw error("invalid number") }
        if integerDigits > 1 && bytes[firstDigit] == UInt8(ascii: "0") {
            throw error("invalid number: leading zeros are not allowed")
        }
        if try take(UInt8(ascii: ".")) {
            guard try digits() > 0 else { throw error("invalid number: digits must follow the decimal point") }
        }
        if try take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if try !take(UInt8(ascii: "+")) { _ = try take(UInt8(ascii: "-")) }
            guard try digits() > 0 else { throw error("invalid number: digits must follow the exponent") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func expectWord(_ word: String) throws {
        for expected in word.utf8 {
            guard try source.peek() == expected else { throw error("invalid literal; expected \(word)") }
            source.position += 1
        }
    }

    // MARK: Whitespace and errors

    private func skipWhitespace() throws {
        while let byte = try source.peek() {
            switch byte {
            case UInt8(ascii: "\n"):
                if let recordLine { throw incomplete(recordLine) }
                line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            source.position += 1
        }
    }

    /// In JSON Lines, only blanks may follow an object on its line.
    private func skipSpacesToLineEnd() throws {
        while let byte = try source.peek() {
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                source.position += 1
                return
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): source.position += 1
            default: throw error("unexpected \(describe(byte)) after the object; JSON Lines holds one object per line")
            }
        }
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
    }

    /// A JSON Lines record whose line ends (or the file) before its value does.
    private func incomplete(_ recordLine: Int) -> WarehouseError {
        WarehouseError("\(source.path):\(recordLine): the record is incomplete: the line ends before its object is closed "
            + "(JSON Lines holds one whole object per line)")
    }

    private func error(_ message: String) -> WarehouseError {
        WarehouseError("\(source.path):\(line): JSON syntax error: \(message)")
    }
}
