/// Dates as the interchange format writes them: `YYYY-MM-DD`, and only days that exist.
enum DateText {
    static func hasShape(_ text: String) -> Bool { components(text) != nil }

    static func isValid(_ text: String) -> Bool {
        guard let (year, month, day) = components(text) else { return false }
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= daysIn(month: month, year: year)
    }

    /// True for `YYYY-MM-DD` bytes naming a day that exists.
    static func isValid<Bytes: Sequence>(bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        validComponents(bytes: bytes) != nil
    }

    /// Year, month and day of `YYYY-MM-DD` bytes naming a day that exists, else nil.
    static func validComponents<Bytes: Sequence>(bytes: Bytes) -> (Int, Int, Int)? where Bytes.Element == UInt8 {
        guard let (year, month, day) = components(bytes: bytes),
              year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return (year, month, day)
    }

    /// Year, month and day of a `YYYY-MM-DD` text, without checking their ranges.
    static func components(_ text: String) -> (Int, Int, Int)? { components(bytes: text.utf8) }

    static func components<Bytes: Sequence>(bytes: Bytes) -> (Int, Int, Int)? where Bytes.Element == UInt8 {
        var digits = (0, 0, 0)
        var count = 0
        for byte in bytes {
            switch count {
            case 4, 7:
                guard byte == UInt8(ascii: "-") else { return nil }
            default:
                guard count < 10, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                let digit = Int(byte - UInt8(ascii: "0"))
                if count < 4 { digits.0 = digits.0 * 10 + digit } else if count < 7 { digits.1 = digits.1 * 10 + digit } else { digits.2 = digits.2 * 10 + digit }
            }
            count += 1
        }
        return count == 10 ? digits : nil
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
