import Foundation
import SQLiteDB

/// `owl report`: one HTML page, readable offline, whose every chart is drawn from a prepared
/// analysis, with the exact `owl query` command, the data and the sources under it.
public enum Report {
    public struct Options: Sendable {
        public var title = "Open-weight models: downloads, likes, releases and licences"
        public var from: String?
        public var to: String?
        public var metricDownloads = "hf_downloads_30d"
        public var metricLikes = "hf_likes"
        public var metricScore = "gpqa_diamond"
        /// The database as the commands under each chart name it.
        public var databasePath = "owl.sqlite"
        public init() {}
    }

    /// One chart (or an empty one's reason) with the query that made it.
    struct Figure {
        var command: String
        var columns: [String] = []
        var rows: [[SQLValue]] = []
        var notes: [String] = []
        var chart: SVGChart?
        /// Why there is no chart.
        var empty: String?
        var sources: [String] = []
        var batches: [String] = []
    }

    struct Section {
        var id: String
        var title: String
        var words: String = ""
        var figures: [Figure] = []
        var empty: String?
    }

    /// Writes the page to `sink`, every section read in one transaction, so the page is one
    /// snapshot of the database even while an ingest runs.
    public static func write(_ warehouse: Warehouse, options: Options, to sink: OutputSink, today: String = Analysis.today()) throws {
        let db = warehouse.db
        let page: String = try db.readTransaction {
            let range = try dateRange(db, options: options)
            var builder = Builder(db: db, options: options, from: options.from, to: range.to, today: today)
            let sections = try [
                builder.downloadShare(), builder.likes(), builder.cadence(), builder.concentration(),
                builder.scorePerParameter(), builder.licences(), builder.derivatives(),
            ]
            return html(title: options.title, header: try header(warehouse, options: options, range: range, today: today), sections: sections)
        }
        sink.write(page)
        try sink.commit()
    }

    /// The range the page covers: --from and --to, else the first and last dated row stored.
    static func dateRange(_ db: Database, options: Options) throws -> (from: String?, to: String?) {
        let row = try db.rows("""
            SELECT min(d), max(d) FROM (
                SELECT min(first_observed) AS d FROM observation_latest UNION ALL SELECT max(observed_on) FROM observation_latest
                UNION ALL SELECT min(released_on) FROM models UNION ALL SELECT max(released_on) FROM models)
            """).first
        return (options.from ?? row?[0].textValue, options.to ?? row?[1].textValue)
    }

    static func header(_ warehouse: Warehouse, options: Options, range: (from: String?, to: String?), today: String) throws -> String {
        let counts = try warehouse.db.rows("""
            SELECT (SELECT count(*) FROM organizations), (SELECT count(*) FROM models), (SELECT count(*) FROM observations)
            """).first ?? []
        let number = { (index: Int) in counts.indices.contains(index) ? SVGChart.grouped(counts[index].integerValue ?? 0) : "0" }
        return """
            <p class="meta">Database <code>\(esc(options.databasePath))</code>, schema version \(warehouse.schemaVersion); \
            \(number(0)) organizations, \(number(1)) models, \(number(2)) observations. \
            Dates from \(esc(range.from ?? "the first stored")) to \(esc(range.to ?? "the last stored")). Made by owl on \(esc(today)).</p>
            <p class="meta">Every chart comes from a prepared analysis: the command under it prints the same rows; \
            the data table and the sources behind them are there too.</p>
            """
    }

    // MARK: Sections

    struct Builder {
        let db: Database
        let options: Options
        let from: String?
        let to: String?
        let today: String
        var chartCount = 0

        /// The arguments of an analysis, with the report's range where the analysis takes one.
        func arguments(_ analysis: Analysis, _ extra: [(String, String)]) -> [(String, String)] {
            var arguments = extra
            if let from, analysis.parameter(named: "from") != nil { arguments.append(("from", from)) }
            if let to, analysis.parameter(named: "to") != nil { arguments.append(("to", to)) }
            if let to, analysis.parameter(named: "as-of") != nil { arguments.append(("as-of", to)) }
            return arguments
        }

        /// The `owl query` command that prints a figure's rows, shown under it.
        func command(_ name: String, _ arguments: [(String, String)]) -> String {
            (["owl", "query", name] + arguments.flatMap { ["--\($0)", $1] } + ["--db", options.databasePath]).map(shellQuoted).joined(separator: " ")
        }

        /// Runs `name` with `extra` arguments into a figure; `draw` makes its chart from the rows.
        mutating func figure(_ name: String, _ extra: [(String, String)], metric: String? = nil,
                             draw: (inout SVGChart?, [String], [[SQLValue]]) -> Void) throws -> Figure {
            let analysis = try Analysis.named(name)
            let arguments = arguments(analysis, extra)
            var figure = Figure(command: command(name, arguments))
            let result = try analysis.rows(on: db, arguments: try analysis.checked(Dictionary(uniqueKeysWithValues: arguments)), today: today)
            (figure.columns, figure.rows, figure.notes) = (result.columns, result.rows, result.notes)
            if figure.rows.isEmpty {
                figure.empty = "The query returned no rows" + (metric.map { ": no observation of \($0) falls in the range" } ?? " in the range") + "."
            } else {
                draw(&figure.chart, figure.columns, figure.rows)
                chartCount += 1
                figure.chart?.id = "c\(chartCount)"
            }
            (figure.sources, figure.batches) = try sources(metric: metric)
            return figure
        }

        /// An axis title: the metric and its unit, `hf_likes (likes)`.
        func withUnit(_ metric: String) throws -> String {
            try db.scalar("SELECT unit FROM metrics WHERE id = ?", [metric])?.textValue.map { "\(metric) (\($0))" } ?? metric
        }

        /// Why a metric cannot be used, or nil when it is stored with a kind the analysis takes.
        func missing(_ metric: String, kinds: [String], flag: String) throws -> String? {
            guard let kind = try db.scalar("SELECT kind FROM metrics WHERE id = ?", [metric])?.textValue else {
                return "No metric \(metric) is loaded, so this section is empty; give \(flag) with a \(kinds.joined(separator: " or ")) metric (`owl metrics` lists those stored)."
            }
            guard kinds.contains(kind) else {
                return "The metric \(metric) is a \(kind) metric; this section needs a \(kinds.joined(separator: " or ")) one (give \(flag))."
            }
            return nil
        }

        /// The distinct observation sources behind a metric's rows in the range, and the ingest
        /// batches that loaded the entities the rows come from.
        func sources(metric: String?) throws -> ([String], [String]) {
            var sources: [String] = []
            var entities = ["organizations", "models"]
            if let metric {
                entities += ["metrics", "observations"]
                sources = try db.rows("""
                    SELECT DISTINCT o.source FROM observations AS o JOIN metrics AS k ON k.key = o.metric
                    WHERE k.id = ? AND o.source IS NOT NULL AND (? IS NULL OR o.observed_day >= unixepoch(?) / 86400) AND (? IS NULL OR o.observed_day <= unixepoch(?) / 86400)
                    ORDER BY o.source
                    """, [.text(metric), from.map(SQLValue.text) ?? .null, from.map(SQLValue.text) ?? .null,
                          to.map(SQLValue.text) ?? .null, to.map(SQLValue.text) ?? .null]).compactMap { $0.first?.textValue }
            } else {
                entities += ["releases"]
            }
            let placeholders = entities.map { _ in "?" }.joined(separator: ", ")
            let batches = try db.rows("""
                SELECT id, entity, path, substr(sha256, 1, 12), coalesce(finished_at, started_at), inserted + updated
                FROM batches WHERE entity IN (\(placeholders)) ORDER BY id
                """, entities.map(SQLValue.text)).map { row in
                "batch \(row[0].integerValue ?? 0): \(row[1].textValue ?? "") from \(row[2].textValue ?? "") "
                    + "(sha256 \(row[3].textValue ?? "")…, \(row[5].integerValue ?? 0) rows stored, \(row[4].textValue ?? ""))"
            }
            return (sources, batches)
        }

        mutating func downloadShare() throws -> Section {
            let metric = options.metricDownloads
            var section = Section(id: "download-share", title: "Download share by country, per month")
            if let reason = try missing(metric, kinds: ["window", "cumulative"], flag: "--metric-downloads") {
                section.empty = reason
                return section
            }
            var figure = try figure("download-share", [("metric", metric), ("period", "month"), ("top", "5")], metric: metric) { chart, columns, rows in
                chart = Report.lines(columns, rows, category: "period", series: "group", value: "share_pct",
                                     title: "Share of \(metric) by country, per month (top 5 and other)",
                                     xTitle: "month", yTitle: "share of \(metric) (%)")
            }
            // The latest month that has any amount, in words. The columns are the analysis's
            // own; a missing one is a fault of the analysis, named here.
            let index = { (name: String) throws -> Int in
                guard let index = figure.columns.firstIndex(of: name) else {
                    throw WarehouseError("analysis download-share returned no column \(name) (columns: \(figure.columns.joined(separator: ", ")))")
                }
                return index
            }
            let (valueColumn, periodColumn, groupColumn) = (try index("value"), try index("period"), try index("group"))
            let (shareColumn, coverageColumn) = (try index("share_pct"), try index("coverage_pct"))
            let latest = figure.rows.last { ($0[valueColumn].doubleValue ?? 0) > 0 }?[periodColumn].textValue
            if let latest {
                let rows = figure.rows.filter { $0[periodColumn].textValue == latest && ($0[shareColumn].doubleValue ?? 0) > 0 }
                    .sorted { ($0[shareColumn].doubleValue ?? 0) > ($1[shareColumn].doubleValue ?? 0) }
                let shares = rows.map { "\($0[groupColumn].textValue ?? "") \(Numbers.text($0[shareColumn].doubleValue ?? 0))%" }
                let coverage = rows.map { "\($0[groupColumn].textValue ?? "") \(Numbers.text($0[coverageColumn].doubleValue ?? 0))%" }
                section.words = "In \(latest), " + listed(shares) + " of the \(metric) counted. "
                    + "The observations behind that month cover " + listed(coverage)
                    + " of their models' days since release (`owl query coverage --metric \(metric)` lists the gaps)."
            } else if figure.empty == nil {
                figure.empty = "No month in the range has any amount of \(metric)."
                figure.chart = nil
            }
            section.figures = [figure]
            return section
        }

        mutating func likes() throws -> Section {
            let metric = options.metricLikes
            var section = Section(id: "likes", title: "Likes leaderboard")
            if let reason = try missing(metric, kinds: ["cumulative", "window", "score"], flag: "--metric-likes") {
                section.empty = reason
                return section
            }
            section.words = "The latest value of \(metric) on or before \(to ?? "today") per model, then summed per organization."
            let axis = try withUnit(metric)
            section.figures = [
                try figure("leaderboard", [("metric", metric), ("limit", "15")], metric: metric) { chart, columns, rows in
                    chart = Report.bars(columns, rows, labels: ["model"], value: "value", title: "Most-liked models (\(metric))", xTitle: axis)
                },
                try figure("leaderboard", [("metric", metric), ("by", "organization"), ("limit", "15")], metric: metric) { chart, columns, rows in
                    chart = Report.bars(columns, rows, labels: ["group"], value: "value", title: "Most-liked organizations (\(metric), summed over their models)", xTitle: axis)
                },
            ]
            return section
        }

        mutating func cadence() throws -> Section {
            var section = Section(id: "cadence", title: "Release cadence by country")
            section.words = "Models released per quarter by the country of their organization, and the median gap between a country's release days."
            section.figures = [
                try figure("timeline", [("by", "country"), ("period", "quarter")]) { chart, columns, rows in
                    chart = Report.stacked(columns, rows, category: "period", series: "group", value: "models", keep: 6,
                                           title: "Models released per quarter, by country", xTitle: "quarter of release", yTitle: "models released")
                },
                try figure("cadence", [("by", "country")]) { chart, columns, rows in
                    chart = Report.bars(columns, rows, labels: ["group"], value: "median_gap_days",
                                        title: "Median gap between release days, by country", xTitle: "median days between release days (blank: fewer than two)")
                },
            ]
            return section
        }

        mutating func concentration() throws -> Section {
            let metric = options.metricDownloads
            var section = Section(id: "concentration", title: "Concentration of downloads by organization")
            if let reason = try missing(metric, kinds: ["window", "cumulative"], flag: "--metric-downloads") {
                section.empty = reason
                return section
            }
            section.words = "The Herfindahl–Hirschman index of organizations' shares of \(metric) (10,000: one organization holds everything) and the share of the largest five."
            section.figures = [
                try figure("concentration", [("metric", metric), ("period", "month")], metric: metric) { chart, columns, rows in
                    chart = Report.lines(columns, rows, category: "period", values: ["hhi"],
                                         title: "Herfindahl–Hirschman index per month", xTitle: "month", yTitle: "HHI (0–10,000)")
                },
                try figure("concentration", [("metric", metric), ("period", "month")], metric: metric) { chart, columns, rows in
                    chart = Report.lines(columns, rows, category: "period", values: ["top1_share_pct", "top5_share_pct"],
                                         title: "Share of the largest organization and the largest five", xTitle: "month", yTitle: "share of \(metric) (%)")
                },
            ]
            return section
        }

        mutating func scorePerParameter() throws -> Section {
            let metric = options.metricScore
            var section = Section(id: "score-per-parameter", title: "Score per parameter")
            if let reason = try missing(metric, kinds: ["score"], flag: "--metric-score") {
                section.empty = reason
                return section
            }
            section.words = "Each model's latest \(metric) against its total parameters (log scale). A model whose active parameters are fewer than its total (or not known) is drawn as mixture-of-experts."
            let axis = try withUnit(metric)
            section.figures = [
                try figure("efficiency", [("metric", metric), ("limit", "200")], metric: metric) { chart, columns, rows in
                    chart = Report.scatter(columns, rows, metric: metric, yTitle: axis)
                },
            ]
            return section
        }

        mutating func licences() throws -> Section {
            var section = Section(id: "licences", title: "Licence mix per year")
            section.words = "Models released per year by the openness of their licence."
            section.figures = [
                try figure("openness", [("period", "year")]) { chart, columns, rows in
                    chart = Report.stacked(columns, rows, category: "period", series: "openness", value: "models", keep: 8,
                                           title: "Models released per year, by licence openness", xTitle: "year of release", yTitle: "models released")
                },
            ]
            return section
        }

        /// Shown once owl has a `derivatives` analysis; its chart is its main column by its keys.
        mutating func derivatives() throws -> Section {
            var section = Section(id: "derivatives", title: "Derivatives by base organization")
            guard let analysis = Analysis.catalog.first(where: { $0.name == "derivatives" }) else {
                section.empty = "This build of owl has no derivatives analysis (`owl analyses` lists those it has), so there is nothing to draw yet."
                return section
            }
            if let required = analysis.parameters.first(where: { $0.isRequired && !["from", "to"].contains($0.name) }) {
                section.empty = "The derivatives analysis needs --\(required.name), which the report does not choose."
                return section
            }
            section.words = analysis.description
            section.figures = [
                try figure("derivatives", [("by", "organization"), ("depth", "root")]) { chart, columns, rows in
                    let value = analysis.chart ?? columns.indices.last { index in rows.contains { $0[index].doubleValue != nil } }.map { columns[$0] } ?? ""
                    chart = Report.bars(columns, rows, labels: Report.labelColumns(columns, rows), value: value, title: analysis.title, xTitle: value)
                },
            ]
            return section
        }
    }

    // MARK: From rows to charts

    /// The columns that name a row: those holding text (the keys), not numbers.
    public static func labelColumns(_ columns: [String], _ rows: [[SQLValue]]) -> [String] {
        columns.indices.filter { index in
            rows.contains { if case .text = $0[index] { return true } else { return false } }
        }.map { columns[$0] }
    }

    /// One bar per row, labelled by the `labels` columns joined.
    public static func bars(_ columns: [String], _ rows: [[SQLValue]], labels: [String], value: String,
                            title: String, xTitle: String) -> SVGChart? {
        guard let valueIndex = columns.firstIndex(of: value) else { return nil }
        let labelIndices = labels.compactMap(columns.firstIndex(of:))
        var chart = SVGChart(kind: .bar, title: title, xTitle: xTitle, yTitle: "")
        chart.categories = rows.map { row in labelIndices.map { RowFormatter.text(row[$0]) }.joined(separator: " · ") }
        chart.series = [.init(name: value, values: rows.map { $0[valueIndex].doubleValue })]
        return chart
    }

    /// One line per distinct `series` value over the `category` values, in first-seen order;
    /// the series ordered by their total, "other" last.
    static func lines(_ columns: [String], _ rows: [[SQLValue]], category: String, series: String, value: String,
                      title: String, xTitle: String, yTitle: String) -> SVGChart? {
        guard let pivot = pivot(columns, rows, category: category, series: series, value: value) else { return nil }
        var chart = SVGChart(kind: .line, title: title, xTitle: xTitle, yTitle: yTitle)
        (chart.categories, chart.series) = (pivot.categories, pivot.series)
        return chart
    }

    /// One line per column in `values`, over the `category` values.
    static func lines(_ columns: [String], _ rows: [[SQLValue]], category: String, values: [String],
                      title: String, xTitle: String, yTitle: String) -> SVGChart? {
        guard let categoryIndex = columns.firstIndex(of: category) else { return nil }
        var chart = SVGChart(kind: .line, title: title, xTitle: xTitle, yTitle: yTitle)
        chart.categories = rows.map { RowFormatter.text($0[categoryIndex]) }
        chart.series = values.compactMap { name in
            columns.firstIndex(of: name).map { index in .init(name: name, values: rows.map { $0[index].doubleValue }) }
        }
        return chart
    }

    /// Stacked columns: the `keep` largest series and the rest summed as "other".
    static func stacked(_ columns: [String], _ rows: [[SQLValue]], category: String, series: String, value: String, keep: Int,
                        title: String, xTitle: String, yTitle: String) -> SVGChart? {
        guard var pivot = pivot(columns, rows, category: category, series: series, value: value) else { return nil }
        if pivot.series.count > keep + 1 {
            let rest = pivot.series[keep...]
            let other = pivot.categories.indices.map { position in
                rest.compactMap { $0.values[position] }.reduce(nil as Double?) { ($0 ?? 0) + $1 }
            }
            pivot.series = Array(pivot.series[..<keep]) + [.init(name: "other (\(rest.count))", values: other)]
        }
        var chart = SVGChart(kind: .stackedBar, title: title, xTitle: xTitle, yTitle: yTitle)
        (chart.categories, chart.series) = (pivot.categories, pivot.series)
        return chart
    }

    static func pivot(_ columns: [String], _ rows: [[SQLValue]], category: String, series: String, value: String)
        -> (categories: [String], series: [SVGChart.Series])? {
        guard let c = columns.firstIndex(of: category), let s = columns.firstIndex(of: series), let v = columns.firstIndex(of: value) else { return nil }
        var categories: [String] = [], names: [String] = []
        var cells: [String: [String: Double]] = [:]
        for row in rows {
            let categoryText = RowFormatter.text(row[c]), name = RowFormatter.text(row[s])
            if !categories.contains(categoryText) { categories.append(categoryText) }
            if !names.contains(name) { names.append(name) }
            if let amount = row[v].doubleValue { cells[name, default: [:]][categoryText] = amount }
        }
        let total = { (name: String) in cells[name]?.values.reduce(0, +) ?? 0 }
        names.sort { a, b in
            if (a == "other") != (b == "other") { return b == "other" }
            return total(a) != total(b) ? total(a) > total(b) : a < b
        }
        return (categories, names.map { name in .init(name: name, values: categories.map { cells[name]?[$0] }) })
    }

    static func scatter(_ columns: [String], _ rows: [[SQLValue]], metric: String, yTitle: String) -> SVGChart? {
        guard let model = columns.firstIndex(of: "model"), let score = columns.firstIndex(of: "score"),
              let total = columns.firstIndex(of: "params_total_b"), let active = columns.firstIndex(of: "params_active_b") else { return nil }
        var chart = SVGChart(kind: .scatter, title: "\(metric) against total parameters",
                             xTitle: "total parameters (billions, log scale)", yTitle: yTitle)
        chart.series = [.init(name: "dense", values: []), .init(name: "mixture-of-experts", values: [])]
        chart.points = rows.map { row in
            let isDense = row[active].doubleValue != nil && row[active].doubleValue == row[total].doubleValue
            let name = RowFormatter.text(row[model])
            return .init(x: row[total].doubleValue, y: row[score].doubleValue,
                         label: String(name.split(separator: "/").last ?? Substring(name)), series: isDense ? 0 : 1)
        }
        return chart
    }

    // MARK: HTML

    static func esc(_ text: String) -> String { SVGChart.escape(text) }

    /// "a", "a and b", "a, b and c".
    static func listed(_ items: [String]) -> String {
        guard items.count > 2, let last = items.last else { return items.joined(separator: " and ") }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    static func html(title: String, header: String, sections: [Section]) -> String {
        var body = header + "\n<nav><ol>" + sections.map { "<li><a href=\"#\($0.id)\">\(esc($0.title))</a></li>" }.joined() + "</ol></nav>\n"
        for section in sections {
            body += "<section id=\"\(section.id)\">\n<h2>\(esc(section.title))</h2>\n"
            if let empty = section.empty {
                body += "<p class=\"empty\">\(code(empty))</p>\n</section>\n"
                continue
            }
            if !section.words.isEmpty { body += "<p>\(code(section.words))</p>\n" }
            for figure in section.figures {
                body += "<figure class=\"chart\">\n"
                if let chart = figure.chart, figure.empty == nil {
                    body += chart.svg()
                } else {
                    body += "<p class=\"empty\">\(code(figure.empty ?? "No chart can be drawn from these rows."))</p>\n"
                }
                body += "<figcaption>\n"
                for note in figure.notes { body += "<p class=\"notes\">Note: \(code(note))</p>\n" }
                body += "<pre><code>\(esc(figure.command))</code></pre>\n"
                body += "<details><summary>Data (\(figure.rows.count) row\(figure.rows.count == 1 ? "" : "s"))</summary>\n"
                    + HTMLPage.table(figure.columns, figure.rows) + "</details>\n"
                body += "<details><summary>Sources (\(figure.sources.count) cited, \(figure.batches.count) ingest batch\(figure.batches.count == 1 ? "" : "es"))</summary>\n<ul class=\"sources\">\n"
                for source in figure.sources {
                    let isLink = source.hasPrefix("https://") || source.hasPrefix("http://")
                    body += isLink ? "<li><a href=\"\(esc(source))\">\(esc(source))</a></li>\n" : "<li>\(esc(source))</li>\n"
                }
                for batch in figure.batches { body += "<li>\(esc(batch))</li>\n" }
                body += "</ul>\n</details>\n</figcaption>\n</figure>\n"
            }
            body += "</section>\n"
        }
        return HTMLPage.start(title: title) + body + HTMLPage.end
    }

    /// Escaped text with `backticks` as code.
    static func code(_ text: String) -> String {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().map { index, part in
            index % 2 == 1 ? "<code>\(esc(String(part)))</code>" : esc(String(part))
        }.joined()
    }

    /// A word as a POSIX shell reads it back.
    static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./:=,@+".unicodeScalars.contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
