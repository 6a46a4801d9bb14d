import Foundation
import SQLiteDB
import Testing

@Suite struct SchemaCommandTests {
    @Test func initMigrateStatusWorkFromACopiedBinary() throws {
        let box = try Sandbox()
        let initRun = try box.owl("init")
        #expect(initRun.status == 0, "\(initRun.stderr)")
        #expect(initRun.stdout.contains("owl.sqlite: ready, schema version"))
        #expect(FileManager.default.fileExists(atPath: box.path("owl.sqlite")))

        let migrate = try box.owl("migrate")
        #expect(migrate.status == 0)
        #expect(migrate.stdout.contains("up to date"))

        let status = try box.owl("status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("schema version: "))
        #expect(status.stdout.contains("observations          0"))
    }

    /// owl makes its databases with 16 KB pages (see Warehouse.pageSize); one made before,
    /// with SQLite's 4 KB, keeps its pages and loads and answers the same.
    @Test func aNewDatabaseHas16KBPagesAndAnOlderOneWorksWithItsOwn() throws {
        let box = try Sandbox()
        /// The page size in the file's header: bytes 16 and 17, big-endian.
        func pageSize(_ name: String) throws -> Int {
            let header = try Data(contentsOf: URL(fileURLWithPath: box.path(name))).prefix(18)
            return Int(header[16]) << 8 | Int(header[17])
        }
        try #require(box.owl("init").status == 0)
        #expect(try pageSize("owl.sqlite") == 16_384)

        try Database(path: box.path("old.sqlite")).execute("CREATE TABLE earlier (v)")  // SQLite's default
        let initOld = try box.owl("init", "--force", "--db", "old.sqlite")
        #expect(initOld.status == 0, "\(initOld.stderr)")
        #expect(try pageSize("old.sqlite") == 4096)

        var answers: [String] = []
        for name in ["owl.sqlite", "old.sqlite"] {
            let load = try box.owl("ingest", "-q", packageRoot.appending(path: "Seeds").path, "--db", name)
            #expect(load.status == 0, "\(load.stderr)")
            let share = try box.owl("query", "download-share", "--metric", "hf_downloads_30d", "--by", "country", "--db", name)
            #expect(share.status == 0, "\(share.stderr)")
            answers.append(share.stdout)
        }
        #expect(answers[0] == answers[1])
        #expect(answers[0].contains("CN"), "\(answers[0])")
        #expect(try pageSize("old.sqlite") == 4096)
    }

    @Test func migrateDoesNotCreateAMissingDatabase() throws {
        let box = try Sandbox()
        let run = try box.owl("migrate", "--db", "fresh.sqlite")
        #expect(run.status == 1)
        #expect(run.stderr.contains("no database at fresh.sqlite; run `owl init --db fresh.sqlite`"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: box.path("fresh.sqlite")))
    }

    @Test func dbDefaultsToTheEnvironmentVariable() throws {
        let box = try Sandbox()
        let run = try box.owl("init", environment: ["OWL_DB": box.path("from-env.sqlite")])
        #expect(run.status == 0)
        #expect(FileManager.default.fileExists(atPath: box.path("from-env.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: box.path("owl.sqlite")))
    }

    @Test func aDirectoryAsDatabaseIsAReadableError() throws {
        let box = try Sandbox()
        let run = try box.owl("init", "--db", box.folder.path)
        #expect(run.status == 1)
        #expect(run.stderr.contains("is a directory"))
        #expect(!run.stderr.contains("Error Domain"))
    }

    @Test func anUncreatablePathIsAReadableError() throws {
        let box = try Sandbox()
        let file = try box.write("plain-file", "not a folder")
        // A path under a regular file cannot be created, even by root.
        let run = try box.owl("init", "--db", file + "/owl.sqlite")
        #expect(run.status == 1)
        #expect(run.stderr.contains("does not exist"))
        let missingFolder = try box.owl("init", "--db", box.path("no/such/folder/owl.sqlite"))
        #expect(missingFolder.status == 1)
        #expect(missingFolder.stderr.contains("does not exist"))
        // status only reads: it creates nothing and says how to.
        let status = try box.owl("status", "--db", box.path("no/such/folder/owl.sqlite"))
        #expect(status.status == 1)
        #expect(status.stderr.contains("no database at") && status.stderr.contains("run `owl init --db"), "\(status.stderr)")
        #expect(!box.exists("no"))
    }

    @Test func aFileThatIsNotADatabaseIsAReadableError() throws {
        let box = try Sandbox()
        try box.write("notes.sqlite", String(repeating: "this is not a database\n", count: 100))
        let run = try box.owl("status", "--db", "notes.sqlite")
        #expect(run.status == 1)
        #expect(run.stderr.contains("notes.sqlite"))
        #expect(run.stderr.contains("not a database"))
    }

    @Test func versionAndHelpTeach() throws {
        let box = try Sandbox()
        let version = try box.owl("--version")
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("owl "))
        for command in ["init", "migrate", "status"] {
            #expect(try box.owl(command, "--help").stdout.contains("--db"), "\(command) --help")
        }
        // `--batches -1` reads -1 as a flag, so the value is missing; `--batches=-1` reaches validation.
        let missing = try box.owl("status", "--batches", "-1")
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("Error: Missing value for '--batches <batches>'"), "\(missing.stderr)")
        let negative = try box.owl("status", "--batches=-1")
        #expect(negative.status == 2)
        #expect(negative.stderr.hasPrefix("Error: --batches must be 0 or more"), "\(negative.stderr)")
    }

    /// Every command that does something (not the groups pull and organizations) shows
    /// examples, each a command line of that command.
    @Test(arguments: [["init"], ["migrate"], ["status"], ["ingest"], ["pull", "hf"], ["analyses"], ["query"], ["export"],
                      ["organizations", "list"], ["organizations", "set"], ["organizations", "merge"], ["rejects"],
                      ["metrics"], ["report"]])
    func everyCommandsHelpHasExamplesOfItself(command: [String]) throws {
        let box = try Sandbox()
        let help = try box.run(command + ["--help"])
        #expect(help.status == 0)
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "Example:" || $0 == "Examples:" }, "\(command) --help has no examples")
        let examples = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.filter { $0.hasPrefix("  owl ") }
        #expect(!examples.isEmpty, "\(help.stdout)")
        let invocation = "  owl " + command.joined(separator: " ")
        for example in examples {
            #expect(example == invocation || example.hasPrefix(invocation + " "), "\(example)")
        }
    }
}
