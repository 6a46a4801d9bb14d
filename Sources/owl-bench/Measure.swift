import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One finished child process: wall time, peak resident memory, exit status.
struct Measurement {
    let seconds: Double
    let peakMemoryBytes: Int
    let status: Int32
}

/// Runs a program to completion, standard output to `stdoutPath` (or discarded), and
/// measures it with wait4's resource usage, which covers exactly that process.
func measure(_ executable: String, _ arguments: [String], stdin stdinPath: String? = nil,
             stdout stdoutPath: String = "/dev/null") throws -> Measurement {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = Date()
    let code = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
    guard code == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(code)))") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Measurement(seconds: seconds, peakMemoryBytes: Int(usage.ru_maxrss) * 1024, status: exitStatus)
}

/// Replaces this process with a fresh run of the same command line. Linux hands a spawned
/// child the high-water mark of its parent's memory (vfork shares the parent's address space
/// until exec, and exec records its peak as the child's), so after this process has built
/// the dataset in memory every child's peak would include it; a fresh process measures the
/// child alone. Call it only once the files it generated exist, so the new run skips them.
func restartInFreshProcess() -> Never {
    print("restarting in a fresh process, so that children's peak memory is theirs alone …")
    flushStandardOutput()
    let argv = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", argv)
    fatalError("cannot restart: \(String(cString: strerror(errno)))")
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

func rate(_ rows: Int, _ seconds: Double) -> String {
    String(format: "%.0f rows/s", Double(rows) / max(seconds, 1e-9))
}
