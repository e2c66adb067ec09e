/// Writes one JSON object straight into bytes, member by member, exactly as
/// `JSONCoding.append(.object(pairs))` writes the same members, without the tree: the
/// journal line of each change a script makes is written this way.
struct JSONObjectWriter {
    private(set) var bytes: [UInt8] = []
    /// Objects and arrays open inside this one.
    private var open = 0
    /// Whether the container being written has no member yet.
    private var first = true
    /// The deepest nesting reached, counting this object: `JSONCoding.depth(of:)`.
    private(set) var depth = 1

    init(capacity: Int = 192) {
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// A member's key; keys are the journal's own names, plain ASCII that needs no escape.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: #"":"#.utf8)
    }

    /// A key that is data (a field's name), escaped as any text.
    mutating func key(text name: String) {
        separate()
        JSONCoding.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ s: String) { JSONCoding.appendString(s, to: &bytes) }
    mutating func string(_ s: String?) { if let s { string(s) } else { null() } }
    mutating func number(_ d: Double) { JSONCoding.appendNumber(d, to: &bytes) }
    mutating func money(_ m: Money) { JSONCoding.appendMoney(m, to: &bytes) }
    mutating func bool(_ b: Bool) { bytes.append(contentsOf: (b ? "true" : "false").utf8) }
    mutating func null() { bytes.append(contentsOf: "null".utf8) }

    /// An object or array member: `body` writes its members (keys for an object).
    mutating func nested(array: Bool, _ body: (inout JSONObjectWriter) -> Void) {
        bytes.append(array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        open += 1
        depth = max(depth, open + 1)
        let outer = first
        first = true
        body(&self)
        first = outer
        open -= 1
        bytes.append(array ? UInt8(ascii: "]") : UInt8(ascii: "}"))
    }

    /// Before an array's item, the comma that separates it from the one before.
    mutating func item() { separate() }

    /// The bytes of the finished object.
    mutating func finish() -> JournalData {
        bytes.append(UInt8(ascii: "}"))
        return JournalData(bytes: bytes, depth: depth)
    }

    private mutating func separate() {
        if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
    }
}
