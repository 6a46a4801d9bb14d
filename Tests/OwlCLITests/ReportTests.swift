import Foundation
import Testing

/// `owl report`: one offline page whose every chart is reproduced by the command under it.
@Suite struct ReportTests {
    /// The seeds' report, written once per use into the seeds' sandbox.
    static func seedsReport(_ extra: [String] = []) throws -> (seeds: SeedDatabase, html: String, path: String) {
        let seeds = try SeedDatabase()
        try #require(seeds.ingest.status == 0, "owl ingest Seeds/ failed: \(seeds.ingest.stderr)")
        let run = try seeds.box.run(["report", "--db", "seeds.sqlite", "--output", "report.html"] + extra)
        try #require(run.status == 0, "owl report failed: \(run.stderr)")
        let path = seeds.box.path("report.html")
        return (seeds, try String(contentsOfFile: path, encoding: .utf8), path)
    }

    @Test func theSeedsReportHasEverySectionStaysSmallAndNeedsNoNetwork() throws {
        let (seeds, html, path) = try Self.seedsReport()
        let size = try withExtendedLifetime(seeds) { try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? .max }
        #expect(size < 500_000, "the seeds' report is \(size) bytes")
        for id in ["download-share", "likes", "cadence", "concentration", "score-per-parameter", "licences", "derivatives"] {
            #expect(html.contains("<section id=\"\(id)\">"), "no section \(id)")
        }
        // Nothing is fetched: no script, stylesheet, image or frame from anywhere.
        for fetching in ["<script", "<link", " src=", "<iframe", "@import", "url(http"] {
            #expect(!html.contains(fetching), "the page holds \(fetching)")
        }
        // Twelve migrations; the seeds' first release is Meta's 2023-04-03 and the cut-off 2025-11-30.
        #expect(html.contains("schema version 13"))
        #expect(html.contains("Dates from 2023-04-03 to 2025-11-30"))
        #expect(html.contains("<details><summary>Data ("))
        // The seeds cite their download figures: the sources list links them.
        #expect(html.contains("<a href=\"https://"))
    }

    @Test(arguments: [[], ["--from", "2025-01-01", "--to", "2025-09-30"]])
    func eachCommandUnderAChartPrintsTheRowsOfItsTable(range: [String]) throws {
        let (seeds, html, _) = try Self.seedsReport(range)
        if !range.isEmpty { #expect(html.contains("Dates from 2025-01-01 to 2025-09-30")) }
        let commands = html.components(separatedBy: "<pre><code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
        let counts = html.components(separatedBy: "<summary>Data (").dropFirst().map { Int($0.prefix { $0.isNumber })! }
        #expect(commands.count == counts.count)
        #expect(commands.count >= 9)
        for (command, count) in zip(commands, counts) {
            let words = command.split(separator: " ").map(String.init)
            #expect(Array(words.prefix(2)) == ["owl", "query"])
            if !range.isEmpty { #expect(command.contains(" --to 2025-09-30") || command.contains(" --as-of 2025-09-30"), "\(command)") }
            let run = try seeds.box.run(Array(words.dropFirst()) + ["--format", "csv"])
            #expect(run.status == 0, "\(command): \(run.stderr)")
            #expect(parseCSV(run.stdout).count - 1 == count, "\(command) prints a different number of rows than the table under it")
        }
    }

    @Test func theHeadlineSaysTheLatestSharesInWords() throws {
        let (seeds, html, _) = try Self.seedsReport()
        // The latest month with downloads, read from the analysis itself.
        let table = parseCSV(try seeds.box.owl("query", "download-share", "--db", "seeds.sqlite", "--metric", "hf_downloads_30d",
                                               "--period", "month", "--top", "5", "--to", "2025-11-30", "--format", "csv").stdout)
        let latest = try #require(table.dropFirst().last { Double($0[2])! > 0 })[0]
        #expect(html.contains("In \(latest), "))
    }

    @Test func anEmptyDatabaseGivesSectionsThatSayWhy() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "empty.sqlite").status == 0)
        let run = try box.owl("report", "--db", "empty.sqlite", "--output", "-")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("No metric hf_downloads_30d is loaded"))
        #expect(run.stdout.contains("No metric hf_likes is loaded"))
        #expect(run.stdout.contains("No metric gpqa_diamond is loaded"))
        #expect(run.stdout.contains("The query returned no rows in the range."))
        #expect(!run.stdout.contains("<svg"))
    }

    @Test func aMetricOfTheWrongKindIsNamedInItsSection() throws {
        let seeds = try SeedDatabase()
        let run = try seeds.box.owl("report", "--db", "seeds.sqlite", "--metric-score", "hf_likes", "--output", "-")
        #expect(run.status == 0)
        #expect(run.stdout.contains("The metric hf_likes is a cumulative metric; this section needs a score one (give --metric-score)."))
    }

    @Test func aWrongDateIsAUsageError() throws {
        let box = try Sandbox()
        let run = try box.owl("report", "--from", "2025-02-30")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--from must be a date that exists"))
    }
}
