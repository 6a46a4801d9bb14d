/// The objects of a JSON array or JSON Lines file of one entity, as rows of its fields.
final class JSONRecordSource: RecordSource, RawRowReader {
    private let reader: JSONReader
    private let source: ByteSource
    private let entity: Entity
    private let fieldNames: [[UInt8]]
    private let fieldIndex: [String: Int]
    /// The last row read by `nextRaw`: each field's value text one after another, where each
    /// ends, its line and its problems. Valid until the next read.
    private(set) var rawBytes: [UInt8] = []
    private(set) var cellEnds: [Int] = []
    private(set) var rawLine = 0
    private(set) var rawProblems: [RowProblem] = []

    init(reader: JSONReader, entity: Entity, source: ByteSource) {
        self.reader = reader
        self.source = source
        self.entity = entity
        fieldNames = entity.fieldNames.map { Array($0.utf8) }
        fieldIndex = Dictionary(uniqueKeysWithValues: entity.fieldNames.enumerated().map { ($1, $0) })
    }

    var bytesRead: Int64 { source.bytesRead }

    /// Reads the next object into `rawBytes`, `cellEnds`, `rawLine` and `rawProblems`; false
    /// after the last. Flat objects (the common case) build no String; others are parsed whole.
    func nextRaw() throws -> Bool {
        guard let record = try reader.nextFlat(fields: fieldNames, cells: &rawBytes, cellEnds: &cellEnds) else { return false }
        switch record {
        case .row(let line):
            rawLine = line
            if !rawProblems.isEmpty { rawProblems = [] }
        case .object(let line, let object):
            rawLine = line
            let (cells, problems) = row(of: object, line: line)
            rawBytes.removeAll(keepingCapacity: true)
            cellEnds.removeAll(keepingCapacity: true)
            for cell in cells {
                rawBytes.append(contentsOf: cell.utf8)
                cellEnds.append(rawBytes.count)
            }
            rawProblems = problems
        }
        return true
    }

    func next() throws -> SourceRecord? {
        guard try nextRaw() else { return nil }
        // Valid UTF-8: the reader checks every string.
        let cells = cellEnds.indices.map { index in
            String(decoding: rawBytes[(index == 0 ? 0 : cellEnds[index - 1])..<cellEnds[index]], as: UTF8.self)
        }
        return SourceRecord(entity: entity, line: rawLine, cells: cells, problems: rawProblems)
    }

    /// An object's fields as cells in the entity's order, and its problems (unknown fields,
    /// arrays or objects where one value belongs), in key order.
    private func row(of object: [String: JSONValue], line: Int) -> (cells: [String], problems: [RowProblem]) {
        var cells = [String](repeating: "", count: fieldIndex.count)
        var problems: [RowProblem] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let index = fieldIndex[key] else {
                problems.append(RowProblem(line: line, field: key, message: unknownFieldMessage(key, entity: entity), value: nil))
                continue
            }
            if let scalar = value.scalarText {
                cells[index] = scalar ?? ""
            } else if key == "hf_namespaces", case .array(let items) = value, items.allSatisfy({ if case .string = $0 { true } else { false } }) {
                cells[index] = items.compactMap { if case .string(let s) = $0 { s } else { nil } }.joined(separator: ";")
            } else {
                problems.append(RowProblem(line: line, field: key, message: "must be a single value, not an array or object", value: nil))
            }
        }
        return (cells, problems)
    }
}
