import Crypto
import Foundation
import SQLiteDB
import Testing
@testable import Warehouse

/// Unit tests of the readers (CSV, JSON, JSON Lines), field conversion and dates.
@Suite struct ReaderTests {}

/// A file in a fresh temporary folder, removed with the folder when the value goes away.
private final class TempFile {
    let folder: URL
    let path: String

    init(_ bytes: [UInt8], name: String = "data") throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "owl-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appending(path: name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    convenience init(_ text: String, name: String = "data") throws { try self.init(Array(text.utf8), name: name) }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

private struct Row: Equatable, CustomStringConvertible {
    let line: Int
    let cells: [String]
    var invalid: Int? = nil
    var description: String { "\(line): \(cells) \(invalid.map { "invalid \($0)" } ?? "")" }
}

/// Every row of a CSV file, read with the given chunk size.
private func csvRows(_ file: TempFile, chunkSize: Int = 1 << 20) throws -> [Row] {
    let reader = CSVReader(source: try ByteSource(path: file.path, chunkSize: chunkSize))
    var rows: [Row] = []
    while let row = try reader.next() { rows.append(Row(line: row.line, cells: row.cells, invalid: row.invalidUTF8Cell)) }
    return rows
}

private func csvError(_ text: String, chunkSize: Int = 1 << 20) throws -> String? {
    let file = try TempFile(text, name: "x.csv")
    do {
        _ = try csvRows(file, chunkSize: chunkSize)
        return nil
    } catch let error as WarehouseError {
        return error.description.replacingOccurrences(of: file.path, with: "FILE")
    }
}

private func jsonObjects(_ file: TempFile, lines: Bool, chunkSize: Int = 1 << 20) throws -> [(Int, [String: JSONValue])] {
    let reader = JSONReader(source: try ByteSource(path: file.path, chunkSize: chunkSize), jsonLines: lines)
    var objects: [(Int, [String: JSONValue])] = []
    while let next = try reader.next() { objects.append((next.line, next.object)) }
    return objects
}

private func jsonError(_ bytes: [UInt8], lines: Bool) throws -> String? {
    let file = try TempFile(bytes)
    do {
        _ = try jsonObjects(file, lines: lines)
        return nil
    } catch let error as WarehouseError {
        return error.description.replacingOccurrences(of: file.path, with: "FILE")
    }
}

private func jsonError(_ text: String, lines: Bool = false) throws -> String? { try jsonError(Array(text.utf8), lines: lines) }

/// One record as `JSONReader.nextFlat` gives it: a row of cells, or an object parsed whole.
private struct FlatRead: Equatable, CustomStringConvertible {
    let line: Int
    var cells: [String]? = nil
    var object: [String: JSONValue]? = nil
    var description: String { "\(line): \(cells.map { "row \($0)" } ?? "object \(object ?? [:])")" }
}

/// Every record of a JSON file read by `nextFlat` for `fields`, with the given chunk size.
private func flatReads(_ file: TempFile, lines: Bool, fields: [String], chunkSize: Int = 1 << 20) throws -> [FlatRead] {
    let reader = JSONReader(source: try ByteSource(path: file.path, chunkSize: chunkSize), jsonLines: lines)
    var bytes: [UInt8] = [], ends: [Int] = []
    var reads: [FlatRead] = []
    while let record = try reader.nextFlat(fields: fields.map { Array($0.utf8) }, cells: &bytes, cellEnds: &ends) {
        switch record {
        case .row(let line):
            let cells = ends.indices.map { String(decoding: bytes[($0 == 0 ? 0 : ends[$0 - 1])..<ends[$0]], as: UTF8.self) }
            reads.append(FlatRead(line: line, cells: cells))
        case .object(let line, let object):
            reads.append(FlatRead(line: line, object: object))
        }
    }
    return reads
}

private func flatReads(_ text: String, lines: Bool, fields: [String], chunkSize: Int = 1 << 20) throws -> [FlatRead] {
    try flatReads(try TempFile(text), lines: lines, fields: fields, chunkSize: chunkSize)
}

/// The error of reading a file with `nextFlat` for the fields a and b, the file named FILE.
private func flatError(_ bytes: [UInt8], lines: Bool) throws -> String? {
    let file = try TempFile(bytes)
    do {
        _ = try flatReads(file, lines: lines, fields: ["a", "b"])
        return nil
    } catch let error as WarehouseError {
        return error.description.replacingOccurrences(of: file.path, with: "FILE")
    }
}

private func flatError(_ text: String, lines: Bool) throws -> String? { try flatError(Array(text.utf8), lines: lines) }

extension ReaderTests {
@Suite struct CSVReading {
    @Test func quotedFieldsDoubledQuotesAndNewlinesInsideQuotes() throws {
        let file = try TempFile("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,\"\"\n")
        #expect(try csvRows(file) == [
            Row(line: 1, cells: ["a", "b", "c"]),
            Row(line: 2, cells: ["x, y", "say \"hi\"", "two\nlines"]),
            Row(line: 4, cells: ["plain", "", ""]),
        ])
    }

    @Test func crlfLfAndMixedLineEnds() throws {
        let crlf = try TempFile("a,b\r\n1,2\r\n3,4\r\n")
        let lf = try TempFile("a,b\n1,2\n3,4\n")
        let expected = [Row(line: 1, cells: ["a", "b"]), Row(line: 2, cells: ["1", "2"]), Row(line: 3, cells: ["3", "4"])]
        #expect(try csvRows(crlf) == expected)
        #expect(try csvRows(lf) == expected)
        let mixed = try TempFile("a,b\r\n1,\"x\r\ny\"\n3,4")
        #expect(try csvRows(mixed) == [Row(line: 1, cells: ["a", "b"]), Row(line: 2, cells: ["1", "x\r\ny"]), Row(line: 4, cells: ["3", "4"])])
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let file = try TempFile([0xEF, 0xBB, 0xBF] + Array("id,name\n1,\u{FEFF}x\n".utf8))
        // Only the mark at the start of the file goes; one inside a cell is data.
        #expect(try csvRows(file) == [Row(line: 1, cells: ["id", "name"]), Row(line: 2, cells: ["1", "\u{FEFF}x"])])
        let quotedFirst = try TempFile([0xEF, 0xBB, 0xBF] + Array("\"id\",name\n".utf8))
        #expect(try csvRows(quotedFirst) == [Row(line: 1, cells: ["id", "name"])])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let file = try TempFile("a\n\n\r\n1\n\n2")
        #expect(try csvRows(file) == [Row(line: 1, cells: ["a"]), Row(line: 4, cells: ["1"]), Row(line: 6, cells: ["2"])])
    }

    @Test func emptyCellsAndTrailingSeparator() throws {
        let file = try TempFile("a,b,c\n,,\n1,2,\n")
        #expect(try csvRows(file) == [Row(line: 1, cells: ["a", "b", "c"]), Row(line: 2, cells: ["", "", ""]), Row(line: 3, cells: ["1", "2", ""])])
    }

    @Test func emptyFileHasNoRows() throws {
        #expect(try csvRows(try TempFile("")).isEmpty)
        #expect(try csvRows(try TempFile([0xEF, 0xBB, 0xBF])).isEmpty)
    }

    @Test func invalidUTF8IsFlaggedByCell() throws {
        let file = try TempFile(Array("a,b,c\nok,".utf8) + [0xC3, 0x28] + Array(",\"".utf8) + [0xFF] + Array("\"\nfine,\u{e9}t\u{e9},x\n".utf8))
        let rows = try csvRows(file)
        #expect(rows.count == 3)
        #expect(rows[1].line == 2 && rows[1].invalid == 1)
        #expect(rows[2] == Row(line: 3, cells: ["fine", "été", "x"]))
    }

    @Test func unterminatedQuoteNamesTheLineItOpensOn() throws {
        #expect(try csvError("a,b\n1,2\n3,\"open\n\n4,5\n") == "FILE:3: unterminated quoted field: a \" opened here is never closed")
    }

    @Test func characterAfterClosingQuoteIsAnError() throws {
        #expect(try csvError("a,b\n1,\"x\"y\n") ==
                "FILE:2: unexpected character after a closing quote in cell 2; a quote inside a quoted cell must be doubled (\"\")")
        #expect(try csvError("a,b\n\"multi\nline\" ,2\n") ==
                "FILE:3: unexpected character after a closing quote in cell 1; a quote inside a quoted cell must be doubled (\"\")")
    }

    /// Every record boundary case must read the same whatever the buffer size, including one byte at a time.
    @Test(arguments: [1, 2, 3, 4, 5, 7, 16])
    func smallChunksReadTheSame(chunkSize: Int) throws {
        let text = [0xEF, 0xBB, 0xBF] + Array("id,\"na\"\"me\"\r\n\r\n\"a\r\nb\",\"\"\r\nx,\"\"\"\"\r\nlast,\u{e9}".utf8)
        let file = try TempFile(text)
        let expected = try csvRows(file)
        #expect(expected == [
            Row(line: 1, cells: ["id", "na\"me"]), Row(line: 3, cells: ["a\r\nb", ""]), Row(line: 5, cells: ["x", "\""]),
            Row(line: 6, cells: ["last", "é"]),
        ])
        #expect(try csvRows(file, chunkSize: chunkSize) == expected)
        #expect(try csvError("a\n\"x", chunkSize: chunkSize) == "FILE:2: unterminated quoted field: a \" opened here is never closed")
    }

    @Test(arguments: [1, 3, 64, 1 << 20])
    func byteSourceHashesTheWholeFile(chunkSize: Int) throws {
        let text = String(repeating: "0123456789abcdef,\"quoted\"\n", count: 300)
        let file = try TempFile(text)
        let source = try ByteSource(path: file.path, chunkSize: chunkSize)
        let reader = CSVReader(source: source)
        _ = try reader.next()  // reads part of the file only
        // Expected values from sha256sum ("abc" is also FIPS 180-4's example).
        #expect(try source.hashing.result() == "2fb5722ee8bec7af689cde574bba71ccbb78a0aa76732b394b0e93fe69cf7e5c")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

}

extension ReaderTests {
@Suite struct JSONReading {
    @Test func arrayOfObjectsWithLines() throws {
        let file = try TempFile("""
            [
              {"id": "a", "n": 1.50, "b": true, "z": null},
              {"id": "b",
               "s": "tab\\tquote\\"slash\\/\\u00e9\\ud83d\\ude00"}
            ]

            """)
        let objects = try jsonObjects(file, lines: false)
        #expect(objects.map(\.0) == [2, 3])
        #expect(objects[0].1 == ["id": .string("a"), "n": .number("1.50"), "b": .bool(true), "z": .null])
        #expect(objects[1].1 == ["id": .string("b"), "s": .string("tab\tquote\"slash/é😀")])
    }

    @Test func emptyArrayHasNoObjects() throws {
        #expect(try jsonObjects(try TempFile(" [ ] \n"), lines: false).isEmpty)
    }

    @Test func jsonLinesWithBlankLinesAndCRLF() throws {
        let file = try TempFile([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}\r\n\n{\"a\": [1, {\"b\": -2e-3}]}\n{}".utf8))
        let objects = try jsonObjects(file, lines: true)
        #expect(objects.map(\.0) == [1, 3, 4])
        #expect(objects[1].1 == ["a": .array([.number("1"), .object(["b": .number("-2e-3")])])])
        #expect(objects[2].1 == [:])
    }

    @Test func scalarTextOfValues() {
        #expect(JSONValue.number("0.10").scalarText == .some("0.10"))
        #expect(JSONValue.bool(false).scalarText == .some("false"))
        #expect(JSONValue.null.scalarText == .some(nil))
        #expect(JSONValue.array([]).scalarText == nil)
    }

    @Test func syntaxErrorsNameFileAndLine() throws {
        #expect(try jsonError("") == "FILE:1: JSON syntax error: the file is empty; expected a JSON array of objects")
        #expect(try jsonError("\n\n{\"a\": 1}") == "FILE:3: JSON syntax error: expected a JSON array of objects (starting with [), found '{'")
        #expect(try jsonError("[{\"a\": 1}\n,\n{\"a\": 2}") == "FILE:3: JSON syntax error: the JSON array is never closed (missing ])")
        #expect(try jsonError("[{\"a\": 1} {\"a\": 2}]") == "FILE:1: JSON syntax error: expected , or ] after an array element, found '{'")
        #expect(try jsonError("[{\"a\": 1}]\nx") == "FILE:2: JSON syntax error: unexpected 'x' after the closing ]")
        #expect(try jsonError("[\n{\"a\": 01}]") == "FILE:2: JSON syntax error: invalid number: leading zeros are not allowed")
        #expect(try jsonError("[{\"a\": 1.}]") == "FILE:1: JSON syntax error: invalid number: digits must follow the decimal point")
        #expect(try jsonError("[{\"a\": tru}]") == "FILE:1: JSON syntax error: invalid literal; expected true")
        #expect(try jsonError("[{\"a\": 'x'}]") == "FILE:1: JSON syntax error: unexpected '''; expected a JSON value")
        #expect(try jsonError("[{\"a\": \"x\ny\"}]") == "FILE:1: JSON syntax error: control character in a string; newlines and tabs must be escaped")
        #expect(try jsonError("[{\"a\": \"x}]") == "FILE:1: JSON syntax error: unterminated string")
        #expect(try jsonError("[{\"a\": \"\\x\"}]") == "FILE:1: JSON syntax error: invalid escape \\'x' in a string")
        #expect(try jsonError("[{\"a\": \"\\ud83d\"}]") == "FILE:1: JSON syntax error: unpaired surrogate in \\u escape")
        #expect(try jsonError("[{a: 1}]") == "FILE:1: JSON syntax error: expected a quoted field name")
        #expect(try jsonError("[{\"a\" 1}]") == "FILE:1: JSON syntax error: expected : after field name \"a\"")
        #expect(try jsonError("[{\"a\": 1, \"a\": 2}]") == "FILE:1: JSON syntax error: field \"a\" appears twice in one object")
        #expect(try jsonError("[1]") == "FILE:1: expected a JSON object as array element")
        #expect(try jsonError(Array("[{\"a\": \"".utf8) + [0xC0, 0xAF] + Array("\"}]".utf8), lines: false) ==
                "FILE:1: JSON syntax error: invalid UTF-8 in a string")
    }

    @Test func jsonLinesErrors() throws {
        #expect(try jsonError("{\"a\": 1}\n[1]\n", lines: true) == "FILE:2: expected a JSON object on this line")
        #expect(try jsonError("{\"a\": 1}\n{\"a\": 2}, \n", lines: true) ==
                "FILE:2: JSON syntax error: unexpected ',' after the object; JSON Lines holds one object per line")
        // A record cut short is incomplete, at the line it starts on.
        #expect(try jsonError("{\"a\": 1}\n\n{\"a\": ", lines: true) ==
                "FILE:3: the record is incomplete: the line ends before its object is closed (JSON Lines holds one whole object per line)")
    }

    @Test func nestingDeeperThan512LevelsIsALocatedError() throws {
        // The array of objects is level 1, each object level 2: 510 more arrays reach 512.
        func nested(_ levels: Int) -> String { String(repeating: "[", count: levels) + String(repeating: "]", count: levels) }
        #expect(try jsonError("[{\"a\": \(nested(510))}]") == nil)
        #expect(try jsonError("[\n{\"a\": \(nested(511))}]") ==
                "FILE:2: JSON syntax error: arrays and objects are nested more than 512 levels deep")
        #expect(try jsonError("{\"a\": 1}\n{\"a\": \(nested(40_000))}\n", lines: true) ==
                "FILE:2: JSON syntax error: arrays and objects are nested more than 512 levels deep")
        #expect(try jsonError(nested(40_000)) == "FILE:1: JSON syntax error: arrays and objects are nested more than 512 levels deep")
    }

    @Test(arguments: [1, 2, 5])
    func smallChunksReadTheSame(chunkSize: Int) throws {
        let text = "[\n{\"id\": \"a\\u00e9\", \"v\": -12.5e+2},\n {\"id\": \"\u{1F600}\", \"v\": null}\n]"
        let file = try TempFile(text)
        let whole = try jsonObjects(file, lines: false)
        let chunked = try jsonObjects(file, lines: false, chunkSize: chunkSize)
        #expect(whole.map(\.0) == [2, 3])
        #expect(chunked.map(\.0) == whole.map(\.0))
        #expect(chunked.map(\.1) == whole.map(\.1))
        #expect(whole[0].1 == ["id": .string("aé"), "v": .number("-12.5e+2")])
        #expect(whole[1].1 == ["id": .string("😀"), "v": .null])
    }

    @Test func flatObjectsAreReadAsRowsOfTheFields() throws {
        // Keys in any order; values as written; null and absent fields empty.
        let text = "{\"b\": \"x y\", \"a\": -12.5e-1, \"c\": true}\n\n{\"a\": null,\"c\":false}\r\n{}\n{\"b\": \"\u{e9}t\u{e9}\", \"a\": 0}"
        let expected = [
            FlatRead(line: 1, cells: ["-12.5e-1", "x y", "true"]),
            FlatRead(line: 3, cells: ["", "", "false"]),
            FlatRead(line: 4, cells: ["", "", ""]),
            FlatRead(line: 5, cells: ["0", "été", ""]),
        ]
        #expect(try flatReads(text, lines: true, fields: ["a", "b", "c"]) == expected)
        // Objects cut by the end of every small chunk read the same.
        for chunkSize in [1, 2, 5] {
            #expect(try flatReads(text, lines: true, fields: ["a", "b", "c"], chunkSize: chunkSize) == expected)
        }
    }

    @Test func escapesInFlatObjectsAreUndone() throws {
        let text = #"""
            {"a": "deepseek-ai\/DeepSeek-R1", "b": "say \"hi\"\t\\ \u00e9\ud83d\ude00 \b\f\n\r"}
            {"a": "\u00e9t\u00e9 été", "b": "\u0000"}

            """#
        let expected = [
            FlatRead(line: 1, cells: ["deepseek-ai/DeepSeek-R1", "say \"hi\"\t\\ é😀 \u{8}\u{c}\n\r"]),
            FlatRead(line: 2, cells: ["été été", "\u{0}"]),
        ]
        #expect(try flatReads(text, lines: true, fields: ["a", "b"]) == expected)
        for chunkSize in [1, 3, 7] {
            #expect(try flatReads(text, lines: true, fields: ["a", "b"], chunkSize: chunkSize) == expected)
        }
    }

    @Test func otherObjectsAreParsedWhole() throws {
        let text = """
            [{"\\u0061": "escaped key"},
             {"a": [1, 2]}, {"d": 1},
             {"a": {"b": 1}}, {"a": 1}]
            """
        #expect(try flatReads(text, lines: false, fields: ["a", "b"]) == [
            FlatRead(line: 1, object: ["a": .string("escaped key")]),
            FlatRead(line: 2, object: ["a": .array([.number("1"), .number("2")])]),
            FlatRead(line: 2, object: ["d": .number("1")]),
            FlatRead(line: 3, object: ["a": .object(["b": .number("1")])]),
            FlatRead(line: 3, cells: ["1", ""]),
        ])
    }

    @Test func lineBreaksInsideAFlatObjectAreCounted() throws {
        let text = "[\n{\"a\": 1,\n \"b\": \"x\"},\n{\"a\": 2}\n] x"
        #expect(try flatError(text, lines: false) == "FILE:5: JSON syntax error: unexpected 'x' after the closing ]")
        #expect(try flatReads(String(text.dropLast(2)), lines: false, fields: ["a", "b"]) ==
                [FlatRead(line: 2, cells: ["1", "x"]), FlatRead(line: 4, cells: ["2", ""])])
    }

    @Test func flatReadingKeepsTheErrors() throws {
        #expect(try flatError("{\"a\": 1, \"a\": 2}", lines: true) == "FILE:1: JSON syntax error: field \"a\" appears twice in one object")
        #expect(try flatError("{\"a\": 1}\n{\"a\": 1,\n\"b\": 2}\n", lines: true) ==
                "FILE:2: the record is incomplete: the line ends before its object is closed (JSON Lines holds one whole object per line)")
        #expect(try flatError("{\"a\": 1}\n{\"a\": 01}", lines: true) == "FILE:2: JSON syntax error: invalid number: leading zeros are not allowed")
        #expect(try flatError("{\"a\": 1}\n{\"a\": 1", lines: true) ==
                "FILE:2: the record is incomplete: the line ends before its object is closed (JSON Lines holds one whole object per line)")
        #expect(try flatError("[{\"a\": nul}]", lines: false) == "FILE:1: JSON syntax error: invalid literal; expected null")
        #expect(try flatError("{\"a\": \"\\x\"}", lines: true) == "FILE:1: JSON syntax error: invalid escape \\'x' in a string")
        #expect(try flatError("{\"a\": \"\\ud83d\"}", lines: true) == "FILE:1: JSON syntax error: unpaired surrogate in \\u escape")
        #expect(try flatError("{\"a\": \"\\ude00\"}", lines: true) == "FILE:1: JSON syntax error: invalid \\u escape")
        #expect(try flatError("{\"a\": \"\\u00g0\"}", lines: true) == "FILE:1: JSON syntax error: invalid \\u escape")
        #expect(try flatError("{\"a\": \"\\u00e", lines: true) ==
                "FILE:1: the record is incomplete: the line ends before its object is closed (JSON Lines holds one whole object per line)")
        #expect(try flatError("{\"a\": 1} x", lines: true) ==
                "FILE:1: JSON syntax error: unexpected 'x' after the object; JSON Lines holds one object per line")
    }

    @Test func invalidUTF8InAFlatObjectIsAnError() throws {
        #expect(try flatError(Array("{\"a\": \"".utf8) + [0xC0, 0xAF] + Array("\"}\n".utf8), lines: true) ==
                "FILE:1: JSON syntax error: invalid UTF-8 in a string")
    }
}

}

extension ReaderTests {
@Suite struct FieldConversion {
    /// Converts one row given as field → cell, returning its values (by field name) and problems.
    private func convert(_ entity: Entity, _ cells: [String: String], line: Int = 7) -> (values: [String: SQLValue], problems: [RowProblem]) {
        var record = SourceRecord(entity: entity, line: line, cells: entity.fieldNames.map { cells[$0] ?? "" }, problems: [])
        FieldConverter(entity: entity).convert(&record)
        return (Dictionary(uniqueKeysWithValues: zip(entity.fieldNames, record.values)), record.problems)
    }

    private let organization = ["id": "deepseek", "name": "DeepSeek", "country": "CN", "kind": "company"]

    private func organizationProblems(_ changes: [String: String]) -> [RowProblem] {
        convert(.organizations, organization.merging(changes) { $1 }).problems
    }

    @Test func aValidRowConverts() {
        let (values, problems) = convert(.organizations, organization.merging(["hf_namespaces": " deepseek-ai ; ; DeepSeek ", "url": "https://x.ai"]) { $1 })
        #expect(problems.isEmpty)
        #expect(values == ["id": .text("deepseek"), "name": .text("DeepSeek"), "country": .text("CN"), "kind": .text("company"),
                           "hf_namespaces": .text("deepseek-ai;DeepSeek"), "url": .text("https://x.ai")])
    }

    @Test func requiredFieldsAndTrimming() {
        #expect(convert(.organizations, ["id": "a", "country": "US", "kind": "company"]).problems ==
                [RowProblem(line: 7, field: "name", message: "is required", value: nil)])
        #expect(organizationProblems(["name": " \t "]) == [RowProblem(line: 7, field: "name", message: "is required", value: " \t ")])
        let (values, problems) = convert(.organizations, organization.merging(["name": "  Deep Seek\u{00A0}", "country": " CN\t"]) { $1 })
        #expect(problems.isEmpty)
        #expect(values["name"] == .text("Deep Seek"))
        #expect(values["country"] == .text("CN"))
    }

    @Test func slugs() {
        for good in ["a", "0", "a.b_c-d", "qwen3"] { #expect(FieldConverter.isSlug(good), "\(good)") }
        for bad in ["", "A", "-a", ".a", "_a", "a b", "a/b", "é"] { #expect(!FieldConverter.isSlug(bad), "\(bad)") }
        #expect(organizationProblems(["id": "Deep"]) == [RowProblem(line: 7, field: "id",
            message: "must be a lower-case slug: letters a-z, digits and . _ -, starting with a letter or digit", value: "Deep")])
    }

    @Test func countries() {
        #expect(organizationProblems(["country": "ZZ"]).isEmpty)
        #expect(organizationProblems(["country": "cn"]).map(\.message) == ["country codes are upper case: use CN"])
        #expect(organizationProblems(["country": "France"]).map(\.message) == ["must be an ISO 3166-1 alpha-2 code: use FR"])
        #expect(organizationProblems(["country": "QQ"]) == [RowProblem(line: 7, field: "country",
            message: "must be an ISO 3166-1 alpha-2 code such as US, CN or FR, or ZZ for unknown", value: "QQ")])
        #expect(Countries.codes.count == 250)
    }

    @Test func choices() {
        #expect(organizationProblems(["kind": "Company"]).map(\.message) ==
                ["must be one of company, academic, nonprofit, community, government; did you mean company?"])
        #expect(organizationProblems(["kind": "lab"]).map(\.message) == ["must be one of company, academic, nonprofit, community, government"])
    }

    @Test func urlsAndNamespaces() {
        #expect(organizationProblems(["url": "www.x.ai"]).map(\.message) == ["must be a URL starting with https:// or http://"])
        #expect(organizationProblems(["hf_namespaces": "good;bad space"]).map(\.message) ==
                ["holds \"bad space\", which is not a Hugging Face namespace (letters, digits, . _ -; separate several with ;)"])
    }

    @Test func numbers() {
        #expect(FieldConverter.number("12") == 12)
        #expect(FieldConverter.number("-1.5e3") == -1500)
        #expect(FieldConverter.number(".5") == 0.5)
        for bad in ["", "1,000", "0x1A", "nan", "inf", "-inf", "1e999", "1 000", "1..2", "e", "+"] {
            #expect(FieldConverter.number(bad) == nil, "\(bad)")
        }
        let observation = ["model": "m", "metric": "x", "observed_on": "2025-01-01"]
        #expect(convert(.observations, observation.merging(["value": "0"]) { $1 }).values["value"] == .real(0))
        #expect(convert(.observations, observation.merging(["value": "-3"]) { $1 }).problems.isEmpty)
        #expect(convert(.observations, observation.merging(["value": "1,234"]) { $1 }).problems ==
                [RowProblem(line: 7, field: "value", message: "must be a plain number without thousands separators", value: "1,234")])
        #expect(convert(.observations, observation.merging(["value": "many"]) { $1 }).problems.map(\.message) == ["must be a number"])
        let model = ["id": "m", "organization": "o", "name": "M", "released_on": "2025-01-01"]
        #expect(convert(.models, model.merging(["params_total_b": "-7"]) { $1 }).problems.map(\.message) == ["must be greater than 0"])
        #expect(convert(.models, model.merging(["params_total_b": "0.5"]) { $1 }).values["params_total_b"] == .real(0.5))
    }

    @Test func metricsFields() {
        let metric = ["id": "dl", "name": "D", "unit": "u", "kind": "window"]
        let ok = convert(.metrics, metric.merging(["window_days": "30", "higher_is_better": "false"]) { $1 })
        #expect(ok.problems.isEmpty)
        #expect(ok.values["window_days"] == .integer(30))
        #expect(ok.values["higher_is_better"] == .integer(0))
        for days in ["0", "-1", "1.5", "30d"] {
            #expect(convert(.metrics, metric.merging(["window_days": days]) { $1 }).problems ==
                    [RowProblem(line: 7, field: "window_days", message: "must be a whole number greater than 0", value: days)])
        }
        #expect(convert(.metrics, metric.merging(["higher_is_better": "TRUE"]) { $1 }).problems.map(\.message) == ["must be true or false"])
    }

    @Test func dates() {
        let release = ["id": "r", "organization": "o", "name": "R"]
        #expect(convert(.releases, release.merging(["released_on": "2025-02-30"]) { $1 }).problems ==
                [RowProblem(line: 7, field: "released_on", message: "is not a date that exists", value: "2025-02-30")])
        #expect(convert(.releases, release.merging(["released_on": "20250220"]) { $1 }).problems.map(\.message) ==
                ["must be a date written YYYY-MM-DD"])
        #expect(convert(.releases, release.merging(["released_on": "2024-02-29"]) { $1 }).values["released_on"] == .text("2024-02-29"))
    }

    @Test func aRowWithSeveralProblemsReportsEachInFieldOrder() {
        let problems = convert(.organizations, ["id": "X", "country": "xx", "kind": "corp"]).problems
        #expect(problems.map(\.field) == ["id", "name", "country", "kind"])
    }

    @Test func problemsRenderAsFileLineFieldMessageValue() {
        #expect(RowProblem(line: 3, field: "country", message: "must be an ISO 3166-1 alpha-2 code", value: "XX").rendered(file: "o.csv")
                == "o.csv:3: field country: must be an ISO 3166-1 alpha-2 code (got \"XX\")")
        #expect(RowProblem(line: 4, field: "name", message: "is required", value: nil).rendered(file: "o.csv") == "o.csv:4: field name: is required")
        #expect(RowProblem(line: 5, field: nil, message: "the row has 3 cells", value: nil).rendered(file: "o.csv") == "o.csv:5: the row has 3 cells")
    }

    @Test func closestNameSuggestions() {
        #expect(closest(to: "contry", in: Entity.organizations.fieldNames) == "country")
        #expect(closest(to: "URL", in: Entity.organizations.fieldNames) == "url")
        #expect(closest(to: "founded", in: Entity.organizations.fieldNames) == nil)
        #expect(editDistance("kitten", "sitting") == 3)
    }
}

}

extension ReaderTests {
@Suite struct Dates {
    @Test(arguments: ["2025-01-31", "2024-02-29", "2000-02-29", "2025-12-31", "0001-01-01", "2025-04-30"])
    func datesThatExist(text: String) {
        #expect(DateText.hasShape(text))
        #expect(DateText.isValid(text))
    }

    @Test(arguments: ["2025-02-30", "2025-02-29", "1900-02-29", "2100-02-29", "2025-04-31", "2025-06-31", "2025-09-31",
                      "2025-11-31", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32", "0000-01-01"])
    func datesThatDoNotExist(text: String) {
        #expect(DateText.hasShape(text))
        #expect(!DateText.isValid(text))
    }

    @Test(arguments: ["2025-1-01", "25-01-01", "2025/01/01", "2025-01-01T00:00", " 2025-01-01", "2025-0a-01", "", "２０２５-01-01"])
    func wrongShapes(text: String) {
        #expect(!DateText.hasShape(text))
        #expect(!DateText.isValid(text))
    }

    @Test func components() {
        #expect(DateText.components("2025-07-04").map { [$0.0, $0.1, $0.2] } == [2025, 7, 4])
        #expect(DateText.daysIn(month: 2, year: 2024) == 29)
        #expect(DateText.daysIn(month: 2, year: 2023) == 28)
        #expect(DateText.daysIn(month: 9, year: 2023) == 30)
    }
}
}
