import Foundation
import Testing

// Promises of the README that had no test of their own: a database newer than the binary is
// refused, `--sql` reads through a read-only connection, `owl analyses` lists and explains,
// and the exit codes of migrate and export (0 done, 1 database/data/files, 2 command line).

@Suite struct PromiseTests {
    static let newerThanThisOwl = "owl: the database is at schema version 999, newer than this owl knows; use a newer owl\n"

    @Test func aDatabaseNewerThanThisOwlIsRefusedByEveryCommandAndLeftAlone() throws {
        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        // A migration this binary does not have, as a newer owl would have recorded it.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [box.path("owl.sqlite"),
                            "INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (999, '0999_future.sql', 'x', '2030-01-01T00:00:00Z')"]
        try sqlite.run()
        sqlite.waitUntilExit()
        try box.write("organizations.csv", "id,name,country,kind\nlab,Lab,FR,company\n")
        let before = try box.dump()
        for command in [["status"], ["migrate"], ["migrate", "--rebuild-summaries"], ["ingest", "organizations.csv"],
                        ["query", "leaderboard", "--metric", "likes"],
                        ["export", "models", "--output", "models.csv"], ["analyses"]] {
            let run = try box.run(command)
            #expect(run.status == 1, "owl \(command.joined(separator: " ")) exited \(run.status)")
            #expect(run.stderr == Self.newerThanThisOwl, "owl \(command.joined(separator: " ")): \(run.stderr)")
            #expect(run.stdout.isEmpty, "owl \(command.joined(separator: " ")): \(run.stdout)")
        }
        #expect(try box.dump() == before)
        #expect(!FileManager.default.fileExists(atPath: box.path("models.csv")))
    }

    @Test func sqlReadsThroughAReadOnlyConnection() throws {
        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        func journalMode() throws -> String { try box.impValue("PRAGMA journal_mode") }
        func setRollbackJournal() throws {
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            sqlite.arguments = [box.path("owl.sqlite"), "PRAGMA journal_mode = DELETE"]
            sqlite.standardOutput = FileHandle.nullDevice
            try sqlite.run()
            sqlite.waitUntilExit()
        }
        // owl puts every connection it opens for writing into WAL mode; a read-only one cannot.
        try setRollbackJournal()
        #expect(try journalMode() == "delete")
        let run = try box.owl("query", "--sql", "SELECT count(*) AS n FROM models")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "n\r\n0\r\n", "\(run.stdout)")
        #expect(try journalMode() == "delete")
        // The control: a command that opens for writing changes it.
        #expect(try box.owl("migrate").status == 0)
        #expect(try journalMode() == "wal")
    }

    @Test func analysesListsEveryAnalysisAndExplainsOne() throws {
        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        let list = try box.owl("analyses")
        #expect(list.status == 0, "\(list.stderr)")
        // One entry per analysis, its name at the start of a line, in name order, then how to run one.
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.last == "Run one with `owl query NAME --PARAMETER VALUE …` (e.g. --metric hf_likes); `owl analyses NAME` explains it.")
        let names = lines.dropLast().filter { !$0.hasPrefix(" ") }.map { String($0.split(separator: " ")[0]) }
        #expect(names == ["cadence", "concentration", "coverage", "derivatives", "download-share", "efficiency",
                          "leaderboard", "openness", "timeline"], "\(list.stdout)")
        #expect(list.stdout.hasPrefix("cadence         Release cadence by organization or country\n"), "\(list.stdout)")
        let one = try box.owl("analyses", "derivatives")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.hasPrefix("derivatives: Derivatives of base models"), "\(one.stdout)")
        for column in ["rank", "base", "derived", "share_pct", "value"] {
            #expect(one.stdout.contains("\n  \(column)") || one.stdout.contains(" \(column) "), "no column \(column) in:\n\(one.stdout)")
        }
        let unknown = try box.owl("analyses", "nosuch")
        #expect(unknown.status == 2)
        // A wrong command line: ArgumentParser's "Error:" and the usage line.
        #expect(unknown.stderr.hasPrefix("Error: no analysis named nosuch; the analyses are: cadence, concentration, coverage, derivatives, "
            + "download-share, efficiency, leaderboard, openness, timeline\nUsage: owl analyses"), "\(unknown.stderr)")
    }

    @Test func migrateAndExportExitCodes() throws {
        let box = try Sandbox()
        // 1: no database, or a file that is not one.
        let noDatabase = try box.owl("export", "models", "--output", "models.csv")
        #expect(noDatabase.status == 1)
        #expect(noDatabase.stderr == "owl: no database at owl.sqlite; run `owl init --db owl.sqlite`\n", "\(noDatabase.stderr)")
        try box.write("foreign.sqlite", "hello\n")
        let foreign = try box.owl("migrate", "--db", "foreign.sqlite")
        #expect(foreign.status == 1)
        #expect(foreign.stderr == "owl: foreign.sqlite: file is not a database\n", "\(foreign.stderr)")
        // 2: a wrong command line.
        let bogus = try box.owl("migrate", "--bogus")
        #expect(bogus.status == 2)
        #expect(bogus.stderr.hasPrefix("Error: Unknown option '--bogus'\n"), "\(bogus.stderr)")
        #expect(try box.owl("init").status == 0)
        let nothing = try box.owl("export", "nosuch", "--output", "x.csv")
        #expect(nothing.status == 2)
        #expect(nothing.stderr.hasPrefix("Error: nosuch is not something owl exports"), "\(nothing.stderr)")
        // 0: done, the header alone for an empty table, CRLF as promised.
        let export = try box.owl("export", "models", "--output", "models.csv")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr == "models.csv: 0 rows\n", "\(export.stderr)")
        let header = try String(contentsOfFile: box.path("models.csv"), encoding: .utf8)
        #expect(header.hasSuffix("\r\n") && !header.dropLast(2).contains("\n"), "\(header.debugDescription)")
        #expect(header.hasPrefix("id,organization,name,release,released_on,"), "\(header)")
        let migrate = try box.owl("migrate")
        #expect(migrate.status == 0)
        #expect(migrate.stdout == "owl.sqlite: up to date at schema version 13\n", "\(migrate.stdout)")
    }

    /// The ingest progress bar is drawn on standard error when it is a terminal (here the
    /// pseudo-terminal of script(1)) and the load takes a second or more, then cleared;
    /// never into a file or pipe.
    @Test func theProgressBarIsDrawnOnATerminalOnly() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,country,kind\nlab,Lab,FR,company\n")
        try box.write("models.csv", "id,organization,name,released_on\n" + (0..<100).map { "lab/m\($0),lab,M\($0),2000-01-01\n" }.joined())
        try box.write("metrics.csv", "id,name,unit,kind\nlikes,Likes,likes,cumulative\n")
        // 600,000 observations: several seconds for a debug build, well over the bar's first second.
        let days = (0..<6_000).map { day in
            let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: day, to: Date(timeIntervalSince1970: 946_771_200))!
            return ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        }
        var observations = "model,metric,observed_on,value\n"
        for model in 0..<100 {
            for (index, day) in days.enumerated() { observations += "lab/m\(model),likes,\(day),\(index)\n" }
        }
        try box.write("observations.csv", observations)
        for db in ["pipe.sqlite", "terminal.sqlite"] {
            #expect(try box.owl("init", "--db", db).status == 0)
            try box.impIngestOK("--db", db, "organizations.csv", "models.csv", "metrics.csv")
        }
        let summary = "observations.csv → observations: loaded, 600000 read, 600000 inserted, 0 updated, 0 unchanged, 0 skipped"

        let piped = try box.owl("ingest", "--db", "pipe.sqlite", "observations.csv")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stderr.isEmpty, "\(piped.stderr.debugDescription)")
        #expect(piped.stdout.hasPrefix(summary), "\(piped.stdout)")

        let terminal = try runProcess(URL(fileURLWithPath: "/usr/bin/script"),
                                      ["-qec", "\(box.owl.path) ingest --db terminal.sqlite observations.csv", "/dev/null"], in: box.folder)
        #expect(terminal.status == 0, "\(terminal.stdout)")
        // script's output is the terminal's: the bar redrawn in place, then erased before the summary.
        #expect(terminal.stdout.hasPrefix("\robservations.csv █"), "\(terminal.stdout.prefix(200).debugDescription)")
        #expect(terminal.stdout.contains(" rows/s \r"), "\(terminal.stdout.prefix(400).debugDescription)")
        #expect(terminal.stdout.contains("rows/s \r\u{1B}[K" + summary), "\(terminal.stdout.suffix(400).debugDescription)")
        #expect(try box.impValue("SELECT count(*) FROM observations", db: "terminal.sqlite") == "600000")
    }

    /// --insert-only adds new rows and leaves stored ones as they are, for an entity and for
    /// observations; the same file without it updates them.
    @Test func insertOnlyAddsAndLeavesStoredRowsAlone() throws {
        let box = try Sandbox()
        try box.write("seed/organizations.csv", "id,name,country,kind\nlab,Lab,FR,company\n")
        try box.write("seed/models.csv", "id,organization,name,released_on\nlab/a,lab,A,2024-01-01\n")
        try box.write("seed/metrics.csv", "id,name,unit,kind\nlikes,Likes,likes,cumulative\n")
        try box.write("seed/observations.csv", "model,metric,observed_on,value\nlab/a,likes,2024-02-01,10\n")
        try box.impIngestOK("seed")
        try box.write("organizations.csv", "id,name,country,kind\nlab,Renamed Lab,DE,academic\nnew,New,US,company\n")
        try box.write("observations.csv", "model,metric,observed_on,value\nlab/a,likes,2024-02-01,20\nlab/a,likes,2024-03-01,30\n")

        let organizations = try box.owl("ingest", "organizations.csv", "--insert-only")
        #expect(organizations.stdout.hasPrefix("organizations.csv → organizations: loaded, 2 read, 1 inserted, 0 updated, 1 unchanged, 0 skipped"),
                "\(organizations.stdout)\(organizations.stderr)")
        #expect(try box.impSQL("SELECT id, name, country, kind FROM organizations ORDER BY id") == ["lab|Lab|FR|company", "new|New|US|company"])
        let observations = try box.owl("ingest", "observations.csv", "--insert-only")
        #expect(observations.stdout.hasPrefix("observations.csv → observations: loaded, 2 read, 1 inserted, 0 updated, 1 unchanged, 0 skipped"),
                "\(observations.stdout)\(observations.stderr)")
        #expect(try box.impSQL("SELECT observed_on, value FROM observations_named ORDER BY observed_on") == ["2024-02-01|10.0", "2024-03-01|30.0"])

        // The control: without --insert-only the stored rows take the files' values.
        try box.impIngestOK("organizations.csv", "observations.csv")
        #expect(try box.impSQL("SELECT id, name, country, kind FROM organizations ORDER BY id") == ["lab|Renamed Lab|DE|academic", "new|New|US|company"])
        #expect(try box.impSQL("SELECT observed_on, value FROM observations_named ORDER BY observed_on") == ["2024-02-01|20.0", "2024-03-01|30.0"])
    }

    /// The README's headline figures are what owl answers on the seeds: release days and
    /// median gaps of CN and US labs in 2025, download coverage, models without downloads.
    @Test func theReadmeHeadlineIsWhatOwlAnswersOnTheSeeds() throws {
        let readme = try String(contentsOf: packageRoot.appending(path: "README.md"), encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        func figures(_ pattern: String) throws -> [String] {
            let regex = try NSRegularExpression(pattern: pattern)
            let match = try #require(regex.firstMatch(in: readme, range: NSRange(readme.startIndex..., in: readme)),
                                     "README.md has no headline matching \(pattern)")
            return (1..<match.numberOfRanges).map { String(readme[Range(match.range(at: $0), in: readme)!]) }
        }
        let cadence = try figures(#"Chinese labs released open models on (\d+) distinct days \(a median of (\d+) days between release days in the seeds\) against (\d+) days for US labs \(a median of (\d+)\)"#)
        let coverage = try figures(#"covers (\d+)% of the US models' days and (\d+)% of the Chinese ones'"#)
        let unmeasured = try figures(#"and (\d+) seed models have no download figure at all"#)

        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        try box.impIngestOK(packageRoot.appending(path: "Seeds").path)
        let days = try box.owl("query", "cadence", "--from", "2025-01-01", "--to", "2025-11-30", "--by", "country")
        let byCountry = Dictionary(uniqueKeysWithValues: exportedRecords(days.stdout).map { ($0["group"] ?? "", $0) })
        #expect([byCountry["CN"]?["release_days"], byCountry["CN"]?["median_gap_days"],
                 byCountry["US"]?["release_days"], byCountry["US"]?["median_gap_days"]] == cadence.map(Optional.some), "\(days.stdout)")
        let share = try box.owl("query", "download-share", "--metric", "hf_downloads_30d", "--from", "2025-07-01", "--to", "2025-10-31")
        let shares = Dictionary(uniqueKeysWithValues: exportedRecords(share.stdout).map { ($0["group"] ?? "", $0) })
        let rounded = ["US", "CN"].map { shares[$0]?["coverage_pct"].flatMap(Double.init).map { String(Int($0.rounded())) } }
        #expect(rounded == coverage.map(Optional.some), "\(share.stdout)")
        #expect(share.stderr.hasPrefix("\(unmeasured[0]) models released by 2025-10-31 have no observation of hf_downloads_30d"), "\(share.stderr)")
    }
}
