import Foundation
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
            let help = try box.owl(command, "--help")
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
            #expect(help.stdout.contains("--db"))
        }
        let usage = try box.owl("status", "--batches", "-1")
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--batches"))
    }
}
