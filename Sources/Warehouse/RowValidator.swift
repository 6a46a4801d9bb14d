import Foundation
import SQLiteDB

/// Checks one row of an entity and turns it into the values stored in its table, looking up
/// references in the database (which already holds earlier files of the same run).
final class RowValidator {
    let entity: Entity
    private let fields: [Entity.Field]
    private let db: Database
    private var modelKeys: [String: Int64] = [:]
    private var metricKeys: [String: Int64] = [:]
    private var knownOrganizations: Set<String> = []
    private var releaseInfo: [String: (organization: String, date: String)] = [:]

    init(entity: Entity, db: Database) {
        self.entity = entity
        self.fields = entity.fields
        self.db = db
    }

    /// The stored values, in `entity.fields` order, or the row's problems.
    func validate(_ cells: [String?], line: Int) throws -> RowOutcome {
        var values = [SQLValue](repeating: .null, count: fields.count)
        var problems: [RowProblem] = []
        func problem(_ field: String, _ message: String, _ value: String?) {
            problems.append(RowProblem(line: line, field: field, message: message, value: value))
        }
        for (index, field) in fields.enumerated() {
            guard let raw = cells[index], !raw.isEmpty else {
                if field.required { problem(field.name, "is required", nil) }
                continue
            }
            let text = Self.trimmed(raw)
            if text.isEmpty {
                if field.required { problem(field.name, "is required", raw) }
                continue
            }
            switch try convert(text, field) {
            case .success(let value): values[index] = value
            case .failure(let message): problem(field.name, message.text, text)
            }
        }
        if problems.isEmpty { try checkRow(&values, line: line, into: &problems) }
        return problems.isEmpty ? .valid(values) : .invalid(problems)
    }

    private func convert(_ text: String, _ field: Entity.Field) throws -> Result<SQLValue, FieldMessage> {
        switch field.kind {
        case .text:
            return .success(.text(text))
        case .slug:
            return Self.isSlug(text) ? .success(.text(text))
                : .failure("must be a lower-case slug: letters a-z, digits and . _ -, starting with a letter or digit")
        case .url:
            return text.hasPrefix("https://") || text.hasPrefix("http://") ? .success(.text(text))
                : .failure("must be a URL starting with https:// or http://")
        case .country:
            if Countries.codes.contains(text) { return .success(.text(text)) }
            if Countries.codes.contains(text.uppercased()) { return .failure("country codes are upper case: use \(text.uppercased())") }
            if let code = Countries.code(forName: text) { return .failure("must be an ISO 3166-1 alpha-2 code: use \(code)") }
            return .failure("must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown")
        case .date:
            return DateText.isValid(text) ? .success(.text(text))
                : .failure(DateText.hasShape(text) ? "is not a date that exists" : "must be a date written YYYY-MM-DD")
        case .boolean:
            switch text {
            case "true": return .success(.integer(1))
            case "false": return .success(.integer(0))
            default: return .failure("must be true or false")
            }
        case .number, .positiveNumber:
            guard let number = Self.number(text) else {
                return .failure(text.contains(",") ? "must be a plain number without thousands separators" : "must be a number")
            }
            if case .positiveNumber = field.kind, number <= 0 { return .failure("must be greater than 0") }
            return .success(.real(number))
        case .positiveInteger:
            guard let number = Int64(text), number > 0 else { return .failure("must be a whole number greater than 0") }
            return .success(.integer(number))
        case .namespaces:
            let parts = text.split(separator: ";").map { Self.trimmed(String($0)) }.filter { !$0.isEmpty }
            if let bad = parts.first(where: { !Self.isNamespace($0) }) {
                return .failure("holds \"\(bad)\", which is not a Hugging Face namespace (letters, digits, . _ -; separate several with ;)")
            }
            return .success(.text(parts.joined(separator: ";")))
        case .choice(let allowed):
            if allowed.contains(text) { return .success(.text(text)) }
            var message = "must be one of " + allowed.joined(separator: ", ")
            if let suggestion = closest(to: text, in: allowed) { message += "; did you mean \(suggestion)?" }
            return .failure(FieldMessage(message))
        case .reference(let target):
            return try resolve(text, in: target)
        }
    }

    /// References resolve against the database, which holds earlier files of this run.
    private func resolve(_ id: String, in target: Entity) throws -> Result<SQLValue, FieldMessage> {
        switch target {
        case .organizations:
            if knownOrganizations.contains(id) { return .success(.text(id)) }
            guard try db.scalar("SELECT 1 FROM organizations WHERE id = ?", [id]) != nil else {
                return .failure("no organization with this id; load it in organizations first")
            }
            knownOrganizations.insert(id)
            return .success(.text(id))
        case .releases:
            if releaseInfo[id] == nil {
                guard let row = try db.rows("SELECT organization, released_on FROM releases WHERE id = ?", [id]).first,
                      case .text(let organization) = row[0], case .text(let date) = row[1] else {
                    return .failure("no release with this id; load it in releases first")
                }
                releaseInfo[id] = (organization, date)
            }
            return .success(.text(id))
        case .models:
            if let key = modelKeys[id] { return .success(.integer(key)) }
            guard let key = try db.scalar("SELECT key FROM models WHERE id = ?", [id])?.integerValue else {
                return .failure("no model with this id; load it in models first")
            }
            modelKeys[id] = key
            return .success(.integer(key))
        case .metrics:
            if let key = metricKeys[id] { return .success(.integer(key)) }
            guard let key = try db.scalar("SELECT key FROM metrics WHERE id = ?", [id])?.integerValue else {
                return .failure("no metric with this id; load it in metrics first")
            }
            metricKeys[id] = key
            return .success(.integer(key))
        case .observations:
            return .failure("observations cannot be referenced")
        }
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
            } else if values[dateIndex] == .null {
                problem("released_on", "is required when release is empty", nil)
            }
            if case .real(let active) = value("params_active_b") {
                if case .real(let total) = value("params_total_b"), active > total {
                    problem("params_active_b", "is larger than params_total_b (\(Numbers.text(total)))", Numbers.text(active))
                }
                if value("architecture") == .text("dense") {
                    problem("params_active_b", "is only for moe models; a dense model uses all its parameters", Numbers.text(active))
                }
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

    // MARK: Field shapes

    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
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
        guard let first = text.utf8.first,
              first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
              !text.contains("x"), !text.contains("X"),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }
}

enum RowOutcome {
    case valid([SQLValue])
    case invalid([RowProblem])
}

/// A validation message for one field.
struct FieldMessage: Error, ExpressibleByStringLiteral {
    let text: String
    init(_ text: String) { self.text = text }
    init(stringLiteral text: String) { self.text = text }
}

extension Result where Failure == FieldMessage {
    static func failure(_ text: String) -> Self { .failure(FieldMessage(text)) }
}

/// Dates as the interchange format writes them: `YYYY-MM-DD`, and only days that exist.
enum DateText {
    static func hasShape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }
    }

    static func isValid(_ text: String) -> Bool {
        guard let (year, month, day) = components(text) else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    static func components(_ text: String) -> (Int, Int, Int)? {
        guard hasShape(text) else { return nil }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) } }
        return (number(0..<4), number(5..<7), number(8..<10))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
