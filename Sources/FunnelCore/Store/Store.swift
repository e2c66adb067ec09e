/// The persistent side of funnel. The journal is the source of truth (DESIGN.md, "The
/// store"); implementations must never drop a committed event and must report damage as
/// a `Diagnostic` of kind `.io` naming the store and the place.
///
/// Two implementations: `FileStore` (a directory, the embedded default) and `PostgresStore`
/// (a team's database). Both keep the same promises: a run is committed whole or not at all,
/// writers take turns under one lock, readers see only committed runs.
public protocol Store: AnyObject {
    /// Where the store lives, for messages: a path, or a URL with any password masked.
    var location: String { get }

    /// False when nothing is there yet (a store directory not created): queries find nothing.
    var exists: Bool { get }

    /// Every committed event after `position` (an opaque cursor, 0 = the beginning), and the
    /// cursor to pass next time. Anything after the last commit is an interrupted write and
    /// is ignored.
    func readCommitted(after position: Int64) throws -> (events: [StoreEvent], position: Int64)

    /// Every committed event, grouped in the runs they were committed in, for `funnel copy`.
    func readRuns() throws -> [[StoreEvent]]

    /// Runs `body` holding the store's exclusive writer lock. Readers never block. Nested
    /// calls run `body` under the lock already held.
    func withWriterLock<T>(_ body: () throws -> T) throws -> T

    /// Stores `segments` durably, then appends each run's events followed by its commit, all
    /// or nothing; must be called inside `withWriterLock`. Assigns sequence numbers
    /// continuing the journal's and returns the events as written. Writing a segment that
    /// is already there is harmless: names are content (`Segment.name(of:)`).
    func commit(runs: [[StoreEvent]], segments: [[UInt8]]) throws -> [StoreEvent]

    /// A segment's bytes, checked against its name: a missing or damaged segment is an `.io`
    /// error naming it.
    func readSegment(_ name: String) throws -> [UInt8]

    /// Where the snapshot (docs/store.md, "The snapshot") lives: a cache of the state, never
    /// the truth. A file store keeps it beside its journal; a team store in its local cache.
    var snapshots: FileStore? { get }

    /// The cursor to read on from after opening from a snapshot with `header`, or nil when
    /// the store no longer holds what the snapshot is of (then it is not used).
    func resume(afterSnapshot header: SnapshotHeader) throws -> Int64?
}

extension FileStore {
    public var snapshots: FileStore? { self }

    /// The snapshot already matched this journal's commit line at its position
    /// (SnapshotCache.open); reading goes on from there.
    public func resume(afterSnapshot header: SnapshotHeader) throws -> Int64? { header.journalPosition }
}

extension Store {

    /// One run: the import segments its events name, then its events, committed together.
    public func commit(events: [StoreEvent], segments: [[UInt8]]) throws -> [StoreEvent] {
        try commit(runs: [events], segments: segments)
    }
}
