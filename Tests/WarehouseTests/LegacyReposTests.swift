import Foundation
import Testing
@testable import Warehouse

/// The table of Hugging Face repos from before namespaces (`LegacyRepos`): it covers every such
/// repo of the 2022 Hub listing, names organizations that Seeds/ holds, and cites for each repo
/// the page the Hub moved it to, under a namespace of the registry.
@Suite struct LegacyReposTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The rows of a committed CSV without quoted fields, as dictionaries keyed by the header.
    func rows(_ relativePath: String) throws -> [[String: String]] {
        let url = Self.root.appending(path: relativePath)
        try #require(FileManager.default.fileExists(atPath: url.path), "missing \(relativePath)")
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
    }

    @Test func everyUnNamespacedRepoOfThe2022ListingIsInTheTable() throws {
        let legacy = Set(try rows("Tests/Fixtures/huggingface-hub-2022/models_with_downloads.csv").compactMap { $0["model"] }.filter { !$0.contains("/") })
        #expect(legacy.count == 68)
        #expect(Set(LegacyRepos.organizationAndSource.keys) == legacy)
    }

    @Test func eachRowNamesASeedOrganizationAndTheRepoTheHubMovedItTo() throws {
        // organizations.csv quotes a few names that hold commas; id and namespaces come before
        // them or are read from the end of the line, so split by position from both sides.
        let url = Self.root.appending(path: "Seeds/organizations.csv")
        var ids: Set<String> = [], namespaces: Set<String> = []
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            ids.insert(String(cells[0]))
            for namespace in cells[cells.count - 2].split(separator: ";") { namespaces.insert(String(namespace)) }
        }
        for (repo, entry) in LegacyRepos.organizationAndSource {
            #expect(ids.contains(entry.organization), "\(repo): no organization \(entry.organization) in Seeds/organizations.csv")
            let prefix = "https://huggingface.co/"
            let path = entry.source.hasPrefix(prefix) ? entry.source.dropFirst(prefix.count).split(separator: "/") : []
            #expect(path.count == 2 && namespaces.contains(String(path[0])) && path[1] == repo,
                    "\(repo): source \(entry.source) is not NAMESPACE/\(repo) under a registry namespace")
        }
        // The well-known ones, as the Hub and the model cards name their makers.
        #expect(LegacyRepos.organizationAndSource["bert-base-uncased"]?.organization == "google")
        #expect(LegacyRepos.organizationAndSource["gpt2"]?.organization == "openai")
        #expect(LegacyRepos.organizationAndSource["roberta-base"]?.organization == "meta")
        #expect(LegacyRepos.organizationAndSource["distilbert-base-uncased"]?.organization == "huggingface")
        #expect(LegacyRepos.organizationAndSource["t5-base"]?.organization == "google")
        #expect(LegacyRepos.organizationAndSource["xlm-roberta-base"]?.organization == "meta")
        #expect(LegacyRepos.organizationAndSource["camembert-base"]?.organization == "inria")
    }
}
