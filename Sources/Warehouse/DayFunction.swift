import SQLiteDB

/// `owl_date(day)`: the `YYYY-MM-DD` of a day number (observations' `observed_day`, days since
/// 1970-01-01), the text SQLite's `date(day * 86400, 'unixepoch')` gives. Export writes every
/// observation's date; SQLite's `date()` parses its modifier and formats anew for each row
/// (a quarter of the export's time), where the few thousand distinct days of a table are
/// formatted once here and looked up.
enum DayFunction {
    static func define(on db: Database) throws {
        var texts: [Int64: SQLValue] = [:]
        try db.defineFunction("owl_date", argumentCount: 1) { arguments in
            guard !arguments.isNull(0) else { return .null }
            let day = arguments.int64(0)
            if let text = texts[day] { return text }
            let text = SQLValue.text(CivilDay.text(Int(day)))
            // Bounded: a table spans at most 9999 years of days, but a cache need not.
            if texts.count < 1 << 16 { texts[day] = text }
            return text
        }
    }
}
