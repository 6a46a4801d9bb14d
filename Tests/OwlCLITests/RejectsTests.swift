import Foundation
import Testing

// --skip-invalid says what it skipped (the first reasons and a count per field), keeps one
// set of rejects per file path, and `owl rejects` lists them.

@Suite struct RejectsTests {
    /// organizations.csv with three invalid rows of twelve lines: lines 3 and 5 (country),
    /// line 4 (kind and country both wrong: two problems of one row).
    func prepare(_ box: Sandbox) throws {
        try box.write("orgs.csv", """
            id,name,country,kind
            good-1,Good One,FR,academic
            bad-1,Bad One,France,academic
            bad-2,Bad Two,XX,startup
            bad-3,Bad Three,fr,company
            good-2,Good Two,US,company

            """)
    }

    @Test func skipInvalidPrintsADigestEvenInADryRun() throws {
        let box = try Sandbox()
        try prepare(box)
        for dryRun in [true, false] {
            let run = try box.run(["ingest", "orgs.csv", "--into", "organizations", "--skip-invalid"] + (dryRun ? ["--dry-run"] : []))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("orgs.csv: skipped 3 invalid rows"), "\(run.stderr)")
            #expect(run.stderr.contains("orgs.csv:3: field country: must be an ISO 3166-1 alpha-2 code: use FR (got \"France\")"), "\(run.stderr)")
            #expect(run.stderr.contains("orgs.csv:4: field kind: must be one of"), "\(run.stderr)")
            #expect(run.stderr.contains("orgs.csv:5: field country: country codes are upper case: use FR"), "\(run.stderr)")
            // Four problems in three rows: country 3 (lines 3, 4, 5), kind 1 (line 4).
            #expect(run.stderr.contains("problems by field: country 3, kind 1"), "\(run.stderr)")
        }
    }

    @Test func reloadingAPathReplacesItsRejects() throws {
        let box = try Sandbox()
        try prepare(box)
        for _ in 0..<2 {
            #expect(try box.owl("ingest", "orgs.csv", "--into", "organizations", "--skip-invalid").status == 0)
        }
        // One reject per problem, once: 4, not 8.
        let listed = try box.owl("rejects", "--format", "csv")
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = parseCSV(listed.stdout)
        #expect(rows.first == ["batch", "entity", "file", "line", "field", "value", "reason"])
        #expect(rows.dropFirst().map { [$0[2], $0[3], $0[4], $0[5]] } == [
            ["orgs.csv", "3", "country", "France"], ["orgs.csv", "4", "country", "XX"],
            ["orgs.csv", "4", "kind", "startup"], ["orgs.csv", "5", "country", "fr"],
        ], "\(listed.stdout)")
        // Both from the second load's batch.
        let batch = try #require(rows.dropFirst().first?[0])
        #expect(Set(rows.dropFirst().map { $0[0] }) == [batch])

        // The file fixed: loading it again leaves no rejects for it.
        try box.write("orgs.csv", "id,name,country,kind\ngood-1,Good One,FR,academic\n")
        #expect(try box.owl("ingest", "orgs.csv", "--into", "organizations", "--skip-invalid").status == 0)
        let none = try box.owl("rejects", "--file", "orgs.csv", "--format", "csv")
        #expect(none.status == 0)
        #expect(parseCSV(none.stdout).count == 1, "\(none.stdout)")
        #expect(none.stderr.contains("no rejects of orgs.csv"), "\(none.stderr)")
    }

    @Test func rejectsFilterByBatchAndFile() throws {
        let box = try Sandbox()
        try prepare(box)
        try box.write("more.csv", "id,name,country,kind\nbad-4,Bad Four,ZZ,lab\n")
        #expect(try box.owl("ingest", "orgs.csv", "--into", "organizations", "--skip-invalid").status == 0)
        #expect(try box.owl("ingest", "more.csv", "--into", "organizations", "--skip-invalid").status == 0)
        let more = parseCSV(try box.owl("rejects", "--file", "more.csv", "--format", "csv").stdout)
        #expect(more.dropFirst().map { [$0[1], $0[3], $0[4], $0[5]] } == [["organizations", "2", "kind", "lab"]])
        let batch = more[1][0]
        let byBatch = parseCSV(try box.owl("rejects", "--batch", batch, "--format", "csv").stdout)
        #expect(byBatch == more)
        #expect(parseCSV(try box.owl("rejects", "--format", "csv").stdout).count == 1 + 4 + 1)
        let status = try box.owl("status")
        #expect(status.stdout.contains("5 rejected rows kept (owl rejects lists them)"), "\(status.stdout)")
    }
}
