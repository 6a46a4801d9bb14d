import Foundation

/// Long output on a terminal goes through a pager the way git does it: `$PAGER`, else
/// `less -FRX` (which exits at once when the output fits one screen); never when standard
/// output is not a terminal, and not with `--no-pager` or an empty `$PAGER` or `cat`.
final class Pager {
    private let process: Process
    private let savedOutput: Int32

    /// Starts the pager and points standard output at it; nil when there is none to start.
    static func start() -> Pager? {
        guard isatty(STDOUT_FILENO) != 0 else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let command: String
        if let pager = environment["PAGER"] {
            let trimmed = pager.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed != "cat" else { return nil }
            command = trimmed
        } else {
            // Without less there is no pager, rather than output lost to a failed one.
            let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            guard folders.contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/less") }) else { return nil }
            command = "less"
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var pagerEnvironment = environment
        if pagerEnvironment["LESS"] == nil { pagerEnvironment["LESS"] = "FRX" }
        process.environment = pagerEnvironment
        let pipe = Pipe()
        process.standardInput = pipe
        do { try process.run() } catch { return nil }
        let saved = dup(STDOUT_FILENO)
        dup2(pipe.fileHandleForWriting.fileDescriptor, STDOUT_FILENO)
        try? pipe.fileHandleForWriting.close()
        return Pager(process: process, savedOutput: saved)
    }

    private init(process: Process, savedOutput: Int32) {
        self.process = process
        self.savedOutput = savedOutput
    }

    /// Ends the output (the pager sees end of file) and waits for the reader to quit it.
    func finish() {
        dup2(savedOutput, STDOUT_FILENO)
        close(savedOutput)
        process.waitUntilExit()
    }
}

enum Terminal {
    /// The terminal's width in columns: $COLUMNS when set, else what the terminal says, else 80.
    static func width() -> Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
