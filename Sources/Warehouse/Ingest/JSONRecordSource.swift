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
        return SourceRecord(entity: entity, line: line, cells: cells, problems: problems)
    }
}
