import ArgumentParser
import Foundation
import Warehouse

struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a dated snapshot from a source's API and load it.",
        subcommands: [PullHF.self])
}

extension HubSort: ExpressibleByArgument {}

struct PullHF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hf",
        abstract: "Snapshot the Hugging Face Hub's model listing (/api/models) and load it, observed today.",
        discussion: """
            Fetches GET {endpoint}/api/models with the filters given, following the Link
            header page by page until --limit models or the end. Every page is kept as
            received in a folder of its own, snapshots/hf/YYYY-MM-DD/HHMMSSZ/ beside the
            database (or --keep DIR), with a manifest.json of each page's URL, time, HTTP
            status and SHA-256. The pages are then loaded through the hf-models format with
            the UTC date of the pull as --observed-on, one batch a page, in one
            transaction: the pull loads whole or not at all. A second pull on the same day
            updates that day's observations.

            A 429 waits as its Retry-After says (at most --max-wait); a 5xx or a broken
            connection is tried again with growing waits, 5 tries a page. A page that fails
            for good stops the pull, naming it; the pages fetched stay, nothing is loaded
            (unless --partial), and --resume continues from the last good page.

            $HF_TOKEN is sent as a bearer token, over https or to this machine only, and
            never printed or stored. $HF_ENDPOINT sets the endpoint, as for the Hub's own
            tools.

            Examples:
              owl pull hf --author deepseek-ai --author Qwen
              owl pull hf --authors-from-registry --limit 0
              owl pull hf --sort createdAt --since 2025-11-01 \\
                  --pipeline-tag text-generation
              owl pull hf --resume
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("author"), help: ArgumentHelp("A namespace to list (repeatable; one request series each).", valueName: "namespace"))
    var authors: [String] = []

    @Flag(help: "List every namespace in the organizations' hf_namespaces.")
    var authorsFromRegistry = false

    @Option(help: "The order to list models in, most first.")
    var sort: HubSort = .downloads

    @Option(help: ArgumentHelp("Models to fetch in all; 0 for no limit.", valueName: "n"))
    var limit = 1000

    @Option(help: ArgumentHelp("Only models with this pipeline tag (text-generation, …).", valueName: "tag"))
    var pipelineTag: String?

    @Option(help: ArgumentHelp("Only models whose id contains this text.", valueName: "text"))
    var search: String?

    @Option(help: ArgumentHelp("Keep models created on or after this date (with --sort createdAt, paging stops there).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("The folder for this pull's pages and manifest.", valueName: "dir"))
    var keep: String?

    @Option(help: ArgumentHelp("The Hub's address (default $HF_ENDPOINT, else https://huggingface.co).", valueName: "url"))
    var endpoint: String?

    @Option(help: ArgumentHelp("The longest wait a rate limit may ask for, in seconds.", valueName: "seconds"))
    var maxWait: Double = 300

    @Flag(help: "Continue the newest pull that was not loaded (or the one in --keep) from its last good page, then load it.")
    var resume = false

    @Flag(help: "When a page fails for good, still load the pages fetched before it.")
    var partial = false

    @Flag(help: "Fetch and keep the pages, check them as a load would, then roll the load back.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "No progress line on a terminal.")
    var quiet = false

    @Option(help: ArgumentHelp("While another load of the database runs, wait at most this long for it (default: as long as it takes).", valueName: "seconds"))
    var wait: Double?

    func validate() throws {
        if authorsFromRegistry && !authors.isEmpty { throw ValidationError("give --author or --authors-from-registry, not both") }
        if limit < 0 { throw ValidationError("--limit takes a number of models, 0 for no limit (got \(limit))") }
        if let since, !Warehouse.isValidDate(since) {
            throw ValidationError("--since must be a date that exists, written YYYY-MM-DD (got \(since))")
        }
        if !(maxWait >= 0) { throw ValidationError("--max-wait takes a number of seconds (got \(maxWait))") }
        if let wait, !(wait >= 0) { throw ValidationError("--wait takes a number of seconds (got \(wait))") }
        if resume && (!authors.isEmpty || authorsFromRegistry || pipelineTag != nil || search != nil || since != nil) {
            throw ValidationError("--resume continues a pull with the filters it was started with; give no --author, --authors-from-registry, --pipeline-tag, --search or --since")
        }
        _ = try endpointURL()
    }

    /// --endpoint, else $HF_ENDPOINT, else the Hub's.
    private func endpointURL() throws -> URL {
        let environment = ProcessInfo.processInfo.environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let text = endpoint ?? environment ?? "https://huggingface.co"
        let named = endpoint != nil ? "--endpoint" : environment != nil ? "$HF_ENDPOINT" : "the endpoint"
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false,
              url.query == nil else {
            throw ValidationError("\(named) must be an http or https address such as https://huggingface.co (got \(text))")
        }
        return url
    }

    func run() throws {
        // Only init and ingest create a database: a pull needs one.
        let warehouse = try database.openWarehouse()
        warehouse.db.waitWhenBusy(upTo: wait) { printError("waiting for another load of this database…") }
        let token = ProcessInfo.processInfo.environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let progress = PullProgress(enabled: !quiet && isatty(STDERR_FILENO) != 0)

        let snapshot = try openSnapshot(warehouse)
        if resume { printError("resuming the pull in \(snapshot.folder) (\(snapshot.manifest.pages.count) page(s) fetched)") }

        let puller = HubPuller(snapshot: snapshot, policy: policy, token: token) { event in
            switch event {
            case .page(let file, let models, let total): progress.show("\(file): \(models) model(s), \(total) in all")
            case .waiting(let seconds, let reason):
                progress.clear()
                printError(String(format: "%@: waiting %.1f s", reason, seconds))
            case .tokenWithheld(let host): printError("warning: $HF_TOKEN is not sent to \(host) over plain http")
            }
        }
        var fetchFailure: String?
        do {
            try puller.run()
        } catch let error as WarehouseError {
            fetchFailure = error.description
        } catch let error as HubPullError {
            fetchFailure = error.commandLineMessage
        }
        progress.clear()
        let manifest = snapshot.manifest
        if let fetchFailure {
            printError("owl: \(fetchFailure)")
            printError("owl: \(manifest.pages.count) good page(s) (\(manifest.models) models) kept in \(snapshot.folder)")
            guard partial && !manifest.pages.isEmpty else {
                printError("owl: nothing was loaded; `owl pull hf --resume` continues from the last good page\(manifest.pages.isEmpty ? "" : ", --partial loads what was fetched")")
                throw ExitCode(1)
            }
        }
        print("pulled \(manifest.models) models in \(manifest.pages.count) page(s) into \(snapshot.folder)")
        try load(snapshot, into: warehouse, progress: progress)
        if fetchFailure != nil {
            printError("owl: loaded the \(manifest.pages.count) page(s) fetched (--partial); the snapshot is incomplete, `owl pull hf --resume` continues it")
            throw ExitCode(1)
        }
    }

    /// The pull to continue (--resume), or a new one for the query the options describe.
    private func openSnapshot(_ warehouse: Warehouse) throws -> HubSnapshot {
        if resume {
            if let keep { return try HubSnapshot(opening: keep) }
            let root = HubSnapshot.root(database: database.path)
            guard let found = try HubSnapshot.latestUnloaded(under: root) else {
                throw WarehouseError("nothing to resume under \(root): the newest pull there was loaded (or there is none)")
            }
            return found
        }
        var query = HubQuery(endpoint: try endpointURL())
        query.authors = authorsFromRegistry ? try HubQuery.registryNamespaces(in: warehouse) : authors
        if authorsFromRegistry && query.authors.isEmpty {
            throw WarehouseError("no organization lists hf_namespaces; load Seeds/ (or organizations with hf_namespaces) first")
        }
        query.sort = sort
        query.limit = limit
        query.pipelineTag = pipelineTag
        query.search = search
        query.since = since
        return try HubSnapshot(creating: keep ?? HubSnapshot.defaultFolder(database: database.path), query: query)
    }

    private var policy: HubPullPolicy {
        var policy = HubPullPolicy()
        policy.maxWait = maxWait
        return policy
    }

    /// Loads the pages, printing one total per entity (a page a batch).
    private func load(_ snapshot: HubSnapshot, into warehouse: Warehouse, progress: PullProgress) throws {
        var loadedPages = 0
        let reports = try snapshot.load(into: warehouse, dryRun: dryRun) { report in
            if report.loaded { loadedPages += 1 }
            progress.show("loading \(Paths.name(of: report.file.path)): \(loadedPages) of \(snapshot.manifest.pages.count) page(s)")
        }
        progress.clear()
        if let failed = reports.first(where: { !$0.loaded }) {
            for problem in failed.problems { printError(problem) }
            printError("owl: \(failed.failure.map { "\($0)" } ?? "")")
            printError("owl: nothing of the pull was loaded (the pages stay in \(snapshot.folder))")
            throw ExitCode(1)
        }
        var totals: [Entity: [Int]] = [:]  // read, inserted, updated, unchanged
        for counts in reports.flatMap(\.entities) {
            let sums = totals[counts.entity] ?? [0, 0, 0, 0]
            totals[counts.entity] = zip(sums, [counts.read, counts.inserted, counts.updated, counts.unchanged]).map { $0 + $1 }
        }
        let verb = dryRun ? "would be " : ""
        for (entity, sums) in totals.sorted(by: { $0.key < $1.key }) {
            print("\(entity.rawValue): \(sums[0]) read, \(sums[1]) \(verb)inserted, \(sums[2]) \(verb)updated, \(sums[3]) unchanged")
        }
        print(dryRun ? "dry run: nothing was written to the database" : "loaded \(reports.count) page(s) observed on \(snapshot.manifest.observedOn)")
        for note in Set(reports.flatMap(\.notes)).sorted() { print("  note: \(note)") }
    }
}

/// One line of progress on standard error, on a terminal only.
final class PullProgress {
    let enabled: Bool
    private var visible = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        visible = true
    }

    func clear() {
        guard visible else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        visible = false
    }
}
