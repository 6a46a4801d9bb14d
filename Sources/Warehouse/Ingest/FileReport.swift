/// What happened to one file.
public struct FileReport: Sendable {
    public let file: IngestFile
    /// Per entity, in dependency order.
    public var entities: [EntityCounts] = []
    /// Rendered problems, at most `problemLimit` of them.
    public var problems: [String] = []
    public var problemCount = 0
    /// Problems per field ("row" for a problem of the whole row), for the --skip-invalid digest.
    public var problemsByField: [String: Int] = [:]
    /// Rows of the file with at least one problem, and rows of the file in all.
    public var invalidRows = 0
    public var rows = 0
    /// Set when the file could not be read through (a syntax error), or had invalid rows
    /// without --skip-invalid: then nothing of it was loaded.
    public var failure: String?
    /// What the user should know, such as organizations created with an unknown country.
    public var notes: [String] = []
    public var seconds = 0.0

    public var loaded: Bool { failure == nil }
    public var read: Int { entities.reduce(0) { $0 + $1.read } }
    public var inserted: Int { entities.reduce(0) { $0 + $1.inserted } }
    public var updated: Int { entities.reduce(0) { $0 + $1.updated } }
    public var unchanged: Int { entities.reduce(0) { $0 + $1.unchanged } }
    public var skipped: Int { entities.reduce(0) { $0 + $1.skipped } }
    /// The batch of a single-entity file.
    public var batch: Int64? { entities.count == 1 ? entities[0].batch : nil }
}

/// Rows of one entity loaded from one file: one batch.
public struct EntityCounts: Sendable {
    public let entity: Entity
    public var read = 0, inserted = 0, updated = 0, unchanged = 0, skipped = 0
    public var batch: Int64?
}
