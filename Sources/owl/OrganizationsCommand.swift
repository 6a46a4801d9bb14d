import ArgumentParser
import Foundation
import Warehouse

struct OrganizationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organizations",
        abstract: "List organizations, fill in their country and kind, merge duplicates.",
        discussion: """
            Examples:
              owl organizations list --unknown          # country ZZ, most downloaded first
              owl organizations set tiny-lab --country FR --kind company
              owl organizations merge facebook-ai-research meta
            """,
        subcommands: [List.self, Set.self, Merge.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List organizations with their models and latest downloads.",
            discussion: """
                Each organization with its Hugging Face namespaces, its number of models and
                latest_downloads_30d: the sum over its models of each one's latest
                hf_downloads_30d observation. --unknown keeps those whose country is ZZ, most
                downloaded first: what to fill in next with `owl organizations set`.

                Examples:
                  owl organizations list --unknown
                  owl organizations list --sort models --format markdown
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var outputOptions: OutputOptions

        @Flag(help: "Only organizations whose country is unknown (ZZ).")
        var unknown = false

        @Option(help: ArgumentHelp("downloads, models or name (default: downloads with --unknown, else name).", valueName: "order"))
        var sort: Organizations.ListOrder?

        func validate() throws {
            try outputOptions.checkFormat()
        }

        func run() throws {
            let terminal = isatty(STDOUT_FILENO) != 0 && outputOptions.file == nil
            let format = try outputOptions.resolvedFormat(fallback: terminal ? .table : .csv)
            let warehouse = try database.openWarehouse()
            let statement = try Organizations.list(unknownOnly: unknown, order: sort ?? (unknown ? .downloads : .name), in: warehouse.db)
            try ResultWriter.write(statement, format: format, to: try outputOptions.sink())
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an organization's country, kind, name or URL.",
            discussion: """
                Values are checked as `owl ingest` checks a row of organizations (country:
                an ISO 3166-1 alpha-2 code, or ZZ; kind: company, academic, nonprofit,
                community or government). The change is recorded as a batch that `owl status`
                lists.

                Examples:
                  owl organizations set tiny-lab --country FR --kind company
                  owl organizations set kblab --name "KBLab" --url https://www.kb.se/
                """)

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The organization's id.", valueName: "id"))
        var id: String

        @Option(help: ArgumentHelp("ISO 3166-1 alpha-2 code, e.g. US, CN, FR (ZZ: unknown).", valueName: "code"))
        var country: String?

        @Option(help: ArgumentHelp("company, academic, nonprofit, community or government.", valueName: "kind"))
        var kind: String?

        @Option(help: ArgumentHelp("The organization's name.", valueName: "name"))
        var name: String?

        @Option(help: ArgumentHelp("A page about the organization (https://…).", valueName: "url"))
        var url: String?

        func validate() throws {
            if country == nil && kind == nil && name == nil && url == nil {
                throw ValidationError("give at least one of --country, --kind, --name, --url")
            }
        }

        func run() throws {
            let warehouse = try database.openWarehouse()
            var words = ["owl organizations set", id]
            for (option, value) in [("--country", country), ("--kind", kind), ("--name", name), ("--url", url)] {
                if let value { words += [option, value.contains(" ") ? "\"\(value)\"" : value] }
            }
            let changed = try Organizations.set(id, Organizations.Changes(name: name, country: country, kind: kind, url: url),
                                                command: words.joined(separator: " "), in: warehouse)
            print(changed ? "\(id): updated" : "\(id): unchanged (it already had these values)")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge one organization into another.",
            discussion: """
                Moves FROM's releases, models, Hugging Face namespaces and aliases to INTO,
                records FROM's id, name and namespaces as aliases of INTO, and removes FROM, in
                one transaction. Importers resolve aliases first, so the next import of a file
                naming FROM adds to INTO. Merging again changes nothing.

                Examples:
                  owl organizations merge facebook-ai-research meta
                  owl organizations merge allen-institute-for-ai ai2
                """)

        @OptionGroup var database: DatabaseOptions

        @Argument(help: ArgumentHelp("The organization to merge and remove.", valueName: "from"))
        var from: String

        @Argument(help: ArgumentHelp("The organization that remains.", valueName: "into"))
        var into: String

        func run() throws {
            let warehouse = try database.openWarehouse()
            let summary = try Organizations.merge(from, into: into, in: warehouse)
            guard !summary.alreadyMerged else {
                print("\(from) is already merged into \(into): nothing to do")
                return
            }
            let namespaces = summary.namespaces.isEmpty ? "" : " (\(summary.namespaces.joined(separator: ", ")))"
            let aliases = summary.aliases.isEmpty ? "" : " (\(summary.aliases.joined(separator: ", ")))"
            print("merged \(from) into \(into): \(summary.releases) release(s), \(summary.models) model(s), "
                + "\(summary.namespaces.count) namespace(s)\(namespaces), \(summary.movedAliases) earlier alias(es) moved, "
                + "\(summary.aliases.count) new alias(es)\(aliases)")
        }
    }
}

extension Organizations.ListOrder: ExpressibleByArgument {}
