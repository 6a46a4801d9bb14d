import Testing
import SQLiteDB
@testable import Warehouse

@Suite struct DayFunctionTests {
    /// owl_date gives SQLite's own date() text for every day of 1900–2100, and for days
    /// spread over the schema's whole range (0001-01-01 … 9999-12-31), asked twice (the second
    /// time from its cache).
    @Test func owlDateIsSQLitesDate() throws {
        let db = try Database(path: ":memory:")
        try DayFunction.define(on: db)
        let differing = """
            WITH RECURSIVE days(d) AS (
                SELECT unixepoch('1900-01-01') / 86400 UNION ALL SELECT d + 1 FROM days WHERE d < unixepoch('2100-12-31') / 86400),
            spread(d) AS (SELECT -719162 UNION ALL SELECT d + 997 FROM spread WHERE d + 997 <= 2932896),
            asked(d) AS (SELECT d FROM days UNION ALL SELECT d FROM spread UNION ALL SELECT 2932896 UNION ALL SELECT d FROM days)
            SELECT count(*), sum(owl_date(d) IS NOT date(d * 86400, 'unixepoch')) FROM asked
            """
        let row = try #require(try db.rows(differing).first)
        #expect(row[0].integerValue ?? 0 > 150_000)
        #expect(row[1] == .integer(0))
        #expect(try db.rows("SELECT owl_date(NULL), owl_date(-1), owl_date(0), owl_date(19782)")
                == [[.null, .text("1969-12-31"), .text("1970-01-01"), .text("2024-02-29")]])
    }

    /// A function's text comes back whole: empty text stays text, not NULL, and UTF-8 beyond
    /// ASCII keeps its bytes.
    @Test func aFunctionsTextResultIsKeptExactly() throws {
        let db = try Database(path: ":memory:")
        let texts = ["", "2025-01-31", "Zürich 北京", String(repeating: "long text ", count: 20)]
        try db.defineFunction("pick", argumentCount: 1) { .text(texts[Int($0.int64(0))]) }
        let rows = try db.rows("SELECT pick(0), typeof(pick(0)), pick(1), pick(2), pick(3)")
        #expect(rows == [[.text(""), .text("text"), .text(texts[1]), .text(texts[2]), .text(texts[3])]])
    }
}
