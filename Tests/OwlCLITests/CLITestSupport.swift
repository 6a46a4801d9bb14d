import Foundation
import Testing

/// The `owl` binary that `swift test` built, beside the test bundle.
let builtOwl: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appending(path: "owl")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder.deleteLastPathComponent()
    }
    // Fall back to the package's debug build folder.
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return package.appending(path: ".build/debug/owl")
}()

/// The folder of the staged copy: one per test process.
let stagedFolder = FileManager.default.temporaryDirectory.appending(path: "owl-staged-\(ProcessInfo.processInfo.processIdentifier)")

/// One copy of the built binary outside the package, made once per test run and removed
/// when the run exits (with any left by runs that were killed, whose process is gone).
let stagedOwl: URL = {
    let temporary = FileManager.default.temporaryDirectory
    for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix("owl-staged-") {
        if let pid = Int32(name.dropFirst("owl-staged-".count)), kill(pid, 0) != 0, errno == ESRCH {
            try? FileManager.default.removeItem(at: temporary.appending(path: name))
        }
    }
    try? FileManager.default.createDirectory(at: stagedFolder, withIntermediateDirectories: true)
    let copy = stagedFolder.appending(path: "owl")
    try? FileManager.default.removeItem(at: copy)
    try! FileManager.default.copyItem(at: builtOwl, to: copy)
    atexit { try? FileManager.default.removeItem(at: stagedFolder) }
    return copy
}()

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The path of a committed copy of a real third-party file (Tests/Fixtures/README.md); a
/// test that needs a missing one fails, naming it.
func fixture(_ relativePath: String) throws -> String {
    let path = packageRoot.appending(path: "Tests/Fixtures").appending(path: relativePath).path
    try #require(FileManager.default.fileExists(atPath: path),
                 "missing fixture Tests/Fixtures/\(relativePath): it is committed with the repository (see Tests/Fixtures/README.md)")
    return path
}

struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// A temporary folder holding a copy of the built `owl`, so every run proves the binary
/// works away from the source tree.
final class Sandbox {
    let folder: URL
    let owl: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "owl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        owl = folder.appending(path: "owl")
        // A hard link to one staged copy: a copy per test would be written while parallel
        // tests fork, and a child inheriting the open file makes exec fail with "text file busy".
        do {
            try FileManager.default.linkItem(at: stagedOwl, to: owl)
        } catch {
            try FileManager.default.copyItem(at: stagedOwl, to: owl)
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appending(path: name).path }

    /// Writes a file into the sandbox and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appending(path: name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs the copied owl in the sandbox folder, with `OWL_DB` unset unless given.
    @discardableResult
    func owl(_ arguments: String..., environment: [String: String] = [:]) throws -> Run {
        try run(arguments, environment: environment)
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try runProcess(owl, arguments, in: folder, environment: environment)
    }
}

/// Runs a program in `folder` with `OWL_DB` unset (and `environment` added), no standard
/// input, its output collected through files (pipes read one after the other could fill up
/// and stall the child).
func runProcess(_ executable: URL, _ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "OWL_DB")
    env.merge(environment) { $1 }
    process.environment = env
    let out = FileManager.default.temporaryDirectory.appending(path: "owl-test-stdout-\(UUID().uuidString)")
    let err = FileManager.default.temporaryDirectory.appending(path: "owl-test-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    // ETXTBSY: another test's child briefly holds the staged copy open; try again.
    var attempts = 0
    while true {
        do {
            try process.run()
            break
        } catch let error as NSError where attempts < 20 && (error.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY) {
            attempts += 1
            usleep(50_000)
        }
    }
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return Run(
        status: process.terminationStatus,
        stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
}

/// SplitMix64: the same numbers for a seed on every machine.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An RFC 4180 parser: quoted fields with "" escapes, commas and line breaks inside quotes,
/// CRLF record separators. Returns the records, header first.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var inQuotes = false
    var fieldStarted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if inQuotes {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { inQuotes = false }
            } else {
                field.unicodeScalars.append(c)
            }
            continue
        }
        switch c {
        case "\"": inQuotes = true; fieldStarted = true
        case ",": record.append(field); field = ""; fieldStarted = true
        case "\r":
            if chars.first == "\n" { chars.removeFirst() }
            record.append(field); records.append(record); record = []; field = ""; fieldStarted = false
        case "\n":
            record.append(field); records.append(record); record = []; field = ""; fieldStarted = false
        default: field.unicodeScalars.append(c); fieldStarted = true
        }
    }
    if fieldStarted || !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}
