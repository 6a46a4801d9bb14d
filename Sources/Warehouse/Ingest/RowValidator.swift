import Foundation
import SQLiteDB

/// Resolves a converted row's references against the database (which already holds earlier
/// files of the same run) and checks the rules that span several fields.
final class RowValidator {
    let entity: Entity
    private let db: Database
    private var modelKeys = KeyCache(entity: .models)
    private var metricKeys = KeyCache(entity: .metrics)
    private var knownOrganizations: Set<String> = []
    /// Aliases looked up so far → the organization they name (nil: not an alias).
    private var aliasTargets: [String: String?] = [:]
    private var releaseInfo: [String: (organization: String, date: String)] = [:]

    /// The fields holding references: (index, field name, entity referred to).
    private let references: [(index: Int, name: String, target: Entity)]

    init(entity: Entity, db: Database) {
        self.entity = entity
        self.db = db
        references = entity.fields.enumerated().compactMap { index, field in
            if case .reference(let target) = field.kind { return (index, field.name, target) }
            return nil
        }
    }

    /// The stored values, in `entity.fields` order, or the row's problems.
    func validate(_ record: inout SourceRecord) throws -> RowOutcome {
        // A row that cannot be split into fields has nothing more to check.
        if record.unreadable || record.problems.contains(where: { $0.field == nil }) { return .invalid(record.problems) }
        var values: [SQLValue] = []
        swap(&values, &record.values)  // keeps the array uniquely owned: no copy on write
        var problems = record.problems
        // A row of an organization since merged into another (or renamed) is that other
        // organization's, and never overwrites it: the merge survives re-loading old files.
        if entity == .organizations, case .text(let id) = values[0], !(try isOrganization(id)), let target = try aliasTarget(id) {
            values[0] = .text(target)
            record.insertOnly = true
        }
        for reference in references {
            guard case .text(let id) = values[reference.index] else { continue }
            switch try resolve(id, in: reference.target) {
            case .value(let value): values[reference.index] = value
            case .problem(let message): problems.append(RowProblem(line: record.line, field: reference.name, message: message, value: id))
            }
        }
        if problems.isEmpty { try checkRow(&values, line: record.line, into: &problems) }
        // An importer's row describing a model stored as a stub fills the stub in: it is not
        // a curated row to keep.
        if entity == .models, record.insertOnly, problems.isEmpty, values[Self.stubIndex] == .integer(0),
           case .text(let id) = values[0],
           try db.scalar("SELECT stub FROM models WHERE id = ?", [id])?.integerValue == 1 {
            record.insertOnly = false
        }
        return problems.isEmpty ? .valid(values) : .invalid(problems)
    }

    /// References resolve against the database, which holds earlier files of this run.
    func resolve(_ id: String, in target: Entity) throws -> Converted {
        switch target {
        case .organizations:
            // An id, else an alias: an organization's old id or another name of it.
            if try isOrganization(id) { return .value(.text(id)) }
            if let target = try aliasTarget(id) { return .value(.text(target)) }
            return .problem("no organization with this id; load it in organizations first")
        case .releases:
            if releaseInfo[id] == nil {
                guard let row = try db.rows("SELECT organization, released_on FROM releases WHERE id = ?", [id]).first,
                      case .text(let organization) = row[0], case .text(let date) = row[1] else {
                    return .problem("no release with this id; load it in releases first")
                }
                releaseInfo[id] = (organization, date)
            }
            return .value(.text(id))
        case .models:
            return try modelKeys.resolve(id, in: db)
        case .metrics:
            return try metricKeys.resolve(id, in: db)
        case .organizationAliases, .modelBases, .observations:
            return .problem("\(target.rawValue) cannot be referenced")
        }
    }

    private func isOrganization(_ id: String) throws -> Bool {
        if knownOrganizations.contains(id) { return true }
        guard try db.scalar("SELECT 1 FROM organizations WHERE id = ?", [id]) != nil else { return false }
        knownOrganizations.insert(id)
        return true
    }

    /// The organization `alias` names, nil when it is no alias.
    private func aliasTarget(_ alias: String) throws -> String? {
        if let known = aliasTargets[alias] { return known }
        let target = try db.scalar("SELECT organization FROM organization_aliases WHERE alias = ?", [alias])?.textValue
        aliasTargets[alias] = target
        return target
    }

    private static let stubIndex = Entity.models.fieldIndex("stub")

    private func modelID(_ key: Int64) throws -> String {
        try db.scalar("SELECT id FROM models WHERE key = ?", [key])?.textValue ?? String(key)
    }

    /// The chain `model → base → … → model` when `base` already derives, through stored
    /// rows, from `model`; nil when adding the row keeps the relation free of cycles.
    private func cycle(adding model: Int64, base: Int64) throws -> String? {
        let path = try db.scalar("""
            WITH RECURSIVE up (key, path) AS (
                SELECT ?2, (SELECT id FROM models WHERE key = ?2)
                UNION
                SELECT r.base, up.path || ' → ' || b.id
                FROM up JOIN model_bases AS r ON r.model = up.key JOIN models AS b ON b.key = r.base
                WHERE up.key <> ?1
            )
            SELECT path FROM up WHERE key = ?1 LIMIT 1
            """, [model, base])?.textValue
        guard let path else { return nil }
        return try modelID(model) + " → " + path
    }

    /// Rules that span several fields of one row.
    private func checkRow(_ values: inout [SQLValue], line: Int, into problems: inout [RowProblem]) throws {
        func value(_ name: String) -> SQLValue { values[entity.fieldIndex(name)] }
        func problem(_ field: String, _ message: String, _ got: String?) {
            problems.append(RowProblem(line: line, field: field, message: message, value: got))
        }
        switch entity {
        case .models:
            let dateIndex = entity.fieldIndex("released_on")
            if case .text(let release) = value("release"), let info = releaseInfo[release] {
                if case .text(let organization) = value("organization"), organization != info.organization {
                    problem("release", "belongs to organization \(info.organization), not \(organization)", release)
                }
                if values[dateIndex] == .null { values[dateIndex] = .text(info.date) }
            }
            let stubIndex = Self.stubIndex
            if values[stubIndex] == .null { values[stubIndex] = .integer(0) }
            if values[dateIndex] == .null && values[stubIndex] == .integer(0) {
                problem("released_on", "is required when release is empty (only a stub may have no date)", nil)
            }
            if case .real(let active) = value("params_active_b") {
                if case .real(let total) = value("params_total_b"), active > total {
                    problem("params_active_b", "is larger than params_total_b (\(Numbers.text(total)))", Numbers.text(active))
                }
                if value("architecture") == .text("dense") {
                    problem("params_active_b", "is only for moe models; a dense model uses all its parameters", Numbers.text(active))
                }
            }
        case .modelBases:
            guard case .integer(let model) = value("model"), case .integer(let base) = value("base") else { break }
            if model == base {
                problem("base", "is the model itself; a model with no base has no row here", try modelID(base))
            } else if let chain = try cycle(adding: model, base: base) {
                problem("base", "would make a cycle of bases: \(chain) (each derived from the next)", try modelID(base))
            }
        case .organizationAliases:
            if case .text(let alias) = value("alias"), try isOrganization(alias.lowercased()) {
                problem("alias", "is the id of an organization; an alias must not equal an organization id", alias)
            }
        case .metrics:
            let isWindow = value("kind") == .text("window")
            if isWindow && value("window_days") == .null {
                problem("window_days", "is required for a window metric", nil)
            } else if !isWindow, case .integer(let days) = value("window_days") {
                problem("window_days", "is only for window metrics", String(days))
            }
            let betterIndex = entity.fieldIndex("higher_is_better")
            if values[betterIndex] == .null { values[betterIndex] = .integer(1) }
        default:
            break
        }
    }
}

/// The integer keys of models or metrics by id. The last id looked up is kept apart:
/// observation files usually list one model's rows together. At most `capacity` other ids
/// are remembered, then all forgotten at once, so memory stays flat however many models a
/// file names (a forgotten id costs one indexed lookup again).
private struct KeyCache {
    static let capacity = 65_536
    let entity: Entity
    var keys: [String: Int64] = [:]
    var last: (id: String, key: Int64) = ("", 0)

    init(entity: Entity) { self.entity = entity }

    mutating func resolve(_ id: String, in db: Database) throws -> Converted {
        if id == last.id { return .value(.integer(last.key)) }
        if let key = keys[id] {
            last = (id, key)
            return .value(.integer(key))
        }
        guard let key = try db.scalar("SELECT key FROM \(entity.rawValue) WHERE id = ?", [id])?.integerValue else {
            return .problem("no \(entity == .models ? "model" : "metric") with this id; load it in \(entity.rawValue) first")
        }
        if keys.count >= Self.capacity { keys.removeAll(keepingCapacity: true) }
        keys[id] = key
        last = (id, key)
        return .value(.integer(key))
    }
}

enum RowOutcome {
    case valid([SQLValue])
    case invalid([RowProblem])
}
