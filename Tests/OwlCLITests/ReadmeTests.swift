import Foundation
import Testing

// The README's examples run from a fresh clone: every line of its ```sh blocks, in order,
// in a folder that sees the repository's Seeds/ and Tests/ as a clone does, with the built
// owl first on the PATH. Only lines that need the network or the Swift toolchain (cloning
// KBLab's repository and what reads it, owl pull, swift, make, .ci) or write into the user's home
// (installing shell completion) are left out, and counted.

@Suite struct ReadmeTests {
    /// The shell commands of the README's ```sh blocks, continuation lines joined, comments dropped.
    static func commands(in readme: String) -> [String] {
        var commands: [String] = []
        var inShell = false
        var pending = ""
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                inShell = !inShell && line == "```sh"
                continue
            }
            guard inShell else { continue }
            let code = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (code.isEmpty || code.hasPrefix("#")) { continue }
            if code.hasSuffix("\\") {
                pending += code.dropLast() + " "
                continue
            }
            commands.append(pending + code)
            pending = ""
        }
        return commands
    }

    static func needsNetworkOrToolchain(_ command: String) -> Bool {
        command.hasPrefix("git clone") || command.contains("huggingface_stats/") || command.hasPrefix("owl pull ") || command.hasPrefix("swift ")
            || command.hasPrefix("make ") || command.hasPrefix(".ci/")
            || command.contains("~/") || command.contains("$HOME") || command.contains("${fpath")
    }

    @Test func everyExampleRunsFromTheTopOfAClone() throws {
        let readme = try String(contentsOf: packageRoot.appending(path: "README.md"), encoding: .utf8)
        let all = Self.commands(in: readme)
        let runnable = all.filter { !Self.needsNetworkOrToolchain($0) }
        // The quickstart, install, completion, KBLab, pull and benchmark lines; everything else runs.
        #expect(all.count - runnable.count == 17, "left out: \(all.filter(Self.needsNetworkOrToolchain))")
        #expect(runnable.count >= 15, "\(runnable)")

        let box = try Sandbox()
        for folder in ["Seeds", "Tests"] {
            try FileManager.default.createSymbolicLink(at: box.folder.appending(path: folder), withDestinationURL: packageRoot.appending(path: folder))
        }
        let path = box.folder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let initRun = try box.owl("init")
        #expect(initRun.status == 0, "\(initRun.stderr)")
        for command in runnable {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.currentDirectoryURL = box.folder
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "OWL_DB")
            environment["PATH"] = path
            process.environment = environment
            let err = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "README example failed: \(command)\n\(stderr)")
        }
    }

    /// docs/FORMAT.md's example files, as its "## Example" section names and shows them.
    @Test func theFormatDocumentsExampleLoads() throws {
        let doc = try String(contentsOf: packageRoot.appending(path: "docs/FORMAT.md"), encoding: .utf8)
        let section = try #require(doc.components(separatedBy: "## Example").last)
        let names = section.matches(of: try Regex("`([a-z]+\\.(?:csv|jsonl|json))`")).compactMap { $0.output[1].substring.map(String.init) }
        let blocks = section.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }
            .map { $0.element.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? "" }
        #expect(names == ["organizations.csv", "models.jsonl", "metrics.json", "observations.csv"])
        #expect(blocks.count == names.count)
        let box = try Sandbox()
        for (name, text) in zip(names, blocks) { try box.write("example/\(name)", text) }
        let run = try box.owl("ingest", "example")
        #expect(run.status == 0, "\(run.stderr)")
        let query = try box.owl("query", "--sql", """
            SELECT m.id, m.organization, m.released_on, m.params_active_b, k.id AS metric, date(o.observed_day * 86400, 'unixepoch'), o.value
            FROM observations o JOIN models m ON m.key = o.model JOIN metrics k ON k.key = o.metric
            """, "--format", "csv")
        #expect(query.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").last
                == "deepseek-ai/DeepSeek-R1,deepseek,2025-01-20,37,hf_likes,2025-06-01,12600", "\(query.stdout)\(query.stderr)")
    }
}
