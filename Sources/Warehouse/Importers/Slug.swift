/// Ids for rows that importers create, derived from names found in the source.
enum Slug {
    /// `Google DeepMind` → `google-deepmind`, `deepseek-ai/DeepSeek-R1` → `deepseek-ai-deepseek-r1`,
    /// `PointNet++` → `pointnet-plus-plus`.
    static func make(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
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
        return slug.isEmpty ? "unnamed" : slug
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
