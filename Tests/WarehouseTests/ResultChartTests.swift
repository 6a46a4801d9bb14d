import SQLiteDB
import Testing
@testable import Warehouse

/// From rows to a chart: which column is drawn, what names a row, and how (period, group)
/// rows become one series per group.
@Suite struct ResultChartTests {
    @Test func theDefaultColumnIsTheFirstNumberAfterTheLabels() {
        // SELECT country, count(*) n, avg(…) l: n, not the last numeric column.
        let rows: [[SQLValue]] = [[.text("US"), .integer(3), .real(9.5)], [.text("CN"), .integer(1), .null]]
        #expect(ResultChart.defaultColumn(["country", "n", "l"], rows) == 1)
        // A leading rank is not the value: the first number after the model is.
        let ranked: [[SQLValue]] = [[.integer(1), .text("m"), .integer(40)]]
        #expect(ResultChart.defaultColumn(["rank", "model", "value"], ranked) == 2)
        #expect(ResultChart.defaultColumn(["a"], [[.text("x")]]) == nil)
    }

    @Test func everyTextColumnLabelsARow() {
        let rows: [[SQLValue]] = [[.text("2025"), .text("open-weights"), .integer(3), .real(42.5)]]
        let labels = ResultChart.labelColumns(["period", "openness", "models", "share_pct"], rows, value: 3)
        #expect(labels == [0, 1])
        #expect(ResultChart.label(rows[0], labels, position: 0) == "2025 · open-weights")
    }

    @Test func periodAndGroupRowsBecomeOneSeriesPerGroupLargestFirstOtherLast() throws {
        let rows: [[SQLValue]] = [
            [.text("2025-01"), .text("A"), .integer(1)], [.text("2025-01"), .text("B"), .integer(5)],
            [.text("2025-02"), .text("A"), .integer(2)], [.text("2025-02"), .text("other"), .integer(9)],
        ]
        let pivot = try #require(Report.pivot(["period", "group", "v"], rows, category: "period", series: "group", value: "v"))
        #expect(pivot.categories == ["2025-01", "2025-02"])
        // B totals 5, A 3; other (9) goes last whatever its size. A missing cell stays nil.
        #expect(pivot.series.map(\.name) == ["B", "A", "other"])
        #expect(pivot.series[0].values == [5, nil])
        #expect(pivot.series[1].values == [1, 2])
        #expect(pivot.series[2].values == [nil, 9])
    }

    @Test func stackedBarsSumTheSmallestSeriesIntoOther() throws {
        // Four groups, keep 2: C and D (1 each in 2024, D 4 in 2025) are summed.
        let rows: [[SQLValue]] = [
            [.text("2024"), .text("A"), .integer(10)], [.text("2024"), .text("B"), .integer(6)],
            [.text("2024"), .text("C"), .integer(1)], [.text("2024"), .text("D"), .integer(1)],
            [.text("2025"), .text("A"), .integer(3)], [.text("2025"), .text("D"), .integer(4)],
        ]
        let chart = try #require(Report.stacked(["period", "group", "n"], rows, category: "period", series: "group", value: "n", keep: 2,
                                                title: "t", xTitle: "x", yTitle: "y"))
        #expect(chart.series.map(\.name) == ["A", "B", "other (2)"])
        #expect(chart.series[2].values == [2, 4])
        #expect(chart.series[1].values == [6, nil])
    }
}
