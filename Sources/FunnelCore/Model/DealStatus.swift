/// `removed`: an open deal a snapshot import no longer found in the CRM (docs/import.md). It
/// keeps its stage and history but counts in no report, neither won nor lost.
public enum DealStatus: UInt8, Sendable {
    case open = 0, won = 1, lost = 2, removed = 3
    public var name: String {
        switch self {
        case .open: return "open"
        case .won: return "won"
        case .lost: return "lost"
        case .removed: return "removed"
        }
    }
    /// Won or lost: the deals `win rate`, `cycle` and `calibration` count.
    public var isClosed: Bool { self == .won || self == .lost }
}
