/// The persistent side of funnel. The journal is the source of truth (DESIGN.md, "The
/// store"); implementations must never drop a committed event and must report damage as
/// a `Diagnostic` of kind `.io` naming the file and line.
public protocol Store: AnyObject {
    /// Where the store lives, for messages.
    var location: String { get }

    /// Every committed event after `position` (an opaque cursor, 0 = the beginning), and the
    /// cursor to pass next time. Anything after the last commit line is an interrupted
    /// write and is ignored.
    func readCommitted(after position: Int64) throws -> (events: [StoreEvent], position: Int64)

    /// Runs `body` holding the store's exclusive writer lock (flock). Readers never block.
    func withWriterLock<T>(_ body: () throws -> T) throws -> T

    /// Appends `events` then a commit line, and fsyncs; must be called inside
    /// `withWriterLock`. Cuts off any uncommitted tail first. Assigns sequence numbers
    /// continuing the journal's and returns the events as written.
    func commit(_ events: [StoreEvent]) throws -> [StoreEvent]
}
