import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Warehouse

/// The SVG chart writer: scales, round ticks, escaping, missing values and negative values.
@Suite struct SVGChartTests {
    @Test func linearTicksFallOnRoundNumbersFromZero() {
        // 47 / 5 ticks = 9.4, rounded up to a step of 10; the domain widens to 50.
        let scale = SVGChart.LinearScale(values: [3, 47], range: (0, 100))
        #expect(scale.ticks == [0, 10, 20, 30, 40, 50])
        #expect(scale.domain == 0...50)
        #expect(scale(25) == 50)
    }

    @Test func linearTicksReachBelowZeroForNegativeValues() {
        // (400 - -165) / 5 = 113, rounded up to 200: -200 … 400.
        let scale = SVGChart.LinearScale(values: [-165, 400], range: (0, 600))
        #expect(scale.ticks == [-200, 0, 200, 400])
        #expect(scale(0) == 200)
    }

    @Test func fractionalTicksHaveNoFloatingPointDust() {
        // 0.7 / 5 = 0.14, rounded up to 0.2: 0.6 is 0.6, not 0.6000000000000001.
        let scale = SVGChart.LinearScale(values: [0.1, 0.7], range: (0, 1))
        #expect(scale.ticks == [0, 0.2, 0.4, 0.6, 0.8])
        #expect(scale.ticks.map(SVGChart.tickLabel) == ["0", "0.2", "0.4", "0.6", "0.8"])
    }

    @Test func logScaleTicksArePowersOfTenAroundTheValues() {
        // 0.5 … 671 lies within 10^-1 … 10^3: four decades over 400 pixels, 100 each.
        let scale = SVGChart.LogScale(values: [0.5, 7, 671, 0, -3], range: (0, 400))
        #expect(scale.ticks == [0.1, 1, 10, 100, 1000])
        #expect(abs(scale(10) - 200) < 1e-9)
        #expect(abs(scale(100) - 300) < 1e-9)
    }

    @Test func tickLabelsAreShortAndGrouped() {
        #expect(SVGChart.tickLabel(2_500_000) == "2.5M")
        #expect(SVGChart.tickLabel(3_000_000_000) == "3B")
        #expect(SVGChart.tickLabel(1200) == "1,200")
        #expect(SVGChart.tickLabel(-165) == "-165")
        #expect(SVGChart.tickLabel(0.05) == "0.05")
    }

    @Test func textIsEscapedAndCJKKept() {
        #expect(SVGChart.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        #expect(SVGChart.escape("通义千问 Qwen") == "通义千问 Qwen")
        // XML forbids control characters; they are dropped rather than breaking the file.
        #expect(SVGChart.escape("a\u{1}b") == "ab")
        var chart = SVGChart(kind: .bar, title: "Likes of <Meta> & \"friends\"", xTitle: "likes", yTitle: "")
        chart.categories = ["<script>alert(1)</script>", "智谱 GLM"]
        chart.series = [.init(name: "likes", values: [1, 2])]
        let svg = chart.svg()
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(svg.contains("Likes of &lt;Meta&gt; &amp; &quot;friends&quot;"))
        #expect(svg.contains("智谱 GLM"))
        #expect(isWellFormedXML(svg))
    }

    @Test func barsSkipNullsAndDrawNegativesLeftOfTheAxis() throws {
        var chart = SVGChart(kind: .bar, title: "t", xTitle: "x", yTitle: "")
        chart.categories = ["A", "B", "C"]
        chart.series = [.init(name: "v", values: [10, nil, -5])]
        let bars = rects(in: chart.svg())
        // B has no value: no bar, not a bar of 0.
        #expect(bars.count == 2)
        let a = try #require(bars.first), c = try #require(bars.last)
        // A starts at the zero axis and goes right; C ends at it and lies to its left.
        #expect(abs(c.x + c.width - a.x) < 0.11)
        #expect(c.width > 0 && a.width > 0)
        // Ticks -5, 0, 5, 10: A spans two steps, C one.
        #expect(abs(a.width - 2 * c.width) < 0.25)
    }

    @Test func anInfiniteValueIsLeftOutLikeAMissingOne() {
        var chart = SVGChart(kind: .bar, title: "t", xTitle: "x", yTitle: "")
        chart.categories = ["A", "B"]
        chart.series = [.init(name: "v", values: [4, .infinity])]
        let svg = chart.svg()
        #expect(rects(in: svg).count == 1)
        #expect(!svg.contains("inf"))
    }

    @Test func aLineHasOnePathPerSeriesBrokenAtMissingValues() {
        var chart = SVGChart(kind: .line, title: "t", xTitle: "month", yTitle: "share (%)")
        chart.categories = ["2025-01", "2025-02", "2025-03", "2025-04"]
        chart.series = [.init(name: "CN", values: [1, nil, 3, 4]), .init(name: "US", values: [2, 2, 2, 2])]
        let svg = chart.svg()
        let paths = attributes("d", ofElementsWithClass: "series", in: svg)
        #expect(paths.count == 2)
        // CN: a segment for January, a new one from March.
        #expect(paths[0].filter { $0 == "M" }.count == 2)
        #expect(paths[0].filter { $0 == "L" }.count == 1)
        #expect(paths[1].filter { $0 == "M" }.count == 1)
        // Two series: a legend, and the second drawn dashed.
        #expect(svg.contains("class=\"legend\""))
        #expect(svg.contains("stroke-dasharray=\"8 4\""))
        #expect(isWellFormedXML(svg))
    }

    @Test func aNegativeValueOnALineLiesBelowTheZeroAxis() {
        var chart = SVGChart(kind: .line, title: "t", xTitle: "x", yTitle: "y")
        chart.categories = ["a", "b"]
        chart.series = [.init(name: "s", values: [-5, 10])]
        let d = attributes("d", ofElementsWithClass: "series", in: chart.svg())[0]
        let numbers = d.split(separator: " ").compactMap { Double($0) }
        // Ticks -5 … 10 over 300 pixels from y = 336 up to 36: -5 at the bottom, 10 at the top.
        #expect(numbers[1] == 336)
        #expect(numbers[3] == 36)
    }

    @Test func stackedBarsSkipNullsAndStackNegativesDownward() {
        var chart = SVGChart(kind: .stackedBar, title: "t", xTitle: "year", yTitle: "models")
        chart.categories = ["2024", "2025"]
        chart.series = [.init(name: "open", values: [3, nil]), .init(name: "closed", values: [2, -1])]
        let svg = chart.svg()
        let bars = rects(in: svg)
        #expect(bars.count == 3)
        // 2024 stacks 3 then 2 upward: the second segment sits on top of the first.
        #expect(abs(bars[1].y + bars[1].height - bars[0].y) < 0.11)
        // 2025's only segment is negative: it starts at the zero line, where 2024's first ends.
        #expect(abs(bars[2].y - (bars[0].y + bars[0].height)) < 0.11)
        #expect(svg.contains("<pattern id=\"chart-fill-1\""))
        #expect(isWellFormedXML(svg))
    }

    @Test func scatterSkipsPointsWithoutAPositiveXOrAY() {
        var chart = SVGChart(kind: .scatter, title: "t", xTitle: "parameters (B, log scale)", yTitle: "score")
        chart.series = [.init(name: "dense", values: []), .init(name: "moe", values: [])]
        chart.points = [
            .init(x: 7, y: 50, label: "a", series: 0), .init(x: 235, y: 80, label: "b", series: 1),
            .init(x: nil, y: 60, label: "c", series: 0), .init(x: 0, y: 60, label: "d", series: 0),
            .init(x: 30, y: nil, label: "e", series: 1),
        ]
        chart.labelledPoints = 1
        let svg = chart.svg()
        #expect(svg.components(separatedBy: "class=\"point\"").count - 1 == 2)
        // Only the highest point is labelled.
        #expect(svg.components(separatedBy: "class=\"point-label\"").count - 1 == 1)
        #expect(svg.contains(">b</text>"))
        #expect(isWellFormedXML(svg))
    }

    // MARK: Reading the SVG back

    private struct Box { var x, y, width, height: Double }

    private func rects(in svg: String) -> [Box] {
        svg.components(separatedBy: "<rect class=\"bar\"").dropFirst().map { tail in
            func number(_ name: String) -> Double {
                let start = tail.range(of: " \(name)=\"")!.upperBound
                return Double(tail[start...].prefix { $0 != "\"" })!
            }
            return Box(x: number("x"), y: number("y"), width: number("width"), height: number("height"))
        }
    }

    private func attributes(_ name: String, ofElementsWithClass className: String, in svg: String) -> [String] {
        svg.components(separatedBy: "class=\"\(className)\"").dropFirst().map { tail in
            let start = tail.range(of: " \(name)=\"")!.upperBound
            return String(tail[start...].prefix { $0 != "\"" })
        }
    }

    private func isWellFormedXML(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }
}
