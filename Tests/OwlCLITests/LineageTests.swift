import Foundation
import Testing

// Model lineage (issue 13): model_bases, stubs, the importers that fill them, and the
// derivatives analysis. Expected values are worked out by hand from the files written here,
// or computed independently from the raw leaderboard CSV.

@Suite struct LineageTests {
    /// A Hub listing in the API's shape: a quantization tagged with its relation, a merge of
    /// two bases (one described later in the same file, one never described), a base model
    /// that names itself.
    static let listing = """
        [{"id": "someone/Qwen2.5-7B-GGUF", "downloads": 12, "likes": 3, "createdAt": "2025-05-02T10:00:00.000Z",
          "tags": ["gguf", "base_model:Qwen/Qwen2.5-7B-Instruct", "base_model:quantized:Qwen/Qwen2.5-7B-Instruct", "license:apache-2.0"],
          "safetensors": {"total": 7615616512}},
         {"id": "someone/merge-x", "downloads": 1, "likes": 0, "createdAt": "2025-05-03T10:00:00.000Z",
          "tags": ["base_model:merge:someone/Qwen2.5-7B-GGUF", "base_model:merge:newlab/New-Base-3B"],
          "cardData": {"base_model": ["someone/Qwen2.5-7B-GGUF", "newlab/New-Base-3B", "someone/merge-x", "lab2/Adapted"]}},
         {"id": "newlab/New-Base-3B", "downloads": 5, "likes": 1, "createdAt": "2025-01-03T10:00:00.000Z",
          "cardData": {"base_model": "newlab/New-Base-3B"}}]
        """

    @Test func hubTagsAndCardDataCreateRelationsAndStubsAndReimportChangesNothing() throws {
        let box = try Sandbox()
        try box.write("hub.json", Self.listing)
        let first = try box.run(["ingest", "hub.json", "--observed-on", "2025-06-01"])
        #expect(first.status == 0, "\(first.stderr)")
        // Qwen/Qwen2.5-7B-Instruct and lab2/Adapted are named but never described: stubs,
        // listed. newlab/New-Base-3B is a stub until its own row fills it in.
        #expect(first.stdout.contains("2 base model(s) named here were not known and became stubs"), "\(first.stdout)")
        #expect(first.stdout.contains("Qwen/Qwen2.5-7B-Instruct, lab2/Adapted."), "\(first.stdout)")
        #expect(try box.impSQL("SELECT model, base, relation FROM model_bases_named ORDER BY model, base") == [
            "someone/Qwen2.5-7B-GGUF|Qwen/Qwen2.5-7B-Instruct|quantized",
            "someone/merge-x|lab2/Adapted|other",
            "someone/merge-x|newlab/New-Base-3B|merge",
            "someone/merge-x|someone/Qwen2.5-7B-GGUF|merge",
        ])
        #expect(try box.impSQL("SELECT id, coalesce(released_on, '-'), stub, coalesce(license, '-'), coalesce(params_total_b, '-') FROM models ORDER BY id") == [
            "Qwen/Qwen2.5-7B-Instruct|-|1|-|-",
            "lab2/Adapted|-|1|-|-",
            "newlab/New-Base-3B|2025-01-03|0|-|-",
            "someone/Qwen2.5-7B-GGUF|2025-05-02|0|apache-2.0|7.615616512",
            "someone/merge-x|2025-05-03|0|-|-",
        ])
        let again = try box.run(["ingest", "hub.json", "--observed-on", "2025-06-01"])
        #expect(again.stdout.contains("model_bases: loaded, 4 read, 0 inserted, 0 updated, 4 unchanged"), "\(again.stdout)")
        #expect(try box.impCount("models") == 5)
        #expect(!again.stdout.contains("became stubs"), "\(again.stdout)")

        // A later listing describing a stub fills it in, and it enters analyses by date.
        try box.write("later.json", """
            [{"id": "lab2/Adapted", "downloads": 2, "likes": 0, "createdAt": "2024-12-24T00:00:00.000Z", "tags": ["license:mit"]}]
            """)
        try box.impIngestOK("later.json", "--observed-on", "2025-06-02")
        #expect(try box.impSQL("SELECT released_on, stub, license FROM models WHERE id = 'lab2/Adapted'") == ["2024-12-24|0|mit"])
    }

    @Test func stubsAreLeftOutOfAnalysesByReleaseDate() throws {
        let box = try Sandbox()
        try box.write("hub.json", Self.listing)
        try box.impIngestOK("hub.json", "--observed-on", "2025-06-01")
        // Three described models, all in 2025; the two stubs have no date.
        let timeline = try box.run(["query", "timeline", "--period", "year", "--by", "organization", "--to", "2025-12-31"])
        #expect(parseCSV(timeline.stdout).dropFirst().map { $0.joined(separator: ",") } == ["2025,someone,2", "2025,newlab,1"], "\(timeline.stdout)")
        let openness = try box.run(["query", "openness", "--to", "2025-12-31"])
        #expect(parseCSV(openness.stdout).dropFirst().reduce(0) { $0 + (Int($1[2]) ?? 0) } == 3, "\(openness.stdout)")
        let cadence = try box.run(["query", "cadence", "--to", "2025-12-31"])
        #expect(parseCSV(cadence.stdout).dropFirst().reduce(0) { $0 + (Int($1[2]) ?? 0) } == 3, "\(cadence.stdout)")
    }

    @Test func aCycleIsRefusedWithTheChainThatFormsIt() throws {
        let box = try Sandbox()
        try box.write("organizations.csv", "id,name,country,kind\nlab,Lab,FR,company\n")
        try box.write("models.csv", "id,organization,name,released_on\nlab/a,lab,A,2025-01-01\nlab/b,lab,B,2025-01-02\nlab/c,lab,C,2025-01-03\n")
        try box.write("model_bases.csv", "model,base,relation\nlab/b,lab/a,finetune\nlab/c,lab/b,quantized\n")
        try box.impIngestOK("organizations.csv", "models.csv", "model_bases.csv")
        try box.write("cycle.csv", "model,base,relation\nlab/a,lab/c,merge\nlab/a,lab/a,merge\n")
        try box.expectRejected("cycle.csv", "--into", "model_bases",
                               line: "cycle.csv:2: field base: would make a cycle of bases: lab/a → lab/c → lab/b → lab/a (each derived from the next) (got \"lab/c\")")
        try box.expectRejected("cycle.csv", "--into", "model_bases",
                               line: "cycle.csv:3: field base: is the model itself; a model with no base has no row here (got \"lab/a\")")
        #expect(try box.impCount("model_bases") == 2)
    }

    // MARK: The Open LLM Leaderboard's export

    /// Seeds' organizations (so `gpt2`, a repo from before namespaces, is OpenAI's), then the
    /// leaderboard's final export, recognised from its header.
    static func loadLeaderboard(into box: Sandbox) throws -> Run {
        try box.impIngestOK(packageRoot.appending(path: "Seeds/organizations.csv").path)
        let run = try box.run(["ingest", try fixture("open-llm-leaderboard/huggingface_v2.csv"), "--observed-on", "2025-03-21"])
        #expect(run.status == 0, "\(run.stderr)")
        return run
    }

    @Test func theLeaderboardExportLoadsModelsBasesLikesAndScores() throws {
        let box = try Sandbox()
        let run = try Self.loadLeaderboard(into: box)
        // 4,576 evaluations of 4,497 distinct names (counted in the CSV with Python's csv module).
        #expect(run.stdout.contains("79 repo(s) were evaluated more than once; each keeps its latest submission (then its later row): 79 evaluation(s) left out."), "\(run.stdout)")
        #expect(try box.impValue("SELECT count(*) FROM models WHERE NOT stub") == "4497")
        // BoltMonkey/…-abliterated was submitted on 2024-10-10 (average 27.78, the earlier row)
        // and 2024-10-01 (21.35): the latest submission is kept, not the later row.
        #expect(try box.impSQL("""
            SELECT value FROM observations_named
            WHERE model = 'BoltMonkey/NeuralDaredevil-SuperNova-Lite-7B-DARETIES-abliterated' AND metric = 'open_llm_average'
            """) == ["27.7766340150719"])
        // The relation table: merged wins over a fine-tune type; a pretrained type is other.
        #expect(try box.impSQL("SELECT base, relation FROM model_bases_named WHERE model = 'elinas/Chronos-Gold-12B-1.0'")
                == ["mistralai/Mistral-Nemo-Base-2407|merge"])
        #expect(try box.impSQL("SELECT base, relation FROM model_bases_named WHERE model = 'FlofloB/smollm2-135M_pretrained_1000k_fineweb'")
                == ["HuggingFaceTB/SmolLM2-135M|other"])
        // 0-hero/Matter-0.2-7B-DPO, the first row: 3 hearts, license apache-2.0, 7.242 B parameters.
        #expect(try box.impSQL("SELECT released_on, license, openness, params_total_b FROM models WHERE id = '0-hero/Matter-0.2-7B-DPO'")
                == ["2024-04-13|apache-2.0|open-weights|7.242"])
        #expect(try box.impValue("SELECT value FROM observations_named WHERE model = '0-hero/Matter-0.2-7B-DPO' AND metric = 'hf_likes'") == "3.0")
        // "Removed" and "author/name (Merge)" are placeholders, never models.
        #expect(try box.impValue("SELECT count(*) FROM models WHERE id = 'Removed' OR id LIKE '% (Merge)'") == "0")
        // Loading it again changes nothing.
        let again = try box.run(["ingest", try fixture("open-llm-leaderboard/huggingface_v2.csv"), "--observed-on", "2025-03-21"])
        // 667 kept evaluations name a base that is a repo id other than their own (Python, the rule above).
        #expect(again.stdout.contains("model_bases: loaded, 667 read, 0 inserted, 0 updated, 667 unchanged"), "\(again.stdout)")
    }
}
