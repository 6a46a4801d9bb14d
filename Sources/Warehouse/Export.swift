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

    /// The filter with what needs no database checked: dates that exist and in order, a
    /// country that is an ISO code (upper-cased, so `cn` is CN).
    public func checked() throws -> ExportFilter {
        for date in [from, to].compactMap({ $0 }) where !DateText.isValid(date) { throw ExportError.invalidDate(date) }
        if let from, let to, from > to { throw ExportError.emptyRange(from: from, to: to) }
        var checked = self
        if let country {
            checked.country = country.uppercased()
            guard Countries.codes.contains(checked.country!) else {
                throw ExportError.unknownCountry(country, suggestion: Countries.code(forName: country))
            }
        }
        return checked
    }

    /// Warnings for filters that name what is not stored: the export is then empty, and
    /// says why on standard error.
    public func warnings(on db: Database) throws -> [String] {
        var warnings: [String] = []
        if let organization, try db.scalar("SELECT 1 FROM organizations WHERE id = ?", [organization]) == nil {
            var message = "no organization has the id \(organization)"
            let ids = try db.rows("SELECT id FROM organizations").compactMap { $0.first?.textValue }
            if let suggestion = closest(to: organization, in: ids) { message += "; did you mean \(suggestion)?" }
            warnings.append(message)
        }
        if let country, try db.scalar("SELECT 1 FROM organizations WHERE country = ?", [country]) == nil {
            warnings.append("no organization is in country \(country)")
        }
        return warnings
    }
}

/// What is wrong with an export's filter or format, with the values; the CLI words it with
/// its options. Each is found before the database is read.
public enum ExportError: Error {
    /// A from or to date that does not exist or is not written YYYY-MM-DD.
    case invalidDate(String)
    /// from is after to.
    case emptyRange(from: String, to: String)
    /// A country that is not an ISO 3166-1 alpha-2 code; `suggestion` is the code of a country of that name.
    case unknownCountry(String, suggestion: String?)
    /// An entity that no filter applies to (metrics).
    case notFiltered(Entity)
    /// An entity without dates, given a date range.
    case noDate(Entity)
    /// `exportAll` writes csv, json or jsonl: the formats ingest reads back.
    case notInterchangeFormat(OutputFormat)
    /// `exportPartitioned` writes csv or jsonl parts: the formats Hive-style readers take.
    case notPartitionFormat(OutputFormat)
}

/// Writes entities back out in the interchange format: the same fields, dates, numbers and
/// empty cells that ingest reads, so export followed by ingest reproduces the content.
public enum Exporter {
    /// The formats ingest reads back, for `owl export all`.
    public static let interchangeFormats: [OutputFormat] = [.csv, .json, .jsonl]

    /// Checks, without a database, that `filter` applies to `entity`.
    public static func check(_ entity: Entity, filter: ExportFilter) throws {
        _ = try query(for: entity, filter: filter.checked())
    }

    /// The SELECT that writes `entity` in its interchange fields, with the filter's conditions.
    /// `partitioning` (observations only) adds a `month` column when it splits by month and
    /// orders the rows partition by partition, so that each partition's rows come together.
    static func query(for entity: Entity, filter: ExportFilter, partitioning: Partitioning? = nil) throws -> (sql: String, values: [SQLValue]) {
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
        case .organizationAliases:
            select = """
                SELECT a.alias, a.organization
                FROM organization_aliases AS a JOIN organizations AS org ON org.id = a.organization
                """
            order = "a.alias"
            add("a.organization = ?", filter.organization)
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
                       m.params_active_b, m.architecture, m.modality, m.license, m.openness, m.url,
                       CASE m.stub WHEN 1 THEN 'true' ELSE 'false' END AS stub
                FROM models AS m JOIN organizations AS org ON org.id = m.organization
                """
            order = "m.released_on, m.id"
            add("m.organization = ?", filter.organization)
            add("m.released_on >= ?", filter.from)
            add("m.released_on <= ?", filter.to)
        case .modelBases:
            // A relation goes with a filtered export when both of its models do, so that the
            // export loads on its own.
            select = """
                SELECT m.id AS model, b.id AS base, r.relation, r.source
                FROM model_bases AS r
                JOIN models AS m ON m.key = r.model
                JOIN models AS b ON b.key = r.base
                JOIN organizations AS org ON org.id = m.organization
                JOIN organizations AS base_org ON base_org.id = b.organization
                """
            order = "m.id, b.id"
            for model in ["m", "b"] {
                add("\(model).organization = ?", filter.organization)
                add("\(model).released_on >= ?", filter.from)
                add("\(model).released_on <= ?", filter.to)
            }
            add("base_org.country = ?", filter.country)
        case .metrics:
            guard filter.organization == nil && filter.country == nil && !filter.hasDates else {
                throw ExportError.notFiltered(entity)
            }
            select = """
                SELECT id, name, unit, kind, window_days,
                       CASE higher_is_better WHEN 1 THEN 'true' ELSE 'false' END AS higher_is_better, description
                FROM metrics
                """
            order = "id"
        case .observations:
            // The table stores the day as a day number (Migrations/0011); files have the date
            // (`owl_date`, defined on the connection by `prepare`).
            let date = "owl_date(o.observed_day)"
            let month = "substr(\(date), 1, 7)"
            let partitionColumns = partitioning?.columns ?? []
            select = """
                SELECT m.id AS model, mt.id AS metric, \(date) AS observed_on, o.value, o.source\(partitionColumns.contains("month") ? ", \(month) AS month" : "")
                FROM observations AS o
                JOIN models AS m ON m.key = o.model
                JOIN metrics AS mt ON mt.key = o.metric
                JOIN organizations AS org ON org.id = m.organization
                """
            // The table's own key order: rows stream without a sort (a partitioned export sorts).
            order = (partitionColumns.map { $0 == "month" ? month : "mt.id" } + ["o.model", "o.metric", "o.observed_day"]).joined(separator: ", ")
            add("m.organization = ?", filter.organization)
            add("o.observed_day >= unixepoch(?) / 86400", filter.from)
            add("o.observed_day <= unixepoch(?) / 86400", filter.to)
        }
        if (entity == .organizations || entity == .organizationAliases) && filter.hasDates {
            throw ExportError.noDate(entity)
        }
        add("org.country = ?", filter.country)
        let sql = select + (conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: " AND ")) + "\nORDER BY " + order
        return (sql, values)
    }

    /// An export query prepared with its values bound, on a connection that has the SQL
    /// functions export queries use.
    static func prepare(_ sql: String, _ values: [SQLValue], on db: Database) throws -> Statement {
        try DayFunction.define(on: db)
        let statement = try db.prepare(sql)
        try statement.bind(values)
        return statement
    }

    /// Streams one entity to `sink`; returns the number of rows written.
    @discardableResult
    public static func export(_ entity: Entity, from db: Database, filter: ExportFilter = ExportFilter(),
                              format: OutputFormat, to sink: OutputSink) throws -> Int {
        let (sql, values) = try query(for: entity, filter: filter.checked())
        let statement = try prepare(sql, values, on: db)
        return try ResultWriter.write(statement, format: format, to: sink, title: entity.rawValue)
    }

    /// Writes every entity as DIR/ENTITY.EXT, all read in one snapshot, and replaces the folder
    /// as a whole: the files are written into a sibling temporary folder that is then exchanged
    /// with DIR in one step, so DIR holds either the old set or the new one, never a mix. A DIR
    /// holding anything but owl's entity files is refused, naming them, so nobody's files are
    /// deleted; one holding an export is replaced only when `overwrite`.
    public static func exportAll(from db: Database, to folder: String, format: OutputFormat, filter: ExportFilter = ExportFilter(),
                                 overwrite: Bool) throws -> [(entity: Entity, path: String, rows: Int)] {
        guard interchangeFormats.contains(format) else {
            throw ExportError.notInterchangeFormat(format)
        }
        let written = try replacingFolder(folder, overwrite: overwrite, ownFiles: entityFileNames, ownFolder: { _ in false },
                                          kind: "owl's entity files", command: "export all") { temporary in
            // Filters narrow the files only as far as references stay whole: --organization and
            // --country apply to every entity but metrics; --from and --to to observations alone,
            // so every release and model an exported observation refers to is exported too.
            try db.readTransaction {
                try Entity.allCases.map { entity in
                    var scoped = filter
                    if entity == .metrics { scoped = ExportFilter() }
                    if entity != .observations { scoped.from = nil; scoped.to = nil }
                    let file = "\(entity.rawValue).\(format.rawValue)", shown = Paths.join(folder, file)
                    let rows = try export(entity, from: db, filter: scoped, format: format,
                                          to: try OutputSink(path: Paths.join(temporary, file), overwrite: false, shownAs: shown))
                    return (entity, shown, rows)
                }
            }
        }
        return written
    }

    /// Writes a folder's new content through `write`, which fills the temporary sibling folder
    /// it is given, then puts that folder in DIR's place in one step. DIR may hold only the
    /// files named in `ownFiles` and the folders `ownFolder` accepts (what owl writes there,
    /// `kind` in messages), and is replaced only when `overwrite`.
    static func replacingFolder<T>(_ folder: String, overwrite: Bool, ownFiles: Set<String>, ownFolder: (String) -> Bool,
                                   kind: String, command: String, write: (String) throws -> T) throws -> T {
        let target = Paths.trimmingTrailingSlashes(folder)
        let exists = try checkReplaceable(folder: target, shown: folder, overwrite: overwrite, ownFiles: ownFiles, ownFolder: ownFolder,
                                          kind: kind, command: command)
        let parent = Paths.folder(of: target)
        let name = Paths.name(of: target)
        TemporaryFiles.removeStale(in: parent, for: name)
        let temporary = Paths.join(parent, TemporaryFiles.temporaryName(for: name))
        guard mkdir(temporary, 0o777) == 0 else {
            throw WarehouseError("\(folder): cannot create a folder in \(parent) (\(Paths.lastError))")
        }
        // The folder and the files owl's own names put directly in it, for the signal handler
        // to remove. Folders nested inside it (partitions) are left to the next export of the
        // same name, which removes a dead process's temporary folder whole.
        let registered = [temporary] + ownFiles.map { Paths.join(temporary, $0) }
        for path in registered { TemporaryFiles.register(path) }
        defer {
            try? FileManager.default.removeItem(atPath: temporary)
            for path in registered { TemporaryFiles.unregister(path) }
        }
        let result = try write(temporary)
        if exists {
            // The temporary folder now holds the old set, removed by the deferred cleanup.
            try exchange(temporary, target, shown: folder)
        } else if rename(temporary, target) != 0 {
            throw WarehouseError("\(folder): cannot move the finished folder into place (\(Paths.lastError))")
        }
        return result
    }

    /// The names owl writes into an `export all` folder.
    static let entityFileNames: Set<String> = Set(Entity.allCases.flatMap { entity in
        interchangeFormats.map { "\(entity.rawValue).\($0.rawValue)" }
    })

    /// Refuses a folder that `replacingFolder` must not replace; returns whether it exists.
    private static func checkReplaceable(folder: String, shown: String, overwrite: Bool, ownFiles: Set<String>, ownFolder: (String) -> Bool,
                                         kind: String, command: String) throws -> Bool {
        guard let info = Paths.status(folder) else { return false }
        guard Paths.isDirectory(info) else { throw WarehouseError("\(shown) is a file; \(command) needs a folder") }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            throw WarehouseError("\(shown): cannot list the folder (\(error.localizedDescription))")
        }
        let foreign = entries.filter { entry in
            let isOwlTemporary = entry.hasPrefix(".") && entry.contains(".owl-") && entry.hasSuffix(".tmp")
            let status = Paths.status(Paths.join(folder, entry))
            let isFile = status.map(Paths.isRegularFile) ?? false
            let isFolder = status.map(Paths.isDirectory) ?? false
            return !(isFile && (ownFiles.contains(entry) || isOwlTemporary)) && !(isFolder && ownFolder(entry))
        }
        if !foreign.isEmpty {
            let shownNames = foreign.prefix(10).joined(separator: ", ") + (foreign.count > 10 ? " and \(foreign.count - 10) more" : "")
            throw WarehouseError("\(shown) holds more than \(kind) (\(shownNames)); \(command) replaces the whole folder, so give an empty or new one")
        }
        if !overwrite, let existing = entries.first(where: { ownFiles.contains($0) || ownFolder($0) }) {
            throw OutputExists(path: Paths.join(shown, existing), folder: shown)
        }
        return true
    }

    /// Swaps two folders in one step (Linux's renameat2 with RENAME_EXCHANGE); where that is
    /// missing, moves the old one aside and the new one in.
    private static func exchange(_ new: String, _ old: String, shown: String) throws {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        let renameExchange: UInt32 = 2
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") {
            let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
            if renameat2(AT_FDCWD, new, AT_FDCWD, old, renameExchange) == 0 { return }
            guard errno == ENOSYS || errno == EINVAL else {
                throw WarehouseError("\(shown): cannot move the finished folder into place (\(Paths.lastError))")
            }
        }
        let aside = new + ".old"
        guard rename(old, aside) == 0 else { throw WarehouseError("\(shown): cannot move the old folder aside (\(Paths.lastError))") }
        guard rename(new, old) == 0 else {
            let reason = Paths.lastError
            rename(aside, old)
            throw WarehouseError("\(shown): cannot move the finished folder into place (\(reason))")
        }
        rename(aside, new)
    }
}
