import Foundation
import Testing

// `owl ingest -` (and /dev/stdin, or a pipe) reads standard input: the batch records
// `<stdin>` and the SHA-256 of what was read.

@Suite struct StandardInputTests {
    /// Runs owl in the sandbox with `input` on its standard input.
    func owl(_ box: Sandbox, _ arguments: [String], input: String) throws -> Run {
        let process = Process()
        process.executableURL = box.owl
        process.arguments = arguments
        process.currentDirectoryURL = box.folder
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "OWL_DB")
        process.environment = environment
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let csv = "id,name,country,kind\nlab,A Lab,FR,academic\nuni,A University,DE,academic\n"
    // sha256sum of the two lines above, worked out with the coreutils tool.
    static let csvSHA256 = "8068681019c0d04dd10ca0b7e7f9cee00e479bf9c5aef116818bc66d5ff58f05"

    @Test func dashReadsStandardInputAndRecordsStdinAndItsHash() throws {
        let box = try Sandbox()
        let run = try owl(box, ["ingest", "-", "--into", "organizations", "--format", "csv"], input: Self.csv)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("<stdin> → organizations: loaded, 2 read, 2 inserted"), "\(run.stdout)")
        let batches = try box.owl("query", "--sql", "SELECT path, sha256, format FROM batches", "--format", "csv")
        #expect(batches.stdout.replacingOccurrences(of: "\r\n", with: "\n") == "path,sha256,format\n<stdin>,\(Self.csvSHA256),csv\n", "\(batches.stdout)")
    }

    @Test func devStdinIsStandardInputToo() throws {
        let box = try Sandbox()
        let run = try owl(box, ["ingest", "/dev/stdin", "--into", "organizations", "--format", "csv"], input: Self.csv)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("<stdin> → organizations: loaded, 2 read, 2 inserted"), "\(run.stdout)")
    }

    @Test func errorsNameStdinAndWhatIsMissing() throws {
        let box = try Sandbox()
        let bad = try owl(box, ["ingest", "-", "--into", "organizations", "--format", "csv"], input: "id,name,country,kind\nlab,A Lab,France,academic\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("<stdin>:2: field country: must be an ISO 3166-1 alpha-2 code: use FR"), "\(bad.stderr)")
        let noFormat = try owl(box, ["ingest", "-", "--into", "organizations"], input: Self.csv)
        #expect(noFormat.stderr.contains("standard input has no file name to tell its format from; give --format csv, json or jsonl"), "\(noFormat.stderr)")
        let noEntity = try owl(box, ["ingest", "-", "--format", "csv"], input: Self.csv)
        #expect(noEntity.stderr.contains("standard input has no file name to tell its entity from; give --into ENTITY"), "\(noEntity.stderr)")
    }
}
