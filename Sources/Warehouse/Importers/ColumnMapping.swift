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

    /// `columnOrigins` and `constantOrigins` say where each spec was written, for messages:
    /// `--column` and `--set` by default, `map.toml:7: columns.value` for a mapping file.
    /// Every problem of the mapping is reported at once.
    public init(entity: Entity, columns: [String], constants: [String],
                columnOrigins: [String]? = nil, constantOrigins: [String]? = nil) throws {
        self.entity = entity
        var problems: [String] = []
        var parsed: [Column] = []
        for (index, spec) in columns.enumerated() {
            do {
                parsed.append(try Self.parseColumn(spec, entity: entity, origin: columnOrigins?[index]))
            } catch let error as WarehouseError {
                problems.append(error.description)
            }
        }
        self.columns = parsed
        var values: [String: String] = [:]
        for (index, pair) in constants.enumerated() {
            let origin = constantOrigins?[index]
            guard let equals = pair.firstIndex(of: "=") else {
                problems.append("--set takes FIELD=VALUE (got \"\(pair)\")")
                continue
            }
            let field = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            guard entity.fieldNames.contains(field) else {
                problems.append("\(origin ?? "--set \(field)"): \(unknownFieldMessage(field, entity: entity))")
                continue
            }
            values[field] = String(pair[pair.index(after: equals)...])
        }
        self.constants = values
        let mapped = Set(parsed.map(\.field))
        for both in mapped.intersection(values.keys).sorted() {
            problems.append(columnOrigins == nil ? "field \(both) is given by both --column and --set" : "field \(both) is given by both [columns] and [set]")
        }
        let missing = entity.fields.filter { $0.required && !mapped.contains($0.name) && values[$0.name] == nil }.map(\.name)
        // models.released_on may come from the release; every other required field must be mapped.
        // (A field whose spec was wrong is reported for that, not as missing.)
        if !missing.isEmpty && problems.isEmpty {
            problems.append("the mapping onto \(entity.rawValue) gives no \(missing.joined(separator: ", ")); "
                + (columnOrigins == nil ? "add --column FIELD=SOURCE or --set FIELD=VALUE" : "add it under [columns] or [set]"))
        }
        if !problems.isEmpty { throw WarehouseError(problems.joined(separator: "\n")) }
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
            throw WarehouseError("\(path): say which entity the file maps onto, with into = \"observations\" (or --into)")
        }
        // In the order of the file, so problems are listed top to bottom.
        func entries(_ section: String) -> [(spec: String, origin: String)] {
            (table[section] ?? [:]).map { ("\($0.key)=\($0.value)", origins["\(section).\($0.key)"] ?? "\(path): \(section).\($0.key)") }
                .sorted { $0.origin.localizedStandardCompare($1.origin) == .orderedAscending }
        }
        let columns = entries("columns"), constants = entries("set")
        do {
            return try ColumnMapping(entity: entity, columns: columns.map(\.spec), constants: constants.map(\.spec),
                                     columnOrigins: columns.map(\.origin), constantOrigins: constants.map(\.origin))
        } catch let error as WarehouseError {
            // Problems not tied to one entry (a missing field) still name the file.
            throw WarehouseError(error.description.split(separator: "\n").map { $0.hasPrefix(path) ? String($0) : "\(path): \($0)" }
                .joined(separator: "\n"))
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

    static func parseColumn(_ spec: String, entity: Entity, origin: String? = nil) throws -> Column {
        guard let equals = spec.firstIndex(of: "=") else { throw WarehouseError("--column takes FIELD=SOURCE_COLUMN (got \"\(spec)\")") }
        let field = String(spec[..<equals]).trimmingCharacters(in: .whitespaces)
        let at = origin ?? "--column \(field)"
        guard entity.fieldNames.contains(field) else { throw WarehouseError("\(at): \(unknownFieldMessage(field, entity: entity))") }
        let parts = spec[spec.index(after: equals)...].split(separator: "|", omittingEmptySubsequences: false).map { String($0) }
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
