import Foundation
import Testing

// In JSON Lines each line is one record: a truncated record is reported at the line it
// starts on, and said to be incomplete, wherever it was cut.

@Suite struct JSONLinesRecordTests {
    static let whole = #"{"id": "a", "name": "A", "country": "FR", "kind": "academic"}"# + "\n"
        + #"{"id": "b", "name": "B", "country": "FR", "kind": "academic"}"# + "\n"

    @Test func aTruncatedThirdRecordIsReportedAtLine3() throws {
        let cuts = [
            #"{"id": "c", "name": "C""# + "\n",          // after a value, then the file ends
            #"{"id": "c", "name": "C", "coun"# + "\n",  // inside a field name
            #"{"id": "c", "name": "C", "country": "#,   // no final newline
            #"{"id": "c", "name": "#,                   // inside a string at the end of the file
        ]
        for cut in cuts {
            let box = try Sandbox()
            try box.write("organizations.jsonl", Self.whole + cut)
            let run = try box.owl("ingest", "organizations.jsonl")
            #expect(run.status == 1)
            #expect(run.stderr.contains("organizations.jsonl:3: the record is incomplete"), "\(cut): \(run.stderr)")
            #expect(!run.stderr.contains(":4:"), "\(cut): \(run.stderr)")
        }
    }

    @Test func anObjectSpreadOverTwoLinesIsIncompleteAtItsFirstLine() throws {
        let box = try Sandbox()
        try box.write("organizations.jsonl", Self.whole + #"{"id": "c", "name": "C","# + "\n" + #""country": "FR", "kind": "academic"}"# + "\n")
        let run = try box.owl("ingest", "organizations.jsonl")
        #expect(run.status == 1)
        #expect(run.stderr.contains("organizations.jsonl:3: the record is incomplete: the line ends before its object is closed"), "\(run.stderr)")
        // Nothing of the file is stored.
        let status = try box.owl("status")
        #expect(status.stdout.contains("organizations         0"), "\(status.stdout)")
    }

    @Test func blankLinesBetweenRecordsAreStillFine() throws {
        let box = try Sandbox()
        try box.write("organizations.jsonl", Self.whole + "\n   \n" + #"{"id": "c", "name": "C", "country": "FR", "kind": "academic"}"#)
        let run = try box.owl("ingest", "organizations.jsonl")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("3 read, 3 inserted"), "\(run.stdout)")
    }
}
