import ArgumentParser
import Foundation
import Warehouse

@main
struct Owl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owl",
        abstract: "owl, the Open Weights Ledger: a SQLite warehouse of the open-weight AI model ecosystem.",
        discussion: """
            owl stores organizations, releases, models and metrics (downloads, likes,
            benchmark scores), ingests data files, runs prepared analyses and exports the
            results.

            Start with:
              owl init                     create owl.sqlite here
              owl ingest Seeds/            load the curated dataset
              owl status                   see what is stored

            Every command takes --db PATH (default: $OWL_DB, else owl.sqlite in this
            folder) and brings the database to the latest schema before it runs. Only
            init and ingest create a missing database.

            Exit codes: 0 done; 1 the database, the data or a file failed; 2 the
            command line is wrong (found before the database is opened).
            """,
        version: OwlVersion.string,
        subcommands: [Init.self, Migrate.self, Ingest.self, Pull.self, Analyses.self, Query.self, Export.self, Status.self, OrganizationsCommand.self, RejectsCommand.self, Metrics.self, ReportCommand.self]
    )

    /// Exit codes as DESIGN.md promises: 0 ok, 1 bad input or failed check, 2 usage error
    /// (ArgumentParser's own default for usage errors is 64).
    static func main() {
        if let word = CommandLine.arguments.dropFirst().first, let message = unknownCommandMessage(word) {
            printError("owl: \(message)\nUsage: owl <subcommand>; `owl --help` lists them.")
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

extension Owl {
    /// "unknown command qurey; did you mean query?" for a first word that names no
    /// subcommand (ArgumentParser would report the options after it instead).
    static func unknownCommandMessage(_ word: String) -> String? {
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !word.hasPrefix("-"), !names.contains(word) else { return nil }
        var message = "unknown command \(word)"
        if let suggestion = Warehouse.suggestion(for: word, among: names) {
            message += "; did you mean \(suggestion)?"
        } else {
            message += "; the commands are \(names.dropLast().joined(separator: ", "))"
        }
        return message
    }
}

enum OwlVersion {
    static let string = "owl 0.1.0 (SQLite \(Warehouse.sqliteVersion))"
}

/// The `--db` option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database file.",
        discussion: "Defaults to $OWL_DB when set, else owl.sqlite in the current directory.",
        valueName: "path"))
    var db: String?

    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["OWL_DB"], !env.isEmpty { return env }
        return "owl.sqlite"
    }

    /// Opens and migrates the database, turning failures into a clean exit 1. Only init and
    /// ingest create a missing database; every other command refuses it.
    func openWarehouse(creation: Warehouse.Creation = .never) throws -> Warehouse {
        try reportingErrors { try Warehouse(path: path, creation: creation) }
    }

    /// Opens an existing database for a command that only reads: no write access needed.
    func openWarehouseForReading() throws -> Warehouse {
        try reportingErrors { try Warehouse.openForReading(path: path) }
    }
}

/// Prints a user-facing error to standard error and exits 2 for a wrong command line, 1 for
/// anything else, instead of a stack of Swift types.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as UsageError {
        printError("owl: \(error)")
        throw ExitCode(2)
    } catch {
        printError("owl: \(error)")
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}
