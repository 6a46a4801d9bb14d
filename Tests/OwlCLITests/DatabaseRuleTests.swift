import Foundation
import Testing

// What an owl database is: a SQLite file with owl's schema_migrations. init and ingest
// create a missing file; every other command refuses it and names `owl init`. A SQLite
// file of another application is refused by every command, and left byte for byte as it
// was, except `init --force`, which adds owl's tables to it.

@Suite struct DatabaseRuleTests {
    static let readCommands: [[String]] = [
        ["status"], ["migrate"], ["query", "--sql", "SELECT 1"], ["query", "leaderboard", "--metric", "hf_likes"],
        ["export", "models"], ["export", "cadence"],
    ]

    @Test func aMissingDatabaseIsNamedAndNotCreated() throws {
        let box = try Sandbox()
        for command in Self.readCommands {
            let run = try box.run(command + ["--db", "typo.sqlite"])
            #expect(run.status == 1, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("no database at typo.sqlite; run `owl init --db typo.sqlite`"), "\(command): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: box.path("typo.sqlite")), "\(command) left typo.sqlite behind")
        }
        // Without --db, in a folder without owl.sqlite: the same, for the default name.
        let query = try box.owl("query", "--sql", "SELECT 1")
        #expect(query.status == 1)
        #expect(query.stderr.contains("no database at owl.sqlite; run `owl init --db owl.sqlite`"), "\(query.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.folder.path).filter { $0.hasSuffix(".sqlite") }.isEmpty)
    }

    @Test func initAndIngestCreateAMissingDatabase() throws {
        let box = try Sandbox()
        #expect(try box.owl("init", "--db", "a.sqlite").status == 0)
        #expect(FileManager.default.fileExists(atPath: box.path("a.sqlite")))
        try box.write("organizations.csv", "id,name,country,kind\nlab,A Lab,FR,academic\n")
        let ingest = try box.owl("ingest", "--db", "b.sqlite", "organizations.csv")
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let status = try box.owl("status", "--db", "b.sqlite")
        #expect(status.status == 0 && status.stdout.contains("organizations         1"), "\(status.stdout)\(status.stderr)")
    }

    @Test func anotherApplicationsSQLiteFileIsRefusedAndLeftAsItWas() throws {
        let box = try Sandbox()
        let other = box.path("other.sqlite")
        try sqlite3(other, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('mine');")
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        try box.write("organizations.csv", "id,name,country,kind\nlab,A Lab,FR,academic\n")
        for command in Self.readCommands + [["init"], ["ingest", "organizations.csv"]] {
            let run = try box.run(command + ["--db", "other.sqlite"])
            #expect(run.status == 1, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("other.sqlite is a SQLite database but not an owl database"), "\(command): \(run.stderr)")
            #expect(run.stderr.contains("`owl init --force --db other.sqlite` adds owl's tables to it"), "\(command): \(run.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before, "the file changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.folder.path).filter { $0.hasPrefix("other.sqlite") } == ["other.sqlite"])

        let forced = try box.owl("init", "--force", "--db", "other.sqlite")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try sqlite3(other, "SELECT text FROM notes") == "mine\n")
        #expect(try box.owl("status", "--db", "other.sqlite").status == 0)
    }

    @discardableResult
    func sqlite3(_ path: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sqlite3 failed on \(sql)")
        return text
    }
}
