/// Numbers written as text in their shortest form that reads back to the same Double:
/// `100`, not `100.0` or `1.0e+02`; `0.1`, not `0.1000000000000000055`.
public enum Numbers {
    public static func text(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return value.description }
        // Whole numbers that Int64 holds exactly are written as integers.
        if value == value.rounded(), abs(value) < 9.2e18 {
            return String(Int64(value))
        }
        // Swift's description has the shortest digits that round-trip; its exponent is
        // written plainly here (1e-9, 1e20, not 1e-09, 1e+20).
        var text = value.description
        if let e = text.firstIndex(of: "e") {
            var exponent = text[text.index(after: e)...]
            let negative = exponent.hasPrefix("-")
            exponent = exponent.drop { $0 == "-" || $0 == "+" }.drop { $0 == "0" }
            text = text[..<e] + "e" + (negative ? "-" : "") + exponent
        }
        return text
    }
}
