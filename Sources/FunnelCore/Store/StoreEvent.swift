/// One change recorded in the journal. `type` names the change ("declare", "deal", "set",
/// "move", "win", "lose", "reopen", ...); `payload` holds its data in a fixed key order.
public struct StoreEvent: Sendable, Equatable {
    /// Position in the journal, 1-based, assigned when the event is committed.
    public var seq: Int64
    /// Effective date (day number): when the change took effect, not when it was written.
    public var on: Int32
    public var type: String
    public var payload: [(String, JSONValue)]

    public init(seq: Int64 = 0, on: Int32, type: String, payload: [(String, JSONValue)]) {
        self.seq = seq; self.on = on; self.type = type; self.payload = payload
    }

    /// The payload key of what recorded a change (`FILE:LINE`); readers that do not know
    /// it ignore it, as they ignore every key they do not read.
    public static let originKey = "src"
    public var origin: String? { self[Self.originKey]?.string }

    public subscript(key: String) -> JSONValue? { payload.first(where: { $0.0 == key })?.1 }

    public static func == (a: StoreEvent, b: StoreEvent) -> Bool {
        a.seq == b.seq && a.on == b.on && a.type == b.type && JSONValue.object(a.payload) == JSONValue.object(b.payload)
    }
}
