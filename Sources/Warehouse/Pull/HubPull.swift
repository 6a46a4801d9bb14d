import Crypto
import Foundation
import SQLiteDB

/// The orders `/api/models` can list models in (always descending).
public enum HubSort: String, CaseIterable, Sendable {
    case downloads, likes, createdAt
}

/// What to ask the Hub for.
public struct HubQuery: Sendable {
    /// Where the Hub answers (`https://huggingface.co`, a mirror, or a test server).
    public var endpoint: URL
    /// One request series per namespace; empty for one series over every namespace.
    public var authors: [String] = []
    public var sort: HubSort = .downloads
    /// Models to fetch in all, over every series; 0 for no limit.
    public var limit = 1000
    public var pipelineTag: String?
    public var search: String?
    /// Keep models created on or after this date (YYYY-MM-DD).
    public var since: String?
    /// Models a page: the Hub's `limit` parameter, lowered on the last page to what is left.
    public var pageSize = 100

    public init(endpoint: URL) { self.endpoint = endpoint }

    /// The fields owl maps, asked for with `expand[]=`.
    static let expandedFields = ["downloads", "downloadsAllTime", "likes", "createdAt", "lastModified", "tags", "pipeline_tag",
                                 "library_name", "safetensors", "cardData", "author"]

    /// Every namespace the organizations list in `hf_namespaces`, sorted, each once.
    public static func registryNamespaces(in warehouse: Warehouse) throws -> [String] {
        let rows = try Warehouse.naming(warehouse.path) {
            try warehouse.db.rows("SELECT hf_namespaces FROM organizations WHERE hf_namespaces IS NOT NULL")
        }
        let namespaces = rows.compactMap { $0.first?.textValue }.flatMap { $0.split(separator: ";") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var seen: Set<String> = []
        return namespaces.sorted().filter { seen.insert($0.lowercased()).inserted }
    }

    /// The first page's URL for one series.
    func firstURL(author: String?) throws -> URL {
        let listing = endpoint.appendingPathComponent("api/models")
        guard var components = URLComponents(url: listing, resolvingAgainstBaseURL: false) else {
            throw WarehouseError("\(listing.absoluteString): not a URL the Hub's listing can be asked at")
        }
        var items: [URLQueryItem] = []
        if let author { items.append(URLQueryItem(name: "author", value: author)) }
        if let pipelineTag { items.append(URLQueryItem(name: "pipeline_tag", value: pipelineTag)) }
        if let search { items.append(URLQueryItem(name: "search", value: search)) }
        items.append(URLQueryItem(name: "sort", value: sort.rawValue))
        items.append(URLQueryItem(name: "direction", value: "-1"))
        items.append(URLQueryItem(name: "limit", value: String(limit > 0 ? min(pageSize, limit) : pageSize)))
        items += Self.expandedFields.map { URLQueryItem(name: "expand[]", value: $0) }
        components.queryItems = items
        guard let url = components.url else {
            throw WarehouseError("\(listing.absoluteString): the query does not make a URL (author \(author ?? "none"))")
        }
        return url
    }
}

/// How patient a pull is with a Hub that fails or asks it to slow down.
public struct HubPullPolicy: Sendable {
    /// Tries a page gets (429s, 5xx answers and broken connections together) before the pull stops.
    public var attempts = 5
    /// The first back-off after a 5xx or a broken connection, doubled each time, plus jitter.
    public var backoff = 0.5
    /// The longest single wait: a Retry-After beyond it stops the pull.
    public var maxWait = 300.0
    /// Seconds a request may take.
    public var timeout = 60.0
    public init() {}
}

/// What a pull tells its caller as it goes (for progress on a terminal).
public enum HubPullEvent: Sendable {
    case page(file: String, models: Int, modelsSoFar: Int)
    case waiting(seconds: Double, reason: String)
    case tokenWithheld(host: String)
}

/// The record of one pull, `manifest.json` in its folder: the query, and each page's URL,
/// time, HTTP status and SHA-256.
public struct HubManifest: Codable, Sendable {
    public struct Series: Codable, Sendable {
        public var author: String?
        /// The URL of the series' first page.
        public var start: String
        /// The URL of the page to fetch next; nil once the series has ended.
        public var next: String?
    }
    public struct Page: Codable, Sendable {
        public var file: String
        public var url: String
        public var fetchedAt: String
        public var status: Int
        public var sha256: String
        public var bytes: Int
        public var models: Int
    }
    public var source = "Hugging Face Hub /api/models"
    /// The UTC date of the pull: the observations' date.
    public var observedOn: String
    public var startedAt: String
    public var limit: Int
    public var since: String?
    public var sort: String
    public var series: [Series]
    public var pages: [Page] = []
    /// Set when every series ended or the limit was reached.
    public var complete = false
    /// Why the last fetch stopped short, naming the page.
    public var failure: String?
    /// Set when the pages were loaded into the database.
    public var loadedAt: String?

    public var models: Int { pages.reduce(0) { $0 + $1.models } }
}

/// A pull's folder: its pages, as received, and the manifest that lists them.
public final class HubSnapshot {
    public let folder: String
    public private(set) var manifest: HubManifest

    public static let manifestName = "manifest.json"

    /// Starts a snapshot in `folder`, which must not hold one already.
    public init(creating folder: String, query: HubQuery, now: Date = Date()) throws {
        self.folder = folder
        if FileManager.default.fileExists(atPath: Paths.join(folder, Self.manifestName)) {
            throw WarehouseError("\(folder): already holds a pull (\(Self.manifestName)); give another --keep folder, or --resume to continue it")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WarehouseError("\(folder): cannot create the snapshot folder: \(error.localizedDescription)")
        }
        let series = try (query.authors.isEmpty ? [nil] : query.authors.map(Optional.some)).map { author in
            let first = try query.firstURL(author: author).absoluteString
            return HubManifest.Series(author: author, start: first, next: first)
        }
        manifest = HubManifest(observedOn: Self.utcDate(now), startedAt: Self.timestamp(now), limit: query.limit, since: query.since,
                               sort: query.sort.rawValue, series: series)
        try save()
    }

    /// Opens the snapshot in `folder` to resume or load it.
    public init(opening folder: String) throws {
        self.folder = folder
        let path = Paths.join(folder, Self.manifestName)
        guard let data = FileManager.default.contents(atPath: path) else { throw WarehouseError("\(path): no such file; not a pull's folder") }
        do {
            manifest = try Self.decoder.decode(HubManifest.self, from: data)
        } catch {
            throw WarehouseError("\(path): not a pull's manifest (\(error))")
        }
    }

    /// The default folder of a pull made at `now`: `snapshots/hf/YYYY-MM-DD/HHMMSSZ` beside
    /// the database, with `-2`, `-3`… when a pull of the same second has it.
    public static func defaultFolder(database: String, now: Date = Date()) -> String {
        let day = Paths.join(root(database: database), utcDate(now))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HHmmss'Z'"
        let base = Paths.join(day, formatter.string(from: now))
        var folder = base, suffix = 2
        while FileManager.default.fileExists(atPath: folder) {
            folder = "\(base)-\(suffix)"
            suffix += 1
        }
        return folder
    }

    /// Where the default folders go: `snapshots/hf` beside the database.
    public static func root(database: String) -> String {
        let folder = Paths.folder(of: database)
        return folder == "." ? "snapshots/hf" : Paths.join(Paths.join(folder, "snapshots"), "hf")
    }

    /// The newest pull under `root` that was not loaded, for --resume.
    public static func latestUnloaded(under root: String) throws -> HubSnapshot? {
        let days = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted(by: >)
        for day in days {
            let dayFolder = Paths.join(root, day)
            for pull in ((try? FileManager.default.contentsOfDirectory(atPath: dayFolder)) ?? []).sorted(by: >) {
                let folder = Paths.join(dayFolder, pull)
                guard FileManager.default.fileExists(atPath: Paths.join(folder, manifestName)) else { continue }
                let snapshot = try HubSnapshot(opening: folder)
                if snapshot.manifest.loadedAt == nil { return snapshot }
                return nil  // the newest pull was loaded: nothing older is resumed
            }
        }
        return nil
    }

    /// The page files in the order they were fetched.
    public var pagePaths: [String] { manifest.pages.map { Paths.join(folder, $0.file) } }

    func update(_ change: (inout HubManifest) -> Void) throws {
        change(&manifest)
        try save()
    }

    /// Writes the manifest through a temporary file renamed into place, so a pull stopped at
    /// any moment leaves the previous manifest or the new one.
    private func save() throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try Self.writeAtomically(try encoder.encode(manifest), to: Paths.join(folder, Self.manifestName))
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw WarehouseError("\(path): cannot be written: \(error.localizedDescription)")
        }
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    static func utcDate(_ date: Date) -> String { String(timestamp(date).prefix(10)) }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// Fetches the pages of a snapshot from the Hub, following `Link: <…>; rel="next"`, with
/// bounded retries; each page is written as received and recorded in the manifest before the
/// next is asked for, so a pull stopped anywhere can be resumed from its last good page.
public final class HubPuller {
    private let snapshot: HubSnapshot
    private let policy: HubPullPolicy
    private let client: HubClient
    private let pageSize: Int
    private let onEvent: (HubPullEvent) -> Void
    private var warnedHosts: Set<String> = []

    public init(snapshot: HubSnapshot, policy: HubPullPolicy, token: String?, pageSize: Int = 100,
                onEvent: @escaping (HubPullEvent) -> Void = { _ in }) {
        self.snapshot = snapshot
        self.policy = policy
        self.pageSize = pageSize
        self.onEvent = onEvent
        client = HubClient(token: token, timeout: policy.timeout)
    }

    /// Fetches every series from where the manifest left it until the limit or the end.
    /// A page that fails for good throws, naming it; the pages before it stay, listed.
    public func run() throws {
        // A page that failed its check is fetched again (its file is overwritten).
        var pageNumber = snapshot.manifest.pages.count
        do {
            try snapshot.update { $0.failure = nil }
            for index in snapshot.manifest.series.indices {
                while let next = snapshot.manifest.series[index].next, !limitReached {
                    guard let url = URL(string: next) else { throw WarehouseError("manifest: a page URL cannot be read (got \"\(next)\")") }
                    pageNumber += 1
                    try fetchPage(url, number: pageNumber, series: index)
                }
            }
            try snapshot.update { $0.complete = true }
        } catch let error as WarehouseError {
            try? snapshot.update { $0.failure = error.description }
            throw error
        }
    }

    private var limitReached: Bool { snapshot.manifest.limit > 0 && snapshot.manifest.models >= snapshot.manifest.limit }

    private func fetchPage(_ url: URL, number: Int, series: Int) throws {
        let file = String(format: "page-%04d.json", number)
        let path = Paths.join(snapshot.folder, file)
        if client.withholdsToken(from: url), let host = url.host, warnedHosts.insert(host).inserted {
            onEvent(.tokenWithheld(host: host))
        }
        let fetchedAt = Date()
        let answer = try fetchWithRetries(url, file: file)
        // As received, before anything is checked: the evidence of what the Hub said.
        try HubSnapshot.writeAtomically(answer.body, to: path)
        let models = try Self.checkPage(path)
        let manifest = snapshot.manifest
        var next = Self.nextLink(answer.headers["link"], relativeTo: url)
        if let since = manifest.since, manifest.sort == HubSort.createdAt.rawValue, models.oldestCreated.map({ $0 < since }) ?? false {
            next = nil  // newest first: every later page is older than --since
        }
        let fetched = manifest.models + models.count
        if let link = next, manifest.limit > 0 {
            next = fetched >= manifest.limit ? nil : Self.replacingLimit(in: link, with: min(pageSize, manifest.limit - fetched))
        }
        try snapshot.update {
            $0.pages.append(HubManifest.Page(file: file, url: url.absoluteString, fetchedAt: HubSnapshot.timestamp(fetchedAt), status: answer.status,
                                             sha256: SHA256.hex(of: answer.body), bytes: answer.body.count, models: models.count))
            $0.series[series].next = next?.absoluteString
        }
        onEvent(.page(file: file, models: models.count, modelsSoFar: fetched))
    }

    /// The 200 answer for `url`: waits as a 429's Retry-After says (up to `maxWait`), backs off
    /// exponentially with jitter after a 5xx or a broken connection, `attempts` tries in all.
    private func fetchWithRetries(_ url: URL, file: String) throws -> HTTPAnswer {
        var attempt = 1
        while true {
            let wait: Double, reason: String
            switch client.get(url) {
            case .success(let answer) where answer.status == 200:
                return answer
            case .success(let answer) where answer.status == 429:
                let asked = answer.headers["retry-after"].flatMap(Self.seconds(retryAfter:))
                wait = asked ?? backoff(attempt)
                if wait > policy.maxWait {
                    throw WarehouseError("\(file): the Hub asked to wait \(Int(wait.rounded(.up))) s before \(url.absoluteString) (HTTP 429), more than --max-wait \(Int(policy.maxWait)) s; the pull stopped there (`owl pull hf --resume` continues it)")
                }
                reason = "rate limited (HTTP 429)"
            case .success(let answer) where answer.status >= 500:
                wait = backoff(attempt)
                reason = "HTTP \(answer.status)"
            case .success(let answer):
                let body = String(decoding: answer.body.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                let hint = answer.status == 401 || answer.status == 403 ? " (check $HF_TOKEN)" : (300..<400).contains(answer.status) ? " (a redirect, not followed: give the --endpoint it names)" : ""
                throw WarehouseError("\(file): HTTP \(answer.status) for \(url.absoluteString)\(hint): \(body)")
            case .failure(let error):
                guard Self.isTransient(error) else {
                    throw WarehouseError("\(file): \(url.absoluteString): \(error.localizedDescription)")
                }
                wait = backoff(attempt)
                reason = "connection failed (\(error.localizedDescription))"
            }
            guard attempt < policy.attempts else {
                throw WarehouseError("\(file): \(url.absoluteString) failed \(attempt) times, last: \(reason); the pull stopped there (`owl pull hf --resume` continues it)")
            }
            attempt += 1
            onEvent(.waiting(seconds: wait, reason: "\(reason); try \(attempt) of \(policy.attempts) for \(file)"))
            Thread.sleep(forTimeInterval: wait)
        }
    }

    /// Exponential back-off with jitter: half the doubled delay, plus up to as much again at random.
    private func backoff(_ attempt: Int) -> Double {
        let delay = min(policy.maxWait, policy.backoff * pow(2, Double(attempt - 1)))
        return delay / 2 + Double.random(in: 0...(delay / 2))
    }

    static func isTransient(_ error: Error) -> Bool {
        let code = (error as NSError).code
        // Malformed or unsupported URLs and certificate problems do not mend by waiting.
        let permanent = [NSURLErrorBadURL, NSURLErrorUnsupportedURL, NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate,
                         NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorServerCertificateNotYetValid, NSURLErrorClientCertificateRejected]
        return !permanent.contains(code)
    }

    /// Retry-After as seconds, or as an HTTP date.
    static func seconds(retryAfter value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max(0, $0.timeIntervalSinceNow) }
    }

    /// The `rel="next"` target of a Link header, resolved against the page's URL.
    static func nextLink(_ header: String?, relativeTo base: URL) -> URL? {
        guard let header else { return nil }
        for link in header.split(separator: ",") {
            let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">") else { continue }
            let isNext = parts.dropFirst().contains { part in
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return pair.count == 2 && pair[0].lowercased() == "rel"
                    && pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ").contains("next")
            }
            if isNext { return URL(string: String(target.dropFirst().dropLast()), relativeTo: base)?.absoluteURL }
        }
        return nil
    }

    /// The URL with its `limit` parameter set to `count`, so the last page asks only for what is left.
    static func replacingLimit(in url: URL, with count: Int) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), var items = components.percentEncodedQueryItems,
              let index = items.firstIndex(where: { $0.name == "limit" }) else { return url }
        items[index].value = String(count)
        components.percentEncodedQueryItems = items
        return components.url ?? url
    }

    /// Reads a page through owl's JSON reader: a JSON array of model objects, each with an id.
    /// Problems are located as PAGE:LINE.
    static func checkPage(_ path: String) throws -> (count: Int, oldestCreated: String?) {
        let reader = JSONReader(source: try ByteSource(path: path), jsonLines: false)
        var count = 0
        var oldest: String?
        while let (line, object) = try reader.next() {
            count += 1
            guard case .string(let id)? = object["id"] ?? object["modelId"], !id.isEmpty else {
                throw WarehouseError("\(path):\(line): model \(count) of the page has no id")
            }
            if case .string(let created)? = object["createdAt"] {
                let day = String(created.prefix(10))
                oldest = oldest.map { min($0, day) } ?? day
            }
        }
        return (count, oldest)
    }
}

extension HubSnapshot {
    /// Loads the pages the manifest lists through the hf-models format, observed on the
    /// pull's date: one batch a page file, all in one transaction with a savepoint a page,
    /// so the pull loads whole or not at all.
    public func load(into warehouse: Warehouse, dryRun: Bool, onFile: (FileReport) -> Void = { _ in }) throws -> [FileReport] {
        var options = IngestOptions(dryRun: dryRun, observedOn: manifest.observedOn)
        options.oneTransaction = true
        options.createdSince = manifest.since
        let files = pagePaths.map { IngestFile(path: $0, entity: nil, format: .hfModels) }
        let reports: [FileReport]
        do {
            reports = try Ingester(warehouse: warehouse, options: options).ingest(files, onFile: onFile)
        } catch let error as SQLiteError where error.code == .SQLITE_BUSY {  // the wait ran out
            throw WarehouseError("\(warehouse.path): another load of this database is still running; nothing of the pull was loaded "
                + "(--wait gives it longer; `owl pull hf --resume` loads the pages kept in \(folder))")
        } catch let error as SQLiteError {
            throw WarehouseError("\(warehouse.path): \(error.message)")
        }
        if !dryRun && manifest.complete && reports.count == files.count && reports.allSatisfy(\.loaded) {
            try update { $0.loadedAt = HubSnapshot.timestamp(Date()) }
        }
        return reports
    }
}
