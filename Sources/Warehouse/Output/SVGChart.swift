import Foundation

/// A chart drawn as SVG text by owl itself, for `owl report` and `--format svg|html --chart`:
/// no script, no font or network request, so a page holding it works offline and prints.
///
/// Series are told apart by colour (the Okabe–Ito palette, safe for colour-blind readers)
/// and, for grey-scale print, by a dash pattern and marker (lines and points) or a hatching
/// (stacked bars). A missing value (SQL NULL) is left out, never drawn as 0; negative values
/// lie below (or left of) the zero axis.
public struct SVGChart {
    public enum Kind: String, Sendable {
        /// One line per series over ordered categories (periods).
        case line
        /// One horizontal bar per category.
        case bar
        /// One column per category, the series stacked in it.
        case stackedBar = "stacked-bar"
        /// Points; x on a logarithmic scale.
        case scatter
    }

    public struct Series: Sendable {
        public var name: String
        /// One value per category (line, bar, stacked bar); nil is missing.
        public var values: [Double?]
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    public struct Point: Sendable {
        public var x: Double?
        public var y: Double?
        public var label: String
        /// Index into `series`, whose names the legend shows.
        public var series: Int
        public init(x: Double?, y: Double?, label: String, series: Int) {
            self.x = x
            self.y = y
            self.label = label
            self.series = series
        }
    }

    public var kind: Kind
    public var title: String
    /// Axis titles, with their units: "share of downloads (%)".
    public var xTitle: String
    public var yTitle: String
    public var categories: [String] = []
    public var series: [Series] = []
    /// Scatter only.
    public var points: [Point] = []
    /// Scatter only: how many points, highest y first, carry their label.
    public var labelledPoints = 8
    /// Prefix of the ids inside the SVG (markers, patterns): unique per chart on a page.
    public var id: String = "chart"
    public var width: Double = 760

    public init(kind: Kind, title: String, xTitle: String, yTitle: String) {
        self.kind = kind
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
    }

    /// Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, reddish
    /// purple, sky blue, vermillion, yellow, black.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    /// Dash patterns for lines, one per series, in the palette's order.
    public static let dashes = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 4 4 4", "6 2 1 2"]

    static func colour(_ index: Int) -> String { palette[index % palette.count] }
    static func dash(_ index: Int) -> String { dashes[index % dashes.count] }

    // MARK: Text

    /// Text made safe for SVG/HTML content and attribute values; characters XML forbids
    /// (controls other than tab and line breaks) are dropped. Everything else, CJK included,
    /// stays as it is: the document is UTF-8.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let v = scalar.value
                if (v < 0x20 && v != 9 && v != 10 && v != 13) || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An estimate of the width of `text` in pixels at `size`: wide (CJK) characters take
    /// about twice a Latin one. Used to make room for labels; there is no font to measure.
    static func textWidth(_ text: String, size: Double = 12) -> Double {
        text.unicodeScalars.reduce(0) { width, scalar in width + (RowFormatter.isWide(scalar) ? 1.0 : 0.58) * size }
    }

    /// `text` cut to `pixels` with "…".
    static func truncated(_ text: String, toWidth pixels: Double) -> String {
        guard textWidth(text) > pixels else { return text }
        var kept = ""
        for character in text {
            if textWidth(kept + String(character) + "…") > pixels { break }
            kept.append(character)
        }
        return kept + "…"
    }

    // MARK: Scales

    /// A linear map from `domain` to `range`, with ticks at round numbers (1, 2 or 5 × 10ⁿ
    /// apart) and a domain widened to the ticks at either end.
    public struct LinearScale {
        public let domain: ClosedRange<Double>
        /// Pixels: where the domain's low end and high end go (high may be above low: y grows down).
        public let range: (low: Double, high: Double)
        public let ticks: [Double]
        /// `includeZero` keeps 0 in the domain: bars and shares start at an axis.
        public init(values: [Double], range: (low: Double, high: Double), includeZero: Bool = true, tickCount: Int = 5) {
            let values = values.filter(\.isFinite)
            var low = values.min() ?? 0, high = values.max() ?? 1
            if includeZero { low = min(low, 0); high = max(high, 0) }
            if low == high { (low, high) = low == 0 ? (0, 1) : (low - 1, high + 1) }
            let step = Self.niceStep((high - low) / Double(max(1, tickCount)))
            let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
            ticks = stride(from: first, through: last, by: 1).map { Self.roundedToStep($0 * step, step) }
            // Never empty: first ≤ last, since low < high.
            domain = (ticks.first ?? low)...(ticks.last ?? high)
            self.range = range
        }

        /// 1, 2 or 5 × 10ⁿ, the smallest not below `raw`.
        static func niceStep(_ raw: Double) -> Double {
            guard raw > 0, raw.isFinite else { return 1 }
            let magnitude = pow(10, (log10(raw)).rounded(.down))
            for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
            return 10 * magnitude
        }

        /// 0.30000000000000004 → 0.3: a tick keeps only the digits its step has.
        static func roundedToStep(_ value: Double, _ step: Double) -> Double {
            let decimals = max(0, -Int((log10(step)).rounded(.down)))
            let factor = pow(10, Double(decimals))
            return (value * factor).rounded() / factor
        }

        public func callAsFunction(_ value: Double) -> Double {
            let span = domain.upperBound - domain.lowerBound
            return range.low + (value - domain.lowerBound) / span * (range.high - range.low)
        }
    }

    /// A logarithmic (base 10) map for positive values, ticks at the powers of ten.
    public struct LogScale {
        public let domain: ClosedRange<Double>
        /// Pixels: where the domain's low end and high end go (high may be above low: y grows down).
        public let range: (low: Double, high: Double)
        public let ticks: [Double]
        public init(values: [Double], range: (low: Double, high: Double)) {
            let positive = values.filter { $0 > 0 }
            let low = (log10(positive.min() ?? 1)).rounded(.down)
            var high = (log10(positive.max() ?? 10)).rounded(.up)
            if high <= low { high = low + 1 }
            ticks = stride(from: low, through: high, by: 1).map { pow(10, $0) }
            domain = pow(10, low)...pow(10, high)
            self.range = range
        }

        public func callAsFunction(_ value: Double) -> Double {
            let span = log10(domain.upperBound) - log10(domain.lowerBound)
            return range.low + (log10(value) - log10(domain.lowerBound)) / span * (range.high - range.low)
        }
    }

    /// A tick label: 1200 → 1,200; 2500000 → 2.5M; 0.001 → 0.001.
    public static func tickLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        for (size, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M")] where magnitude >= size {
            return Numbers.text(LinearScale.roundedToStep(value / size, 0.01)) + suffix
        }
        if magnitude >= 1000, value == value.rounded() { return grouped(Int64(value)) }
        return Numbers.text(value)
    }

    /// 12345 → 12,345.
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    static func f(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    // MARK: Drawing

    /// The chart as one `<svg>` element (UTF-8 text; no XML declaration, so it can be
    /// inlined in HTML as it is).
    public func svg() -> String {
        var body = ""
        let height: Double
        switch kind {
        case .line: height = drawLine(into: &body)
        case .bar: height = drawBars(into: &body)
        case .stackedBar: height = drawStacked(into: &body)
        case .scatter: height = drawScatter(into: &body)
        }
        let titleID = "\(id)-title"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="owl-chart" data-kind="\(kind.rawValue)" \
            width="\(Self.f(width))" height="\(Self.f(height))" viewBox="0 0 \(Self.f(width)) \(Self.f(height))" \
            role="img" aria-labelledby="\(titleID)" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <title id="\(titleID)">\(Self.escape(title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(Self.f(width / 2))" y="20" text-anchor="middle" font-size="15" font-weight="bold">\(Self.escape(title))</text>
            \(body)</svg>

            """
    }

    /// The plot's frame: left, top, right, bottom edges.
    private struct Frame { var left, top, right, bottom: Double }

    /// Legend entries at the right of the plot; returns the width it takes.
    private var legendWidth: Double {
        guard series.count > 1 else { return 0 }
        return min(200, (series.map { Self.textWidth($0.name) }.max() ?? 0) + 44)
    }

    private func legend(into body: inout String, x: Double, top: Double, sample: (Int, Double, Double) -> String) {
        guard series.count > 1 else { return }
        body += "<g class=\"legend\">\n"
        for (index, entry) in series.enumerated() {
            let y = top + Double(index) * 18
            body += sample(index, x, y)
            body += "<text x=\"\(Self.f(x + 30))\" y=\"\(Self.f(y + 4))\">\(Self.escape(Self.truncated(entry.name, toWidth: legendWidth - 44)))</text>\n"
        }
        body += "</g>\n"
    }

    private func yAxis(into body: inout String, scale: LinearScale, frame: Frame) {
        body += "<g class=\"axis y\">\n"
        for tick in scale.ticks {
            let y = scale(tick)
            body += "<line x1=\"\(Self.f(frame.left))\" x2=\"\(Self.f(frame.right))\" y1=\"\(Self.f(y))\" y2=\"\(Self.f(y))\" stroke=\"\(tick == 0 ? "#333333" : "#dddddd")\"/>"
            body += "<text x=\"\(Self.f(frame.left - 6))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\">\(Self.tickLabel(tick))</text>\n"
        }
        let middle = (frame.top + frame.bottom) / 2
        body += "<text x=\"14\" y=\"\(Self.f(middle))\" transform=\"rotate(-90 14 \(Self.f(middle)))\" text-anchor=\"middle\">\(Self.escape(yTitle))</text>\n"
        body += "</g>\n"
    }

    private func xTitleText(into body: inout String, frame: Frame, y: Double) {
        body += "<text class=\"axis-title\" x=\"\(Self.f((frame.left + frame.right) / 2))\" y=\"\(Self.f(y))\" text-anchor=\"middle\">\(Self.escape(xTitle))</text>\n"
    }

    /// Category labels under the x axis, thinned so they do not overlap, rotated when long.
    private func categoryAxis(into body: inout String, frame: Frame, x: (Int) -> Double, slot: Double) -> Double {
        let widest = categories.map { Self.textWidth($0) }.max() ?? 0
        let rotate = widest > slot * 0.9
        let every = rotate ? max(1, Int((16 / max(slot, 1)).rounded(.up))) : 1
        body += "<g class=\"axis x\">\n"
        for (index, label) in categories.enumerated() where index % every == 0 {
            let cx = x(index), y = frame.bottom + 16
            if rotate {
                body += "<text x=\"\(Self.f(cx))\" y=\"\(Self.f(y))\" text-anchor=\"end\" transform=\"rotate(-45 \(Self.f(cx)) \(Self.f(y)))\">\(Self.escape(Self.truncated(label, toWidth: 90)))</text>\n"
            } else {
                body += "<text x=\"\(Self.f(cx))\" y=\"\(Self.f(y))\" text-anchor=\"middle\">\(Self.escape(label))</text>\n"
            }
        }
        body += "</g>\n"
        return rotate ? min(widest, 90) * 0.72 + 20 : 22
    }

    /// Marker shapes, one per series: circle, square, triangle, diamond, cross, plus, star, bar.
    static func markerPath(_ index: Int, size s: Double) -> String {
        switch index % 8 {
        case 0: return "M \(f(-s)) 0 A \(f(s)) \(f(s)) 0 1 0 \(f(s)) 0 A \(f(s)) \(f(s)) 0 1 0 \(f(-s)) 0 Z"
        case 1: return "M \(f(-s)) \(f(-s)) H \(f(s)) V \(f(s)) H \(f(-s)) Z"
        case 2: return "M 0 \(f(-s * 1.2)) L \(f(s * 1.1)) \(f(s * 0.8)) L \(f(-s * 1.1)) \(f(s * 0.8)) Z"
        case 3: return "M 0 \(f(-s * 1.3)) L \(f(s * 1.3)) 0 L 0 \(f(s * 1.3)) L \(f(-s * 1.3)) 0 Z"
        case 4: return "M \(f(-s)) \(f(-s)) L \(f(s)) \(f(s)) M \(f(s)) \(f(-s)) L \(f(-s)) \(f(s))"
        case 5: return "M \(f(-s * 1.2)) 0 H \(f(s * 1.2)) M 0 \(f(-s * 1.2)) V \(f(s * 1.2))"
        case 6: return "M 0 \(f(s * 1.2)) L 0 \(f(-s * 1.2)) M \(f(-s)) \(f(-s * 0.6)) L \(f(s)) \(f(s * 0.6)) M \(f(s)) \(f(-s * 0.6)) L \(f(-s)) \(f(s * 0.6))"
        default: return "M \(f(-s * 1.2)) \(f(-s * 0.5)) H \(f(s * 1.2)) V \(f(s * 0.5)) H \(f(-s * 1.2)) Z"
        }
    }

    /// A marker shape in a series' colour, centred on (x, y); open shapes (cross, plus, star)
    /// are stroked.
    static func marker(_ index: Int, x: Double, y: Double, size: Double = 3.5, className: String = "marker") -> String {
        let open = [4, 5, 6].contains(index % 8)
        let paint = open ? "fill=\"none\" stroke=\"\(colour(index))\" stroke-width=\"1.6\"" : "fill=\"\(colour(index))\" stroke=\"#ffffff\" stroke-width=\"0.8\""
        return "<path class=\"\(className)\" d=\"\(markerPath(index, size: size))\" transform=\"translate(\(f(x)) \(f(y)))\" \(paint)/>"
    }

    private func drawLine(into body: inout String) -> Double {
        let plotHeight = 300.0
        let values = series.flatMap { $0.values.compactMap { $0 } }
        var frame = Frame(left: 64, top: 36, right: width - 16 - legendWidth, bottom: 36 + plotHeight)
        let scale = LinearScale(values: values, range: (frame.bottom, frame.top))
        frame.left = 30 + (scale.ticks.map { Self.textWidth(Self.tickLabel($0)) }.max() ?? 20)
        let slot = (frame.right - frame.left) / Double(max(categories.count, 1))
        func x(_ index: Int) -> Double { frame.left + slot * (Double(index) + 0.5) }
        yAxis(into: &body, scale: scale, frame: frame)
        let labelsHeight = categoryAxis(into: &body, frame: frame, x: x, slot: slot)
        body += "<g class=\"marks\">\n"
        for (index, entry) in series.enumerated() {
            // A missing value breaks the line: the next point starts a new segment.
            var d = "", pen = "M"
            var dots = ""
            for (position, value) in entry.values.enumerated() {
                guard let value, value.isFinite, position < categories.count else { pen = "M"; continue }
                d += "\(pen) \(Self.f(x(position))) \(Self.f(scale(value))) "
                pen = "L"
                dots += Self.marker(index, x: x(position), y: scale(value))
            }
            let dash = Self.dash(index).isEmpty ? "" : " stroke-dasharray=\"\(Self.dash(index))\""
            body += "<path class=\"series\" data-series=\"\(Self.escape(entry.name))\" d=\"\(d.trimmingCharacters(in: .whitespaces))\" fill=\"none\" stroke=\"\(Self.colour(index))\" stroke-width=\"2\"\(dash)><title>\(Self.escape(entry.name))</title></path>\n"
            body += "<g class=\"markers\">\(dots)</g>\n"
        }
        body += "</g>\n"
        legend(into: &body, x: frame.right + 14, top: frame.top + 6) { index, x, y in
            let dash = Self.dash(index).isEmpty ? "" : " stroke-dasharray=\"\(Self.dash(index))\""
            return "<line x1=\"\(Self.f(x))\" x2=\"\(Self.f(x + 24))\" y1=\"\(Self.f(y))\" y2=\"\(Self.f(y))\" stroke=\"\(Self.colour(index))\" stroke-width=\"2\"\(dash)/>"
                + Self.marker(index, x: x + 12, y: y, className: "legend-marker")
        }
        xTitleText(into: &body, frame: frame, y: frame.bottom + labelsHeight + 18)
        return frame.bottom + labelsHeight + 30
    }

    private func drawBars(into body: inout String) -> Double {
        let values = series.first?.values ?? []
        let rowHeight = 20.0
        let labelWidth = min(260, (categories.map { Self.textWidth($0) }.max() ?? 0) + 4)
        var frame = Frame(left: labelWidth + 14, top: 36, right: width - 70, bottom: 0)
        frame.bottom = frame.top + rowHeight * Double(max(categories.count, 1))
        let scale = LinearScale(values: values.compactMap { $0 }, range: (frame.left, frame.right))
        body += "<g class=\"axis x\">\n"
        for tick in scale.ticks {
            let x = scale(tick)
            body += "<line x1=\"\(Self.f(x))\" x2=\"\(Self.f(x))\" y1=\"\(Self.f(frame.top))\" y2=\"\(Self.f(frame.bottom))\" stroke=\"\(tick == 0 ? "#333333" : "#dddddd")\"/>"
            body += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(frame.bottom + 16))\" text-anchor=\"middle\">\(Self.tickLabel(tick))</text>\n"
        }
        body += "</g>\n<g class=\"marks\">\n"
        let zero = scale(0)
        for (index, label) in categories.enumerated() {
            let y = frame.top + rowHeight * Double(index)
            body += "<text x=\"\(Self.f(frame.left - 8))\" y=\"\(Self.f(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(Self.escape(Self.truncated(label, toWidth: labelWidth)))<title>\(Self.escape(label))</title></text>\n"
            guard index < values.count, let value = values[index], value.isFinite else { continue }
            let end = scale(value)
            body += "<rect class=\"bar\" x=\"\(Self.f(min(zero, end)))\" y=\"\(Self.f(y + 3))\" width=\"\(Self.f(abs(end - zero)))\" height=\"\(Self.f(rowHeight - 6))\" fill=\"\(Self.colour(0))\"><title>\(Self.escape(label)): \(Numbers.text(value))</title></rect>"
            let anchor = value < 0 ? "end" : "start", textX = value < 0 ? min(zero, end) - 4 : max(zero, end) + 4
            body += "<text x=\"\(Self.f(textX))\" y=\"\(Self.f(y + rowHeight / 2 + 4))\" text-anchor=\"\(anchor)\" font-size=\"11\">\(Self.tickLabel(value))</text>\n"
        }
        body += "</g>\n"
        xTitleText(into: &body, frame: frame, y: frame.bottom + 36)
        return frame.bottom + 48
    }

    /// A hatching per series so stacked segments differ in grey-scale print too.
    private func patterns() -> String {
        var defs = "<defs>\n"
        let strokes = ["", "M 0 8 L 8 0", "M 0 0 L 8 8", "M 4 0 V 8", "M 0 4 H 8", "M 0 8 L 8 0 M 0 0 L 8 8", "M 4 0 V 8 M 0 4 H 8", ""]
        for index in series.indices {
            defs += "<pattern id=\"\(id)-fill-\(index)\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
            defs += "<rect width=\"8\" height=\"8\" fill=\"\(Self.colour(index))\"/>"
            let stroke = strokes[index % strokes.count]
            if !stroke.isEmpty { defs += "<path d=\"\(stroke)\" stroke=\"#ffffff\" stroke-width=\"1.4\" stroke-opacity=\"0.7\"/>" }
            defs += "</pattern>\n"
        }
        return defs + "</defs>\n"
    }

    private func drawStacked(into body: inout String) -> Double {
        let plotHeight = 280.0
        // Positive values stack up from 0, negative ones down from it.
        var tops: [Double] = [], bottoms: [Double] = []
        for position in categories.indices {
            let column = series.compactMap { position < $0.values.count ? $0.values[position] : nil }.filter(\.isFinite)
            tops.append(column.filter { $0 > 0 }.reduce(0, +))
            bottoms.append(column.filter { $0 < 0 }.reduce(0, +))
        }
        var frame = Frame(left: 64, top: 36, right: width - 16 - legendWidth, bottom: 36 + plotHeight)
        let scale = LinearScale(values: tops + bottoms, range: (frame.bottom, frame.top))
        frame.left = 30 + (scale.ticks.map { Self.textWidth(Self.tickLabel($0)) }.max() ?? 20)
        let slot = (frame.right - frame.left) / Double(max(categories.count, 1))
        func x(_ index: Int) -> Double { frame.left + slot * (Double(index) + 0.5) }
        body += patterns()
        yAxis(into: &body, scale: scale, frame: frame)
        let labelsHeight = categoryAxis(into: &body, frame: frame, x: x, slot: slot)
        body += "<g class=\"marks\">\n"
        let barWidth = min(60, slot * 0.7)
        for position in categories.indices {
            var up = 0.0, down = 0.0
            for (index, entry) in series.enumerated() {
                guard position < entry.values.count, let value = entry.values[position], value != 0, value.isFinite else { continue }
                let from = value > 0 ? up : down
                let to = from + value
                if value > 0 { up = to } else { down = to }
                let y1 = scale(from), y2 = scale(to)
                body += "<rect class=\"bar\" data-series=\"\(Self.escape(entry.name))\" x=\"\(Self.f(x(position) - barWidth / 2))\" y=\"\(Self.f(min(y1, y2)))\" width=\"\(Self.f(barWidth))\" height=\"\(Self.f(abs(y2 - y1)))\" fill=\"url(#\(id)-fill-\(index))\" stroke=\"#ffffff\" stroke-width=\"0.5\"><title>\(Self.escape(categories[position])), \(Self.escape(entry.name)): \(Numbers.text(value))</title></rect>\n"
            }
        }
        body += "</g>\n"
        legend(into: &body, x: frame.right + 14, top: frame.top + 6) { index, x, y in
            "<rect x=\"\(Self.f(x + 4))\" y=\"\(Self.f(y - 7))\" width=\"16\" height=\"14\" fill=\"url(#\(id)-fill-\(index))\"/>"
        }
        xTitleText(into: &body, frame: frame, y: frame.bottom + labelsHeight + 18)
        return frame.bottom + labelsHeight + 30
    }

    private func drawScatter(into body: inout String) -> Double {
        let plotHeight = 320.0
        let shown = points.compactMap { point -> (x: Double, y: Double, label: String, series: Int)? in
            guard let x = point.x, let y = point.y, x > 0 && x.isFinite && y.isFinite else { return nil }
            return (x, y, point.label, point.series)
        }
        var frame = Frame(left: 64, top: 36, right: width - 16 - legendWidth, bottom: 36 + plotHeight)
        let yScale = LinearScale(values: shown.map { $0.y }, range: (frame.bottom, frame.top), includeZero: false)
        frame.left = 30 + (yScale.ticks.map { Self.textWidth(Self.tickLabel($0)) }.max() ?? 20)
        let xScale = LogScale(values: shown.map { $0.x }, range: (frame.left, frame.right))
        yAxis(into: &body, scale: yScale, frame: frame)
        body += "<g class=\"axis x\">\n"
        for tick in xScale.ticks {
            let x = xScale(tick)
            body += "<line x1=\"\(Self.f(x))\" x2=\"\(Self.f(x))\" y1=\"\(Self.f(frame.top))\" y2=\"\(Self.f(frame.bottom))\" stroke=\"#dddddd\"/>"
            body += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(frame.bottom + 16))\" text-anchor=\"middle\">\(Self.tickLabel(tick))</text>\n"
        }
        body += "</g>\n<g class=\"marks\">\n"
        let labelled = Set(shown.indices.sorted { shown[$0].y > shown[$1].y }.prefix(labelledPoints))
        for (index, point) in shown.enumerated() {
            let x = xScale(point.x), y = yScale(point.y)
            body += "<g class=\"point\" data-series=\"\(Self.escape(series.indices.contains(point.series) ? series[point.series].name : ""))\">"
            body += Self.marker(point.series, x: x, y: y, size: 4.5)
            body += "<title>\(Self.escape(point.label)): \(Numbers.text(point.x)), \(Numbers.text(point.y))</title></g>\n"
            if labelled.contains(index) {
                body += "<text class=\"point-label\" x=\"\(Self.f(x + 7))\" y=\"\(Self.f(y - 6))\" font-size=\"10\">\(Self.escape(Self.truncated(point.label, toWidth: 150)))</text>\n"
            }
        }
        body += "</g>\n"
        legend(into: &body, x: frame.right + 14, top: frame.top + 6) { index, x, y in
            Self.marker(index, x: x + 12, y: y, size: 4.5, className: "legend-marker")
        }
        xTitleText(into: &body, frame: frame, y: frame.bottom + 36)
        return frame.bottom + 48
    }
}
