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

enum RelExit: Equatable {
    case exited(Int32), signalled(Int32)
}

/// Waits for a child started by `relSpawn`.
func relWait(_ pid: pid_t) -> RelExit {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import.
    return status & 0x7F != 0 ? .signalled(status & 0x7F) : .exited((status >> 8) & 0xFF)
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

extension Sandbox {
    /// Runs a bash command line in the sandbox, `$OWL` naming the copied binary.
    func relShell(_ command: String) throws -> Run {
        try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", command], in: folder,
                       environment: ["OWL": owl.path, "SWIFT_BACKTRACE": "enable=no"])
    }

    /// Starts owl in the sandbox folder with no signal blocked (the test runner's threads block
    /// some, and Foundation's Process passes its mask on), its output discarded. Returns its pid.
    func relSpawn(_ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Relative paths in the arguments resolve against the sandbox folder.
        let command = "cd '\(folder.path)' && exec \"$0\" \"$@\""
        let argv = ["/bin/sh", "-c", command, owl.path] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &cArguments, environ)
        guard code == 0 else { throw NSError(domain: NSPOSIXErrorDomain, code: Int(code)) }
        return pid
    }

    /// The names in the sandbox folder (or a folder in it) that start with a dot, but for the test's own files.
    func relHiddenFiles(in name: String = ".") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path(name)).filter { $0.hasPrefix(".") && !$0.hasPrefix(".std") }.sorted()
    }

    /// A database holding the seeds.
    func relSeeded() throws {
        try relOK(["init", "--db", "owl.sqlite"])
        try relOK(["ingest", "-q", "--db", "owl.sqlite", packageRoot.appending(path: "Seeds").path])
    }
}

@Suite struct WriteErrors {
    @Test(arguments: [["export", "models"], ["query", "--sql", "SELECT * FROM models"], ["query", "cadence", "--from", "2023-01-01"]])
    func aFullStandardOutputIsAMessageAndExit1(arguments: [String]) throws {
        let box = try Sandbox()
        try box.relSeeded()
        let run = try box.relShell("\"$OWL\" \(arguments.map { "'\($0)'" }.joined(separator: " ")) --db owl.sqlite > /dev/full")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "owl: standard output: cannot write: No space left on device\n")
    }

    @Test func aFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        let box = try Sandbox()
        try box.relSeeded()
        try box.write("out/observations.json", "old\n")
        // The seeds' observations as JSON are over 64 KiB; a 40 KiB file-size limit stops the write
        // part way (bash counts ulimit -f in KiB; SIGXFSZ ignored, so write fails with EFBIG).
        let run = try box.relShell("ulimit -f 40; trap '' XFSZ; \"$OWL\" export observations --db owl.sqlite --output out/observations.json --force")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "owl: out/observations.json: cannot write: File too large; out/observations.json is unchanged\n")
        #expect(try String(contentsOfFile: box.path("out/observations.json"), encoding: .utf8) == "old\n")
        #expect(try box.relHiddenFiles(in: "out") == [])
    }
}

@Suite struct OutputPaths {
    @Test func oneCharacterDatabaseAndOutputPaths() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "a"])
        try box.relOK(["export", "metrics", "--db", "a", "--output", "m"])
        #expect(try String(contentsOfFile: box.path("m"), encoding: .utf8) == "id,name,unit,kind,window_days,higher_is_better,description\r\n")
        let dash = try box.relOK(["export", "metrics", "--db", "a", "--output", "-"])
        #expect(dash.stdout == "id,name,unit,kind,window_days,higher_is_better,description\r\n")
        #expect(!FileManager.default.fileExists(atPath: box.path("-")))
        let devStdout = try box.relOK(["query", "--db", "a", "--sql", "SELECT 1 AS one", "--output", "/dev/stdout"])
        #expect(devStdout.stdout == "one\r\n1\r\n")
        try box.relFails(["export", "metrics", "--db", "a", "--output", "x/"], saying: "owl: x/: names a folder; give a file name, e.g. x/out.csv")
        try box.relFails(["init", "--db", "x/"], saying: "owl: x/ names a folder; --db needs a database file path, e.g. x/owl.sqlite")
    }

    @Test func spacesAndNonASCIIInPaths() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: box.path("données à jour"), withIntermediateDirectories: true)
        try box.relOK(["init", "--db", "données à jour/ø w.sqlite"])
        try box.relOK(["export", "metrics", "--db", "données à jour/ø w.sqlite", "--output", "données à jour/métriques 1.tsv"])
        #expect(try String(contentsOfFile: box.path("données à jour/métriques 1.tsv"), encoding: .utf8)
                == "id\tname\tunit\tkind\twindow_days\thigher_is_better\tdescription\n")
        try box.relFails(["export", "metrics", "--db", "données à jour/ø w.sqlite", "--output", "nowhere/é.csv"], saying: "nowhere/é.csv: cannot write in nowhere")
    }

    @Test func forceWritesThroughASymbolicLinkToItsTarget() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        try box.write("real.csv", "old\n")
        try FileManager.default.createSymbolicLink(atPath: box.path("link.csv"), withDestinationPath: "real.csv")
        try box.relFails(["export", "metrics", "--db", "owl.sqlite", "--output", "link.csv"], saying: "link.csv already exists; give --force to replace it")
        try box.relOK(["export", "metrics", "--db", "owl.sqlite", "--output", "link.csv", "--force"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: box.path("link.csv")) == "real.csv")
        #expect(try String(contentsOfFile: box.path("real.csv"), encoding: .utf8) == "id,name,unit,kind,window_days,higher_is_better,description\r\n")
    }

    @Test func anythingButARegularFileIsRefused() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        #expect(mkfifo(box.path("fifo"), 0o644) == 0)
        try box.relFails(["export", "metrics", "--db", "owl.sqlite", "--output", "fifo", "--force"],
                         saying: "owl: fifo is not a regular file (a device, pipe or socket); owl replaces only regular files")
        try box.relFails(["export", "metrics", "--db", "owl.sqlite", "--output", "/dev/null", "--force"],
                         saying: "owl: /dev/null is not a regular file")
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(lstat(box.path("fifo"), &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }
}

@Suite struct TemporaryFileCleanup {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalDuringAnExportRemovesTheTemporaryFile(signal: Int32) throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        // A query that never ends writes its output until it is stopped.
        let child = try box.relSpawn(["query", "--db", "owl.sqlite", "--timeout", "0", "--output", "out.csv",
                                      "--sql", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"])
        defer { kill(child, SIGKILL) }
        var waited = 0
        while try box.relHiddenFiles().filter({ $0.hasPrefix(".out.csv.owl-") }).isEmpty && waited < 200 {
            usleep(50_000)
            waited += 1
        }
        #expect(try box.relHiddenFiles().contains { $0.hasPrefix(".out.csv.owl-") }, "the export never started its temporary file")
        usleep(200_000)
        kill(child, signal)
        #expect(relWait(child) == .signalled(signal))
        #expect(try box.relHiddenFiles().filter { $0.hasPrefix(".out.csv") } == [])
        #expect(!FileManager.default.fileExists(atPath: box.path("out.csv")))
    }

    @Test func theNextExportRemovesStaleTemporaryFiles() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        // PIDs above Linux's largest (4,194,304) belong to no process.
        try box.write(".m.csv.owl-99999999-0a1b2c3d.tmp", "half an export")
        try box.write(".other.csv.owl-99999999-0a1b2c3d.tmp", "another file's")
        try box.relOK(["export", "metrics", "--db", "owl.sqlite", "--output", "m.csv"])
        #expect(try box.relHiddenFiles() == [".other.csv.owl-99999999-0a1b2c3d.tmp"])
        // export all's temporary folder, with what it held when its owl was killed.
        try box.write(".backup.owl-99999999-0a1b2c3d.tmp/models.csv", "half\n")
        try box.relOK(["export", "all", "--db", "owl.sqlite", "--output", "backup"])
        #expect(try box.relHiddenFiles() == [".other.csv.owl-99999999-0a1b2c3d.tmp"])
    }
}

@Suite struct BoundedSQL {
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"

    @Test func aRunawayQueryStopsAtItsTimeout() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        let started = Date()
        try box.relFails(["query", "--db", "owl.sqlite", "--timeout", "1", "--sql", "\(Self.endless) SELECT count(*) FROM c"],
                         saying: "owl: the query was stopped after 1 s (--timeout); give --timeout SECONDS for longer, or --timeout 0 for no limit")
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func aPreparedAnalysisTakesATimeoutToo() throws {
        let box = try Sandbox()
        try box.relSeeded()
        try box.relFails(["query", "--db", "owl.sqlite", "cadence", "--timeout", "0.000001"], saying: "owl: the query was stopped after 1e-6 s")
        #expect(try box.relOK(["query", "--db", "owl.sqlite", "cadence"]).stdout.hasPrefix("group,release_days,models,"))
    }

    @Test func aRunawaySortStopsAtTheMemoryLimitInsteadOfFillingTheDisk() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        let started = Date()
        let run = try box.relFails(["query", "--db", "owl.sqlite", "--memory-limit", "16", "--sql", "\(Self.endless) SELECT x FROM c ORDER BY x DESC"],
                                   saying: "owl: the query was stopped: it needs more memory than the 16 MiB --memory-limit allows")
        #expect(run.stdout == "")
        #expect(Date().timeIntervalSince(started) < 15)
        let usage = try box.run(["query", "--db", "owl.sqlite", "cadence", "--memory-limit", "16"])
        #expect(usage.status == 2 && usage.stderr.contains("--memory-limit bounds --sql"), "\(usage.stderr)")
    }

    @Test(arguments: ["SELECT hex(fts3_tokenizer('simple'))", "SELECT fts3_tokenizer('mine', x'0000000000000000')",
                      "SELECT load_extension('/tmp/x.so')"])
    func functionsThatReachOutsideTheDataAreRefused(sql: String) throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        let run = try box.relFails(["query", "--db", "owl.sqlite", "--sql", sql],
                                   saying: "owl: refused: --sql runs read-only SQL; ATTACH, DETACH, pragmas that set a value and functions that reach outside the data")
        #expect(run.stdout == "")
    }

    @Test func ctrlCStillStopsAQuery() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        let child = try box.relSpawn(["query", "--db", "owl.sqlite", "--sql", "\(Self.endless) SELECT count(*) FROM c"])
        defer { kill(child, SIGKILL) }
        usleep(500_000)
        kill(child, SIGINT)
        #expect(relWait(child) == .signalled(SIGINT))
    }
}

extension Sandbox {
    /// An observations file of `days` daily hf_likes values for every seeded model: with the
    /// seeds' 243 models, 500 days are 121,500 rows, a load of a few seconds.
    func relBigObservations(days: Int) throws -> (path: String, rows: Int) {
        let models = try String(contentsOf: packageRoot.appending(path: "Seeds/models.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        var text = "model,metric,observed_on,value\n"
        let start = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2020, month: 1, day: 1).date!
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        for day in 0..<days {
            let date = formatter.string(from: start.addingTimeInterval(Double(day) * 86_400))
            for model in models { text += "\(model),hf_likes,\(date),\(day)\n" }
        }
        return (try write("big.csv", text), models.count * days)
    }

    /// Starts owl in the background, its output kept in files of the sandbox.
    func relStart(_ arguments: [String], name: String, executable: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable.map(URL.init(fileURLWithPath:)) ?? owl
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env["OWL"] = owl.path
        env.removeValue(forKey: "OWL_DB")
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: write("\(name).out", "")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: write("\(name).err", "")))
        try process.run()
        return process
    }

    func relRead(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

@Suite(.serialized) struct ReadersDuringALoad {
    @Test func readersKeepAnsweringAndSeeOnlyBeforeOrAfter() throws {
        let box = try Sandbox()
        try box.relSeeded()
        let before = Int(try box.impValue("SELECT count(*) FROM observations"))!
        let big = try box.relBigObservations(days: 500)
        let ingest = try box.relStart(["ingest", "-q", "--db", "owl.sqlite", "big.csv", "--into", "observations"], name: "ingest")
        var reads = 0, counts: Set<Int> = []
        while ingest.isRunning {
            let owl = try box.run(["query", "--db", "owl.sqlite", "--sql", "SELECT count(*) FROM observations", "--format", "tsv"])
            #expect(owl.status == 0, "owl query failed during the load: \(owl.stderr)")
            counts.insert(Int(owl.stdout.split(separator: "\n").last ?? "") ?? -1)
            let shell = try box.relShell("sqlite3 owl.sqlite 'SELECT count(*) FROM observations'")
            #expect(shell.status == 0, "sqlite3 failed during the load: \(shell.stderr)")
            counts.insert(Int(shell.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
            let status = try box.run(["status", "--db", "owl.sqlite"])
            #expect(status.status == 0, "owl status failed during the load: \(status.stderr)")
            reads += 1
        }
        ingest.waitUntilExit()
        let ingestErrors = try box.relRead("ingest.err")
        #expect(ingest.terminationStatus == 0, "\(ingestErrors)")
        #expect(reads >= 2, "the load ended before the readers could try")
        #expect(counts.isSubset(of: [before, before + big.rows]), "counts seen: \(counts.sorted())")
        // The load ends with its WAL copied into the database file and emptied.
        let wal = (try? FileManager.default.attributesOfItem(atPath: box.path("owl.sqlite-wal"))[.size] as? Int) ?? 0
        #expect(wal == 0)
    }

    @Test func aSecondLoadWaitsItsTurnWithAMessage() throws {
        let box = try Sandbox()
        try box.relSeeded()
        // Big enough that the first load is still running when the second starts, 1 s in.
        _ = try box.relBigObservations(days: 3000)
        let first = try box.relStart(["ingest", "-q", "--db", "owl.sqlite", "big.csv", "--into", "observations"], name: "first")
        usleep(1_000_000)
        let second = try box.relOK(["ingest", "-q", "--db", "owl.sqlite", packageRoot.appending(path: "Seeds/metrics.csv").path])
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.stderr.contains("waiting for another load of this database…"), "\(second.stderr)")
        #expect(second.stdout.contains("metrics: loaded, 5 read"))
    }

    @Test func waitBoundsTheWait() throws {
        let box = try Sandbox()
        try box.relSeeded()
        // Big enough that the first load is still running when the second gives up, 1.2 s in.
        _ = try box.relBigObservations(days: 3000)
        let first = try box.relStart(["ingest", "-q", "--db", "owl.sqlite", "big.csv", "--into", "observations"], name: "first")
        usleep(1_000_000)
        let second = try box.relFails(["ingest", "-q", "--db", "owl.sqlite", "--wait", "0.2", packageRoot.appending(path: "Seeds/metrics.csv").path],
                                      saying: "metrics.csv: another load of this database is still running; nothing of this file was loaded (--wait gives it longer)")
        #expect(second.stderr.contains("waiting for another load of this database…"))
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
    }
}

@Suite struct ExportAllReplacesAFolderAsAWhole {
    @Test func aFailedExportAllKeepsTheOldFolderWhole() throws {
        let box = try Sandbox()
        try box.relSeeded()
        try box.relOK(["export", "all", "--db", "owl.sqlite", "--output", "backup", "--format", "jsonl"])
        let before = try FileManager.default.contentsOfDirectory(atPath: box.path("backup")).sorted()
        let observations = try box.relRead("backup/observations.jsonl")
        // The observations (over 60 KiB as CSV) hit the file-size limit after the other four (under 50 KiB) are written.
        let run = try box.relShell("ulimit -f 50; trap '' XFSZ; \"$OWL\" export all --db owl.sqlite --output backup --force")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "owl: backup/observations.csv: cannot write: File too large\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("backup")).sorted() == before)
        #expect(try box.relRead("backup/observations.jsonl") == observations)
        #expect(try box.relHiddenFiles() == [], "a temporary folder was left beside backup")
    }

    @Test func forceReplacesTheWholeSetIncludingOtherFormats() throws {
        let box = try Sandbox()
        try box.relSeeded()
        try box.relOK(["export", "all", "--db", "owl.sqlite", "--output", "backup", "--format", "json"])
        try box.relFails(["export", "all", "--db", "owl.sqlite", "--output", "backup"],
                         saying: "backup/metrics.json already exists; give --force to replace the files in backup")
        try box.relOK(["export", "all", "--db", "owl.sqlite", "--output", "backup/", "--force"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("backup")).sorted()
                == ["metrics.csv", "model_bases.csv", "models.csv", "observations.csv", "organization_aliases.csv", "organizations.csv", "releases.csv"])
        #expect(try box.relHiddenFiles() == [])
    }

    @Test func aFolderHoldingOtherFilesIsRefusedByName() throws {
        let box = try Sandbox()
        try box.relSeeded()
        try box.write("mine/models.csv", "old\n")
        try box.write("mine/notes.txt", "my notes\n")
        try FileManager.default.createDirectory(atPath: box.path("mine/drafts"), withIntermediateDirectories: true)
        try box.relFails(["export", "all", "--db", "owl.sqlite", "--output", "mine", "--force"],
                         saying: "owl: mine holds more than owl's entity files (drafts, notes.txt); export all replaces the whole folder, so give an empty or new one")
        #expect(try box.relRead("mine/notes.txt") == "my notes\n")
        #expect(try box.relRead("mine/models.csv") == "old\n")
    }

    @Test func exportAllIsOneSnapshotWhileLoadsRun() throws {
        let box = try Sandbox()
        try box.relSeeded()
        // Loads alongside: each adds a model (a folder: models first, then its observation).
        for batch in 0..<40 {
            try box.write("loads/\(batch)/models.csv", "id,organization,name,released_on\nload-\(batch),meta,Load \(batch),2025-01-01\n")
            try box.write("loads/\(batch)/observations.csv", "model,metric,observed_on,value\nload-\(batch),hf_likes,2025-01-02,\(batch)\n")
        }
        let loads = try box.relStart(["-c", "for i in $(seq 0 39); do \"$OWL\" ingest -q --db owl.sqlite loads/$i || exit 1; done"],
                                     name: "loads", executable: "/bin/bash")
        var exports = 0
        repeat {
            try box.relOK(["export", "all", "--db", "owl.sqlite", "--output", "snap", "--force"])
            let models = Set(parseCSV(try box.relRead("snap/models.csv")).dropFirst().map { $0[0] })
            let referenced = Set(parseCSV(try box.relRead("snap/observations.csv")).dropFirst().map { $0[0] })
            #expect(referenced.isSubset(of: models), "observations name models missing from models.csv: \(referenced.subtracting(models).sorted())")
            exports += 1
        } while loads.isRunning
        loads.waitUntilExit()
        let loadErrors = try box.relRead("loads.err")
        #expect(loads.terminationStatus == 0, "\(loadErrors)")
        #expect(exports >= 2)
    }
}

@Suite struct ReadOnlyStorage {
    /// Runs every read command on `db` and expects each to answer.
    func expectReadsWork(_ box: Sandbox, db: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = try box.relOK(["status", "--db", db], sourceLocation: sourceLocation)
        #expect(status.stdout.contains("models") && status.stdout.contains("250"), "\(status.stdout)", sourceLocation: sourceLocation)
        let cadence = try box.relOK(["query", "--db", db, "cadence", "--from", "2023-01-01"], sourceLocation: sourceLocation)
        #expect(cadence.stdout.hasPrefix("group,release_days,models,"), sourceLocation: sourceLocation)
        let models = try box.relOK(["export", "models", "--db", db], sourceLocation: sourceLocation)
        #expect(parseCSV(models.stdout).count == 251, sourceLocation: sourceLocation)
        let sql = try box.relOK(["query", "--db", db, "--sql", "SELECT count(*) AS n FROM models"], sourceLocation: sourceLocation)
        #expect(sql.stdout == "n\r\n250\r\n", sourceLocation: sourceLocation)
    }

    @Test func aReadOnlyFileAndFolderCanBeRead() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: box.path("data"), withIntermediateDirectories: true)
        try box.relOK(["init", "--db", "data/owl.sqlite"])
        try box.relOK(["ingest", "-q", "--db", "data/owl.sqlite", packageRoot.appending(path: "Seeds").path])
        if geteuid() == 0 {
            // Permissions do not bind root: a read-only bind mount does (EROFS for everyone).
            try FileManager.default.createDirectory(atPath: box.path("ro"), withIntermediateDirectories: true)
            let mount = try box.relShell("mount --bind data ro && mount -o remount,ro,bind ro")
            try #require(mount.status == 0, "a read-only bind mount is needed to test read-only storage as root: \(mount.stderr)")
            defer { _ = try? box.relShell("umount ro") }
            #expect(!FileManager.default.createFile(atPath: box.path("ro/probe"), contents: Data()), "the mount is writable")
            try expectReadsWork(box, db: "ro/owl.sqlite")
            try box.relFails(["ingest", "-q", "--db", "ro/owl.sqlite", packageRoot.appending(path: "Seeds/metrics.csv").path],
                             saying: "ro/owl.sqlite: the database file is not writable")
            #expect(try FileManager.default.contentsOfDirectory(atPath: box.path("ro")) == ["owl.sqlite"])
        } else {
            #expect(chmod(box.path("data/owl.sqlite"), 0o444) == 0)
            try expectReadsWork(box, db: "data/owl.sqlite")
            #expect(chmod(box.path("data"), 0o555) == 0)
            defer { chmod(box.path("data"), 0o755) }
            try expectReadsWork(box, db: "data/owl.sqlite")
        }
    }
}

extension ReadOnlyStorage {
    // A database an older owl made (a migration pending) on storage owl cannot write: a
    // command that only reads says to migrate where the file is writable, and changes nothing.
    @Test func aPendingMigrationOnReadOnlyStorageSaysRunMigrate() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: box.path("data"), withIntermediateDirectories: true)
        try box.relOK(["init", "--db", "data/owl.sqlite"])
        // Undo the newest migration (0005 only adds a view), as if an older owl had made the file.
        let undo = try box.relShell("sqlite3 data/owl.sqlite \"DROP VIEW observations_named; DELETE FROM schema_migrations WHERE version = 5\"")
        try #require(undo.status == 0, "\(undo.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: box.path("data/owl.sqlite")))
        let ro: String
        if geteuid() == 0 {
            try FileManager.default.createDirectory(atPath: box.path("ro"), withIntermediateDirectories: true)
            let mount = try box.relShell("mount --bind data ro && mount -o remount,ro,bind ro")
            try #require(mount.status == 0, "a read-only bind mount is needed to test read-only storage as root: \(mount.stderr)")
            ro = "ro/owl.sqlite"
        } else {
            #expect(chmod(box.path("data/owl.sqlite"), 0o444) == 0)
            ro = "data/owl.sqlite"
        }
        defer { if geteuid() == 0 { _ = try? box.relShell("umount ro") } }
        for command in [["status"], ["query", "cadence"], ["export", "models"]] {
            try box.relFails(command + ["--db", ro], saying: "the database lacks migrations this owl needs (0005_observations_named)")
            #expect(try box.run(command + ["--db", ro]).stderr.contains("run `owl migrate --db \(ro)` where it is"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: box.path("data/owl.sqlite"))) == before)
    }
}

@Suite struct AlignedOutputIsBounded {
    @Test func aLongTableIsLaidOutFromItsFirstRowsThenStreamed() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        // 1,500 rows: x is 1…1500; the text column is "a" in the first 1,000 rows, then "wide text".
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500) "
            + "SELECT x, CASE WHEN x <= 1000 THEN 'a' ELSE 'wide text' END AS t FROM c"
        let table = try box.relOK(["query", "--db", "owl.sqlite", "--sql", sql, "--format", "table"]).stdout.split(separator: "\n")
        #expect(table.count == 2 + 1500 + 1)
        // Widths from the first 1,000 rows: x is 4 wide ("1000"), t is 1 wide ("a").
        #expect(table[0] == "   x  t")
        #expect(table[1] == "────  ─")
        #expect(table[2] == "   1  a")
        #expect(table[1002] == "1001  wide text")
        #expect(table.last == "(1500 rows)")
        let markdown = try box.relOK(["query", "--db", "owl.sqlite", "--sql", sql, "--format", "markdown"]).stdout.split(separator: "\n")
        #expect(markdown.count == 2 + 1500)
        #expect(markdown[0] == "| x    | t   |")
        #expect(markdown[1] == "| ---: | --- |")
        #expect(markdown[1501] == "| 1500 | wide text |")
    }

    @Test func anEndlessTableStreamsRowsBeforeItIsStopped() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        let run = try box.run(["query", "--db", "owl.sqlite", "--format", "table", "--timeout", "2",
                               "--sql", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count > 1002, "only \(lines.count) lines came out before the timeout: the table was held in memory")
        #expect(lines.first?.trimmingCharacters(in: .whitespaces) == "x")
    }
}

@Suite struct FullDisk {
    @Test(.enabled(if: geteuid() == 0, "a full disk is a small tmpfs mount, which needs root"))
    func aFullDiskStillReadsAndSaysWhyAWriteFails() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: box.path("full"), withIntermediateDirectories: true)
        let mount = try box.relShell("mount -t tmpfs -o size=4m tmpfs full")
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.stderr)")
        defer { _ = try? box.relShell("umount full") }
        try box.relOK(["init", "--db", "full/owl.sqlite"])
        try box.relOK(["ingest", "-q", "--db", "full/owl.sqlite", packageRoot.appending(path: "Seeds/organizations.csv").path])
        _ = try box.relShell("dd if=/dev/zero of=full/fill bs=4k 2>/dev/null")
        #expect(try box.relShell("df --output=avail full | tail -1").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try box.relOK(["query", "--db", "full/owl.sqlite", "--sql", "SELECT count(*) AS n FROM organizations"]).stdout == "n\r\n403\r\n")
        #expect(try box.relOK(["status", "--db", "full/owl.sqlite"]).stdout.contains("organizations         403"))
        #expect(parseCSV(try box.relOK(["export", "organizations", "--db", "full/owl.sqlite"]).stdout).count == 404)
        try box.relFails(["ingest", "-q", "--db", "full/owl.sqlite", packageRoot.appending(path: "Seeds/releases.csv").path],
                         saying: "the disk is full; free some space")
    }
}

@Suite struct MessagesThatMisled {
    @Test func aPragmaThatOnlyReadsIsAllowed() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        #expect(try box.relOK(["query", "--db", "owl.sqlite", "--sql", "PRAGMA journal_mode"]).stdout == "journal_mode\r\nwal\r\n")
        try box.relFails(["query", "--db", "owl.sqlite", "--sql", "PRAGMA journal_mode = DELETE"], saying: "owl: refused: --sql runs read-only SQL")
    }

    @Test func sqlMayStartWithAComment() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        #expect(try box.relOK(["query", "--db", "owl.sqlite", "--sql", "-- how many?\nSELECT 1 AS one"]).stdout == "one\r\n1\r\n")
    }

    @Test func numbersOutOfRangeSaySo() throws {
        let box = try Sandbox()
        try box.relSeeded()
        try box.write("obs.csv", """
            model,metric,observed_on,value
            meta-llama/Llama-2-7b-hf,hf_likes,2025-01-01,1e999
            meta-llama/Llama-2-7b-hf,hf_likes,2025-01-02,-1e999
            meta-llama/Llama-2-7b-hf,hf_likes,2025-01-03,1e-999
            meta-llama/Llama-2-7b-hf,hf_likes,2025-01-04,0e-999

            """)
        let run = try box.relFails(["ingest", "-q", "--db", "owl.sqlite", "obs.csv", "--into", "observations"], saying: "3 of 4 rows are invalid")
        #expect(run.stderr.contains("obs.csv:2: field value: is out of range: numbers must be smaller than about 1.8e308 in size (got \"1e999\")"))
        #expect(run.stderr.contains("obs.csv:3: field value: is out of range: numbers must be smaller than about 1.8e308 in size (got \"-1e999\")"))
        #expect(run.stderr.contains("obs.csv:4: field value: is too small to store (it would be stored as 0): numbers must be 0 or at least about 2.2e-308 in size (got \"1e-999\")"))
        #expect(!run.stderr.contains("obs.csv:5"))
    }

    @Test func aHugeValueIsEchoedCut() throws {
        let box = try Sandbox()
        try box.relSeeded()
        let huge = String(repeating: "x", count: 1_000_000)
        try box.write("obs.csv", "model,metric,observed_on,value\nmeta-llama/Llama-2-7b-hf,hf_likes,2025-01-01,\(huge)\n")
        let run = try box.relFails(["ingest", "-q", "--db", "owl.sqlite", "obs.csv", "--into", "observations"],
                                   saying: "obs.csv:2: field value: must be a number (got \"\(String(repeating: "x", count: 200))… (1000000 bytes in all)\")")
        #expect(run.stderr.utf8.count < 2_000)
    }

    @Test func aHeaderOf10000UnknownColumnsIsReportedInTwentyOneLines() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        try box.write("obs.csv", "model,metric,observed_on,value," + (1...10_000).map { "c\($0)" }.joined(separator: ",") + "\n")
        let run = try box.relFails(["ingest", "-q", "--db", "owl.sqlite", "obs.csv", "--into", "observations"],
                                   saying: "… and 9980 more problems in the header")
        #expect(run.stderr.split(separator: "\n").count <= 25, "\(run.stderr.split(separator: "\n").count) lines")
    }

    @Test func aChangedMigrationDoesNotAskABinaryUserToRestoreAFile() throws {
        let box = try Sandbox()
        try box.relOK(["init", "--db", "owl.sqlite"])
        _ = try box.relShell("sqlite3 owl.sqlite \"UPDATE schema_migrations SET sha256 = 'x' WHERE version = 1\"")
        try box.relFails(["status", "--db", "owl.sqlite"],
                         saying: "differs from the one applied to this database, so this owl and the database disagree on its schema; use the owl that made the database")
    }
}


@Suite struct KilledLoads {
    @Test func killNineAtSeededMomentsLeavesTheDatabaseBeforeOrAfter() throws {
        let box = try Sandbox()
        try box.relSeeded()
        let before = Int(try box.impValue("SELECT count(*) FROM observations"))!
        let big = try box.relBigObservations(days: 300)
        var random = SeededRandom(seed: 20_261_126)
        var outcomes: Set<Int> = []
        for attempt in 0..<6 {
            let db = "kill-\(attempt).sqlite"
            try FileManager.default.copyItem(atPath: box.path("owl.sqlite"), toPath: box.path(db))
            let ingest = try box.relStart(["ingest", "-q", "--db", db, "big.csv", "--into", "observations"], name: "ingest-\(attempt)")
            usleep(UInt32.random(in: 50_000...2_500_000, using: &random))
            kill(ingest.processIdentifier, SIGKILL)
            ingest.waitUntilExit()
            // The next reader recovers the database: owl's read-only --sql and the sqlite3 shell.
            let count = try box.relOK(["query", "--db", db, "--sql", "SELECT count(*) AS n FROM observations", "--format", "tsv"])
            let rows = Int(count.stdout.split(separator: "\n").last ?? "") ?? -1
            #expect(rows == before || rows == before + big.rows, "attempt \(attempt): \(rows) observations")
            outcomes.insert(rows)
            #expect(try box.impValue("PRAGMA integrity_check", db: db) == "ok")
            #expect(try box.impValue("PRAGMA foreign_key_check", db: db) == "")
        }
        #expect(outcomes.contains(before), "no kill landed during the load")
    }
}
