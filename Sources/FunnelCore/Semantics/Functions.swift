/// The functions expressions may call, with their arity and result type. Import mappings
/// need most of them (`coalesce`, `date(text, "MM/dd/yyyy")`, ...); they work everywhere.
public enum Functions {
    public struct Signature: Sendable {
        public var minArgs: Int
        public var maxArgs: Int
        public var usage: String
    }

    public static let all: [String: Signature] = [
        "coalesce": Signature(minArgs: 1, maxArgs: 16, usage: "coalesce(a, b, ...) — the first value that is not empty"),
        "if": Signature(minArgs: 3, maxArgs: 3, usage: "if(condition, then, else)"),
        "lower": Signature(minArgs: 1, maxArgs: 1, usage: "lower(text)"),
        "upper": Signature(minArgs: 1, maxArgs: 1, usage: "upper(text)"),
        "trim": Signature(minArgs: 1, maxArgs: 1, usage: "trim(text)"),
        "number": Signature(minArgs: 1, maxArgs: 1, usage: "number(text)"),
        "date": Signature(minArgs: 1, maxArgs: 2, usage: "date(text) or date(text, \"MM/dd/yyyy\")"),
        "text": Signature(minArgs: 1, maxArgs: 1, usage: "text(value)"),
        "round": Signature(minArgs: 1, maxArgs: 2, usage: "round(number) or round(number, digits)"),
        "abs": Signature(minArgs: 1, maxArgs: 1, usage: "abs(number)"),
        "column": Signature(minArgs: 1, maxArgs: 1, usage: "column(\"Header Name\") — a column of the file, in an import mapping"),
    ]
}
