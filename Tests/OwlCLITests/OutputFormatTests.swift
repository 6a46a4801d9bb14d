import Foundation
import Testing

// Every output format, parsed back. The source is `efficiency --metric mmlu --as-of 2025-06-30` on the
// analysis data set (see AnalysisTests.swift): text, integers-valued reals, fractions and NULLs
// (delta/D1 has no active parameters). Expected rows: EfficiencyAnalysisTests.expected.

@Suite struct OutputFormatTests {
    static let efficiency = ["efficiency", "--metric", "mmlu", "--as-of", "2025-06-30"]
    static let header = EfficiencyAnalysisTests.header
    static let expected = EfficiencyAnalysisTests.expected

    func query(_ box: Sandbox, _ extra: String...) throws -> Run {
        let run = try box.run(["query"] + Self.efficiency + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return run
    }

    @Test func csvIsTheDefaultWhenNotATerminal() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box)
        #expect(run.stdout.hasPrefix(Self.header.joined(separator: ",") + "\r\n"))
        expectTable(parseCSV(run.stdout), header: Self.header, rows: Self.expected)
    }

    @Test func csvFollowsRFC4180() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let sql = """
            SELECT 'a,b' AS comma, 'say "hi"' AS quote, 'two' || char(10) || 'lines' AS newline,
                   NULL AS empty, 1.5 AS real, 42 AS int, ' padded ' AS pad, 'plain' AS "odd, name"
            """
        let run = try box.owl("query", "--sql", sql, "--format", "csv")
        #expect(run.status == 0, "\(run.stderr)")
        // Records end with CRLF; fields holding , " or a line break are quoted, quotes doubled.
        #expect(run.stdout == "comma,quote,newline,empty,real,int,pad,\"odd, name\"\r\n"
            + "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,1.5,42,\" padded \",plain\r\n", "\(run.stdout)")
        #expect(parseCSV(run.stdout) == [
            ["comma", "quote", "newline", "empty", "real", "int", "pad", "odd, name"],
            ["a,b", "say \"hi\"", "two\nlines", "", "1.5", "42", " padded ", "plain"],
        ])
    }

    @Test func tsvEscapesTabsAndLineBreaks() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box, "--format", "tsv")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "", "ends with a newline")
        let cells = lines.dropLast().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        expectTable(cells, header: Self.header, rows: Self.expected)

        let tricky = try box.owl("query", "--sql", "SELECT 'a' || char(9) || 'b' AS tab, 'c' || char(10) || 'd' AS nl, 'back\\slash' AS bs", "--format", "tsv")
        #expect(tricky.status == 0, "\(tricky.stderr)")
        #expect(tricky.stdout == "tab\tnl\tbs\na\\tb\tc\\nd\tback\\\\slash\n", "\(tricky.stdout)")
    }

    @Test func jsonIsAnArrayOfObjectsWithTypedValues() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box, "--format", "json")
        let parsed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        let objects = try #require(parsed as? [[String: Any]], "not an array of objects: \(run.stdout)")
        #expect(objects.count == Self.expected.count)
        for (object, row) in zip(objects, Self.expected) {
            #expect(Set(object.keys) == Set(Self.header))
            for (column, want) in zip(Self.header, row) {
                let value = object[column]
                if want.isEmpty {
                    #expect(value is NSNull, "\(column) of \(row[0]) should be null, got \(String(describing: value))")
                } else if let number = Double(want) {
                    // A JSON number, not a string.
                    let got = try #require(value as? NSNumber, "\(column) of \(row[0]) is not a number: \(String(describing: value))")
                    #expect(!(value is String))
                    #expect(abs(got.doubleValue - number) < 1e-9, "\(column) of \(row[0]): \(got) vs \(want)")
                } else {
                    #expect(value as? String == want, "\(column) of \(row[0])")
                }
            }
        }
        // Columns keep their order in the text.
        #expect(run.stdout.contains("{\"model\": \"alpha/A1-70B\", \"organization\": \"alpha\", \"score\": 80,"), "\(run.stdout)")

        // An empty result is an empty array.
        let empty = try box.owl("query", "efficiency", "--metric", "mmlu", "--as-of", "2025-01-01", "--format", "json")
        #expect(try JSONSerialization.jsonObject(with: Data(empty.stdout.utf8)) as? [Any] != nil)
        #expect((try JSONSerialization.jsonObject(with: Data(empty.stdout.utf8)) as? [Any])?.isEmpty == true)
    }

    @Test func jsonEscapesStrings() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.owl("query", "--sql", "SELECT 'q\"b\\' || char(10) || char(1) || 'é' AS s", "--format", "json")
        #expect(run.status == 0, "\(run.stderr)")
        let objects = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(objects?.first?["s"] as? String == "q\"b\\\n\u{1}é", "\(run.stdout)")
    }

    @Test func jsonlIsOneObjectPerLine() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box, "--format", "jsonl")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == Self.expected.count)
        #expect(run.stdout.hasSuffix("\n"))
        for (line, row) in zip(lines, Self.expected) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["model"] as? String == row[0])
            #expect((object["score"] as? NSNumber)?.doubleValue == Double(row[2]))
            if row[0] == "delta/D1" {
                #expect(object["params_active_b"] is NSNull)
                #expect(object["score_per_active_b"] is NSNull)
            } else {
                #expect((object["score_per_active_b"] as? NSNumber)?.doubleValue == Double(row[6]))
            }
        }
    }

    @Test func markdownIsAPipeTableWithNumbersAlignedRight() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box, "--format", "markdown")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + Self.expected.count)
        func cells(_ line: String) -> [String] {
            #expect(line.hasPrefix("| ") && line.hasSuffix(" |"), "\(line)")
            return line.dropFirst(2).dropLast(2).components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(cells(lines[0]) == Self.header)
        // The delimiter row: text columns ---, numeric columns ---: (right-aligned).
        let delimiters = cells(lines[1])
        #expect(delimiters.count == Self.header.count)
        #expect(!delimiters[0].hasSuffix(":") && !delimiters[1].hasSuffix(":"), "\(lines[1])")
        for index in 2..<7 { #expect(delimiters[index].hasSuffix(":") && delimiters[index].allSatisfy { $0 == "-" || $0 == ":" }, "\(lines[1])") }
        expectTable([Self.header] + lines.dropFirst(2).map(cells), header: Self.header, rows: Self.expected)

        // A | inside a cell is escaped.
        let pipe = try box.owl("query", "--sql", "SELECT 'a|b' AS x", "--format", "markdown")
        #expect(pipe.stdout.contains("a\\|b"), "\(pipe.stdout)")
    }

    /// Splits a table line into cells using the column extents of the ─── rule under the header.
    func tableCells(_ line: String, extents: [Range<Int>]) -> [String] {
        let chars = Array(line)
        return extents.map { range in
            String(chars[min(range.lowerBound, chars.count)..<min(range.upperBound, chars.count)])
        }
    }

    func extents(ofRule rule: String) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        for (index, char) in Array(rule).enumerated() {
            if char == "─" { if start == nil { start = index } } else if let s = start { result.append(s..<index); start = nil }
        }
        if let start { result.append(start..<rule.count) }
        return result
    }

    @Test func tableAlignsColumnsAndRightAlignsNumbers() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box, "--format", "table")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // header, rule, 7 rows, (7 rows), trailing empty
        #expect(lines.count == 2 + Self.expected.count + 2, "\(run.stdout)")
        let columns = extents(ofRule: lines[1])
        #expect(columns.count == Self.header.count, "\(lines[1])")
        // Widths: the widest of header and cells ("alpha/A1-70B" = 12, "organization" = 12, …).
        #expect(columns.map(\.count) == [12, 12, 5, 14, 15, 17, 18], "\(lines[1])")
        let numeric = [false, false, true, true, true, true, true]
        for line in [lines[0]] + lines[2..<(2 + Self.expected.count)] {
            let cells = tableCells(line, extents: columns)
            for (cell, isNumber) in zip(cells, numeric) where !cell.trimmingCharacters(in: .whitespaces).isEmpty {
                if isNumber {
                    #expect(!cell.hasSuffix(" "), "number not right-aligned: \"\(cell)\" in \"\(line)\"")
                } else {
                    #expect(!cell.hasPrefix(" "), "text not left-aligned: \"\(cell)\" in \"\(line)\"")
                }
            }
        }
        let body = lines[2..<(2 + Self.expected.count)].map { tableCells($0, extents: columns).map { $0.trimmingCharacters(in: .whitespaces) } }
        expectTable([Self.header] + body, header: Self.header, rows: Self.expected)
        #expect(tableCells(lines[2], extents: columns)[2] == "   80", "score 80 padded left to width 5: \(lines[2])")
        #expect(lines[2 + Self.expected.count] == "(7 rows)")
    }

    // Wide (CJK) characters take two terminal columns: "深度求索" is 8 columns wide, so "name" and "ab"
    // are padded to 8; n (numbers, width 2) is right-aligned.
    @Test func tableCountsWideCharactersAsTwoColumns() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.owl("query", "--sql", "SELECT '深度求索' AS name, 1 AS n UNION ALL SELECT 'ab', 22 ORDER BY n", "--format", "table")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == """
            name       n
            ────────  ──
            深度求索   1
            ab        22
            (2 rows)

            """, "\(run.stdout)")
    }

    // --chart draws score_per_total_b under the table, labelled by model. Largest: gamma/G1 40 → 40 full
    // blocks; A1-7B 8.8571 → 8.8571 / 40 × 320 eighths = 70.86 → 71 eighths = 8 blocks and ▉.
    @Test func chartDrawsBarsUnderTheTable() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try query(box, "--format", "table", "--chart")
        let parts = run.stdout.components(separatedBy: "(7 rows)\n")
        #expect(parts.count == 2, "\(run.stdout)")
        let chart = parts.last?.split(separator: "\n").map(String.init) ?? []
        #expect(chart.first == "score_per_total_b", "\(run.stdout)")
        #expect(chart.count == 1 + Self.expected.count)
        let g1 = try #require(chart.first { $0.hasPrefix("gamma/G1") })
        #expect(g1.contains("│" + String(repeating: "█", count: 40) + " 40"), "\(g1)")
        let a17 = try #require(chart.first { $0.hasPrefix("alpha/A1-7B ") })
        #expect(a17.contains("│" + String(repeating: "█", count: 8) + "▉ 8.8571"), "\(a17)")
        // Without --chart: no chart.
        let plain = try query(box, "--format", "table")
        #expect(!plain.stdout.contains("█"))
    }

    // With --sql there is no declared chart column: the first numeric one after the labels is
    // drawn (small, not the last, big), each row labelled by all its text columns.
    // wide 2 is the largest: 40 blocks; narrow 1: 20.
    @Test func sqlChartDrawsTheFirstNumericColumnAfterTheLabels() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.run(["query", "--sql", "SELECT 'wide' AS label, 2 AS small, 8 AS big, 'x' AS note UNION ALL SELECT 'narrow', 1, 4, 'y'",
                               "--format", "table", "--chart"])
        #expect(run.status == 0, "\(run.stderr)")
        let chart = run.stdout.components(separatedBy: "(2 rows)\n").last?.split(separator: "\n").map(String.init) ?? []
        #expect(chart.first == "small", "\(run.stdout)")
        #expect(chart.contains("wide · x   │" + String(repeating: "█", count: 40) + " 2"), "\(run.stdout)")
        #expect(chart.contains("narrow · y │" + String(repeating: "█", count: 20) + " 1"), "\(run.stdout)")
    }

    @Test func outputRefusesToOverwriteWithoutForce() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let target = try box.write("result.json", "keep me")
        let refused = try box.run(["query"] + Self.efficiency + ["--output", "result.json"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")

        let forced = try box.run(["query"] + Self.efficiency + ["--output", "result.json", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.isEmpty)
        // The extension picks the format: JSON.
        let objects = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: target))) as? [[String: Any]]
        #expect(objects?.count == Self.expected.count)
        #expect(objects?.first?["model"] as? String == "alpha/A1-70B")

        // A new file; --format wins over the extension; no temporary files are left behind.
        let fresh = try box.run(["query"] + Self.efficiency + ["--output", "out.txt", "--format", "csv"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        expectTable(parseCSV(try String(contentsOfFile: box.path("out.txt"), encoding: .utf8)), header: Self.header, rows: Self.expected)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aFailedQueryWritesNoOutputFile() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.owl("query", "efficiency", "--metric", "likes", "--output", "bad.csv")
        #expect(run.status == 1)
        #expect(!FileManager.default.fileExists(atPath: box.path("bad.csv")))
    }

    @Test func anUnknownFormatIsAUsageError() throws {
        let box = try Sandbox()
        try box.loadAnalysisData()
        let run = try box.run(["query"] + Self.efficiency + ["--format", "xml"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("Please provide one of the following:\n  - table\n  - csv\n  - tsv\n  - json\n  - jsonl\n  - markdown"), "\(run.stderr)")
    }
}
