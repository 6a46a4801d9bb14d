/// Numbers written as text in their shortest form that reads back to the same Double:
/// `100`, not `100.0` or `1.0e+02`; `0.1`, not `0.1000000000000000055`.
public enum Numbers {
    public static func text(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return value.description }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        // Swift's description is the shortest round-tripping form.
        return value.description
    }
}
