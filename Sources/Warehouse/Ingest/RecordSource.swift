import Foundation
import SQLiteDB

/// The source formats owl reads.
public enum SourceFormat: String, CaseIterable, Sendable {
    case csv, json, jsonl

    /// The format a file's extension implies, nil when it implies none.
    public static func forFileName(_ name: String) -> SourceFormat? {
        switch (name as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        default: return nil
        }
    }
}

/// One row read from a file, its cells aligned with `entity.fields` (nil: absent or empty),
/// with the problems found while reading it (unknown fields, invalid UTF-8, wrong cell count).
struct SourceRecord {
    var line: Int
    var cells: [String?]
    var problems: [RowProblem]
    /// The cells converted to stored values by `FieldConverter`.
    var values: [SQLValue] = []
}

/// Rows of one entity from one file, whatever the file's format.
protocol RecordSource: AnyObject {
    func next() throws -> SourceRecord?
    var bytesRead: Int64 { get }
}

func openRecordSource(_ source: ByteSource, format: SourceFormat, entity: Entity) throws -> RecordSource {
    switch format {
    case .csv: return try CSVRecordSource(reader: CSVReader(source: source), entity: entity, source: source)
    case .json: return JSONRecordSource(reader: JSONReader(source: source, jsonLines: false), entity: entity, source: source)
    case .jsonl: return JSONRecordSource(reader: JSONReader(source: source, jsonLines: true), entity: entity, source: source)
    }
}

/// Explains a column or field name that is not one of the entity's.
func unknownFieldMessage(_ name: String, entity: Entity) -> String {
    var message = "is not a field of \(entity.rawValue) (fields: \(entity.fieldNames.joined(separator: ", ")))"
    if let suggestion = closest(to: name, in: entity.fieldNames) { message = "is not a field of \(entity.rawValue); did you mean \(suggestion)?" }
    return message
}

final class CSVRecordSource: RecordSource {
    private let reader: CSVReader
    private let source: ByteSource
    private let entity: Entity
    /// For each of the entity's fields, the CSV column holding it.
    private let columnOfField: [Int?]
    private let headerWidth: Int
    private let headerNames: [String]

    init(reader: CSVReader, entity: Entity, source: ByteSource) throws {
        self.reader = reader
        self.source = source
        self.entity = entity
        guard let header = try reader.next() else {
            throw WarehouseError("\(source.path):1: the file is empty; expected a header row naming the fields of \(entity.rawValue)")
        }
        var problems: [String] = []
        var columnByName: [String: Int] = [:]
        let names = header.cells.map { FieldConverter.trimmed($0) }
        if let bad = header.invalidUTF8Cell {
            throw WarehouseError("\(source.path):1: the header row is not valid UTF-8 (column \(bad + 1)); save the file as UTF-8")
        }
        for (column, name) in names.enumerated() {
            if name.isEmpty {
                problems.append("\(source.path):1: column \(column + 1) has no name in the header (a trailing comma?)")
            } else if entity.fieldNames.contains(name) {
                if columnByName[name] != nil {
                    problems.append("\(source.path):1: field \(name): the column appears twice (columns \(columnByName[name]! + 1) and \(column + 1))")
                }
                columnByName[name] = column
            } else {
                problems.append("\(source.path):1: field \(name): \(unknownFieldMessage(name, entity: entity))")
            }
        }
        for field in entity.fields where field.required && columnByName[field.name] == nil {
            problems.append("\(source.path):1: field \(field.name): the required column is missing from the header")
        }
        if !problems.isEmpty { throw WarehouseError(problems.joined(separator: "\n")) }
        columnOfField = entity.fieldNames.map { columnByName[$0] }
        headerWidth = names.count
        headerNames = names
    }

    var bytesRead: Int64 { source.bytesRead }

    func next() throws -> SourceRecord? {
        guard let row = try reader.next() else { return nil }
        var problems: [RowProblem] = []
        if row.cells.count != headerWidth {
            problems.append(RowProblem(line: row.line, field: nil,
                message: "the row has \(row.cells.count) cells but the header has \(headerWidth)", value: nil))
        }
        if let bad = row.invalidUTF8Cell {
            problems.append(RowProblem(line: row.line, field: bad < headerNames.count ? headerNames[bad] : "column \(bad + 1)",
                message: "is not valid UTF-8 text", value: nil))
        }
        let cells = columnOfField.map { column -> String? in
            guard let column, column < row.cells.count else { return nil }
            let cell = row.cells[column]
            return cell.isEmpty ? nil : cell
        }
        return SourceRecord(line: row.line, cells: cells, problems: problems)
    }
}

final class JSONRecordSource: RecordSource {
    private let reader: JSONReader
    private let source: ByteSource
    private let entity: Entity
    private let fieldIndex: [String: Int]

    init(reader: JSONReader, entity: Entity, source: ByteSource) {
        self.reader = reader
        self.source = source
        self.entity = entity
        fieldIndex = Dictionary(uniqueKeysWithValues: entity.fieldNames.enumerated().map { ($1, $0) })
    }

    var bytesRead: Int64 { source.bytesRead }

    func next() throws -> SourceRecord? {
        guard let (line, object) = try reader.next() else { return nil }
        var cells = [String?](repeating: nil, count: fieldIndex.count)
        var problems: [RowProblem] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let index = fieldIndex[key] else {
                problems.append(RowProblem(line: line, field: key, message: unknownFieldMessage(key, entity: entity), value: nil))
                continue
            }
            if let scalar = value.scalarText {
                cells[index] = scalar
            } else if key == "hf_namespaces", case .array(let items) = value, items.allSatisfy({ if case .string = $0 { true } else { false } }) {
                cells[index] = items.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: ";")
            } else {
                problems.append(RowProblem(line: line, field: key, message: "must be a single value, not an array or object", value: nil))
            }
        }
        return SourceRecord(line: line, cells: cells, problems: problems)
    }
}
