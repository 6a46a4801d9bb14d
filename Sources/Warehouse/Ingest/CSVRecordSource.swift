import Foundation

final class CSVRecordSource: RecordSource {
    let reader: CSVReader
    private let source: ByteSource
    private let entity: Entity
    /// For each of the entity's fields, the CSV column holding it.
    let columnOfField: [Int?]
    let headerWidth: Int
    private let headerNames: [String]
    private let inFieldOrder: Bool

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
                if let earlier = columnByName[name] {
                    problems.append("\(source.path):1: field \(name): the column appears twice (columns \(earlier + 1) and \(column + 1))")
                }
                columnByName[name] = column
            } else {
                problems.append("\(source.path):1: field \(name): \(unknownFieldMessage(name, entity: entity))")
            }
        }
        for field in entity.fields where field.required && columnByName[field.name] == nil {
            problems.append("\(source.path):1: field \(field.name): the required column is missing from the header")
        }
        if !problems.isEmpty {
            // As with rows: the first 20 problems, then how many more.
            let more = problems.count > 20 ? ["… and \(problems.count - 20) more problems in the header"] : []
            throw WarehouseError((problems.prefix(20) + more).joined(separator: "\n"))
        }
        columnOfField = entity.fieldNames.map { columnByName[$0] }
        headerWidth = names.count
        inFieldOrder = names == entity.fieldNames
        headerNames = names
    }

    var bytesRead: Int64 { source.bytesRead }

    func next() throws -> SourceRecord? {
        guard let row = try reader.next() else { return nil }
        return record(from: row)
    }

    func record(from row: CSVRow) -> SourceRecord {
        var problems: [RowProblem] = []
        if row.cells.count != headerWidth {
            problems.append(RowProblem(line: row.line, field: nil,
                message: "the row has \(row.cells.count) cells but the header has \(headerWidth)", value: nil))
        }
        if let bad = row.invalidUTF8Cell {
            problems.append(RowProblem(line: row.line, field: bad < headerNames.count ? headerNames[bad] : "column \(bad + 1)",
                message: "is not valid UTF-8 text", value: nil))
        }
        // Columns already in field order (the common case, and owl's own exports) pass as they are.
        let cells = inFieldOrder && row.cells.count == headerWidth ? row.cells : columnOfField.map { column -> String in
            guard let column, column < row.cells.count else { return "" }
            return row.cells[column]
        }
        return SourceRecord(entity: entity, line: row.line, cells: cells, problems: problems)
    }
}
