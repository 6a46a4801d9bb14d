import Foundation
import Testing

// Two result columns with the same name (SELECT m.id, k.id …) each keep their own values,
// in every format.

@Suite struct DuplicateColumnTests {
    @Test func columnsSharingANameKeepTheirOwnValues() throws {
        let box = try Sandbox()
        #expect(try box.owl("init").status == 0)
        let csv = try box.owl("query", "--sql", "SELECT 'a' AS id, 'b' AS id, 3 AS n", "--format", "csv")
        #expect(csv.stdout.replacingOccurrences(of: "\r\n", with: "\n") == "id,id,n\na,b,3\n", "\(csv.stdout)\(csv.stderr)")
        let tsv = try box.owl("query", "--sql", "SELECT 'a' AS id, 'b' AS id", "--format", "tsv")
        #expect(tsv.stdout.contains("a\tb"), "\(tsv.stdout)")
    }
}
