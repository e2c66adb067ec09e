/// One change recorded in the journal. `type` names the change ("declare", "deal", "set",
/// "move", "win", "lose", "reopen", ...); `payload` holds its data in a fixed key order.
///
/// An event read from the journal holds its data as a tree. An event a statement just made
/// may hold it as the journal's bytes instead (`JournalData`): a script's run keeps every
/// change until its commit, and a few hundred bytes per change take a fraction of the memory
/// of a tree of keys and values, and are written without being encoded again.
public struct StoreEvent: Sendable, Equatable {
    /// Position in the journal, 1-based, assigned when the event is committed.
    public var seq: Int64
    /// Effective date (day number): when the change took effect, not when it was written.
    public var on: Int32
    public var type: String
    private var data: Data

    private enum Data: Sendable {
        case tree([(String, JSONValue)])
        case encoded(JournalData)
    }

    public init(seq: Int64 = 0, on: Int32, type: String, payload: [(String, JSONValue)]) {
        self.seq = seq; self.on = on; self.type = type; self.data = .tree(payload)
    }

    public init(seq: Int64 = 0, on: Int32, type: String, encoded: JournalData) {
        self.seq = seq; self.on = on; self.type = type; self.data = .encoded(encoded)
    }

    /// The data as a tree; for an event held as bytes, read from them (the bytes are the
    /// encoder's own, so they always read).
    public var payload: [(String, JSONValue)] {
        get {
            switch data {
            case .tree(let pairs): return pairs
            case .encoded(let d): return d.pairs
            }
        }
        set { data = .tree(newValue) }
    }

    /// The same event with its data held as a tree, for reading key after key.
    public var readable: StoreEvent {
        guard case .encoded = data else { return self }
        var e = self
        e.data = .tree(payload)
        return e
    }

    /// Appends the data object as the journal writes it.
    func appendData(to out: inout [UInt8]) {
        switch data {
        case .tree(let pairs): JSONCoding.append(.object(pairs), to: &out)
        case .encoded(let d): out.append(contentsOf: d.bytes)
        }
    }

    /// The data object as JSON text.
    var dataJSON: String {
        switch data {
        case .tree(let pairs): return JSONCoding.encode(.object(pairs))
        case .encoded(let d): return String(decoding: d.bytes, as: UTF8.self)
        }
    }

    /// How deeply the data nests (`JSONCoding.depth(of:)` of the data object).
    var dataDepth: Int {
        switch data {
        case .tree(let pairs): return JSONCoding.depth(of: .object(pairs))
        case .encoded(let d): return d.depth
        }
    }

    /// The payload key of what recorded a change (`FILE:LINE`); readers that do not know
    /// it ignore it, as they ignore every key they do not read.
    public static let originKey = "src"
    public var origin: String? { self[Self.originKey]?.string }

    public subscript(key: String) -> JSONValue? { payload.first(where: { $0.0 == key })?.1 }

    /// Two events held the same way compare as they are held; an event held as bytes and
    /// one held as a tree compare by the journal line they make.
    public static func == (a: StoreEvent, b: StoreEvent) -> Bool {
        guard a.seq == b.seq, a.on == b.on, a.type == b.type else { return false }
        switch (a.data, b.data) {
        case let (.tree(x), .tree(y)): return JSONValue.object(x) == JSONValue.object(y)
        case let (.encoded(x), .encoded(y)): return x.bytes == y.bytes
        default:
            var x: [UInt8] = [], y: [UInt8] = []
            a.appendData(to: &x)
            b.appendData(to: &y)
            return x == y
        }
    }
}

/// An event's data object as the journal's bytes (compact JSON, keys in order), made by a
/// writer that knows how deeply it nests.
public struct JournalData: Sendable, Equatable {
    public let bytes: [UInt8]
    /// `JSONCoding.depth(of:)` of the object: 1 for an object of scalars.
    public let depth: Int

    public init(bytes: [UInt8], depth: Int) { self.bytes = bytes; self.depth = depth }

    /// The object read back as a tree; empty if the bytes are not a JSON object, which a
    /// writer of this type never makes.
    var pairs: [(String, JSONValue)] {
        if case .success(.object(let pairs)) = JSONCoding.parse(bytes[...]) { return pairs }
        return []
    }
}
