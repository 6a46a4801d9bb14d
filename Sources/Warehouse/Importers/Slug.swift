import Crypto
import Foundation

/// Ids for rows that importers create, derived from names found in the source. The one
/// function every id made from a name goes through.
enum Slug {
    /// `Google DeepMind` → `google-deepmind`, `deepseek-ai/DeepSeek-R1` → `deepseek-ai-deepseek-r1`,
    /// `PointNet++` → `pointnet-plus-plus`, `Université Grenoble Alpes` → `universite-grenoble-alpes`,
    /// `北京大学` → `bei-jing-da-xue`.
    static func make(_ text: String) -> String {
        let (ascii, complete) = transliterated(text.lowercased())
        let slug = hyphenated(ascii)
        // Letters that could not be romanized would otherwise vanish, and two names differing
        // only in them would share an id: a stable hash of the name keeps them apart.
        if !complete {
            let hash = String(SHA256.hex(of: Data(text.utf8)).prefix(8))
            return slug.isEmpty ? "x-" + hash : slug + "-" + hash
        }
        return slug.isEmpty ? "unnamed" : slug
    }

    /// Lower-case text with a-z, 0-9, `.` and `_` kept, `+` spelled out, and every other run
    /// of characters one hyphen; no hyphen at either end. Empty when nothing is kept.
    static func hyphenated(_ text: String) -> String {
        var slug = ""
        for scalar in text.unicodeScalars {
            let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
            if keep {
                slug.unicodeScalars.append(scalar)
            } else if scalar == "+" {
                // DeepLabV3+ and DeepLabV3 are different models.
                slug += slug.isEmpty || slug.last == "-" ? "plus" : "-plus"
            } else if !slug.isEmpty && slug.last != "-" {
                slug += "-"
            }
        }
        while let last = slug.last, !(last.isLetter || last.isNumber) { slug.removeLast() }
        while let first = slug.first, !(first.isLetter || first.isNumber) { slug.removeFirst() }
        return slug
    }

    /// Letters that have no decomposition into a base letter and a mark, so stripping
    /// diacritics leaves them as they are.
    static let letters: [Character: String] = [
        "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h",
        "ŧ": "t", "ŀ": "l", "ĸ": "k", "ŋ": "ng", "ſ": "s", "ǳ": "dz", "ĳ": "ij",
    ]

    /// Lower-case text as ASCII: other scripts romanized (ICU's Any-Latin), diacritics
    /// stripped, the letters above spelled out. `complete` is false when a letter or digit
    /// remains that is not ASCII.
    static func transliterated(_ text: String) -> (ascii: String, complete: Bool) {
        guard !text.allSatisfy(\.isASCII) else { return (text, true) }
        var latin = text.applyingTransform(.toLatin, reverse: false) ?? text
        latin = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        var ascii = ""
        var complete = true
        for character in latin.lowercased() {
            if character.isASCII {
                ascii.append(character)
            } else if let spelled = letters[character] {
                ascii += spelled
            } else if character.isLetter || character.isNumber {
                complete = false
                ascii += " "
            } else {
                ascii += " "
            }
        }
        return (ascii, complete)
    }
}

/// Openness from a Hugging Face licence tag: an OSI-approved licence means open weights,
/// a licence with use restrictions means restricted weights; anything else stays unknown.
enum LicenseOpenness {
    static let osiApproved: Set<String> = [
        "apache-2.0", "mit", "bsd", "bsd-2-clause", "bsd-3-clause", "isc", "mpl-2.0", "lgpl-3.0", "lgpl-2.1",
        "gpl-3.0", "gpl-2.0", "agpl-3.0", "epl-2.0", "ecl-2.0", "artistic-2.0", "unlicense", "bsl-1.0", "zlib", "postgresql",
    ]

    static func openness(forLicense license: String?) -> String? {
        guard let license = license?.lowercased() else { return nil }
        if osiApproved.contains(license) { return "open-weights" }
        let restricted = ["llama", "gemma", "openrail", "cc-by-nc", "deepfloyd", "creativeml", "qwen", "tongyi", "nvidia-open-model"]
        if restricted.contains(where: { license.hasPrefix($0) }) { return "restricted-weights" }
        return nil
    }
}
