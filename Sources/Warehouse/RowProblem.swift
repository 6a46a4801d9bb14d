/// One problem with one row: rendered as `FILE:LINE: field NAME: message (got "VALUE")`.
public struct RowProblem: Sendable, Equatable {
    public let line: Int
    public let field: String?
    public let message: String
    public let value: String?

    public func rendered(file: String) -> String {
        var text = "\(file):\(line): "
        if let field { text += "field \(field): " }
        text += message
        if let value { text += " (got \"\(Self.shown(value))\")" }
        return text
    }

    /// Values echoed in messages are cut after this many characters.
    public static let shownLength = 200

    /// `value` as a message shows it: a long one cut, saying how long it was.
    public static func shown(_ value: String) -> String {
        guard value.count > shownLength else { return value }
        return "\(value.prefix(shownLength))… (\(value.utf8.count) bytes in all)"
    }
}
