import Foundation
import Testing

// Shell completion knows owl's run-time names: analyses, export targets, an analysis's
// parameters and choices, and the metrics stored in the database. Tried through bash with
// the script `owl --generate-completion-script bash` prints, as the README says to install it.

@Suite struct CompletionTests {
    /// What bash offers for the command line `line` (the cursor at its end).
    func complete(_ box: Sandbox, _ words: [String]) throws -> [String] {
        let script = try box.owl("--generate-completion-script", "bash")
        try #require(script.status == 0, "\(script.stderr)")
        try box.write("owl.bash", script.stdout)
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let line = words.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", """
            source ./owl.bash
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _owl owl '\(words.last!)' '\(words[words.count - 2])'
            printf '%s\\n' "${COMPREPLY[@]}"
            """]
        process.currentDirectoryURL = box.folder
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = box.folder.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment.removeValue(forKey: "OWL_DB")
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").map(String.init)
    }

    @Test func analysesTargetsParametersAndChoicesComplete() throws {
        let box = try Sandbox()
        #expect(try complete(box, ["owl", "query", ""]) == ["cadence", "concentration", "coverage", "derivatives", "download-share", "efficiency", "leaderboard", "openness", "timeline"])
        #expect(try complete(box, ["owl", "query", "lea"]) == ["leaderboard"])
        #expect(try complete(box, ["owl", "export", "mo"]) == ["models", "model_bases"])
        #expect(try complete(box, ["owl", "query", "leaderboard", ""]).contains("--metric"))
        #expect(try complete(box, ["owl", "query", "leaderboard", "--by", ""]) == ["model", "organization", "country"])
        #expect(try complete(box, ["owl", "ingest", "--into", "obs"]) == ["observations"])
    }

    @Test func metricsCompleteFromTheDatabaseOfTheKindTheAnalysisTakes() throws {
        let box = try Sandbox()
        try box.write("d/metrics.csv", """
            id,name,unit,kind,window_days
            dl_30d,Downloads,downloads,window,30
            likes,Likes,likes,cumulative,

            """)
        #expect(try box.owl("ingest", "--db", "research.sqlite", "d").status == 0)
        #expect(try complete(box, ["owl", "query", "leaderboard", "--db", "research.sqlite", "--metric", ""]) == ["likes"])
        #expect(try complete(box, ["owl", "query", "download-share", "--db", "research.sqlite", "--metric", ""]) == ["dl_30d", "likes"])
        // No database: nothing to offer, and nothing is created.
        #expect(try complete(box, ["owl", "query", "leaderboard", "--metric", ""]) == [])
        #expect(!FileManager.default.fileExists(atPath: box.path("owl.sqlite")))
    }
}
