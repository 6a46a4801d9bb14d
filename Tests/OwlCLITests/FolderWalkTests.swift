import Foundation
import Testing

// `owl ingest DIR` walks sub-folders and loads every file found, at any depth, in one
// dependency order across all of them (organizations first, … observations last), in path
// order within an entity; what it leaves out (hidden files, documentation) it names.

@Suite struct FolderWalkTests {
    @Test func subFoldersLoadInOneGlobalDependencyOrder() throws {
        let box = try Sandbox()
        // Observations at the top, their models two levels down, organizations in a sibling.
        try box.write("data/observations.csv", Fixture.observations)
        try box.write("data/2025/meta/models.csv", Fixture.models)
        try box.write("data/2025/meta/releases.csv", Fixture.releases)
        try box.write("data/labs/organizations.csv", Fixture.organizations)
        try box.write("data/labs/metrics.jsonl", """
            {"id": "hf_likes", "name": "Hugging Face likes", "unit": "likes", "kind": "cumulative"}
            {"id": "hf_downloads_30d", "name": "Downloads (30 days)", "unit": "downloads", "kind": "window", "window_days": 30}

            """)
        try box.write("data/labs/README.md", "# notes\n")
        try box.write("data/2025/LICENSE", "CC0\n")
        try box.write("data/.cache/organizations.csv", "not,even,a,valid,file\n")
        let run = try box.owl("ingest", "data")
        #expect(run.status == 0, "\(run.stderr)")
        let order = run.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        #expect(order == ["data/labs/organizations.csv", "data/2025/meta/releases.csv", "data/2025/meta/models.csv",
                          "data/labs/metrics.jsonl", "data/observations.csv"], "\(run.stdout)")
        #expect(try box.count("observations") == 2)
        // Everything left out is named, with the reason.
        #expect(run.stderr.contains("skipped data/.cache (hidden)"), "\(run.stderr)")
        #expect(run.stderr.contains("skipped data/2025/LICENSE (documentation)"), "\(run.stderr)")
        #expect(run.stderr.contains("skipped data/labs/README.md (documentation)"), "\(run.stderr)")
    }

    @Test func filesOfOneEntityLoadInPathOrder() throws {
        let box = try Sandbox()
        try box.writeFixture(in: "data/base")
        // Two observation files in different folders: b/ after a/, whatever the depth.
        try box.write("data/b/observations.csv", "model,metric,observed_on,value\ndeepseek-ai/DeepSeek-R1,hf_likes,2025-07-01,2\n")
        try box.write("data/a/deeper/observations.csv", "model,metric,observed_on,value\ndeepseek-ai/DeepSeek-R1,hf_likes,2025-07-01,1\n")
        let run = try box.owl("ingest", "data")
        #expect(run.status == 0, "\(run.stderr)")
        let observations = run.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) }.filter { $0.hasSuffix("observations.csv") }
        #expect(observations == ["data/a/deeper/observations.csv", "data/b/observations.csv", "data/base/observations.csv"], "\(run.stdout)")
        // The later file's value wins for the same model, metric and day.
        #expect(try box.rows("SELECT value FROM observations WHERE observed_day = unixepoch('2025-07-01') / 86400") == [[.real(2)]])
    }
}
