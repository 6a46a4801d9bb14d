import Testing
@testable import Warehouse

@Suite struct OpenLLMLeaderboardTests {
    /// The documented relation table, with model_type spelled as the final export spells it.
    @Test func theRelationTable() {
        let relation = OpenLLMLeaderboardSource.relation
        #expect(relation("TRUE", "fine-tunedondomain-specificdatasets") == "merge", "the merged flag wins")
        #expect(relation("FALSE", "basemergesandmoerges") == "merge")
        #expect(relation("FALSE", "fine-tunedondomain-specificdatasets") == "finetune")
        #expect(relation("FALSE", "chatmodels") == "finetune")
        #expect(relation("FALSE", "continuouslypretrained") == "finetune")
        #expect(relation("FALSE", "pretrained") == "other")
        #expect(relation("FALSE", "❓other") == "other")
        #expect(relation("", "") == "other")
    }
}
