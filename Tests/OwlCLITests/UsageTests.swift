import Foundation
import Testing

// Exit codes, as the README's table says: 2 when the command line is wrong without looking
// at the database, 1 for what needs the database, the data or the file system, 0 otherwise
// (a filter that matches nothing warns on standard error). Typed subcommands are caught by
// name; filters are normalized or refused before anything is read.

@Suite struct UsageTests {
    /// A sandbox with the seeds loaded (organizations deepseek, meta, …; metrics hf_likes,
    /// hf_downloads_30d, …).
    func seeded() throws -> Sandbox {
        let box = try Sandbox()
        try FileManager.default.createSymbolicLink(at: box.folder.appending(path: "Seeds"), withDestinationURL: packageRoot.appending(path: "Seeds"))
        let run = try box.owl("ingest", "-q", "Seeds")
        try #require(run.status == 0, "\(run.stderr)")
        return box
    }

    @Test func wrongCommandLinesExit2() throws {
        let box = try seeded()
        let cases: [([String], String)] = [
            (["frobnicate"], "unknown command frobnicate"),
            (["status", "--bogus"], "Unknown option '--bogus'"),
            (["query", "nosuch"], "no analysis named nosuch"),
            (["query", "leaderbord", "--metric", "hf_likes"], "did you mean leaderboard?"),
            (["query", "leaderboard"], "leaderboard needs --metric"),
            (["query", "leaderboard", "--metric", "hf_likes", "--by", "nope"], "--by must be one of model, organization, country"),
            (["query", "leaderboard", "--metric", "hf_likes", "--limit", "0"], "--limit must be a whole number of at least 1"),
            (["query", "cadence", "--from", "2025-13-01"], "--from must be a date that exists"),
            (["query", "cadence", "--from", "2025-12-31", "--to", "2025-01-01"], "--from 2025-12-31 is after --to 2025-01-01"),
            (["query", "--format", "xlsx", "--sql", "SELECT 1"], "The value 'xlsx' is invalid for '--format <format>'"),
            (["export", "nosuch"], "nosuch is not something owl exports"),
            (["export", "models", "--from", "2025-02-01", "--to", "2025-01-01"], "--from 2025-02-01 is after --to 2025-01-01"),
            (["export", "models", "--country", "XX"], "--country takes an ISO 3166-1 alpha-2 code"),
            (["export", "models", "--country", "China"], "did you mean CN?"),
            (["export", "organizations", "--from", "2025-01-01"], "organizations have no date"),
            (["export", "all"], "export all needs --output FOLDER"),
            (["query", "--sql", "SELECT :a", "--param", "a"], "--param takes name=value (got \"a\")"),
            (["metrics", "--output", "m.xlsx"], "owl does not write .xlsx files"),
        ]
        for (arguments, message) in cases {
            let run = try box.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    @Test func aWrongCommandLineExits2EvenWithoutADatabase() throws {
        let box = try Sandbox()
        for arguments in [["query", "nosuch"], ["query", "leaderboard"], ["export", "models", "--from", "2025-02-01", "--to", "2025-01-01"]] {
            let run = try box.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
        }
    }

    @Test func whatNeedsTheDatabaseExits1() throws {
        let box = try seeded()
        let cases: [([String], String)] = [
            (["query", "leaderboard", "--metric", "nosuch"], "no metric named nosuch"),
            (["query", "leaderboard", "--metric", "hf_downloads_30d"], "is a window metric"),
            (["query", "--sql", "SELECT * FROM nosuch"], "no such table: nosuch"),
            (["status", "--db", "missing.sqlite"], "no database at missing.sqlite"),
        ]
        for (arguments, message) in cases {
            let run = try box.run(arguments)
            #expect(run.status == 1, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    @Test func aSubcommandTypoIsNamedWithASuggestion() throws {
        let box = try Sandbox()
        let query = try box.owl("qurey", "leaderboard", "--metric", "hf_likes")
        #expect(query.status == 2)
        #expect(query.stderr.contains("unknown command qurey; did you mean query?"), "\(query.stderr)")
        let analyses = try box.owl("analysis")
        #expect(analyses.status == 2)
        #expect(analyses.stderr.contains("unknown command analysis; did you mean analyses?"), "\(analyses.stderr)")
        let nothingClose = try box.owl("frobnicate")
        #expect(nothingClose.stderr.contains("the commands are init, migrate, ingest, pull, analyses, query, export, status, organizations, rejects, metrics"), "\(nothingClose.stderr)")
    }

    @Test func countryCodesAreNormalized() throws {
        let box = try seeded()
        let lower = try box.owl("export", "organizations", "--country", "cn", "--format", "csv")
        let upper = try box.owl("export", "organizations", "--country", "CN", "--format", "csv")
        #expect(lower.status == 0, "\(lower.stderr)")
        #expect(lower.stdout == upper.stdout)
        // deepseek is a Chinese organization of the seeds.
        #expect(lower.stdout.contains("\r\ndeepseek,DeepSeek,CN,"), "\(lower.stdout)")
    }

    @Test func aFilterNamingNothingStoredWarnsAndExits0() throws {
        let box = try seeded()
        let organization = try box.owl("export", "models", "--organization", "deepseak", "--format", "csv")
        #expect(organization.status == 0)
        #expect(organization.stderr.contains("warning: no organization has the id deepseak; did you mean deepseek?"), "\(organization.stderr)")
        #expect(organization.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").count == 1, "only the header: \(organization.stdout)")
        // Antarctica is a country code, but no organization is there.
        let country = try box.owl("export", "models", "--country", "aq", "--format", "csv")
        #expect(country.status == 0)
        #expect(country.stderr.contains("warning: no organization is in country AQ"), "\(country.stderr)")
    }

    @Test func paramIsForSQLAndAnalysesTakeOptions() throws {
        let box = try seeded()
        let wrong = try box.owl("query", "leaderboard", "--param", "metric=hf_likes")
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("--param is for the :name parameters of --sql; an analysis takes its parameters as options: --metric hf_likes"), "\(wrong.stderr)")
        let right = try box.owl("query", "leaderboard", "--metric", "hf_likes", "--format", "csv")
        #expect(right.status == 0, "\(right.stderr)")
        let sql = try box.owl("query", "--sql", "SELECT id FROM organizations WHERE id = :org", "--param", "org=deepseek", "--format", "csv")
        #expect(sql.stdout.replacingOccurrences(of: "\r\n", with: "\n") == "id\ndeepseek\n", "\(sql.stdout)\(sql.stderr)")
        // owl analyses teaches the same.
        let analyses = try box.owl("analyses")
        #expect(analyses.stdout.contains("owl query NAME --PARAMETER VALUE"), "\(analyses.stdout)")
        #expect(!analyses.stdout.contains("--param"), "\(analyses.stdout)")
    }

    @Test func anOutputExtensionOwlDoesNotWriteIsRefused() throws {
        let box = try seeded()
        for arguments in [["export", "models", "--output", "lb.xlsx"], ["query", "--sql", "SELECT 1", "--output", "r.parquet"],
                          ["export", "leaderboard", "--metric", "hf_likes", "--output", "lb.xlsx"]] {
            let run = try box.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("the formats are table, csv, tsv, json, jsonl, markdown"), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: box.path("lb.xlsx")) && !FileManager.default.fileExists(atPath: box.path("r.parquet")))
        // --format decides when given; a name without an extension is CSV.
        #expect(try box.owl("export", "models", "--output", "lb.xlsx", "--format", "csv").status == 0)
        #expect(try box.owl("export", "models", "--output", "plain").status == 0)
        #expect(try String(contentsOfFile: box.path("plain"), encoding: .utf8).hasPrefix("id,organization,name,"))
    }

    @Test func exportAllIntoAFileLikePathIsRefused() throws {
        let box = try seeded()
        let run = try box.owl("export", "all", "--output", "all.csv")
        #expect(run.status == 2)
        #expect(run.stderr.contains("all.csv looks like a file name"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: box.path("all.csv")))
        // A trailing slash says it is a folder.
        let folder = try box.owl("export", "all", "--output", "all.csv/")
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(FileManager.default.fileExists(atPath: box.path("all.csv/models.csv")))
    }

    @Test func enumeratedOptionsListTheirValuesAndRefuseOthers() throws {
        let box = try Sandbox()
        let help = try box.owl("ingest", "--help")
        #expect(help.stdout.contains("(values: organizations, organization_aliases,"), "\(help.stdout)")
        #expect(help.stdout.contains("(values: csv, json, jsonl, hf-models,"), "\(help.stdout)")
        let wrong = try box.owl("ingest", "x.csv", "--into", "modles")
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("The value 'modles' is invalid for '--into <entity>'"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: box.path("owl.sqlite")))
    }

    /// Every command's --help, found by walking SUBCOMMANDS from `owl --help`, reads as
    /// paragraphs: a prose line that stops short while its sentence goes on below means a
    /// line break in the source that ArgumentParser kept ("Formats: CSV" / "with a header row").
    /// ArgumentParser wraps at 79 columns.
    @Test func helpProseIsWrappedAsParagraphs() throws {
        let box = try Sandbox()
        var pending: [[String]] = [[]], seen = 0
        while let command = pending.popLast() {
            let help = try box.run(command + ["--help"])
            try #require(help.status == 0, "owl \(command.joined(separator: " ")) --help: \(help.stderr)")
            seen += 1
            let lines = help.stdout.components(separatedBy: "\n")
            for (line, next) in zip(lines, lines.dropFirst()) {
                if !line.isEmpty && !line.hasPrefix(" ") && !line.hasSuffix(":") && line.count < 60
                    && next.first.map({ $0.isLowercase || $0 == "(" }) == true {
                    Issue.record("owl \(command.joined(separator: " ")) --help breaks a paragraph after \"\(line)\"")
                }
                // An example too long for the line wraps to the margin instead of going on,
                // indented, after a backslash.
                if line.hasPrefix("  ") && !next.isEmpty && !next.hasPrefix(" ") {
                    Issue.record("owl \(command.joined(separator: " ")) --help wraps an example: \"\(line)\" / \"\(next)\"")
                }
            }
            let subcommands = lines.drop(while: { $0 != "SUBCOMMANDS:" }).dropFirst()
                .prefix(while: { !$0.hasPrefix("  See ") })
                .compactMap { $0.hasPrefix("  ") && !$0.hasPrefix("   ") ? $0.split(separator: " ").first.map(String.init) : nil }
            pending += subcommands.filter { $0 != "help" }.map { command + [$0] }
        }
        #expect(seen > 15, "walked only \(seen) commands")
    }
}
