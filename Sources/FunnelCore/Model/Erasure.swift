/// Taking a mistake back without editing the journal: `delete deal`, `restore deal` and
/// `undo` are events like any other, and what they take back is worked out from the whole
/// log. Every state — the live one and every `as of` cut — replays the log leaving out what
/// they erase, so a deleted deal is in no report on any day and its id is free again, and an
/// undone run is as if it had never been committed.
///
/// - An `undo` voids the events of the run it names (journal positions `first...last`); an
///   undo that is itself undone voids nothing, so undoing an undo brings the run back.
/// - A deletion that no later restore takes back is final: every event of that deal recorded
///   before it (its creation, sets, moves, tasks, notifications, import rows) is left out.
///   A restore takes back the most recent deletion of the id that it has not taken back yet.
public struct Erasure: Sendable {
    /// Log positions voided by an undo.
    public private(set) var voided = Set<Int>()
    /// Per deal id: the log position of its last final deletion. Events of that id before
    /// it belong to deleted incarnations; a deal created again after it is another deal.
    public private(set) var finalDeletion: [String: Int] = [:]
    /// Every deletion that is not voided, in log order, restored or not, for history and verify.
    public private(set) var deletions: [Deletion] = []
    /// Every undo that is not voided, in log order, with what it took back of each deal.
    public private(set) var undos: [Undo] = []

    public struct Deletion: Sendable, Equatable {
        public var id: String
        public var reason: String
        public var day: Int32
        public var position: Int
        /// The restore's day, when one took the deletion back.
        public var restoredOn: Int32?
        /// What recorded the deletion and the restore (`FILE:LINE`), when the journal says.
        public var origin: String? = nil
        public var restoredBy: String? = nil
        public var restorePosition: Int? = nil
        /// Whether it deleted the deal that has the id now (not an earlier deal of that id),
        /// so that deal's history lists it; set by the replay, which knows when each deal
        /// was created.
        public var ofLiveDeal = false
    }

    /// An undo and the changes of deals it took back (their creation, sets, moves,
    /// closings, deletions and restores), by deal id, in log order.
    public struct Undo: Sendable, Equatable {
        public var position: Int
        public var day: Int32
        public var origin: String?
        public var taken: [String: [Taken]] = [:]
    }

    public struct Taken: Sendable, Equatable {
        public var position: Int
        public var day: Int32
        public var event: DomainEvent
    }

    public init() {}

    public var isEmpty: Bool { voided.isEmpty && finalDeletion.isEmpty && deletions.isEmpty }

    /// The deletions alone, for a state whose log is a cut that already leaves out what
    /// this erasure hides (positions in it are not the journal's).
    var forMessages: Erasure {
        var e = Erasure()
        e.deletions = deletions
        e.undos = undos
        return e
    }

    /// Works the erasure out from a whole log.
    public init(log: [FunnelState.LoggedEvent]) {
        for i in stride(from: log.count - 1, through: 0, by: -1) where !voided.contains(i) {
            guard case let .undone(first, last) = log[i].event else { continue }
            // Journal positions are 1-based; the log holds every journal event in order.
            let lo = max(0, Int(first) - 1), hi = min(i - 1, Int(last) - 1)
            if lo <= hi { for k in lo...hi { voided.insert(k) } }
        }
        var open: [String: [Int]] = [:]  // deletions not yet taken back, as indices into `deletions`
        for (i, e) in log.enumerated() where !voided.contains(i) {
            switch e.event {
            case let .dealDeleted(id, reason):
                open[id, default: []].append(deletions.count)
                deletions.append(Deletion(id: id, reason: reason, day: e.day, position: i, restoredOn: nil, origin: e.origin))
            case let .dealRestored(id):
                if let k = open[id]?.popLast() {
                    deletions[k].restoredOn = e.day
                    deletions[k].restoredBy = e.origin
                    deletions[k].restorePosition = i
                }
            case let .undone(first, last):
                var undo = Undo(position: i, day: e.day, origin: e.origin)
                let lo = max(0, Int(first) - 1), hi = min(i - 1, Int(last) - 1)
                if lo <= hi {
                    for k in lo...hi {
                        guard let id = log[k].event.changedDeal else { continue }
                        undo.taken[id, default: []].append(Taken(position: k, day: log[k].day, event: log[k].event))
                    }
                }
                undos.append(undo)
            default:
                break
            }
        }
        for (id, ks) in open { if let k = ks.last { finalDeletion[id] = deletions[k].position } }
    }

    /// Keeps, of the deletions and undos, what concerns the deal that has each id now:
    /// `createdAt(id)` is the log position of the event that created it (nil for no deal).
    mutating func markLive(createdAt: (String) -> Int?) {
        for k in deletions.indices where deletions[k].restoredOn != nil {
            deletions[k].ofLiveDeal = createdAt(deletions[k].id).map { deletions[k].position > $0 } ?? false
        }
        for u in undos.indices {
            var kept: [String: [Taken]] = [:]
            for (id, events) in undos[u].taken {
                guard let c = createdAt(id) else { continue }
                let mine = events.filter { $0.position > c }
                if !mine.isEmpty { kept[id] = mine }
            }
            undos[u].taken = kept
        }
    }

    /// Whether the event at log position `i` is left out of every replay.
    public func hides(_ i: Int, _ event: DomainEvent) -> Bool {
        if voided.contains(i) { return true }
        guard !finalDeletion.isEmpty, let id = event.subjectDealID, let d = finalDeletion[id] else { return false }
        return i < d
    }

    /// The ids an import at log position `i` must leave out.
    public func hiddenIDs(at i: Int, in payload: ImportPayload) -> Set<String> {
        guard !finalDeletion.isEmpty, case .deals(let b) = payload else { return [] }
        var out = Set<String>()
        for id in b.ids { if let d = finalDeletion[id], i < d { out.insert(id) } }
        return out
    }

    /// The payload of the import at log position `i` without the rows of deleted deals.
    public func filter(_ payload: ImportPayload, at i: Int) -> ImportPayload {
        let hidden = hiddenIDs(at: i, in: payload)
        guard !hidden.isEmpty, case .deals(let b) = payload else { return payload }
        return .deals(b.dropping(hidden))
    }

    /// The deletions of one id, oldest first.
    public func deletions(of id: String) -> [Deletion] { deletions.filter { $0.id == id } }
}

extension DomainEvent {
    /// The deal an event belongs to, for erasing a deleted deal's events: the deal it
    /// creates or changes, or the one a task, notification or conversion was made for.
    public var subjectDealID: String? {
        switch self {
        case .dealCreated(let id, _, _, _), .fieldsSet(let id, _), .moved(let id, _, _), .won(let id), .lost(let id, _),
             .reopened(let id, _):
            return id
        case .taskCreated(let t): return t.deal
        case .notified(let n): return n.deal
        case .leadConverted(_, let deal): return deal
        default: return nil
        }
    }

    /// The deal whose history lists the event: its creation, a change, a deletion, a restore.
    var changedDeal: String? {
        switch self {
        case .dealCreated(let id, _, _, _), .fieldsSet(let id, _), .moved(let id, _, _), .won(let id), .lost(let id, _),
             .reopened(let id, _), .closedAs(let id, _, _), .dealDeleted(let id, _), .dealRestored(let id):
            return id
        default: return nil
        }
    }

    /// Events that change what the log means rather than a deal: applying one replays the log.
    var erases: Bool { type.erases }
}

extension DealBatch {
    /// The batch without the rows of these deals (and their stage changes).
    func dropping(_ hidden: Set<String>) -> DealBatch {
        let keep = ids.map { !hidden.contains($0) }
        var newRow = [Int32](repeating: -1, count: count)
        var next: Int32 = 0
        for i in 0..<count where keep[i] { newRow[i] = next; next += 1 }
        let kept = (0..<count).filter { keep[$0] }
        var out = DealBatch(funnel: funnel, replacesHistory: replacesHistory, strings: strings,
                            ids: kept.map { ids[$0] }, created: kept.map { created[$0] }, closed: kept.map { closed[$0] },
                            fields: fields.map { BatchField(name: $0.name, column: $0.column.keeping(keep)) })
        for k in 0..<entryCount where keep[Int(entryRow[k])] {
            out.addEntry(row: Int(newRow[Int(entryRow[k])]), day: entryDay[k], from: entryFrom[k], to: entryTo[k], forced: entryForced[k])
        }
        return out
    }
}

extension FunnelState {
    /// Applies a deletion, restore or undo: the event joins the log, then the state is
    /// replayed from the log without what the log now erases. In an `as of` replay the
    /// erasure is already left out, so the event only joins the log.
    mutating func applyErasing(_ event: DomainEvent, on day: Int32, origin: String?) throws {
        if partialReplay {
            log.append(LoggedEvent(event: event, day: day, origin: origin))
            return
        }
        switch event {
        case .dealDeleted(let id, _):
            guard row(of: id) != nil else { throw replayError("deal \"\(id)\" is deleted, but it does not exist") }
        case .dealRestored(let id):
            guard row(of: id) == nil else { throw replayError("deal \"\(id)\" is restored, but a deal \"\(id)\" exists") }
            guard erasure.finalDeletion[id] != nil else { throw replayError("deal \"\(id)\" is restored, but it was never deleted") }
        case let .undone(first, last):
            guard first >= 1, first <= last, last <= Int64(log.count) else {
                throw replayError("an undo names events \(first) to \(last), which are not all in the journal before it")
            }
        default:
            break
        }
        log.append(LoggedEvent(event: event, day: day, origin: origin))
        try replayErasing()
    }

    /// Loads a whole journal that has deletions or undos in one replay, rather than one
    /// replay per deletion as applying the events one by one would.
    public mutating func replayJournal(_ events: [LoggedEvent]) throws {
        log = events
        try replayErasing()
    }

    /// Rebuilds the state from its own log, leaving out what the log erases.
    mutating func replayErasing() throws {
        // A state opened from a snapshot holds only the events after it in `log`; an erasure
        // is replayed over the whole journal.
        if let prefix = logPrefix {
            log = try prefix.events() + log
            logPrefix = nil
        }
        let erasure = Erasure(log: log)
        var s = FunnelState()
        s.loadSegment = loadSegment
        // Records that refer to an erased event (a task done whose task was a deleted
        // deal's, a notification acknowledged with others) are left out, as in `as of`.
        s.partialReplay = true
        // The log position that created each deal row, so the erasure can tell the deletions
        // and undos of today's deal of an id from those of an earlier deal of that id.
        var createdAt: [Int] = []
        for (i, e) in log.enumerated() {
            defer { if s.deals.count > createdAt.count { createdAt += repeatElement(i, count: s.deals.count - createdAt.count) } }
            if erasure.hides(i, e.event) || e.event.erases {
                s.log.append(e)
                continue
            }
            if case let .imported(_, _, segment, checksum, _) = e.event {
                try s.apply(e.event, on: e.day, payload: erasure.filter(try loadPayload(segment: segment, checksum: checksum), at: i))
                continue
            }
            do { try s.apply(e.event, on: e.day, origin: e.origin) } catch var d as Diagnostic {
                d.message = "event \(i + 1) (\(e.event.summary)): \(d.message)"
                throw d
            }
        }
        s.partialReplay = false
        var marked = erasure
        let replayed = s
        marked.markLive { id in replayed.row(of: id).map { createdAt[$0] } }
        s.erasure = marked
        s.lastSeq = lastSeq
        self = s
    }
}

extension FunnelState.LoggedEvent {
    public init(_ event: DomainEvent, on day: Int32, origin: String? = nil) { self.init(event: event, day: day, origin: origin) }
}
