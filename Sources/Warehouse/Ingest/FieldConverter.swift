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
        case .date, .day:
            guard DateText.isValid(text) else {
                return .problem(DateText.hasShape(text) ? "is not a date that exists" : "must be a date written YYYY-MM-DD")
            }
            return .value(field.kind.isDay ? .integer(Int64(CivilDay.number(text))) : .text(text))
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

/// A field converted to its stored value, or what is wrong with it.
enum Converted {
    case value(SQLValue)
    case problem(String)
}
