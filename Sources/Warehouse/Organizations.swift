import Crypto
import Foundation
import SQLiteDB

/// Changes to organizations made by command rather than by loading a file: merging two,
/// setting fields of one, and listing them with what they publish. Each change runs in one
/// transaction and is recorded as a batch, like a load.
public enum Organizations {
    /// What `merge` did.
    public struct MergeSummary: Sendable, Equatable {
        public let from: String
        public let into: String
        /// True when FROM was already an alias of INTO: nothing changed.
        public let alreadyMerged: Bool
        public var releases = 0
        public var models = 0
        /// FROM's Hugging Face namespaces now listed by INTO.
        public var namespaces: [String] = []
        /// Aliases FROM had, now INTO's.
        public var movedAliases = 0
        /// New aliases of INTO: FROM's id, its name and its namespaces.
        public var aliases: [String] = []
        public var batch: Int64?
    }

    /// Merges organization `from` into `into`: re-points FROM's releases and models, moves its
    /// Hugging Face namespaces and aliases, records FROM's id and name as aliases of INTO and
    /// removes FROM, all in one transaction. Merging again reports `alreadyMerged`.
    ///
    /// The moved namespaces are recorded as aliases too: loading an organizations file that
    /// lists INTO without them (the file the two came from, say) updates INTO's
    /// hf_namespaces, and the aliases still send those namespaces' models to INTO.
    public static func merge(_ from: String, into: String, in warehouse: Warehouse) throws -> MergeSummary {
        let db = warehouse.db
        guard from != into else { throw WarehouseError("\(from) and \(into) are the same organization") }
        guard try organizationExists(into, db) else {
            if let target = try aliasTarget(into, db) {
                throw WarehouseError("\(into) was merged into \(target); merge into \(target)")
            }
            throw try unknownOrganization(into, db)
        }
        guard try organizationExists(from, db) else {
            if let target = try aliasTarget(from, db) {
                guard target == into else { throw WarehouseError("\(from) was already merged into \(target), not \(into)") }
                return MergeSummary(from: from, into: into, alreadyMerged: true)
            }
            throw try unknownOrganization(from, db)
        }
        return try Warehouse.naming(warehouse.path) {
            try db.transaction {
                var summary = MergeSummary(from: from, into: into, alreadyMerged: false)
                let fromRow = try db.rows("SELECT name, hf_namespaces FROM organizations WHERE id = ?", [from])[0]
                let intoRow = try db.rows("SELECT name, hf_namespaces FROM organizations WHERE id = ?", [into])[0]
                let moved = try moveReferences(from: from, to: into, db)
                // The moved models marked both organizations' monthly sums stale.
                try OrganizationMonths.refreshStale(in: db)
                (summary.releases, summary.models, summary.movedAliases) = (moved.releases, moved.models, moved.aliases)
                // INTO keeps its own namespaces first; FROM's are added unless INTO lists them.
                let intoNamespaces = namespaces(intoRow[1])
                summary.namespaces = namespaces(fromRow[1]).filter { namespace in
                    !intoNamespaces.contains { $0.lowercased() == namespace.lowercased() }
                }
                let joined = (intoNamespaces + summary.namespaces).joined(separator: ";")
                try db.run("DELETE FROM organizations WHERE id = ?", [from])
                try db.run("UPDATE organizations SET hf_namespaces = ? WHERE id = ?", [joined.isEmpty ? nil : joined, into])
                // FROM's id, then its name and namespaces unless one is INTO's own name or an
                // organization's id (which resolves by itself).
                var candidates = [from]
                for other in [fromRow[0].textValue].compactMap({ $0 }) + summary.namespaces
                where other.lowercased() != intoRow[0].textValue?.lowercased() && other.lowercased() != from {
                    if try !organizationExists(other.lowercased(), db) { candidates.append(other) }
                }
                for alias in candidates {
                    if try db.run("INSERT INTO organization_aliases (alias, organization) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING",
                                  [alias, into]) == 1 {
                        summary.aliases.append(alias)
                    }
                }
                summary.batch = try recordBatch(command: "owl organizations merge \(from) \(into)", updated: 1, unchanged: 0, db)
                return summary
            }
        }
    }

    /// Moves every reference to organization `from` over to `to`.
    static func moveReferences(from: String, to: String, _ db: Database) throws -> (releases: Int, models: Int, aliases: Int) {
        let releases = try db.run("UPDATE releases SET organization = ? WHERE organization = ?", [to, from])
        let models = try db.run("UPDATE models SET organization = ? WHERE organization = ?", [to, from])
        let aliases = try db.run("UPDATE organization_aliases SET organization = ? WHERE organization = ?", [to, from])
        return (releases, models, aliases)
    }

    /// New values for some fields of an organization.
    public struct Changes: Sendable {
        public var name: String?
        public var country: String?
        public var kind: String?
        public var url: String?
        public init(name: String? = nil, country: String? = nil, kind: String? = nil, url: String? = nil) {
            self.name = name
            self.country = country
            self.kind = kind
            self.url = url
        }
        var isEmpty: Bool { name == nil && country == nil && kind == nil && url == nil }
    }

    /// Sets fields of organization `id`, checked exactly as ingest checks a row of
    /// organizations, and records the change as a batch. Returns whether anything changed.
    @discardableResult
    public static func set(_ id: String, _ changes: Changes, command: String, in warehouse: Warehouse) throws -> Bool {
        let db = warehouse.db
        guard !changes.isEmpty else { throw WarehouseError("nothing to set for \(id): the changes give no name, country, kind or url") }
        guard let stored = try db.rows("SELECT id, name, country, kind, hf_namespaces, url FROM organizations WHERE id = ?", [id]).first else {
            if let target = try aliasTarget(id, db) { throw WarehouseError("\(id) was merged into \(target); set \(target) instead") }
            throw try unknownOrganization(id, db)
        }
        var cells = stored.map { $0.textValue ?? "" }
        let entity = Entity.organizations
        for (field, value) in [("name", changes.name), ("country", changes.country), ("kind", changes.kind), ("url", changes.url)] {
            if let value { cells[entity.fieldIndex(field)] = value }
        }
        var record = SourceRecord(entity: entity, line: 0, cells: cells)
        FieldConverter(entity: entity).convert(&record)
        return try Warehouse.naming(warehouse.path) {
            try db.transaction {
                let values: [SQLValue]
                switch try RowValidator(entity: entity, db: db).validate(&record) {
                case .valid(let valid): values = valid
                case .invalid(let problems): throw WarehouseError(problems.map(\.renderedWithoutLocation).joined(separator: "\n"))
                }
                let changed = try RowWriter(entity: entity, db: db).write(values) == .updated
                try recordBatch(command: command, updated: changed ? 1 : 0, unchanged: changed ? 0 : 1, db)
                return changed
            }
        }
    }

    public enum ListOrder: String, CaseIterable, Sendable {
        case downloads, models, name
    }

    /// The metric `list` sums: each model's latest 30-day Hugging Face downloads.
    public static let downloadsMetric = "hf_downloads_30d"

    /// Organizations with their models and the sum of their models' latest hf_downloads_30d
    /// values; with `unknownOnly`, those whose country is ZZ.
    public static func list(unknownOnly: Bool, order: ListOrder, in db: Database) throws -> Statement {
        let orderBy: String
        switch order {
        case .downloads: orderBy = "latest_downloads_30d DESC, models DESC, o.id"
        case .models: orderBy = "models DESC, latest_downloads_30d DESC, o.id"
        case .name: orderBy = "o.name COLLATE NOCASE, o.id"
        }
        let statement = try db.prepare("""
            SELECT o.id, o.name, o.country, o.kind, o.hf_namespaces, count(m.key) AS models,
                   CAST(coalesce(sum(l.value), 0) AS INTEGER) AS latest_downloads_30d
            FROM organizations AS o
            LEFT JOIN models AS m ON m.organization = o.id
            LEFT JOIN observation_latest AS l
                   ON l.model = m.key AND l.metric = (SELECT key FROM metrics WHERE id = ?1)
            WHERE ?2 = 0 OR o.country = 'ZZ'
            GROUP BY o.id
            ORDER BY \(orderBy)
            """)
        try statement.bind([downloadsMetric, unknownOnly ? 1 : 0])
        return statement
    }

    // MARK: Helpers

    static func organizationExists(_ id: String, _ db: Database) throws -> Bool {
        try db.scalar("SELECT 1 FROM organizations WHERE id = ?", [id]) != nil
    }

    static func aliasTarget(_ alias: String, _ db: Database) throws -> String? {
        try db.scalar("SELECT organization FROM organization_aliases WHERE alias = ?", [alias])?.textValue
    }

    private static func unknownOrganization(_ id: String, _ db: Database) throws -> WarehouseError {
        let ids = try db.rows("SELECT id FROM organizations").compactMap { $0.first?.textValue }
        var message = "no organization with id \(id)"
        if let suggestion = closest(to: id, in: ids) { message += "; did you mean \(suggestion)?" }
        return WarehouseError(message)
    }

    private static func namespaces(_ value: SQLValue) -> [String] {
        (value.textValue ?? "").split(separator: ";").map(String.init)
    }

    /// A batch for a change made by command: its path is the command, its hash the command's.
    @discardableResult
    private static func recordBatch(command: String, updated: Int, unchanged: Int, _ db: Database) throws -> Int64 {
        let now = Timestamp.now()
        try db.run("""
            INSERT INTO batches (path, sha256, entity, format, rows_read, updated, unchanged, started_at, finished_at)
            VALUES (?, ?, 'organizations', 'command', 1, ?, ?, ?, ?)
            """, [command, SHA256.hex(of: Data(command.utf8)), updated, unchanged, now, now])
        return db.lastInsertRowID
    }
}

extension RowProblem {
    /// `field NAME: message (got "VALUE")`, for a value given on the command line.
    var renderedWithoutLocation: String {
        var text = field.map { "field \($0): " } ?? ""
        text += message
        if let value { text += " (got \"\(value)\")" }
        return text
    }
}

/// Organization ids that importers made from names before ids were transliterated to ASCII
/// (`universit-grenoble-alpes`): migration 0004 renames them, keeping each old id as an alias.
enum LegacyOrganizationIDs {
    /// The id the importers made from a name before: every letter outside a-z dropped
    /// (hyphenating text that was not transliterated first).
    static func oldSlug(_ name: String) -> String {
        let slug = Slug.hyphenated(name.lowercased())
        return slug.isEmpty ? "unnamed" : slug
    }

    /// Renames each organization whose id is what the old function made from its name and
    /// differs from what `Slug.make` makes now, unless the new id is taken (then the two
    /// are probably one organization, for `owl organizations merge` to decide).
    static func rename(in db: Database) throws {
        for row in try db.rows("SELECT id, name FROM organizations ORDER BY id") {
            guard let old = row[0].textValue, let name = row[1].textValue, old == oldSlug(name) else { continue }
            let new = Slug.make(name)
            guard new != old, try !Organizations.organizationExists(new, db), try Organizations.aliasTarget(new, db) == nil else { continue }
            try db.run("""
                INSERT INTO organizations (id, name, country, kind, hf_namespaces, url)
                SELECT ?, name, country, kind, hf_namespaces, url FROM organizations WHERE id = ?
                """, [new, old])
            _ = try Organizations.moveReferences(from: old, to: new, db)
            try db.run("DELETE FROM organizations WHERE id = ?", [old])
            try db.run("INSERT INTO organization_aliases (alias, organization) VALUES (?, ?)", [old, new])
        }
    }
}
