import Foundation
import Testing

// What a hostile or unlucky user can do to owl, through the built binary: the process ends
// with a message and an exit code, never a signal, and what was stored or written before
// stays as it was.

extension Sandbox {
    /// Runs owl and expects a clean failure: exit 1 (not a signal) and a message naming `expected`.
    @discardableResult
    func relFails(_ arguments: [String], saying expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(arguments)
        #expect(run.status == 1, "owl \(arguments.joined(separator: " ")) exited \(run.status)\n\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(expected), "stderr: \(run.stderr.prefix(2000))", sourceLocation: sourceLocation)
        return run
    }

    /// Runs owl and expects exit 0.
    @discardableResult
    func relOK(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        let run = try self.run(arguments)
        #expect(run.status == 0, "owl \(arguments.joined(separator: " ")) exited \(run.status)\n\(run.stderr)", sourceLocation: sourceLocation)
        return run
    }
}

/// `[` × levels then `]` × levels.
private func nestedArrays(_ levels: Int) -> String { String(repeating: "[", count: levels) + String(repeating: "]", count: levels) }

@Suite struct DeepJSON {
    static let tooDeep = "arrays and objects are nested more than 512 levels deep"

    @Test func a40000LevelJSONFileIsALocatedErrorNotACrash() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        try box.write("d/organizations.json", nestedArrays(40_000))
        try box.relFails(["ingest", "--db", "owl.sqlite", "d"], saying: "organizations.json:1: JSON syntax error: \(Self.tooDeep)")
        try box.write("o.jsonl", "{\"id\": \"a\", \"name\": \(nestedArrays(40_000))}\n")
        try box.relFails(["ingest", "--db", "owl.sqlite", "o.jsonl", "--into", "organizations"], saying: "o.jsonl:1: JSON syntax error: \(Self.tooDeep)")
        #expect(try box.impCount("organizations") == 0)
    }

    @Test func aDeepHuggingFaceListingIsALocatedError() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        try box.write("hub.json", "[\n{\"id\": \"a/b\", \"downloads\": 1, \"likes\": 2, \"tags\": \(nestedArrays(40_000))}]")
        try box.relFails(["ingest", "--db", "owl.sqlite", "hub.json", "--format", "hf-models", "--observed-on", "2025-06-01"],
                         saying: "hub.json:2: JSON syntax error: \(Self.tooDeep)")
        #expect(try box.impCount("models") == 0)
    }

    @Test func aDeepMappingFileIsALocatedError() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        try box.write("dl.csv", "a,b\n1,2\n")
        try box.write("map.json", "{\"into\": \"observations\",\n \"columns\": \(nestedArrays(40_000))}")
        try box.relFails(["ingest", "--db", "owl.sqlite", "dl.csv", "--map", "map.json"], saying: "map.json:2: JSON syntax error: \(Self.tooDeep)")
        try box.write("broken.json", "{\"into\": \"observations\",\n \"columns\": {\"model\" \"x\"}}")
        try box.relFails(["ingest", "--db", "owl.sqlite", "dl.csv", "--map", "broken.json"],
                         saying: "broken.json:2: JSON syntax error: expected : after field name \"model\"")
    }
}
