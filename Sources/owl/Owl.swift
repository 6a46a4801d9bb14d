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
            folder) and brings the database to the latest schema before it runs.
            """,
        version: OwlVersion.string,
        subcommands: [Init.self, Migrate.self, Ingest.self, Analyses.self, Query.self, Export.self, Status.self]
    )

    /// Exit codes as DESIGN.md promises: 0 ok, 1 bad input or failed check, 2 usage error
    /// (ArgumentParser's own default for usage errors is 64).
    static func main() {
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

    /// Opens and migrates the database, turning failures into a clean exit 1.
    func openWarehouse() throws -> Warehouse {
        try reportingErrors { try Warehouse(path: path) }
    }

    /// Opens an existing database for a command that only reads: no write access needed.
    func openWarehouseForReading() throws -> Warehouse {
        try reportingErrors { try Warehouse.openForReading(path: path) }
    }
}

/// Prints a user-facing error to standard error and exits 1, instead of a stack of Swift types.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("owl: \(error)")
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}
