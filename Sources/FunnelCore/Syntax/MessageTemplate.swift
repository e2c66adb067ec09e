/// `{field}` placeholders in a notify message. A placeholder is a name (letters, digits,
/// `_`) between braces; any other brace is kept as written, so "{ }" or a lone "{" needs
/// no escaping.
public enum MessageTemplate {
    public enum Piece: Equatable, Sendable {
        case text(String)
        case field(String)
    }

    public static func pieces(_ message: String) -> [Piece] {
        // Without a `{` byte there is no placeholder: the message is one piece of text, as
        // the walk below would give, without walking it character by character.
        if !message.utf8.contains(UInt8(ascii: "{")) { return message.isEmpty ? [] : [.text(message)] }
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
        fill(pieces(message), value: value)
    }

    /// The same for a message already split (`Cache`).
    public static func fill(_ pieces: [Piece], value: (String) -> String?) -> String {
        pieces.map { p in
            switch p {
            case .text(let t): return t
            case .field(let n): return value(n) ?? "{\(n)}"
            }
        }.joined()
    }

    /// Messages split once and kept: the same few messages of a funnel's stages and rules
    /// are filled for every stage change of a script. One per interpreter (it is not locked).
    public final class Cache {
        private var split: [String: [Piece]] = [:]
        /// Messages come from declarations, so few; a bound keeps a pathological catalog small.
        static let limit = 1024
        public init() {}

        public func pieces(_ message: String) -> [Piece] {
            if let known = split[message] { return known }
            let made = MessageTemplate.pieces(message)
            if split.count >= Self.limit { split.removeAll() }
            split[message] = made
            return made
        }
    }

    /// A value as a message shows it: plainly, as a person would type it — amounts without
    /// separators (120000), percentages as 25%, dates as 2026-03-14, empty as nothing.
    public static func plain(_ v: Value, percent: Bool) -> String {
        if percent, case .number(let x) = v { return ValueFormatter.machine(.number((x * 1_000_000).rounded() / 10_000)) + "%" }
        return ValueFormatter.machine(v)
    }
}
