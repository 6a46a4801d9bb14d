import Foundation
import Testing
import SQLiteDB
@testable import Warehouse

/// Ingest holds summary rows in memory and writes them in batches, bounded so memory stays
/// flat. A load too small to fill a batch never writes one mid-file, so these tests shrink
/// the bound: what is written in several batches must equal the sums worked out by hand.
@Suite struct SummaryBatchTests {
    private func month(_ text: String, amount: Double, covered: Int) -> MonthTotals.Row {
        let year = Int(text.prefix(4))!, number = Int(text.suffix(2))!
        return MonthTotals.Row(month: text, index: year * 12 + number - 1, amount: amount, coveredDays: covered)
    }

    private func withWarehouse(_ body: (Database) throws -> Void) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let warehouse = try Warehouse(path: folder.appending(path: "a.sqlite").path)
        try body(warehouse.db)
    }

    @Test func organizationMonthsWrittenInBoundedBatchesAddUp() throws {
        try withWarehouse { db in
            // 5 months: a's two models fill 4 (summed in memory), b's fills the fifth and forces
            // a write, so a's last month is added to a stored row.
            var sums = OrganizationMonths(pendingLimit: 5)
            var writes = 0
            func add(_ months: [MonthTotals.Row], metric: Int64, _ organization: String) throws {
                sums.add(months, metric: metric, organization: organization)
                if sums.isFull { try sums.write(in: db); writes += 1 }
            }
            // a's first model: January and March (February is a gap, not a zero month).
            try add([month("2025-01", amount: 10, covered: 31), month("2025-03", amount: 5, covered: 10)], metric: 1, "a")
            // a's second model starts earlier, and has a zero month that must still get its row.
            try add([month("2024-12", amount: 0, covered: 0), month("2025-01", amount: 2.5, covered: 31)], metric: 1, "a")
            try add([month("2025-01", amount: 7, covered: 20)], metric: 2, "b")
            try add([month("2025-03", amount: 1, covered: 3)], metric: 1, "a")
            try sums.write(in: db)
            #expect(writes == 1, "the bound of 5 months must have forced one write before the end")
            let rows = try db.rows("""
                SELECT metric, month, organization, amount, covered_days FROM observation_organization_months
                ORDER BY metric, month, organization
                """)
            #expect(rows == [
                [.integer(1), .text("2024-12"), .text("a"), .real(0), .integer(0)],
                [.integer(1), .text("2025-01"), .text("a"), .real(12.5), .integer(62)],
                [.integer(1), .text("2025-03"), .text("a"), .real(6), .integer(13)],
                [.integer(2), .text("2025-01"), .text("b"), .real(7), .integer(20)],
            ])
        }
    }

    @Test func monthRowsWrittenInBoundedBatchesAddUp() throws {
        try withWarehouse { db in
            var pending = PendingMonthRows(limit: 2)
            try pending.add([month("2025-02", amount: 4, covered: 28), month("2025-03", amount: 6, covered: 31)], metric: 1, model: 9, in: db)
            // A later run of the same series adds to the month it shares with the first.
            try pending.add([month("2025-03", amount: 1, covered: 0), month("2025-04", amount: 2, covered: 30)], metric: 1, model: 9, in: db)
            try pending.add([month("2025-02", amount: 3, covered: 5)], metric: 1, model: 2, in: db)
            #expect(try db.scalar("SELECT count(*) FROM observation_months")?.integerValue ?? 0 > 0,
                    "the bound of 2 rows must have forced a write before the end")
            try pending.write(in: db)
            let rows = try db.rows("SELECT model, month, amount, covered_days FROM observation_months ORDER BY metric, month, model")
            #expect(rows == [
                [.integer(2), .text("2025-02"), .real(3), .integer(5)],
                [.integer(9), .text("2025-02"), .real(4), .integer(28)],
                [.integer(9), .text("2025-03"), .real(7), .integer(31)],
                [.integer(9), .text("2025-04"), .real(2), .integer(30)],
            ])
        }
    }

    /// Month rows go to SQLite 32 to a statement: a month given twice (a series extended by a
    /// later run) may fall in one statement, and must still be summed.
    @Test func monthRowsWrittenManyToAStatementAddUp() throws {
        try withWarehouse { db in
            var pending = PendingMonthRows()
            let months: [MonthTotals.Row] = (0..<40).map { (index: Int) in
                let text = String(format: "%04d-%02d", 2020 + index / 12, index % 12 + 1)
                return month(text, amount: Double(index), covered: 1)
            }
            try pending.add(months, metric: 1, model: 1, in: db)
            try pending.add(months, metric: 1, model: 2, in: db)
            try pending.add([month("2020-03", amount: 0.5, covered: 2)], metric: 1, model: 1, in: db)
            try pending.write(in: db)
            #expect(try db.scalar("SELECT count(*) FROM observation_months") == .integer(80))
            #expect(try db.scalar("SELECT sum(amount) FROM observation_months") == .real(2 * 780 + 0.5))
            #expect(try db.rows("SELECT amount, covered_days FROM observation_months WHERE model = 1 AND month = '2020-03'")
                    == [[.real(2.5), .integer(3)]])
        }
    }
}
