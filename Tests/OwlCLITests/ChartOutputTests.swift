import Foundation
import Testing

/// `--chart` on a terminal, in HTML and as SVG; tables that fit the terminal; the pager.
@Suite struct ChartOutputTests {
    static let signed = "SELECT 'US' AS c, -165 AS v UNION ALL SELECT 'CN', 400 UNION ALL SELECT 'FR', NULL"

    // -165 and 400 share 40 columns: 40 × 165 / 565 = 11.7 → 12 to the left of the axis.
    // 400 is 400 × 320 / 565 = 226.5 → 227 eighths: 28 blocks and ▍ (3/8). -165 is 93.5 → 93
    // eighths, drawn in whole blocks: 12. FR is NULL: no bar and no number.
    @Test func negativesGoLeftOfTheAxisAndNullIsBlank() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "x.sqlite").status == 0)
        let again = try box.owl("query", "--sql", Self.signed, "--format", "table", "--chart", "--db", "x.sqlite")
        #expect(again.status == 0, "\(again.stderr)")
        let chart = again.stdout.components(separatedBy: "(3 rows)\n").last?.split(separator: "\n").map(String.init) ?? []
        #expect(chart == [
            "v",
            "US " + String(repeating: "█", count: 12) + "│ -165",
            "CN " + String(repeating: " ", count: 12) + "│" + String(repeating: "█", count: 28) + "▍ 400",
            "FR " + String(repeating: " ", count: 12) + "│",
        ], "\(again.stdout)")
    }

    @Test func anInfiniteValueDrawsNoBar() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "x.sqlite").status == 0)
        let run = try box.owl("query", "--db", "x.sqlite", "--sql", "SELECT 'a' AS k, 1e999 AS v UNION ALL SELECT 'b', 2", "--format", "table", "--chart")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("\nv\na │\nb │" + String(repeating: "█", count: 40) + " 2\n"), "\(run.stdout)")
    }

    @Test func chartNamesItsColumnWithSQL() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "x.sqlite").status == 0)
        let sql = "SELECT 'a' AS k, 1 AS n, 4 AS l"
        let named = try box.owl("query", "--db", "x.sqlite", "--sql", sql, "--format", "table", "--chart", "l")
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.contains("\nl\na │" + String(repeating: "█", count: 40) + " 4\n"), "\(named.stdout)")
        let unknown = try box.owl("query", "--db", "x.sqlite", "--sql", sql, "--format", "table", "--chart", "zz")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--chart zz: no column zz in the result; the columns are k, n, l"), "\(unknown.stderr)")
    }

    @Test func anAnalysisChartIsLabelledByAllItsKeys() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.owl("query", "openness", "--period", "year", "--format", "table", "--chart")
        #expect(run.status == 0, "\(run.stderr)")
        let chart = run.stdout.components(separatedBy: "share_pct\n").last ?? ""
        // Each bar names its year and its openness, not the year alone.
        #expect(chart.contains("2025 · open-weights"), "\(run.stdout)")
    }

    @Test func aFormatWithoutChartsSaysSo() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        // Standard output is a file here, not a terminal: csv.
        let run = try box.owl("query", "openness", "--chart")
        #expect(run.status == 0)
        #expect(run.stderr.contains("owl: note: csv output carries no chart (standard output is not a terminal, so the format is csv)"), "\(run.stderr)")
        let json = try box.owl("query", "openness", "--chart", "--format", "json")
        #expect(json.stderr.contains("owl: note: json output carries no chart;"), "\(json.stderr)")
    }

    @Test func svgIsOneChartAndNeedsChart() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let refused = try box.owl("query", "openness", "--format", "svg")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--format svg writes a chart alone: give --chart"))
        let run = try box.owl("query", "openness", "--period", "year", "--chart", "--output", "mix.svg")
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try String(contentsOfFile: box.path("mix.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        // (period, openness) rows: one line per openness class over the years.
        #expect(svg.contains("data-kind=\"line\""))
        #expect(svg.contains("data-series=\"open-weights\""))
    }

    @Test func htmlIsAPageWithTheTableAndTheChart() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.owl("export", "openness", "--period", "year", "--chart", "--output", "mix.html")
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: box.path("mix.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<th>period</th><th>openness</th><th>models</th><th>share_pct</th>"))
        #expect(html.contains("<svg "))
        #expect(!html.contains("<script"))
        let plain = try box.owl("query", "openness", "--format", "html")
        #expect(plain.stdout.contains("<table>") && !plain.stdout.contains("<svg "))
    }

    // MARK: On a terminal

    /// Runs owl under `script`, which gives it a pseudo-terminal as standard output.
    func onATerminal(_ box: Sandbox, _ arguments: [String], environment: [String: String]) throws -> String {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "missing \(script) (util-linux's script, for a pseudo-terminal)")
        let command = ([box.owl.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = box.folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { $0.key != "OWL_DB" }
        let output = box.folder.appending(path: ".terminal-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return String(decoding: try Data(contentsOf: output), as: UTF8.self).replacingOccurrences(of: "\r", with: "")
    }

    static let longRows = "SELECT 'a-very-long-model-name-that-goes-on-and-on' AS id, 7 AS n, 'https://example.org/a/long/address/for/the/model' AS url"

    @Test func aTableFitsTheTerminalUnlessWide() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "x.sqlite").status == 0)
        let fitted = try onATerminal(box, ["query", "--db", "x.sqlite", "--sql", Self.longRows], environment: ["COLUMNS": "40", "PAGER": ""])
        let lines = fitted.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(fitted)")
        // 40 columns less n's 1 and two gaps of 2 leave 35: id and url, narrowed widest first,
        // end at 17 and 18, each cut with "…".
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(fitted)")
        #expect(lines[2] == "a-very-long-mode…  7  https://example.o…", "\(fitted)")
        let wide = try onATerminal(box, ["query", "--db", "x.sqlite", "--sql", Self.longRows, "--wide"], environment: ["COLUMNS": "40", "PAGER": ""])
        #expect(wide.contains("https://example.org/a/long/address/for/the/model"))
    }

    @Test func longOutputGoesThroughThePagerOnlyOnATerminal() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "x.sqlite").status == 0)
        let pager = ["PAGER": "sed s/^/PAGED:/"]
        let paged = try onATerminal(box, ["query", "--db", "x.sqlite", "--sql", "SELECT 1 AS one"], environment: pager)
        #expect(paged.split(separator: "\n").allSatisfy { $0.hasPrefix("PAGED:") } && paged.contains("PAGED:(1 row)"), "\(paged)")
        let unpaged = try onATerminal(box, ["query", "--db", "x.sqlite", "--sql", "SELECT 1 AS one", "--no-pager"], environment: pager)
        #expect(!unpaged.contains("PAGED:") && unpaged.contains("(1 row)"), "\(unpaged)")
        // Not a terminal: never.
        let piped = try box.owl("query", "--db", "x.sqlite", "--sql", "SELECT 1 AS one", environment: pager)
        #expect(piped.stdout == "one\r\n1\r\n", "\(piped.stdout)")
    }
}
