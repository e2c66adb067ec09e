/// The snapshot as a cache of the state (docs/store.md, "The snapshot"): opening from it
/// when it fits the journal, and writing it when enough has been added since. Whatever goes
/// wrong here costs time, never figures: a snapshot that is missing, of another journal,
/// of another version or damaged is not used, and the caller replays the journal.
public enum SnapshotCache {
    /// How much the journal and segments must have grown since the last snapshot (or since
    /// the start) before a new one is written: below it, replaying takes a few milliseconds
    /// and rewriting the snapshot at every commit would cost more than it saves.
    public static let rewriteAfterBytes: Int64 = 1 << 20

    /// The state of `store`'s snapshot and what it is of, or nil when it cannot be used.
    /// Journal events before it are read from the journal only if `as of` asks for them.
    public static func open(_ store: FileStore, loadSegment: @escaping @Sendable (String) throws -> [UInt8]) -> (state: FunnelState, header: SnapshotHeader)? {
        guard let mapped = store.mapSnapshot() else { return nil }
        // The mapping must outlive the decoding, which copies every column out of it.
        return withExtendedLifetime(mapped) { () -> (state: FunnelState, header: SnapshotHeader)? in
        do {
            let file = try SnapshotFileReader(mapped.bytes)
            let h = file.header
            guard h.seq > 0, store.journalMark(endingAt: h.journalPosition) == h.journalMark else { return nil }
            var state = try SnapshotCodec.decode(file)
            state.loadSegment = loadSegment
            let through = h.seq
            state.logPrefix = FunnelState.LogPrefix(count: Int(clamping: through)) {
                try journalEvents(store, through: through)
            }
            return (state, h)
        } catch {
            return nil
        }
        }
    }

    /// Why `store`'s snapshot cannot be used, or nil when it can: for tests and `funnel verify`.
    public static func problem(_ store: FileStore) -> String? {
        guard let mapped = store.mapSnapshot() else { return "there is no snapshot" }
        return withExtendedLifetime(mapped) { () -> String? in
        do {
            let file = try SnapshotFileReader(mapped.bytes)
            guard store.journalMark(endingAt: file.header.journalPosition) == file.header.journalMark else {
                return "it is of another journal, or of a part of it that is gone"
            }
            _ = try SnapshotCodec.decode(file)
            return nil
        } catch {
            return "\(error)"
        }
        }
    }

    /// The committed events up to `seq`, as the state logs them.
    static func journalEvents(_ store: FileStore, through seq: Int64) throws -> [FunnelState.LoggedEvent] {
        var out: [FunnelState.LoggedEvent] = []
        for e in try store.readCommitted(after: 0).events where e.seq <= seq {
            guard let event = DomainEvent(e) else {
                throw Diagnostic(.io, "S011", "\(store.location): event \(e.seq) (\(e.type)) is not a funnel event",
                                 help: "run `funnel verify`; the journal may have been edited by hand")
            }
            out.append(FunnelState.LoggedEvent(event: event, day: e.on, origin: e.origin))
        }
        return out
    }

    /// Writes the snapshot of `state`, which must be the state of the journal's last commit
    /// (the caller holds the writer lock, or has just read the journal to its end). Returns
    /// the seq written, or nil when nothing was written (the journal moved on meanwhile, the
    /// state has no snapshot form, or the file cannot be written: a read-only store).
    @discardableResult
    public static func write(_ state: FunnelState, to store: FileStore, latestChange: Int32) -> Int64? {
        guard let end = store.committedEndOfJournal(), end.seq == state.lastSeq,
              let mark = store.journalMark(endingAt: end.position) else { return nil }
        let header = SnapshotHeader(seq: end.seq, journalPosition: end.position, latestChange: latestChange, journalMark: mark)
        guard let bytes = SnapshotCodec.encode(state, header: header) else { return nil }
        do { try store.writeSnapshot(bytes) } catch { return nil }
        return end.seq
    }
}
