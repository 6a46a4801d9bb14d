import Foundation
import Testing

// observations_named (migration 0005): the observations with model and metric ids instead
// of integer keys, for sqlite3, Datasette and DuckDB users.

@Suite struct NamedViewTests {
    @Test func theViewShowsIdsAndIsReadableByTheSQLiteShell() throws {
        let box = try Sandbox()
        try box.write("d/organizations.csv", "id,name,country,kind\nlab,A Lab,FR,academic\n")
        try box.write("d/models.csv", "id,organization,name,released_on\nlab/m-1,lab,M 1,2025-01-01\nlab/m-2,lab,M 2,2025-02-01\n")
        try box.write("d/metrics.csv", "id,name,unit,kind\nlikes,Likes,likes,cumulative\n")
        try box.write("d/observations.csv", """
            model,metric,observed_on,value,source
            lab/m-2,likes,2025-03-01,7,https://example.org/a
            lab/m-1,likes,2025-03-01,12.5,

            """)
        let run = try box.owl("ingest", "d")
        #expect(run.status == 0, "\(run.stderr)")

        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", "-readonly", box.path("owl.sqlite"), "SELECT * FROM observations_named ORDER BY model"]
        let out = Pipe()
        shell.standardOutput = out
        try shell.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(text == "lab/m-1|likes|2025-03-01|12.5|\nlab/m-2|likes|2025-03-01|7.0|https://example.org/a\n", "\(text)")

        let columns = try box.owl("query", "--sql", "SELECT * FROM observations_named LIMIT 0", "--format", "csv")
        #expect(columns.stdout.replacingOccurrences(of: "\r\n", with: "\n") == "model,metric,observed_on,value,source\n", "\(columns.stdout)\(columns.stderr)")
    }
}
