import Foundation
import Testing

// A mapping file's problems are named by the file and line of the entry (not as --column
// options), all of them at once; and a row reports every problem of its fields, not only
// the first.

@Suite struct MappingProblemsTests {
    func prepare(_ box: Sandbox) throws {
        try box.write("seed/organizations.csv", "id,name,country,kind\nkblab,KBLab,SE,government\n")
        try box.write("seed/models.csv", "id,organization,name,released_on\nKBLab/alpha,kblab,alpha,2024-01-01\n")
        try box.write("seed/metrics.csv", "id,name,unit,kind,window_days\nhf_downloads_30d,Downloads,downloads,window,30\n")
        #expect(try box.owl("ingest", "seed").status == 0)
        try box.write("dl.csv", "model_url,downloads,date\nhttps://huggingface.co/KBLab/alpha,12,2025-03-15\n")
    }

    @Test func aTOMLMappingNamesFileAndLineOfEveryProblem() throws {
        let box = try Sandbox()
        try prepare(box)
        try box.write("bad.toml", """
            # KBLab's download statistics
            into = "observations"

            [columns]
            model = "model_url|trim"
            observed_on = "date|date:QQ"
            value = "downloads|number"

            [set]
            metirc = "hf_downloads_30d"

            """)
        let run = try box.owl("ingest", "dl.csv", "--map", "bad.toml")
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.toml:5: columns.model: unknown transform \"trim\""), "\(run.stderr)")
        #expect(run.stderr.contains("bad.toml:6: columns.observed_on: date:QQ needs YYYY, MM and DD"), "\(run.stderr)")
        #expect(run.stderr.contains("bad.toml:10: set.metirc: is not a field of observations; did you mean metric?"), "\(run.stderr)")
        #expect(!run.stderr.contains("--column"), "\(run.stderr)")
    }

    @Test func aTOMLMappingInInlineTablesNamesTheLineOfEachEntry() throws {
        let box = try Sandbox()
        try prepare(box)
        try box.write("bad.toml", """
            into = "observations"
            set.metirc = "hf_downloads_30d"
            columns = { model = "model_url|trim", value = "downloads|number", observed_on = 'date|date:QQ' }
            """)
        let run = try box.owl("ingest", "dl.csv", "--map", "bad.toml")
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.toml:3: columns.model: unknown transform \"trim\""), "\(run.stderr)")
        #expect(run.stderr.contains("bad.toml:3: columns.observed_on: date:QQ needs YYYY, MM and DD"), "\(run.stderr)")
        #expect(run.stderr.contains("bad.toml:2: set.metirc: is not a field of observations; did you mean metric?"), "\(run.stderr)")
    }

    @Test func aTOMLSyntaxErrorNamesItsLineAndStoresNothing() throws {
        let box = try Sandbox()
        try prepare(box)
        try box.write("bad.toml", """
            into = "observations"
            [columns]
            model = "model_url
            """)
        let run = try box.owl("ingest", "dl.csv", "--map", "bad.toml")
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("owl: bad.toml:3: "), "\(run.stderr)")
        #expect(try box.impCount("observations") == 0)
    }

    @Test func aTOMLValueThatIsNotAStringIsNamedByLine() throws {
        let box = try Sandbox()
        try prepare(box)
        try box.write("bad.toml", """
            into = "observations"

            [columns]
            model = "model_url"
            value = 12
            """)
        let run = try box.owl("ingest", "dl.csv", "--map", "bad.toml")
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.toml:5: the value of columns.value must be a string"), "\(run.stderr)")
    }

    @Test func aJSONMappingNamesFileAndLineToo() throws {
        let box = try Sandbox()
        try prepare(box)
        try box.write("bad.json", """
            {"into": "observations",
             "columns": {
               "model": "model_url",
               "observed_on": "date",
               "value": "downloads|thousands"},
             "set": {"metric": "hf_downloads_30d"}}
            """)
        let run = try box.owl("ingest", "dl.csv", "--map", "bad.json")
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.json:5: columns.value: unknown transform \"thousands\""), "\(run.stderr)")
    }

    @Test func commandLineMappingProblemsAreAllReported() throws {
        let box = try Sandbox()
        try prepare(box)
        let run = try box.owl("ingest", "dl.csv", "--into", "observations", "--column", "model=model_url|trim",
                              "--column", "observed_on=date", "--column", "value=downloads", "--set", "metirc=hf_downloads_30d")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--column model: unknown transform \"trim\""), "\(run.stderr)")
        #expect(run.stderr.contains("--set metirc: is not a field of observations; did you mean metric?"), "\(run.stderr)")
    }

    @Test func aRowReportsEveryProblemOfItsFields() throws {
        let box = try Sandbox()
        try prepare(box)
        // Line 2: a day-first date that does not exist (a transform problem), a value that is
        // not a number, and a model that is not stored: three problems of one row.
        try box.write("three.csv", "model_url,downloads,date\nhttps://huggingface.co/KBLab/nosuch,many,31/02/2025\n")
        let run = try box.owl("ingest", "three.csv", "--into", "observations", "--column", "model=model_url|strip-prefix:https://huggingface.co/",
                              "--column", "observed_on=date|date:DD/MM/YYYY", "--column", "value=downloads", "--set", "metric=hf_downloads_30d")
        #expect(run.status == 1)
        #expect(run.stderr.contains("three.csv:2: field observed_on: is not a date written DD/MM/YYYY (got \"31/02/2025\")"), "\(run.stderr)")
        #expect(run.stderr.contains("three.csv:2: field value: must be a number (got \"many\")"), "\(run.stderr)")
        #expect(run.stderr.contains("three.csv:2: field model: no model with this id"), "\(run.stderr)")
        // One problem per field: the bad date is not also reported as a missing observed_on.
        #expect(!run.stderr.contains("field observed_on: is required"), "\(run.stderr)")

        // The interchange format too: two bad fields of one organization row.
        try box.write("orgs.csv", "id,name,country,kind\nBad Id,X,France,startup\n")
        let orgs = try box.owl("ingest", "orgs.csv", "--into", "organizations")
        let lines = orgs.stderr.split(separator: "\n").filter { $0.hasPrefix("orgs.csv:2:") }
        #expect(lines.count == 3, "\(orgs.stderr)")
    }
}
