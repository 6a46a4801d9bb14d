/// Rows from one file, whatever its format.
protocol RecordSource: AnyObject {
    func next() throws -> SourceRecord?
    var bytesRead: Int64 { get }
    /// What the user should know once the file is read (read after the last row).
    var notes: [String] { get }
}

extension RecordSource {
    var notes: [String] { [] }
}

func openRecordSource(_ source: ByteSource, file: IngestFile, context: SourceContext) throws -> RecordSource {
    /// The entity an interchange file holds (`Ingester.plan` names one for each).
    func entity() throws -> Entity {
        guard let entity = file.entity else {
            throw WarehouseError("\(file.path): a \(file.format.rawValue) file in the interchange format needs the entity it holds")
        }
        return entity
    }
    switch file.format {
    case .csv:
        let reader = CSVReader(source: source)
        if let mapping = context.mapping { return try MappedCSVSource(reader: reader, mapping: mapping, source: source) }
        return try CSVRecordSource(reader: reader, entity: entity(), source: source)
    case .json: return JSONRecordSource(reader: JSONReader(source: source, jsonLines: false), entity: try entity(), source: source)
    case .jsonl: return JSONRecordSource(reader: JSONReader(source: source, jsonLines: true), entity: try entity(), source: source)
    case .hfModels: return try HFModelsSource(source: source, context: context)
    case .epoch: return try EpochSource(reader: CSVReader(source: source), source: source, context: context)
    case .openLLMLeaderboard: return try OpenLLMLeaderboardSource(reader: CSVReader(source: source), source: source, context: context)
    }
}

/// Explains a column or field name that is not one of the entity's.
func unknownFieldMessage(_ name: String, entity: Entity) -> String {
    var message = "is not a field of \(entity.rawValue) (fields: \(entity.fieldNames.joined(separator: ", ")))"
    if let suggestion = closest(to: name, in: entity.fieldNames) { message = "is not a field of \(entity.rawValue); did you mean \(suggestion)?" }
    return message
}
