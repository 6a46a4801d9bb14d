/// The country and kind of each organization in Epoch AI's file, decided from all of its
/// rows and never from a neighbour's.
///
/// Epoch lists a row's organizations in one cell and their countries and categorizations in
/// two others, all separated by commas, but the lists do not always line up: a lab can have
/// two countries (Google DeepMind: "United States of America,United Kingdom …" in every
/// row), so a row of two organizations can list three countries. Matching such lists by
/// position, or falling back to the first country, gives an organization its neighbour's
/// country. Instead, for each organization:
///
/// 1. the override table below, for labs Epoch lists with two countries in every row;
/// 2. else the rows where it is the only organization and the cell names one country;
/// 3. else the rows where the cells list as many countries as organizations, matched by
///    position (before any de-duplication);
/// 4. else `ZZ`, unknown.
///
/// Within 2 or 3, the country most rows give wins; a tie is undecidable (`ZZ`). Kinds are
/// decided the same way from the categorization cell, and are nil when undecidable.
struct EpochOrganizations {
    struct Override {
        let country: String
        let reason: String
    }

    /// Labs that every row of Epoch's file lists with two countries, by lower-cased name.
    static let overrides: [String: Override] = [
        "google deepmind": Override(country: "GB", reason:
            "Epoch lists US and UK in all 34 rows where it is the only organization (Alphabet's country and the lab's); Google DeepMind is headquartered in London, where DeepMind was founded"),
        "facebook ai research": Override(country: "US", reason:
            "Epoch lists US and France in all 11 rows where it is the only organization (FAIR has labs in both); FAIR is Meta's research lab, headquartered with Meta in Menlo Park"),
    ]

    private struct Votes {
        var sole: [String: Int] = [:]
        var positional: [String: Int] = [:]

        /// The value most votes of the strongest kind give; nil when there are none or a tie.
        var decided: String? {
            for tally in [sole, positional] {
                guard let best = tally.values.max() else { continue }
                let winners = tally.filter { $0.value == best }
                return winners.count == 1 ? winners.first?.key : nil
            }
            return nil
        }
    }

    private var countryVotes: [String: Votes] = [:]
    private var kindVotes: [String: Votes] = [:]

    /// Reads the organization, country and categorization cells of every row of `path`.
    /// `knownNames` are the lower-cased names of organizations already known, so that a
    /// name with a comma in it is not split.
    init(path: String, knownNames: Set<String>) throws {
        let reader = CSVReader(source: try ByteSource(path: path))
        guard let header = try reader.next() else { return }
        func index(_ name: String) -> Int? { header.cells.firstIndex(of: name) }
        guard let organizationColumn = index("Organization") else { return }
        let countryColumn = index("Country (of organization)"), categoryColumn = index("Organization categorization")
        let splitter = EpochNames(knownNames: knownNames)
        func cell(_ row: CSVRow, _ column: Int?) -> String {
            guard let column, column < row.cells.count else { return "" }
            return row.cells[column]
        }
        while let row = try reader.next() {
            let names = splitter.names(inCell: cell(row, organizationColumn)).map { $0.lowercased() }
            guard !names.isEmpty else { continue }
            let countries = Countries.listedCodes(inCell: cell(row, countryColumn))
            let categories = EpochNames.pieces(cell(row, categoryColumn)).map { Self.kindByCategory[$0.lowercased()] }
            Self.vote(names: names, values: countries, into: &countryVotes)
            Self.vote(names: names, values: categories, into: &kindVotes)
        }
    }

    private static func vote(names: [String], values: [String?], into votes: inout [String: Votes]) {
        if names.count == 1 {
            let distinct = Set(values)
            if distinct.count == 1, let only = distinct.first, let value = only, value != Countries.unknownCode {
                votes[names[0], default: Votes()].sole[value, default: 0] += 1
            }
        } else if names.count == values.count {
            for (name, value) in zip(names, values) {
                guard let value, value != Countries.unknownCode else { continue }
                votes[name, default: Votes()].positional[value, default: 0] += 1
            }
        }
    }

    /// The organization's country: from the overrides, else its rows, else `ZZ`.
    func country(of name: String) -> String {
        let key = name.lowercased()
        return Self.overrides[key]?.country ?? countryVotes[key]?.decided ?? Countries.unknownCode
    }

    /// The organization's kind, nil when its rows do not decide one.
    func kind(of name: String) -> String? { kindVotes[name.lowercased()]?.decided }

    static let kindByCategory = [
        "industry": "company", "academia": "academic", "government": "government",
        "research collective": "community", "non-profit": "nonprofit", "nonprofit": "nonprofit",
    ]
}

/// Splits Epoch's comma-separated organization cells into names.
struct EpochNames {
    /// Known names holding a comma, by the list of their trimmed, lower-cased pieces.
    private let namesWithCommas: [[String]: String]
    private let longest: Int

    init(knownNames: Set<String>) {
        var names: [[String]: String] = [:]
        for name in knownNames where name.contains(",") { names[Self.pieces(name).map { $0.lowercased() }] = name }
        namesWithCommas = names
        longest = names.keys.map(\.count).max() ?? 1
    }

    /// The names in a cell. A known name is matched first, whatever commas it holds; else
    /// Epoch separates names with a bare comma, so a comma followed by a space stays inside a
    /// name ("NVIDIA,NERSC, Lawrence Berkeley National Laboratory,…").
    func names(inCell cell: String) -> [String] {
        let raw = cell.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var names: [String] = []
        var index = 0
        while index < raw.count {
            var end = min(raw.count, index + longest)
            var known: String?
            while end > index + 1 {
                known = namesWithCommas[raw[index..<end].map { Self.trimmed($0).lowercased() }]
                if known != nil { break }
                end -= 1
            }
            if let known {
                names.append(known)
            } else if let first = raw[index].first, first.isWhitespace, !names.isEmpty {
                names[names.count - 1] += "," + raw[index]
            } else {
                names.append(raw[index])
            }
            index = end
        }
        return names.map(Self.trimmed).filter { !$0.isEmpty }
    }

    /// A cell's comma-separated pieces, trimmed, without empty ones.
    static func pieces(_ cell: String) -> [String] {
        cell.split(separator: ",").map { trimmed(String($0)) }.filter { !$0.isEmpty }
    }

    /// Inner whitespace (line breaks included) collapsed to one space, ends trimmed.
    static func trimmed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
