import Foundation
import TOMLKit

/// How the columns of a CSV file of another shape map onto an entity's fields, with the small
/// transforms such files need. Written as `--column FIELD=SOURCE[|transform…]` and
/// `--set FIELD=VALUE`, or as a mapping file (JSON, or TOML with [columns] and [set] tables).
///
/// Transforms: `strip-prefix:TEXT` (e.g. a URL prefix, leaving a Hugging Face repo id),
/// `number` (drops thousands separators: 1,234,567 → 1234567), `date:PATTERN` (a date in
/// another layout: DD/MM/YYYY, MM/DD/YYYY, YYYY.MM.DD, …), `lowercase`, `uppercase`.
public struct ColumnMapping: Sendable, Equatable {
    public enum Transform: Sendable, Equatable {
        case stripPrefix(String)
        case number
        case date(String)
        case lowercase
        case uppercase
    }

    public struct Column: Sendable, Equatable {
        public let field: String
        public let source: String
        public let transforms: [Transform]
    }

    public let entity: Entity
    public let columns: [Column]
    public let constants: [String: String]

    /// One entry of a mapping as it was written: a field and its source spec (a column) or
    /// its value (a constant), and where it was written (`--column value`,
    /// `map.toml:7: columns.value`), which every message about it starts with.
    public struct Entry: Sendable {
        public let field: String
        public let text: String
        public let origin: String
        public init(field: String, text: String, origin: String) {
            self.field = field
            self.text = text
            self.origin = origin
        }
    }

    /// Every problem of the mapping is reported at once, as a `ColumnMappingError`.
    public init(entity: Entity, columns: [Entry], constants: [Entry]) throws {
        self.entity = entity
        var problems: [String] = []
        var parsed: [Column] = []
        for entry in columns {
            do {
                parsed.append(try Self.parseColumn(entry, entity: entity))
            } catch let error as WarehouseError {
                problems.append(error.description)
            }
        }
        self.columns = parsed
        var values: [String: String] = [:]
        for entry in constants {
            guard entity.fieldNames.contains(entry.field) else {
                problems.append("\(entry.origin): \(unknownFieldMessage(entry.field, entity: entity))")
                continue
            }
            values[entry.field] = entry.text
        }
        self.constants = values
        for entry in constants where values[entry.field] != nil {
            guard let column = columns.first(where: { $0.field == entry.field }) else { continue }
            problems.append("\(entry.origin): the field is mapped by \(column.origin) as well; give it one or the other")
        }
        let mapped = Set(parsed.map(\.field))
        let missing = entity.fields.filter { $0.required && !mapped.contains($0.name) && values[$0.name] == nil }.map(\.name)
        // models.released_on may come from the release; every other required field must be mapped.
        // (A field whose spec was wrong is reported for that, not as missing.)
        let unmapped = problems.isEmpty ? missing : []
        if !problems.isEmpty || !unmapped.isEmpty { throw ColumnMappingError(problems: problems, unmapped: unmapped, entity: entity) }
    }

    /// Reads a mapping file: JSON `{"into": …, "columns": {FIELD: SPEC}, "set": {FIELD: VALUE}}`
    /// or the same in TOML (`into = "…"`, then `[columns]` and `[set]` tables of strings, or
    /// inline tables), read by TOMLKit.
    public static func load(path: String, into: Entity?) throws -> ColumnMapping {
        guard let data = FileManager.default.contents(atPath: path) else { throw WarehouseError("\(path): cannot read the mapping file") }
        let text = String(decoding: data, as: UTF8.self)
        var table: [String: [String: String]] = [:]
        /// Where each entry was written: "columns.value" → "map.toml:7: columns.value".
        var origins: [String: String] = [:]
        var target: String?
        if path.lowercased().hasSuffix(".json") {
            guard case .object(let object) = try JSONReader.document(at: path) else {
                throw WarehouseError("\(path): expected a JSON object {\"into\": …, \"columns\": {…}, \"set\": {…}}")
            }
            if case .string(let into) = object["into"] { target = into }
            for key in ["columns", "set"] {
                guard let value = object[key] else { continue }
                guard case .object(let fields) = value else { throw WarehouseError("\(path): \"\(key)\" must map field names to strings") }
                table[key] = try fields.mapValues { field in
                    guard case .string(let text) = field else { throw WarehouseError("\(path): \"\(key)\" must map field names to strings") }
                    return text
                }
                for field in fields.keys {
                    let line = jsonLine(of: field, after: key, in: text)
                    origins["\(key).\(field)"] = "\(path):\(line.map(String.init) ?? "?"): \(key).\(field)"
                }
            }
        } else {
            let document: TOMLTable
            do {
                document = try TOMLTable(string: text)
            } catch let error as TOMLParseError {
                throw WarehouseError("\(path):\(error.source.begin.line): \(error.description)")
            }
            func at(_ key: String, in section: String? = nil) -> String {
                "\(path):\(tomlLine(of: key, in: section, text: text).map(String.init) ?? "?")"
            }
            for key in document.keys {
                guard let value = document[key] else { continue }  // never: the key is the table's own
                switch key {
                case "into":
                    guard let into = value.string else { throw WarehouseError("\(at(key)): the value of into must be a string") }
                    target = into
                case "columns", "set":
                    guard let fields = value.table else { throw WarehouseError("\(at(key)): \(key) must be a table of strings") }
                    for field in fields.keys {
                        guard let text = fields[field]?.string else {
                            throw WarehouseError("\(at(field, in: key)): the value of \(key).\(field) must be a string")
                        }
                        table[key, default: [:]][field] = text
                        origins["\(key).\(field)"] = "\(at(field, in: key)): \(key).\(field)"
                    }
                default:
                    throw WarehouseError("\(at(key)): unknown key \(key); put fields under [columns] or [set]")
                }
            }
        }
        guard let entity = into ?? target.flatMap(Entity.init(rawValue:)) else {
            throw WarehouseError("\(path): say which entity the file maps onto, with into = \"observations\"")
        }
        // In the order of the file, so problems are listed top to bottom.
        func entries(_ section: String) -> [Entry] {
            (table[section] ?? [:]).map {
                Entry(field: $0.key.trimmingCharacters(in: .whitespaces), text: $0.value,
                      origin: origins["\(section).\($0.key)"] ?? "\(path): \(section).\($0.key)")
            }.sorted { $0.origin.localizedStandardCompare($1.origin) == .orderedAscending }
        }
        do {
            return try ColumnMapping(entity: entity, columns: entries("columns"), constants: entries("set"))
        } catch let error as ColumnMappingError {
            // Problems not tied to one entry (a missing field) still name the file.
            throw WarehouseError(error.message(howToAdd: "add it under [columns] or [set]").split(separator: "\n")
                .map { $0.hasPrefix(path) ? String($0) : "\(path): \($0)" }.joined(separator: "\n"))
        }
    }

    /// The line where `key` is given a value in a TOML text (after the line that opens
    /// `section`: `[section]`, `section = {…}` or `section.key`), for messages: TOMLKit gives
    /// positions for syntax errors only.
    private static func tomlLine(of key: String, in section: String?, text: String) -> Int? {
        // Comments dropped; a "#" inside a string only shortens what is searched.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.prefix { $0 != "#" }) }
        /// Where `name =` or `name.` (bare, "quoted" or 'literal') ends in `line`.
        func assignment(of name: String, in line: String) -> String.Index? {
            let name = NSRegularExpression.escapedPattern(for: name)
            return line.range(of: "(^|[\\s{,.])(\(name)|\"\(name)\"|'\(name)')\\s*[=.]", options: .regularExpression)?.upperBound
        }
        func opens(_ table: String, _ line: String) -> Bool {
            line.range(of: "^\\s*\\[\\s*\(NSRegularExpression.escapedPattern(for: table))\\s*\\]", options: .regularExpression) != nil
        }
        guard let section else {
            return lines.firstIndex { opens(key, $0) || assignment(of: key, in: $0) != nil }.map { $0 + 1 }
        }
        guard let start = lines.firstIndex(where: { opens(section, $0) || assignment(of: section, in: $0) != nil }) else { return nil }
        // On the line that opens the section, only what follows `[section]`, `section =` or `section.`.
        let first = opens(section, lines[start]) ? "" : assignment(of: section, in: lines[start]).map { String(lines[start][$0...]) } ?? ""
        if assignment(of: key, in: first) != nil { return start + 1 }
        return lines[(start + 1)...].firstIndex { assignment(of: key, in: $0) != nil }.map { $0 + 1 }
    }

    /// The line of `"key":` after the line of `"section"` in a JSON text: where a mapping
    /// file's entry was written, for messages.
    private static func jsonLine(of key: String, after section: String, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.contains("\"\(section)\"") }) else { return nil }
        let pattern = "\"\(key)\""
        for index in start..<lines.count {
            var line = lines[index]
            if index == start, let range = line.range(of: "\"\(section)\"") { line = line[range.upperBound...] }
            if let range = line.range(of: pattern), line[range.upperBound...].drop(while: { $0 == " " }).hasPrefix(":") { return index + 1 }
        }
        return nil
    }

    static func parseColumn(_ entry: Entry, entity: Entity) throws -> Column {
        let field = entry.field, at = entry.origin
        guard entity.fieldNames.contains(field) else { throw WarehouseError("\(at): \(unknownFieldMessage(field, entity: entity))") }
        let parts = entry.text.split(separator: "|", omittingEmptySubsequences: false).map { String($0) }
        let source = parts[0].trimmingCharacters(in: .whitespaces)
        guard !source.isEmpty else { throw WarehouseError("\(at): name the source column after =") }
        let transforms = try parts.dropFirst().map { word -> Transform in
            let trimmed = word.trimmingCharacters(in: .whitespaces)
            let name = trimmed.prefix { $0 != ":" }
            let argument = trimmed.firstIndex(of: ":").map { String(trimmed[trimmed.index(after: $0)...]) }
            switch (name, argument) {
            case ("strip-prefix", let text?): return .stripPrefix(text)
            case ("number", nil): return .number
            case ("date", let pattern?):
                guard DatePattern.isValid(pattern) else { throw WarehouseError("\(at): date:\(pattern) needs YYYY, MM and DD, e.g. date:DD/MM/YYYY") }
                return .date(pattern)
            case ("lowercase", nil): return .lowercase
            case ("uppercase", nil): return .uppercase
            default:
                throw WarehouseError("\(at): unknown transform \"\(trimmed)\"; use strip-prefix:TEXT, number, date:PATTERN, lowercase or uppercase")
            }
        }
        return Column(field: field, source: source, transforms: transforms)
    }

    /// Applies a column's transforms; a problem message when the value does not fit.
    static func apply(_ transforms: [Transform], to value: String) -> Result<String, FieldMessage> {
        var text = value
        for transform in transforms {
            switch transform {
            case .stripPrefix(let prefix):
                if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
            case .number:
                text = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
                    .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
            case .date(let pattern):
                guard let date = DatePattern.parse(text, pattern: pattern) else {
                    return .failure(FieldMessage("is not a date written \(pattern)"))
                }
                text = date
            case .lowercase: text = text.lowercased()
            case .uppercase: text = text.uppercased()
            }
        }
        return .success(text)
    }
}

/// What is wrong with a mapping: each entry's problems, starting with where it was written,
/// and the required fields it gives no value.
public struct ColumnMappingError: Error, CustomStringConvertible {
    public let problems: [String]
    /// Required fields neither mapped nor set (listed only when the entries have no problem).
    public let unmapped: [String]
    public let entity: Entity

    /// The problems, one a line; `howToAdd` says how to add a field where the mapping is written.
    public func message(howToAdd: String) -> String {
        (problems + (unmapped.isEmpty ? [] : ["the mapping onto \(entity.rawValue) gives no \(unmapped.joined(separator: ", ")); \(howToAdd)"]))
            .joined(separator: "\n")
    }

    public var description: String { message(howToAdd: "map each to a source column or give it a value") }
}

struct FieldMessage: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// Dates in another layout: a pattern of YYYY, MM, DD and literal separators. With
/// separators, months and days may have one digit (1/2/2025).
enum DatePattern {
    static func isValid(_ pattern: String) -> Bool {
        pattern.contains("YYYY") && pattern.contains("MM") && pattern.contains("DD")
    }

    static func parse(_ text: String, pattern: String) -> String? {
        let p = Array(pattern), s = Array(text)
        func token(at index: Int) -> (kind: Character, width: Int)? {
            for (name, kind) in [("YYYY", Character("Y")), ("MM", "M"), ("DD", "D")]
            where index + name.count <= p.count && String(p[index..<index + name.count]) == name {
                return (kind, name.count)
            }
            return nil
        }
        var i = 0, j = 0
        var parts: [Character: Int] = [:]
        while i < p.count {
            guard let (kind, width) = token(at: i) else {
                guard j < s.count, s[j] == p[i] else { return nil }
                i += 1
                j += 1
                continue
            }
            i += width
            var digits = 0, value = 0
            while j < s.count, digits < width, s[j].isASCII, let digit = s[j].wholeNumberValue {
                value = value * 10 + digit
                j += 1
                digits += 1
            }
            // A short month or day is fine before a separator, not before another field.
            guard digits > 0, digits == width || (kind != "Y" && token(at: i) == nil) else { return nil }
            parts[kind] = value
        }
        guard j == s.count, let year = parts["Y"], let month = parts["M"], let day = parts["D"] else { return nil }
        let date = String(format: "%04d-%02d-%02d", year, month, day)
        return DateText.isValid(date) ? date : nil
    }
}

/// A CSV file of another shape, read through a `ColumnMapping` into one entity.
final class MappedCSVSource: RecordSource {
    private let reader: CSVReader
    private let source: ByteSource
    private let mapping: ColumnMapping
    /// For each of the entity's fields: the source column and its transforms, or a constant.
    private let plan: [(column: Int?, transforms: [ColumnMapping.Transform], constant: String?)]
    private let width: Int

    init(reader: CSVReader, mapping: ColumnMapping, source: ByteSource) throws {
        self.reader = reader
        self.source = source
        self.mapping = mapping
        guard let header = try reader.next() else { throw WarehouseError("\(source.path):1: the file is empty; expected a header row") }
        let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces) }
        var problems: [String] = []
        plan = mapping.entity.fieldNames.map { field in
            if let constant = mapping.constants[field] { return (nil, [], constant) }
            guard let column = mapping.columns.first(where: { $0.field == field }) else { return (nil, [], nil) }
            guard let index = names.firstIndex(of: column.source) else {
                var message = "\(source.path):1: column \(column.source) (for field \(field)) is not in the header"
                if let suggestion = closest(to: column.source, in: names) { message += "; did you mean \(suggestion)?" }
                problems.append(message + " (columns: \(names.joined(separator: ", ")))")
                return (nil, [], nil)
            }
            return (index, column.transforms, nil)
        }
        if !problems.isEmpty { throw WarehouseError(problems.joined(separator: "\n")) }
        width = names.count
    }

    var bytesRead: Int64 { source.bytesRead }

    func next() throws -> SourceRecord? {
        guard let row = try reader.next() else { return nil }
        var problems: [RowProblem] = []
        if row.cells.count != width {
            problems.append(RowProblem(line: row.line, field: nil, message: "the row has \(row.cells.count) cells but the header has \(width)", value: nil))
        }
        var cells: [String] = []
        for (field, step) in zip(mapping.entity.fieldNames, plan) {
            if let constant = step.constant {
                cells.append(constant)
                continue
            }
            guard let column = step.column, column < row.cells.count, !row.cells[column].isEmpty else {
                cells.append("")
                continue
            }
            switch ColumnMapping.apply(step.transforms, to: row.cells[column]) {
            case .success(let value): cells.append(value)
            case .failure(let message):
                problems.append(RowProblem(line: row.line, field: field, message: message.text, value: row.cells[column]))
                cells.append("")
            }
        }
        return SourceRecord(entity: mapping.entity, line: row.line, cells: cells, problems: problems, insertOnly: false)
    }
}
