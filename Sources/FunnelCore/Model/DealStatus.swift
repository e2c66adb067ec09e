public enum DealStatus: UInt8, Sendable {
    case open = 0, won = 1, lost = 2
    public var name: String { self == .open ? "open" : self == .won ? "won" : "lost" }
}
