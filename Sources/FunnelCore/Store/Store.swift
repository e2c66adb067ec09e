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

    /// Stores an import's segment durably (a temporary file, fsynced, renamed into place)
    /// and returns its name, `Segment.name(of: bytes)`. Must be called inside
    /// `withWriterLock`, before the commit whose events name it. Writing a segment that is
    /// already there is harmless: names are content.
    func writeSegment(_ bytes: [UInt8]) throws -> String

    /// A segment's bytes, checked against its name: a missing or damaged segment is an `.io`
    /// error naming it.
    func readSegment(_ name: String) throws -> [UInt8]
}
