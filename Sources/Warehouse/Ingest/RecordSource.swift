import Foundation
import SQLiteDB

/// The source formats owl reads.
public enum SourceFormat: String, CaseIterable, Sendable {
    /// The interchange format of DESIGN.md: one entity per file.
    case csv, json, jsonl
    /// Hugging Face Hub `/api/models` listings (JSON array or JSON Lines).
    case hfModels = "hf-models"
    /// Epoch AI's "Notable AI Models" CSV.
    case epoch
    /// The Open LLM Leaderboard's exports (`model_name`, `metadata_*`, `evaluations_*`).
    case openLLMLeaderboard = "open-llm-leaderboard"

    public var isInterchange: Bool { self == .csv || self == .json || self == .jsonl }

    /// Formats whose rows are Hugging Face repos, which may name base models.
    var namesHubRepos: Bool { self == .hfModels || self == .openLLMLeaderboard }

    /// The format a file's extension implies, nil when it implies none.
    public static func forFileName(_ name: String) -> SourceFormat? {
        switch Paths.pathExtension(of: name).lowercased() {
        case "csv": return .csv
        case "json": return .json
        case "jsonl", "ndjson": return .jsonl
        default: return nil
        }
    }

    /// A real-world format recognised from the start of the file, nil for anything else.
    public static func detect(path: String) -> SourceFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 16_384)) ?? Data(), as: UTF8.self)
        let firstLine = head.prefix { $0 != "\n" && $0 != "\r\n" }
        if firstLine.contains("Model,") && firstLine.contains("Organization") && firstLine.contains("Publication date") {
            return .epoch
        }
        if firstLine.contains("model_name") && firstLine.contains("metadata_base_model") && firstLine.contains("evaluations_") {
            return .openLLMLeaderboard
        }
        // A Hub listing's objects carry these keys; interchange files never do.
        let trimmed = head.drop { $0.isWhitespace || $0 == "[" || $0 == "\u{FEFF}" }
        func hasKey(_ key: String) -> Bool {
            head.range(of: "\"\(key)\"\\s*:", options: .regularExpression) != nil
        }
        if trimmed.hasPrefix("{"), hasKey("id") || hasKey("modelId"), hasKey("downloads") || hasKey("likes") {
            return .hfModels
        }
        return nil
    }
}

/// One row read from a file, for one entity: its cells aligned with `entity.fields` (empty:
/// absent, empty or null — not known), and the problems found while reading it (unknown fields, invalid UTF-8,
/// wrong cell count).
struct SourceRecord {
    var entity: Entity
    var line: Int
    var cells: [String]
    var problems: [RowProblem]
    /// The cells converted to stored values by `FieldConverter`.
    var values: [SQLValue] = []
    /// Insert when new, never update: importers do not overwrite rows curated by hand.
    var insertOnly = false
    /// A record made after the file was read, for a row already counted (Epoch's bases,
    /// matched once every model is known): it does not count as another row of the file.
    var revisitsRow = false
    /// The row could not be read into fields at all (a wrong number of cells, no id): its
    /// problems are reported alone, without checking its (empty) fields.
    var unreadable = false

    init(entity: Entity, line: Int, cells: [String], problems: [RowProblem] = [], insertOnly: Bool = false) {
        self.entity = entity
        self.line = line
        self.cells = cells
        self.problems = problems
        self.insertOnly = insertOnly
    }

    /// A record built from field names, as importers produce them.
    init(entity: Entity, line: Int, fields: [String: String?], insertOnly: Bool = true) {
        self.init(entity: entity, line: line, cells: entity.fieldNames.map { (fields[$0] ?? nil) ?? "" }, insertOnly: insertOnly)
    }
}

extension SourceRecord {
    /// A record for a row that cannot be read as `entity` at all: reported for that alone.
    static func invalid(_ entity: Entity, line: Int, field: String?, message: String, value: String? = nil) -> SourceRecord {
        var record = SourceRecord(entity: entity, line: line, cells: entity.fieldNames.map { _ in "" },
                                  problems: [RowProblem(line: line, field: field, message: message, value: value)])
        record.unreadable = true
        return record
    }
}

/// The records of one source row at a time, handed out in order: importers turn each row of
/// a real-world file into records of several entities.
struct RecordBuffer {
    private var records: [SourceRecord] = []
    private var index = 0

    /// The next record, reading rows with `readRow` (nil at the end of the file) as needed.
    mutating func next(readRow: () throws -> [SourceRecord]?) rethrows -> SourceRecord? {
        while index == records.count {
            guard let row = try readRow() else { return nil }
            records = row
            index = 0
        }
        index += 1
        return records[index - 1]
    }
}

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

/// What a source may need to know of the database, read before the file is (sources run on
/// a reading thread and never touch the connection).
struct SourceContext {
    let fileName: String
    let observedOn: String?
    /// For hf-models: models created before this date are left out.
    let createdSince: String?
    let mapping: ColumnMapping?
    /// Lower-cased Hugging Face namespace → organization id.
    let organizationByNamespace: [String: String]
    /// Organization ids, and lower-cased organization names → id.
    let organizationIDs: Set<String>
    let organizationByName: [String: String]
    /// Lower-cased aliases (old ids, other names) → organization id: looked up before a
    /// name or id makes a new organization, so merges survive the next import.
    let organizationByAlias: [String: String]
    /// Model ids already stored and described, and stubs (read for the Hugging Face
    /// formats only, which add only new models and fill in stubs).
    let existingModels: Set<String>
    let stubModels: Set<String>
    /// "organization id, lower-cased model name" → model id (read for epoch only, to find
    /// models already stored under their Hugging Face id).
    let modelByOrganizationAndName: [String: String]
    /// `modelNameKey` of each model's name and of its id's last part → model id (epoch only,
    /// whose Base model column names models rather than giving ids).
    let modelByName: [String: String]

    /// A model name compared without case, spaces or punctuation other than `.`:
    /// "Qwen2.5 7B" and "Qwen2.5-7B" are one name.
    static func modelNameKey(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "." }.map(Character.init))
    }

    static func modelKey(organization: String, name: String) -> String { organization + "\u{1}" + name.lowercased() }

    init(db: Database, options: IngestOptions, fileName: String, format: SourceFormat) throws {
        self.fileName = fileName
        observedOn = options.observedOn
        createdSince = options.createdSince
        mapping = options.mapping
        var byNamespace: [String: String] = [:], byName: [String: String] = [:], ids: Set<String> = []
        for row in try db.rows("SELECT id, name, hf_namespaces FROM organizations") {
            guard case .text(let id) = row[0] else { continue }
            ids.insert(id)
            if case .text(let name) = row[1] { byName[name.lowercased()] = id }
            if case .text(let namespaces) = row[2] {
                for namespace in namespaces.split(separator: ";") { byNamespace[namespace.lowercased()] = id }
            }
        }
        var byAlias: [String: String] = [:]
        for row in try db.rows("SELECT alias, organization FROM organization_aliases") {
            guard case .text(let alias) = row[0], case .text(let organization) = row[1] else { continue }
            byAlias[alias.lowercased()] = organization
        }
        organizationByNamespace = byNamespace
        organizationIDs = ids
        // An organization's own name wins over another's alias.
        organizationByName = byName.merging(byAlias) { own, _ in own }
        organizationByAlias = byAlias
        var described: Set<String> = [], stubs: Set<String> = []
        if format.namesHubRepos {
            for row in try db.rows("SELECT id, stub FROM models") {
                guard case .text(let id) = row[0] else { continue }
                if row[1].integerValue == 1 { stubs.insert(id) } else { described.insert(id) }
            }
        }
        existingModels = described
        stubModels = stubs
        var modelsByName: [String: String] = [:], byModelName: [String: String] = [:]
        if format == .epoch {
            for row in try db.rows("SELECT id, organization, name FROM models ORDER BY stub, key") {
                guard case .text(let id) = row[0], case .text(let organization) = row[1], case .text(let name) = row[2] else { continue }
                modelsByName[Self.modelKey(organization: organization, name: name)] = id
                // The first described model of a name wins; stubs come last.
                for key in [Self.modelNameKey(name), Self.modelNameKey(String(id.split(separator: "/").last ?? ""))] where !key.isEmpty {
                    if byModelName[key] == nil { byModelName[key] = id }
                }
            }
        }
        modelByOrganizationAndName = modelsByName
        modelByName = byModelName
    }
}

func openRecordSource(_ source: ByteSource, file: IngestFile, context: SourceContext) throws -> RecordSource {
    switch file.format {
    case .csv:
        let reader = CSVReader(source: source)
        if let mapping = context.mapping { return try MappedCSVSource(reader: reader, mapping: mapping, source: source) }
        return try CSVRecordSource(reader: reader, entity: file.entity!, source: source)
    case .json: return JSONRecordSource(reader: JSONReader(source: source, jsonLines: false), entity: file.entity!, source: source)
    case .jsonl: return JSONRecordSource(reader: JSONReader(source: source, jsonLines: true), entity: file.entity!, source: source)
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
