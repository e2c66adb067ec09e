/// Writes one JSON object straight into bytes, member by member, exactly as
/// `JSONCoding.append(.object(pairs))` writes the same members, without the tree: the
/// journal line of each change a script makes is written this way. The bytes go to a buffer
/// of its own (an array checks that it is unique and has room at every byte), copied once
/// into the finished `JournalData`.
struct JSONObjectWriter: ~Copyable, JSONSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Objects and arrays open inside this one.
    private var open = 0
    /// Whether the container being written has no member yet.
    private var first = true
    /// The deepest nesting reached, counting this object: `JSONCoding.depth(of:)`.
    private(set) var depth = 1

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        put(UInt8(ascii: "{"))
    }

    deinit { base.deallocate() }

    /// A member's key; keys are the journal's own names, plain ASCII that needs no escape.
    mutating func key(_ name: StaticString) {
        separate()
        put(UInt8(ascii: "\""))
        put(name)
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
    }

    /// A key that is data (a field's name), escaped as any text.
    mutating func key(text name: String) {
        separate()
        JSONCoding.appendString(name, to: &self)
        put(UInt8(ascii: ":"))
    }

    mutating func string(_ s: String) { JSONCoding.appendString(s, to: &self) }
    mutating func string(_ s: String?) { if let s { string(s) } else { null() } }
    mutating func number(_ d: Double) { JSONCoding.appendNumber(d, to: &self) }
    mutating func money(_ m: Money) { JSONCoding.appendMoney(m, to: &self) }
    mutating func bool(_ b: Bool) { put(b ? "true" : "false") }
    mutating func null() { put("null") }

    /// An object or array member: `body` writes its members (keys for an object).
    mutating func nested(array: Bool, _ body: (inout JSONObjectWriter) -> Void) {
        put(array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        open += 1
        depth = max(depth, open + 1)
        let outer = first
        first = true
        body(&self)
        first = outer
        open -= 1
        put(array ? UInt8(ascii: "]") : UInt8(ascii: "}"))
    }

    /// Before an array's item, the comma that separates it from the one before.
    mutating func item() { separate() }

    /// The bytes of the finished object.
    mutating func finish() -> JournalData {
        put(UInt8(ascii: "}"))
        return JournalData(bytes: Array(UnsafeBufferPointer(start: base, count: count)), depth: depth)
    }

    private mutating func separate() {
        if first { first = false } else { put(UInt8(ascii: ",")) }
    }

    // MARK: - JSONSink

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).initialize(from: from, count: bytes.count)
        count += bytes.count
    }

    private mutating func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        fresh.initialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = larger
    }
}
