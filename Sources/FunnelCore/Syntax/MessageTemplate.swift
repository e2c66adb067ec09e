/// `{field}` placeholders in a notify message. A placeholder is a name (letters, digits,
/// `_`) between braces; any other brace is kept as written, so "{ }" or a lone "{" needs
/// no escaping.
public enum MessageTemplate {
    public enum Piece: Equatable, Sendable {
        case text(String)
        case field(String)
    }

    public static func pieces(_ message: String) -> [Piece] {
        var out: [Piece] = []
        var text = ""
        var i = message.startIndex
        while i < message.endIndex {
            let c = message[i]
            if c == "{", let close = message[message.index(after: i)...].firstIndex(of: "}") {
                let name = String(message[message.index(after: i)..<close])
                if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(name.first?.isNumber ?? true) {
                    if !text.isEmpty { out.append(.text(text)); text = "" }
                    out.append(.field(name))
                    i = message.index(after: close)
                    continue
                }
            }
            text.append(c)
            i = message.index(after: i)
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }

    /// The field names a message refers to, in order, without repeats.
    public static func fields(_ message: String) -> [String] {
        var seen = Set<String>()
        return pieces(message).compactMap { p in
            if case .field(let n) = p, seen.insert(n).inserted { return n }
            return nil
        }
    }

    /// The message with every placeholder replaced; `value` returns nil for a name it does
    /// not know, which is then kept as written.
    public static func fill(_ message: String, value: (String) -> String?) -> String {
        pieces(message).map { p in
            switch p {
            case .text(let t): return t
            case .field(let n): return value(n) ?? "{\(n)}"
            }
        }.joined()
    }

    /// A value as a message shows it: plainly, as a person would type it — amounts without
    /// separators (120000), percentages as 25%, dates as 2026-03-14, empty as nothing.
    public static func plain(_ v: Value, percent: Bool) -> String {
        if percent, case .number(let x) = v { return ValueFormatter.machine(.number((x * 1_000_000).rounded() / 10_000)) + "%" }
        return ValueFormatter.machine(v)
    }
}
