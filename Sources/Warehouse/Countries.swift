// ISO 3166-1 alpha-2 country codes and an English-name lookup table.
//
// The code list is the 249 officially assigned ISO 3166-1 alpha-2 codes (Debian iso-codes 4.15.0,
// iso_3166-1.json; user-assigned codes such as XK for Kosovo are not included), plus "ZZ" for unknown.
// Names are the ISO short names, official names and common names from the same source, extra
// common spellings, and every value that occurs in the "Country (of organization)" column of
// Epoch AI's notable-ai-models.csv.

/// ISO 3166-1 alpha-2 country codes, and the English country names found in real data files mapped to them.
public enum Countries {
    /// Every officially assigned ISO 3166-1 alpha-2 code (249 codes), plus "ZZ" for unknown.
    public static let codes: Set<String> = [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
        "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
        "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
        "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
        "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
        "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
        "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
        "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
        "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
        "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
        "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
        "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
        "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
        "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
        "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
        "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", "ZZ",
    ]

    /// The code used when a value names no single country ("Multinational", "Unknown", ...).
    public static let unknownCode = "ZZ"

    /// Lower-cased English names (official ISO short names, common short forms, and every spelling used in Epoch AI's file) → alpha-2 code.
    ///
    /// Keys are lower-cased, use a plain apostrophe, single spaces, and ", " after each comma (see `normalizedName(_:)`).
    /// Some ISO names contain a comma ("Korea, Republic of", "Taiwan, Province of China"). No key with a comma is made
    /// only of pieces that are themselves keys, so `codes(inCell:)` can rejoin such names without ever merging a list of
    /// countries. Epoch AI writes these names with parentheses instead ("Korea (Republic of)", "Iran (Islamic Republic of)").
    static let codeByLowercasedName: [String: String] = [
        "andorra": "AD", "principality of andorra": "AD",
        "united arab emirates": "AE", "uae": "AE", "u.a.e.": "AE", "emirates": "AE",
        "afghanistan": "AF", "islamic republic of afghanistan": "AF",
        "antigua and barbuda": "AG",
        "anguilla": "AI",
        "albania": "AL", "republic of albania": "AL",
        "armenia": "AM", "republic of armenia": "AM",
        "angola": "AO", "republic of angola": "AO",
        "antarctica": "AQ",
        "argentina": "AR", "argentine republic": "AR",
        "american samoa": "AS",
        "austria": "AT", "republic of austria": "AT",
        "australia": "AU",
        "aruba": "AW",
        "åland islands": "AX", "aland islands": "AX", "aland": "AX",
        "azerbaijan": "AZ", "republic of azerbaijan": "AZ",
        "bosnia and herzegovina": "BA", "republic of bosnia and herzegovina": "BA", "bosnia": "BA",
        "bosnia-herzegovina": "BA", "bosnia & herzegovina": "BA",
        "barbados": "BB",
        "bangladesh": "BD", "people's republic of bangladesh": "BD",
        "belgium": "BE", "kingdom of belgium": "BE",
        "burkina faso": "BF",
        "bulgaria": "BG", "republic of bulgaria": "BG",
        "bahrain": "BH", "kingdom of bahrain": "BH",
        "burundi": "BI", "republic of burundi": "BI",
        "benin": "BJ", "republic of benin": "BJ",
        "saint barthélemy": "BL", "saint barthelemy": "BL", "st. barthelemy": "BL", "st. barthélemy": "BL",
        "bermuda": "BM",
        "brunei darussalam": "BN", "brunei": "BN",
        "bolivia, plurinational state of": "BO", "plurinational state of bolivia": "BO", "bolivia": "BO",
        "bolivia (plurinational state of)": "BO",
        "bonaire, sint eustatius and saba": "BQ", "caribbean netherlands": "BQ", "bonaire": "BQ",
        "brazil": "BR", "federative republic of brazil": "BR",
        "bahamas": "BS", "commonwealth of the bahamas": "BS", "the bahamas": "BS",
        "bhutan": "BT", "kingdom of bhutan": "BT",
        "bouvet island": "BV",
        "botswana": "BW", "republic of botswana": "BW",
        "belarus": "BY", "republic of belarus": "BY",
        "belize": "BZ",
        "canada": "CA",
        "cocos (keeling) islands": "CC",
        "congo, the democratic republic of the": "CD", "congo (democratic republic of the)": "CD",
        "democratic republic of the congo": "CD", "democratic republic of congo": "CD", "dr congo": "CD", "drc": "CD",
        "congo-kinshasa": "CD",
        "central african republic": "CF",
        "congo": "CG", "republic of the congo": "CG", "congo-brazzaville": "CG", "congo (republic of the)": "CG",
        "switzerland": "CH", "swiss confederation": "CH",
        "côte d'ivoire": "CI", "republic of côte d'ivoire": "CI", "cote d'ivoire": "CI", "ivory coast": "CI",
        "cook islands": "CK",
        "chile": "CL", "republic of chile": "CL",
        "cameroon": "CM", "republic of cameroon": "CM",
        "china": "CN", "people's republic of china": "CN", "prc": "CN", "p.r. china": "CN", "p.r.c.": "CN",
        "mainland china": "CN", "china (mainland)": "CN",
        "colombia": "CO", "republic of colombia": "CO",
        "costa rica": "CR", "republic of costa rica": "CR",
        "cuba": "CU", "republic of cuba": "CU",
        "cabo verde": "CV", "republic of cabo verde": "CV", "cape verde": "CV",
        "curaçao": "CW", "curacao": "CW",
        "christmas island": "CX",
        "cyprus": "CY", "republic of cyprus": "CY",
        "czechia": "CZ", "czech republic": "CZ",
        "germany": "DE", "federal republic of germany": "DE",
        "djibouti": "DJ", "republic of djibouti": "DJ",
        "denmark": "DK", "kingdom of denmark": "DK",
        "dominica": "DM", "commonwealth of dominica": "DM",
        "dominican republic": "DO",
        "algeria": "DZ", "people's democratic republic of algeria": "DZ",
        "ecuador": "EC", "republic of ecuador": "EC",
        "estonia": "EE", "republic of estonia": "EE",
        "egypt": "EG", "arab republic of egypt": "EG", "egypt, arab rep.": "EG",
        "western sahara": "EH",
        "eritrea": "ER", "state of eritrea": "ER",
        "spain": "ES", "kingdom of spain": "ES",
        "ethiopia": "ET", "federal democratic republic of ethiopia": "ET",
        "finland": "FI", "republic of finland": "FI",
        "fiji": "FJ", "republic of fiji": "FJ",
        "falkland islands (malvinas)": "FK", "falkland islands": "FK",
        "micronesia, federated states of": "FM", "federated states of micronesia": "FM", "micronesia": "FM",
        "micronesia (federated states of)": "FM",
        "faroe islands": "FO",
        "france": "FR", "french republic": "FR",
        "gabon": "GA", "gabonese republic": "GA",
        "united kingdom": "GB", "united kingdom of great britain and northern ireland": "GB", "uk": "GB",
        "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
        "northern ireland": "GB",
        "grenada": "GD",
        "georgia": "GE",
        "french guiana": "GF",
        "guernsey": "GG",
        "ghana": "GH", "republic of ghana": "GH",
        "gibraltar": "GI",
        "greenland": "GL",
        "gambia": "GM", "republic of the gambia": "GM", "the gambia": "GM",
        "guinea": "GN", "republic of guinea": "GN",
        "guadeloupe": "GP",
        "equatorial guinea": "GQ", "republic of equatorial guinea": "GQ",
        "greece": "GR", "hellenic republic": "GR",
        "south georgia and the south sandwich islands": "GS",
        "guatemala": "GT", "republic of guatemala": "GT",
        "guam": "GU",
        "guinea-bissau": "GW", "republic of guinea-bissau": "GW",
        "guyana": "GY", "republic of guyana": "GY",
        "hong kong": "HK", "hong kong special administrative region of china": "HK", "hong kong sar": "HK",
        "hong kong sar china": "HK", "hong kong (china)": "HK", "hongkong": "HK",
        "heard island and mcdonald islands": "HM",
        "honduras": "HN", "republic of honduras": "HN",
        "croatia": "HR", "republic of croatia": "HR",
        "haiti": "HT", "republic of haiti": "HT",
        "hungary": "HU",
        "indonesia": "ID", "republic of indonesia": "ID",
        "ireland": "IE", "republic of ireland": "IE",
        "israel": "IL", "state of israel": "IL",
        "isle of man": "IM",
        "india": "IN", "republic of india": "IN",
        "british indian ocean territory": "IO",
        "iraq": "IQ", "republic of iraq": "IQ",
        "iran, islamic republic of": "IR", "islamic republic of iran": "IR", "iran": "IR",
        "iran (islamic republic of)": "IR", "iran, islamic rep.": "IR",
        "iceland": "IS", "republic of iceland": "IS",
        "italy": "IT", "italian republic": "IT",
        "jersey": "JE",
        "jamaica": "JM",
        "jordan": "JO", "hashemite kingdom of jordan": "JO",
        "japan": "JP",
        "kenya": "KE", "republic of kenya": "KE",
        "kyrgyzstan": "KG", "kyrgyz republic": "KG",
        "cambodia": "KH", "kingdom of cambodia": "KH",
        "kiribati": "KI", "republic of kiribati": "KI",
        "comoros": "KM", "union of the comoros": "KM",
        "saint kitts and nevis": "KN",
        "korea, democratic people's republic of": "KP", "democratic people's republic of korea": "KP",
        "north korea": "KP", "korea (democratic people's republic of)": "KP", "dprk": "KP", "korea, north": "KP",
        "korea, republic of": "KR", "south korea": "KR", "korea": "KR", "korea (republic of)": "KR",
        "republic of korea": "KR", "korea, south": "KR", "korea, rep.": "KR", "rok": "KR",
        "kuwait": "KW", "state of kuwait": "KW",
        "cayman islands": "KY",
        "kazakhstan": "KZ", "republic of kazakhstan": "KZ",
        "lao people's democratic republic": "LA", "laos": "LA", "lao pdr": "LA",
        "lebanon": "LB", "lebanese republic": "LB",
        "saint lucia": "LC",
        "liechtenstein": "LI", "principality of liechtenstein": "LI",
        "sri lanka": "LK", "democratic socialist republic of sri lanka": "LK",
        "liberia": "LR", "republic of liberia": "LR",
        "lesotho": "LS", "kingdom of lesotho": "LS",
        "lithuania": "LT", "republic of lithuania": "LT",
        "luxembourg": "LU", "grand duchy of luxembourg": "LU",
        "latvia": "LV", "republic of latvia": "LV",
        "libya": "LY",
        "morocco": "MA", "kingdom of morocco": "MA",
        "monaco": "MC", "principality of monaco": "MC",
        "moldova, republic of": "MD", "republic of moldova": "MD", "moldova": "MD", "moldova (republic of)": "MD",
        "montenegro": "ME",
        "saint martin (french part)": "MF", "saint martin": "MF", "st. martin": "MF",
        "madagascar": "MG", "republic of madagascar": "MG",
        "marshall islands": "MH", "republic of the marshall islands": "MH",
        "north macedonia": "MK", "republic of north macedonia": "MK", "macedonia": "MK",
        "republic of macedonia": "MK", "macedonia, the former yugoslav republic of": "MK",
        "the former yugoslav republic of macedonia": "MK",
        "mali": "ML", "republic of mali": "ML",
        "myanmar": "MM", "republic of myanmar": "MM", "burma": "MM",
        "mongolia": "MN",
        "macao": "MO", "macao special administrative region of china": "MO", "macau": "MO", "macao sar": "MO",
        "macau sar": "MO", "macao (china)": "MO", "macao sar china": "MO",
        "northern mariana islands": "MP", "commonwealth of the northern mariana islands": "MP",
        "martinique": "MQ",
        "mauritania": "MR", "islamic republic of mauritania": "MR",
        "montserrat": "MS",
        "malta": "MT", "republic of malta": "MT",
        "mauritius": "MU", "republic of mauritius": "MU",
        "maldives": "MV", "republic of maldives": "MV",
        "malawi": "MW", "republic of malawi": "MW",
        "mexico": "MX", "united mexican states": "MX",
        "malaysia": "MY",
        "mozambique": "MZ", "republic of mozambique": "MZ",
        "namibia": "NA", "republic of namibia": "NA",
        "new caledonia": "NC",
        "niger": "NE", "republic of the niger": "NE",
        "norfolk island": "NF",
        "nigeria": "NG", "federal republic of nigeria": "NG",
        "nicaragua": "NI", "republic of nicaragua": "NI",
        "netherlands": "NL", "kingdom of the netherlands": "NL", "the netherlands": "NL", "holland": "NL",
        "netherlands (kingdom of the)": "NL", "netherlands, kingdom of the": "NL",
        "norway": "NO", "kingdom of norway": "NO",
        "nepal": "NP", "federal democratic republic of nepal": "NP",
        "nauru": "NR", "republic of nauru": "NR",
        "niue": "NU",
        "new zealand": "NZ",
        "oman": "OM", "sultanate of oman": "OM",
        "panama": "PA", "republic of panama": "PA",
        "peru": "PE", "republic of peru": "PE",
        "french polynesia": "PF",
        "papua new guinea": "PG", "independent state of papua new guinea": "PG",
        "philippines": "PH", "republic of the philippines": "PH",
        "pakistan": "PK", "islamic republic of pakistan": "PK",
        "poland": "PL", "republic of poland": "PL",
        "saint pierre and miquelon": "PM",
        "pitcairn": "PN",
        "puerto rico": "PR",
        "palestine, state of": "PS", "state of palestine": "PS", "palestine": "PS", "palestinian territories": "PS",
        "palestinian territory": "PS", "palestine (state of)": "PS",
        "portugal": "PT", "portuguese republic": "PT",
        "palau": "PW", "republic of palau": "PW",
        "paraguay": "PY", "republic of paraguay": "PY",
        "qatar": "QA", "state of qatar": "QA",
        "réunion": "RE", "reunion": "RE",
        "romania": "RO",
        "serbia": "RS", "republic of serbia": "RS",
        "russian federation": "RU", "russia": "RU",
        "rwanda": "RW", "rwandese republic": "RW",
        "saudi arabia": "SA", "kingdom of saudi arabia": "SA",
        "solomon islands": "SB",
        "seychelles": "SC", "republic of seychelles": "SC",
        "sudan": "SD", "republic of the sudan": "SD",
        "sweden": "SE", "kingdom of sweden": "SE",
        "singapore": "SG", "republic of singapore": "SG",
        "saint helena, ascension and tristan da cunha": "SH", "saint helena": "SH",
        "slovenia": "SI", "republic of slovenia": "SI",
        "svalbard and jan mayen": "SJ",
        "slovakia": "SK", "slovak republic": "SK",
        "sierra leone": "SL", "republic of sierra leone": "SL",
        "san marino": "SM", "republic of san marino": "SM",
        "senegal": "SN", "republic of senegal": "SN",
        "somalia": "SO", "federal republic of somalia": "SO",
        "suriname": "SR", "republic of suriname": "SR",
        "south sudan": "SS", "republic of south sudan": "SS",
        "sao tome and principe": "ST", "democratic republic of sao tome and principe": "ST",
        "são tomé and príncipe": "ST", "sao tome & principe": "ST",
        "el salvador": "SV", "republic of el salvador": "SV",
        "sint maarten (dutch part)": "SX", "sint maarten": "SX",
        "syrian arab republic": "SY", "syria": "SY",
        "eswatini": "SZ", "kingdom of eswatini": "SZ", "swaziland": "SZ",
        "turks and caicos islands": "TC",
        "chad": "TD", "republic of chad": "TD",
        "french southern territories": "TF",
        "togo": "TG", "togolese republic": "TG",
        "thailand": "TH", "kingdom of thailand": "TH",
        "tajikistan": "TJ", "republic of tajikistan": "TJ",
        "tokelau": "TK",
        "timor-leste": "TL", "democratic republic of timor-leste": "TL", "east timor": "TL",
        "turkmenistan": "TM",
        "tunisia": "TN", "republic of tunisia": "TN",
        "tonga": "TO", "kingdom of tonga": "TO",
        "türkiye": "TR", "republic of türkiye": "TR", "turkey": "TR", "turkiye": "TR",
        "trinidad and tobago": "TT", "republic of trinidad and tobago": "TT",
        "tuvalu": "TV",
        "taiwan, province of china": "TW", "taiwan": "TW", "taiwan (province of china)": "TW",
        "republic of china": "TW", "chinese taipei": "TW", "taiwan (republic of china)": "TW", "taiwan roc": "TW",
        "tanzania, united republic of": "TZ", "united republic of tanzania": "TZ", "tanzania": "TZ",
        "tanzania (united republic of)": "TZ",
        "ukraine": "UA",
        "uganda": "UG", "republic of uganda": "UG",
        "united states minor outlying islands": "UM",
        "united states": "US", "united states of america": "US", "usa": "US", "u.s.": "US", "u.s.a.": "US",
        "us": "US", "america": "US", "united states (usa)": "US",
        "uruguay": "UY", "eastern republic of uruguay": "UY",
        "uzbekistan": "UZ", "republic of uzbekistan": "UZ",
        "holy see (vatican city state)": "VA", "vatican": "VA", "vatican city": "VA", "vatican city state": "VA",
        "saint vincent and the grenadines": "VC",
        "venezuela, bolivarian republic of": "VE", "bolivarian republic of venezuela": "VE", "venezuela": "VE",
        "venezuela (bolivarian republic of)": "VE",
        "virgin islands, british": "VG", "british virgin islands": "VG", "virgin islands (british)": "VG",
        "virgin islands, u.s.": "VI", "virgin islands of the united states": "VI", "virgin islands (u.s.)": "VI",
        "us virgin islands": "VI", "u.s. virgin islands": "VI",
        "viet nam": "VN", "socialist republic of viet nam": "VN", "vietnam": "VN",
        "vanuatu": "VU", "republic of vanuatu": "VU",
        "wallis and futuna": "WF",
        "samoa": "WS", "independent state of samoa": "WS",
        "yemen": "YE", "republic of yemen": "YE",
        "mayotte": "YT",
        "south africa": "ZA", "republic of south africa": "ZA",
        "zambia": "ZM", "republic of zambia": "ZM",
        "zimbabwe": "ZW", "republic of zimbabwe": "ZW",
        "multinational": "ZZ", "multi-national": "ZZ", "international": "ZZ", "unknown": "ZZ", "worldwide": "ZZ",
        "global": "ZZ",
    ]

    /// Largest number of comma-separated pieces in any name of `codeByLowercasedName` (2, e.g. "korea, republic of").
    static let maxPiecesPerName: Int = codeByLowercasedName.keys.map { $0.split(separator: ",").count }.max() ?? 1

    /// The code for a country name, matching case-insensitively and ignoring surrounding whitespace; nil when unknown.
    ///
    /// Runs of inner whitespace count as one space, a typographic apostrophe (’) matches a plain one, and spacing
    /// around commas is ignored ("Korea,Republic of" matches "Korea, Republic of").
    public static func code(forName name: String) -> String? {
        codeByLowercasedName[normalizedName(name)]
    }

    /// Splits a cell that lists one or more country names separated by commas, such as Epoch AI's
    /// "United States of America,United Kingdom of Great Britain and Northern Ireland", and looks each name up.
    ///
    /// How the cell is split: the text is cut at every comma, pieces are trimmed and empty pieces dropped. Then, from
    /// left to right, the longest run of consecutive pieces (at most `maxPiecesPerName`) that, rejoined with ", ", is
    /// a known name is taken as one name; so "Taiwan, Province of China,Japan" gives ["TW", "JP"]. A piece that starts no
    /// known name is reported in `unknown`, trimmed, and skipped.
    ///
    /// `codes` keeps the order of first appearance and lists each code once: Epoch AI repeats a country once per
    /// organization ("China,China,Singapore" gives ["CN", "SG"]). `unknown` is likewise free of repeats.
    /// Values such as "Multinational" give "ZZ". An empty or blank cell gives two empty arrays.
    public static func codes(inCell cell: String) -> (codes: [String], unknown: [String]) {
        var codes: [String] = []
        var unknown: [String] = []
        for (name, code) in listed(inCell: cell) {
            if let code {
                if !codes.contains(code) { codes.append(code) }
            } else if !unknown.contains(name) {
                unknown.append(name)
            }
        }
        return (codes, unknown)
    }

    /// The code of each country a cell lists, in order and with repeats (Epoch AI lists one
    /// country per organization, so positions matter); nil for a name that is not known.
    public static func listedCodes(inCell cell: String) -> [String?] { listed(inCell: cell).map(\.code) }

    /// Each name a cell lists, split as `codes(inCell:)` describes, with its code.
    private static func listed(inCell cell: String) -> [(name: String, code: String?)] {
        let pieces = cell.split(separator: ",").map { trimmed($0) }.filter { !$0.isEmpty }
        var found: [(name: String, code: String?)] = []
        var index = 0
        while index < pieces.count {
            var end = min(pieces.count, index + maxPiecesPerName)
            while end > index, code(forName: pieces[index..<end].joined(separator: ", ")) == nil { end -= 1 }
            if end > index {
                found.append((pieces[index..<end].joined(separator: ", "), code(forName: pieces[index..<end].joined(separator: ", "))))
                index = end
            } else {
                found.append((pieces[index], nil))
                index += 1
            }
        }
        return found
    }

    /// The lookup form of a name: lower-cased, ’ replaced by ', whitespace runs collapsed to one space and trimmed,
    /// and exactly ", " after each comma.
    static func normalizedName(_ name: String) -> String {
        let lowered = String(name.lowercased().map { $0 == "\u{2019}" ? "'" : $0 })
        return lowered.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .joined(separator: ", ")
    }

    private static func trimmed(_ text: Substring) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
