import Foundation
import Testing
import Warehouse

/// The library throws what went wrong with the values, and says it without naming any
/// command-line option: the CLI words it with its flags.
@Suite struct TypedErrorTests {
    /// Runs `body`, which must throw an `E`, and returns it.
    func caught<E: Error>(_ type: E.Type, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> E? {
        do {
            try body()
            Issue.record("nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as E {
            return error
        } catch {
            Issue.record("\(error) is not a \(E.self)", sourceLocation: sourceLocation)
        }
        return nil
    }

    @Test func analysisArgumentsCarryTheParameterAndTheValue() throws {
        let leaderboard = try Analysis.named("leaderboard")
        switch caught(AnalysisArgumentError.self, { _ = try leaderboard.checked(["metric": "hf_likes", "limit": "0"]) }) {
        case let .notAWholeNumber(parameter, got)?:
            #expect(parameter.name == "limit" && parameter.minimum == 1 && got == "0")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(AnalysisArgumentError.self, { _ = try leaderboard.checked(["metric": "hf_likes", "by": "organisation"]) }) {
        case let .notAChoice(parameter, got, suggestion)?:
            #expect(parameter.name == "by" && got == "organisation" && suggestion == "organization")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(AnalysisArgumentError.self, { _ = try leaderboard.checked([:]) }) {
        case let .missing(parameter, analysis)?: #expect(parameter.name == "metric" && analysis == "leaderboard")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(AnalysisArgumentError.self, { _ = try leaderboard.checked(["metric": "hf_likes", "limt": "3"]) }) {
        case let .unknownParameter(name, analysis, suggestion)?: #expect(name == "limt" && analysis.name == "leaderboard" && suggestion == "limit")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(AnalysisArgumentError.self, { _ = try Analysis.named("cadence").checked(["from": "2025-12-31", "to": "2025-01-01"]) }) {
        case let .emptyRange(from, to)?: #expect(from == "2025-12-31" && to == "2025-01-01")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(AnalysisArgumentError.self, { _ = try Analysis.named("leaderbord") }) {
        case let .unknownAnalysis(name, suggestion)?: #expect(name == "leaderbord" && suggestion == "leaderboard")
        case let other: Issue.record("\(String(describing: other))")
        }
        // Values that fit come back as given.
        #expect(try leaderboard.checked(["metric": "hf_likes", "by": "country"]) == ["metric": "hf_likes", "by": "country"])
    }

    @Test func exportFiltersCarryTheValueAndTheSuggestion() {
        switch caught(ExportError.self, { _ = try ExportFilter(country: "China").checked() }) {
        case let .unknownCountry(country, suggestion)?: #expect(country == "China" && suggestion == "CN")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(ExportError.self, { _ = try ExportFilter(from: "2025-13-01").checked() }) {
        case let .invalidDate(date)?: #expect(date == "2025-13-01")
        case let other: Issue.record("\(String(describing: other))")
        }
        switch caught(ExportError.self, { try Exporter.check(.organizations, filter: ExportFilter(from: "2025-01-01")) }) {
        case let .noDate(entity)?: #expect(entity == .organizations)
        case let other: Issue.record("\(String(describing: other))")
        }
    }

    @Test func descriptionsSayTheFactWithoutOptions() {
        let descriptions = [
            DatabaseFileError.missing("x.sqlite").description,
            DatabaseFileError.folder("data/", exists: false).description,
            HubPullError.waitTooLong(file: "page-0002.json", url: "https://hub.test/api/models", seconds: 90, maxWait: 60).description,
            HubPullError.busy(database: "owl.sqlite", folder: "pulls/1").description,
            IngestPlanError(problems: [.unknownFormat(nil), .unknownEntity("orgs.csv", suggestion: "organizations")]).description,
        ]
        #expect(descriptions[0] == "no database at x.sqlite")
        #expect(descriptions[2] == "page-0002.json: the Hub asked to wait 90 s before https://hub.test/api/models (HTTP 429), more than the 60 s allowed; the pull stopped there")
        #expect(descriptions[4] == "standard input has no file name to tell its format from; name the format\n"
            + "orgs.csv: the file name does not name an entity (organizations, organization_aliases, releases, models, model_bases, metrics, observations); "
            + "did you mean organizations?; or name the entity")
        for description in descriptions { #expect(!description.contains("--"), "\(description)") }
    }
}
