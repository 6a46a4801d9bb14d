import SQLiteDB

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
