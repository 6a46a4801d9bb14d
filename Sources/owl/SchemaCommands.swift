import ArgumentParser
import Warehouse

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database file and its schema.",
        discussion: """
            Creates the file if it does not exist and applies every migration. Running it
            on an existing database is safe: it only applies what is pending. A SQLite file
            of another application is refused unless --force adds owl's tables to it.

            Example:
              owl init --db research/owl.sqlite
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Add owl's tables to a SQLite database that is not owl's.")
    var force = false

    func run() throws {
        let warehouse = try database.openWarehouse(creation: force ? .evenIntoForeignDatabase : .ifMissing)
        print("\(warehouse.path): ready, schema version \(warehouse.schemaVersion)")
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending schema migrations.",
        discussion: """
            Migrations are numbered SQL files built into owl. Each pending one runs in its
            own transaction and is recorded in the schema_migrations table with its
            SHA-256; an applied migration whose text has changed is reported as an error.
            Every other command migrates first, so this is only needed to upgrade a
            database on purpose.

            owl ingest keeps the observation summaries (each model's latest value and
            yearly totals, which the analyses read) in step with the observations. A tool
            other than owl that writes observations directly leaves them behind:
            --rebuild-summaries rebuilds them (and model_ancestors, the chains of
            model_bases that derivatives reads).

            Examples:
              owl migrate --db owl.sqlite
              owl migrate --rebuild-summaries
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Rebuild the observation summaries the analyses read, from the observations (after another tool wrote observations directly).")
    var rebuildSummaries = false

    func run() throws {
        let before = try Warehouse.schemaVersionWithoutMigrating(path: database.path)
        let warehouse = try Warehouse(path: database.path, creation: .never)
        let after = warehouse.schemaVersion
        if before == after {
            print("\(warehouse.path): up to date at schema version \(after)")
        } else {
            print("\(warehouse.path): migrated from schema version \(before) to \(after)")
        }
        if rebuildSummaries {
            try warehouse.rebuildSummaries()
            print("\(warehouse.path): observation summaries rebuilt")
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the schema version, row counts and recent ingest batches.",
        discussion: """
            Example:
              owl status --db owl.sqlite
              owl status --batches 25
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many recent ingest batches to list.")
    var batches: Int = 10

    func validate() throws {
        guard batches >= 0 else { throw ValidationError("--batches must be 0 or more") }
    }

    func run() throws {
        let warehouse = try database.openWarehouseForReading()
        let status = try WarehouseStatus(of: warehouse, recent: batches)
        print("database:       \(status.path)")
        print("schema version: \(status.schemaVersion) (latest \(status.latestVersion))")
        print("")
        let width = status.rowCounts.map(\.table.count).max() ?? 0
        for (table, rows) in status.rowCounts {
            print("\(table.padding(toLength: width, withPad: " ", startingAt: 0))  \(rows)")
        }
        print("")
        print("ingest: \(status.batchCount) batches, \(status.rejectCount) rejected rows kept" + (status.rejectCount > 0 ? " (owl rejects lists them)" : ""))
        for batch in status.recentBatches {
            print("  #\(batch.id) \(batch.startedAt) \(batch.entity) (\(batch.format)) \(batch.path): "
                + "\(batch.read) read, \(batch.inserted) inserted, \(batch.updated) updated, "
                + "\(batch.unchanged) unchanged, \(batch.skipped) skipped")
        }
    }
}
