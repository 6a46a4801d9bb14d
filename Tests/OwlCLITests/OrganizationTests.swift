import Foundation
import Testing

// Who is behind each repository: Epoch AI's countries decided per organization, ids
// transliterated to ASCII, aliases and merges, and `owl organizations list|set|merge`.
// Helpers are prefixed `org` to stay clear of other test files' helpers.

/// A committed third-party file under Tests/Fixtures, or a failure naming the missing path.
func orgFixture(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let path = packageRoot.appending(path: "Tests/Fixtures/\(relativePath)").path
    guard FileManager.default.fileExists(atPath: path) else {
        Issue.record("missing fixture \(path) (see Tests/Fixtures/README.md)", sourceLocation: sourceLocation)
        throw CancellationError()
    }
    return path
}

extension Sandbox {
    /// Runs owl and expects exit status `status`.
    @discardableResult
    func orgRun(_ args: String..., status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(args)
        #expect(run.status == status, "owl \(args.joined(separator: " ")) exited \(run.status)\n\(run.stdout)\n\(run.stderr)",
                sourceLocation: sourceLocation)
        return run
    }
}

@Suite struct OrganizationTests {}

// MARK: Epoch AI countries

extension OrganizationTests {
@Suite struct EpochCountries {
    @Test func theIssuesExamplesGetTheirOwnCountryFromTheRealFile() throws {
        let box = try Sandbox()
        try box.impIngestOK(try orgFixture("epoch-ai/notable-ai-models.csv"), "--skip-invalid")
        // DeepMind: "United Kingdom…" in each of its rows alone. INRIA: "France" alone (3 rows).
        // CIFAR AI Research is never alone; in "Tsinghua University,Mila …,HEC,CIFAR AI Research,
        // Princeton University,University of Montreal …" the six countries line up with the six
        // organizations and its position holds Canada. University of Toronto: "Canada" alone.
        // Google DeepMind (US and UK in all 34 rows alone) and Facebook AI Research (US and
        // France in all 11) come from the override table.
        #expect(try box.impSQL("""
            SELECT name, country FROM organizations
            WHERE name IN ('DeepMind', 'INRIA', 'CIFAR AI Research', 'University of Toronto', 'Google DeepMind', 'Facebook AI Research')
            ORDER BY name
            """) == ["CIFAR AI Research|CA", "DeepMind|GB", "Facebook AI Research|US", "Google DeepMind|GB", "INRIA|FR",
                     "University of Toronto|CA"])
    }

    @Test func aNameWithACommaAndASpaceIsOneOrganization() throws {
        // "NVIDIA,NERSC, Lawrence Berkeley National Laboratory,University of Michigan,…": six
        // organizations and six countries once the name is kept whole.
        let box = try Sandbox()
        try box.impIngestOK(try orgFixture("epoch-ai/notable-ai-models.csv"), "--skip-invalid")
        #expect(try box.impSQL("SELECT id, country FROM organizations WHERE name LIKE 'NERSC%'")
            == ["nersc-lawrence-berkeley-national-laboratory|US"])
        #expect(try box.impValue("SELECT count(*) FROM organizations WHERE name = 'Lawrence Berkeley National Laboratory'") == "0")
    }

    @Test func countriesComeFromAnOrganizationsOwnRowsNeverFromANeighbour() throws {
        let box = try Sandbox()
        // A stored organization whose name holds a comma (no space): matched before splitting.
        try box.write("organizations.csv", "id,name,country,kind\nlab-e,\"Lab E,Paris\",FR,academic\n")
        try box.impIngestOK("organizations.csv")
        try box.write("notable.csv", ImpFixture.epochHeader + """
            Alone,Lab A,2024-01-01,,Unreleased,France,Academia,,,Language,
            Mismatch,"Lab B,Lab A",2024-01-02,,Unreleased,"United States of America,United Kingdom of Great Britain and Northern Ireland,France","Industry,Academia",,,Language,
            Pair,"Lab C,Lab D",2024-01-03,,Unreleased,"Canada,Germany","Industry,Government",,,Language,
            Twice,Lab D,2024-01-04,,Unreleased,"Germany,Germany",Government,,,Language,
            Known,"Lab E,Paris,Lab C",2024-01-05,,Unreleased,"France,Canada","Academia,Industry",,,Language,

            """)
        try box.impIngestOK("notable.csv", "--format", "epoch")
        // Lab A: France, alone in row 2. Lab B appears only in a row listing three countries for
        // two organizations: nothing lines up, so unknown (not the first country, US). Lab C and
        // Lab D line up by position in "Pair" (and Lab C again in "Known", once "Lab E,Paris" is
        // one name); Lab D's repeated "Germany,Germany" alone is one country. Kinds likewise.
        #expect(try box.impSQL("SELECT id, name, country, kind FROM organizations ORDER BY id") == [
            "lab-a|Lab A|FR|academic", "lab-b|Lab B|ZZ|company", "lab-c|Lab C|CA|company", "lab-d|Lab D|DE|government",
            "lab-e|Lab E,Paris|FR|academic",
        ])
        #expect(try box.impValue("SELECT organization FROM models WHERE name = 'Known'") == "lab-e")
    }
}
}
