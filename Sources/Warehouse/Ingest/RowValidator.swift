import Foundation
import SQLiteDB

/// Converts a row's cells into stored values, field by field. It needs no database, so it runs
/// on the reading thread; references stay ids until `RowValidator` resolves them.
struct FieldConverter: Sendable {
    let fields: [Entity.Field]

    init(entity: Entity) { fields = entity.fields }

    func convert(_ record: inout SourceRecord) {
        var values = [SQLValue](repeating: .null, count: fields.count)
        // A row the reader could not split into fields (a wrong number of cells) is reported
        // for that alone; otherwise every field's problem is reported, once per field.
        guard !record.unreadable && !record.problems.contains(where: { $0.field == nil }) else {
            record.values = values
            return
        }
        let reported = Set(record.problems.compactMap(\.field))
        let line = record.line
        for (index, field) in fields.enumerated() where reported.isEmpty || !reported.contains(field.name) {
            let raw = record.cells[index]
            let text = raw.isEmpty ? raw : Self.trimmed(raw)
            if text.isEmpty {
                if field.required {
                    record.problems.append(RowProblem(line: line, field: field.name, message: "is required", value: raw.isEmpty ? nil : raw))
                }
                continue
            }
            switch convert(text, field) {
            case .value(let value): values[index] = value
            case .problem(let message): record.problems.append(RowProblem(line: line, field: field.name, message: message, value: text))
            }
        }
        record.values = values
    }

    private func convert(_ text: String, _ field: Entity.Field) -> Converted {
        switch field.kind {
        case .text, .reference:
            // A reference stays an id here; RowValidator resolves it.
            return .value(.text(text))
        case .slug:
            return Self.isSlug(text) ? .value(.text(text))
                : .problem("must be a lower-case slug: letters a-z, digits and . _ -, starting with a letter or digit")
        case .url:
            return text.hasPrefix("https://") || text.hasPrefix("http://") ? .value(.text(text))
                : .problem("must be a URL starting with https:// or http://")
        case .country:
            if Countries.codes.contains(text) { return .value(.text(text)) }
            if Countries.codes.contains(text.uppercased()) { return .problem("country codes are upper case: use \(text.uppercased())") }
            if let code = Countries.code(forName: text) { return .problem("must be an ISO 3166-1 alpha-2 code: use \(code)") }
            return .problem("must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown")
        case .date:
            return DateText.isValid(text) ? .value(.text(text))
                : .problem(DateText.hasShape(text) ? "is not a date that exists" : "must be a date written YYYY-MM-DD")
        case .boolean:
            switch text {
            case "true": return .value(.integer(1))
            case "false": return .value(.integer(0))
            default: return .problem("must be true or false")
            }
        case .number, .positiveNumber:
            guard let number = Self.number(text) else { return .problem(Self.numberProblem(text)) }
            if case .positiveNumber = field.kind, number <= 0 { return .problem("must be greater than 0") }
            return .value(.real(number))
        case .positiveInteger:
            guard let number = Int64(text), number > 0 else { return .problem("must be a whole number greater than 0") }
            return .value(.integer(number))
        case .namespaces:
            let parts = text.split(separator: ";").map { Self.trimmed(String($0)) }.filter { !$0.isEmpty }
            if let bad = parts.first(where: { !Self.isNamespace($0) }) {
                return .problem("holds \"\(bad)\", which is not a Hugging Face namespace (letters, digits, . _ -; separate several with ;)")
            }
            return .value(.text(parts.joined(separator: ";")))
        case .choice(let allowed):
            if allowed.contains(text) { return .value(.text(text)) }
            var message = "must be one of " + allowed.joined(separator: ", ")
            if let suggestion = closest(to: text, in: allowed) { message += "; did you mean \(suggestion)?" }
            return .problem(message)
        }
    }

    // MARK: Field shapes

    static func trimmed(_ text: String) -> String {
        // Checking the end bytes first keeps the common, untrimmed case cheap.
        func isSpace(_ byte: UInt8?) -> Bool {
            guard let byte else { return false }
            return byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte >= 0x80
        }
        guard isSpace(text.utf8.first) || isSpace(text.utf8.last) else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isSlug(_ text: String) -> Bool {
        var first = true
        for byte in text.utf8 {
            let alphanumeric = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if first {
                guard alphanumeric else { return false }
                first = false
            } else if !alphanumeric && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "_") && byte != UInt8(ascii: "-") {
                return false
            }
        }
        return !first
    }

    static func isNamespace(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// A finite decimal number; no thousands separators, no hex, no `nan` or `inf`.
    static func number(_ text: String) -> Double? {
        // Only digits, sign, point and exponent: Double() alone would also take hex, nan and inf.
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
                 UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            default: return nil
            }
        }
        guard let value = Double(text), value.isFinite else { return nil }
        // 1e-999 reads as 0: refused rather than stored as a different number.
        if value == 0 && hasNonZeroDigit(text) { return nil }
        return value
    }

    /// Why `number` refused `text`.
    static func numberProblem(_ text: String) -> String {
        if text.contains(",") { return "must be a plain number without thousands separators" }
        guard text.allSatisfy({ "0123456789.-+eE".contains($0) }), let value = Double(text) else { return "must be a number" }
        if value.isInfinite { return "is out of range: numbers must be smaller than about 1.8e308 in size" }
        return "is too small to store (it would be stored as 0): numbers must be 0 or at least about 2.2e-308 in size"
    }

    /// True when the digits before any exponent are not all zeros.
    private static func hasNonZeroDigit(_ text: String) -> Bool {
        text.prefix { $0 != "e" && $0 != "E" }.contains { ("1"..."9").contains($0) }
    }
}

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

    private static let stubIndex = Entity.models.fieldNames.firstIndex(of: "stub")!

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
        func value(_ name: String) -> SQLValue { values[entity.fieldNames.firstIndex(of: name)!] }
        func problem(_ field: String, _ message: String, _ got: String?) {
            problems.append(RowProblem(line: line, field: field, message: message, value: got))
        }
        switch entity {
        case .models:
            let dateIndex = entity.fieldNames.firstIndex(of: "released_on")!
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
            let betterIndex = entity.fieldNames.firstIndex(of: "higher_is_better")!
            if values[betterIndex] == .null { values[betterIndex] = .integer(1) }
        default:
            break
        }
    }
}

/// The integer keys of models or metrics by id. The last id looked up is kept apart:
/// observation files usually list one model's rows together.
private struct KeyCache {
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
        keys[id] = key
        last = (id, key)
        return .value(.integer(key))
    }
}

enum RowOutcome {
    case valid([SQLValue])
    case invalid([RowProblem])
}

/// A field converted to its stored value, or what is wrong with it.
enum Converted {
    case value(SQLValue)
    case problem(String)
}

/// Dates as the interchange format writes them: `YYYY-MM-DD`, and only days that exist.
enum DateText {
    static func hasShape(_ text: String) -> Bool { components(text) != nil }

    static func isValid(_ text: String) -> Bool {
        guard let (year, month, day) = components(text) else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// True for `YYYY-MM-DD` bytes naming a day that exists.
    static func isValid<Bytes: Sequence>(bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        validComponents(bytes: bytes) != nil
    }

    /// Year, month and day of `YYYY-MM-DD` bytes naming a day that exists, else nil.
    static func validComponents<Bytes: Sequence>(bytes: Bytes) -> (Int, Int, Int)? where Bytes.Element == UInt8 {
        guard let (year, month, day) = components(bytes: bytes),
              year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return (year, month, day)
    }

    /// Year, month and day of a `YYYY-MM-DD` text, without checking their ranges.
    static func components(_ text: String) -> (Int, Int, Int)? { components(bytes: text.utf8) }

    static func components<Bytes: Sequence>(bytes: Bytes) -> (Int, Int, Int)? where Bytes.Element == UInt8 {
        var digits = (0, 0, 0)
        var count = 0
        for byte in bytes {
            switch count {
            case 4, 7:
                guard byte == UInt8(ascii: "-") else { return nil }
            default:
                guard count < 10, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                let digit = Int(byte - UInt8(ascii: "0"))
                if count < 4 { digits.0 = digits.0 * 10 + digit } else if count < 7 { digits.1 = digits.1 * 10 + digit } else { digits.2 = digits.2 * 10 + digit }
            }
            count += 1
        }
        return count == 10 ? digits : nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
