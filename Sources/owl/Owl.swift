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
            folder) and brings the database to the latest schema before it runs. Only init
            and ingest create a missing database.

            Exit codes: 0 done; 1 the database, the data or a file failed; 2 the command
            line is wrong (found before the database is opened).
            """,
        version: OwlVersion.string,
        subcommands: [Init.self, Migrate.self, Ingest.self, Pull.self, Analyses.self, Query.self, Export.self, Status.self, OrganizationsCommand.self, RejectsCommand.self, Metrics.self, ReportCommand.self]
    )

    /// The one place an error becomes an exit code, as DESIGN.md promises: 2 for a wrong
    /// command line (found by ArgumentParser, by a `validate()`, or a `UsageError`), 1 for
    /// what needs the database, the data, files or the network, 0 for --help and --version.
    static func main() {
        if let word = CommandLine.arguments.dropFirst().first, let message = unknownCommandMessage(word) {
            printError("owl: \(message)\nUsage: owl <subcommand>; `owl --help` lists them.")
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            // The command has said what went wrong.
            Foundation.exit(code.rawValue)
        } catch {
            switch exitCode(for: error) {
            case .success:
                // --help, --version.
                exit(withError: error)
            case .validationFailure:
                // ArgumentParser's own usage errors and validate()'s; its code is 64, owl's 2.
                printError(fullMessage(for: error))
                Foundation.exit(2)
            default:
                let (message, usage) = commandLineWording(of: error)
                printError("owl: \(message)")
                Foundation.exit(usage ? 2 : 1)
            }
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

    /// Opens and migrates the database. Only init and ingest create a missing database;
    /// every other command refuses it.
    func openWarehouse(creation: Warehouse.Creation = .never) throws -> Warehouse {
        try Warehouse(path: path, creation: creation)
    }

    /// Opens an existing database for a command that only reads: no write access needed.
    func openWarehouseForReading() throws -> Warehouse {
        try Warehouse.openForReading(path: path)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}
