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
        guard let snapshot = store.openSnapshot(), let mapped = snapshot.map() else { return nil }
        // The mapping must outlive the decoding; the columns read in place keep it alive after.
        return withExtendedLifetime(mapped) { () -> (state: FunnelState, header: SnapshotHeader)? in
        do {
            let file = try SnapshotFileReader(mapped.bytes, mapping: mapped)
            let h = file.header
            guard h.seq > 0, store.journalMark(endingAt: h.journalPosition) == h.journalMark else { return nil }
            let replay = Replay(store, through: h, loadSegment: loadSegment)
            var state = try SnapshotCodec.decode(file, history: { dealCount, pool in
                deferredHistory(file.header, snapshot, replay, dealCount: dealCount, pool: pool)
            }, replayed: { replay.state() })
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

    /// The stage history of `file`, read when first used. It is read from the same open
    /// file, so from the snapshot the rest of the state came from; should it fail its
    /// checks then, it is rebuilt from the journal up to the snapshot's commit, its texts
    /// coded as the snapshot's pool codes them.
    static func deferredHistory(_ header: SnapshotHeader, _ snapshot: SnapshotFile, _ replay: Replay, dealCount: Int,
                                pool: StringPool) -> Deferred<StageHistory> {
        let once = Once<StageHistory>()
        let rebuilt: @Sendable () -> StageHistory = {
            once.value {
                do {
                    return try replayedHistory(replay.state(), dealCount: dealCount, pool: pool)
                } catch {
                    StoreFailure.stop(Diagnostic(.io, "S013", "\(replay.location): the snapshot's stage history is damaged and the journal cannot rebuild it: \(error)",
                                                 help: "run `funnel verify`"))
                }
            }
        }
        // Its columns are read in place, each when first used (SnapshotCodec.decodeHistory).
        return Deferred(placeholder: StageHistory(), load: {
            guard let again = snapshot.map() else { throw SnapshotProblem("the snapshot cannot be mapped again") }
            let f = try SnapshotFileReader(again.bytes, mapping: again)
            guard f.header == header else { throw SnapshotProblem("the snapshot changed") }
            return try SnapshotCodec.decodeHistory(f, dealCount: dealCount, poolCount: Int32(pool.strings.count), replayed: rebuilt)
        }, fallback: rebuilt)
    }

    /// The state replaying the journal up to a snapshot's commit gives, made once for
    /// every part of the snapshot that fails its checks when first read (the stage history,
    /// a deal column), and then written as the store's snapshot in place of the damaged
    /// one, as opening the store would have done had the damage been seen then.
    final class Replay: Sendable {
        private let replayed = Once<FunnelState>()
        // The store is read by one thread at a time: the replay runs under Once's lock.
        nonisolated(unsafe) private let store: FileStore
        private let header: SnapshotHeader
        private let loadSegment: @Sendable (String) throws -> [UInt8]

        init(_ store: FileStore, through header: SnapshotHeader, loadSegment: @escaping @Sendable (String) throws -> [UInt8]) {
            self.store = store
            self.header = header
            self.loadSegment = loadSegment
        }

        var location: String { store.location }

        /// The replayed state; a journal that cannot be replayed stops the process (S013).
        func state() -> FunnelState {
            replayed.value {
                do {
                    var state = FunnelState()
                    state.loadSegment = loadSegment
                    for e in try journalEvents(store, through: header.seq) { try state.apply(e.event, on: e.day, origin: e.origin) }
                    state.lastSeq = header.seq
                    write(state, to: store, latestChange: header.latestChange)
                    return state
                } catch let d as Diagnostic {
                    StoreFailure.stop(d)
                } catch {
                    StoreFailure.stop(Diagnostic(.io, "S013", "\(store.location): the snapshot is damaged and the journal cannot rebuild it: \(error)",
                                                 help: "run `funnel verify`"))
                }
            }
        }
    }

    /// The stage history of `replayed` (the journal's state at the snapshot's commit) with
    /// its texts coded by `pool` (the snapshot's).
    static func replayedHistory(_ replayed: FunnelState, dealCount: Int, pool: StringPool) throws -> StageHistory {
        guard replayed.deals.count == dealCount else { throw SnapshotProblem("the journal holds another number of deals") }
        var h = replayed.history
        var codeOf: [Int32: Int32] = [Empty.text: Empty.text]
        func recode(_ c: inout Column<Int32>) throws {
            for k in c.indices {
                if let known = codeOf[c[k]] { c[k] = known; continue }
                guard let code = pool.code(of: replayed.pool[c[k]]) else { throw SnapshotProblem("the journal names a text the snapshot does not hold") }
                codeOf[c[k]] = code
                c[k] = code
            }
        }
        try recode(&h.stage); try recode(&h.fromStage); try recode(&h.forcedReason); try recode(&h.origin)
        return h
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
