import Foundation
import SQLiteDB

/// Filters users expect on an entity export.
public struct ExportFilter: Sendable {
    public var organization: String?
    public var country: String?
    public var from: String?
    public var to: String?
    public init(organization: String? = nil, country: String? = nil, from: String? = nil, to: String? = nil) {
        self.organization = organization
        self.country = country
        self.from = from
        self.to = to
    }
    var hasDates: Bool { from != nil || to != nil }
}

/// Writes entities back out in the interchange format: the same fields, dates, numbers and
/// empty cells that ingest reads, so export followed by ingest reproduces the content.
public enum Exporter {
    /// The formats ingest reads back, for `owl export all`.
    public static let interchangeFormats: [OutputFormat] = [.csv, .json, .jsonl]

    /// The SELECT that writes `entity` in its interchange fields, with the filter's conditions.
    static func query(for entity: Entity, filter: ExportFilter) throws -> (sql: String, values: [SQLValue]) {
        var conditions: [String] = [], values: [SQLValue] = []
        func add(_ condition: String, _ value: String?) {
            guard let value else { return }
            conditions.append(condition)
            values.append(.text(value))
        }
        let select: String, order: String
        switch entity {
        case .organizations:
            select = "SELECT org.id, org.name, org.country, org.kind, org.hf_namespaces, org.url FROM organizations AS org"
            order = "org.id"
            add("org.id = ?", filter.organization)
        case .releases:
            select = """
                SELECT r.id, r.organization, r.name, r.released_on, r.url
                FROM releases AS r JOIN organizations AS org ON org.id = r.organization
                """
            order = "r.released_on, r.id"
            add("r.organization = ?", filter.organization)
            add("r.released_on >= ?", filter.from)
            add("r.released_on <= ?", filter.to)
        case .models:
            select = """
                SELECT m.id, m.organization, m.name, m.release, m.released_on, m.family, m.params_total_b,
                       m.params_active_b, m.architecture, m.modality, m.license, m.openness, m.url
                FROM models AS m JOIN organizations AS org ON org.id = m.organization
                """
            order = "m.released_on, m.id"
            add("m.organization = ?", filter.organization)
            add("m.released_on >= ?", filter.from)
            add("m.released_on <= ?", filter.to)
        case .metrics:
            guard filter.organization == nil && filter.country == nil && !filter.hasDates else {
                throw WarehouseError("metrics have no organization, country or date to filter on")
            }
            select = """
                SELECT id, name, unit, kind, window_days,
                       CASE higher_is_better WHEN 1 THEN 'true' ELSE 'false' END AS higher_is_better, description
                FROM metrics
                """
            order = "id"
        case .observations:
            select = """
                SELECT m.id AS model, mt.id AS metric, o.observed_on, o.value, o.source
                FROM observations AS o
                JOIN models AS m ON m.key = o.model
                JOIN metrics AS mt ON mt.key = o.metric
                JOIN organizations AS org ON org.id = m.organization
                """
            // The table's own key order: rows stream without a sort.
            order = "o.model, o.metric, o.observed_on"
            add("m.organization = ?", filter.organization)
            add("o.observed_on >= ?", filter.from)
            add("o.observed_on <= ?", filter.to)
        }
        if entity == .organizations && filter.hasDates {
            throw WarehouseError("organizations have no date; --from and --to apply to releases, models and observations")
        }
        add("org.country = ?", filter.country)
        let sql = select + (conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: " AND ")) + "\nORDER BY " + order
        return (sql, values)
    }

    /// Streams one entity to `sink`; returns the number of rows written.
    @discardableResult
    public static func export(_ entity: Entity, from db: Database, filter: ExportFilter = ExportFilter(),
                              format: OutputFormat, to sink: OutputSink) throws -> Int {
        for date in [filter.from, filter.to].compactMap({ $0 }) where !DateText.isValid(date) {
            throw WarehouseError("--from and --to take a date that exists, written YYYY-MM-DD (got \"\(date)\")")
        }
        let (sql, values) = try query(for: entity, filter: filter)
        let statement = try db.prepare(sql)
        try statement.bind(values)
        return try ResultWriter.write(statement, format: format, to: sink)
    }

    /// Writes every entity as DIR/ENTITY.EXT. Refuses, before writing anything, when a file
    /// exists and `overwrite` is false. Returns the rows written per entity.
    public static func exportAll(from db: Database, to folder: String, format: OutputFormat, filter: ExportFilter = ExportFilter(),
                                 overwrite: Bool) throws -> [(entity: Entity, path: String, rows: Int)] {
        guard interchangeFormats.contains(format) else {
            throw WarehouseError("export all writes the interchange format: csv, json or jsonl (got \(format.rawValue))")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw WarehouseError("\(folder) is a file; export all needs a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw WarehouseError("\(folder): cannot create the folder (\(error.localizedDescription))")
            }
        }
        let paths = Entity.allCases.map { Paths.join(folder, "\($0.rawValue).\(format.rawValue)") }
        if !overwrite, let existing = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw WarehouseError("\(existing) already exists; give --force to replace the files in \(folder)")
        }
        // Filters narrow the files only as far as references stay whole: --organization and
        // --country apply to every entity but metrics; --from and --to to observations alone,
        // so every release and model an exported observation refers to is exported too.
        return try zip(Entity.allCases, paths).map { entity, path in
            var scoped = filter
            if entity == .metrics { scoped = ExportFilter() }
            if entity != .observations { scoped.from = nil; scoped.to = nil }
            let rows = try export(entity, from: db, filter: scoped, format: format, to: try OutputSink(path: path, overwrite: overwrite))
            return (entity, path, rows)
        }
    }
}
