/// The journal form of the events that take mistakes back (`delete deal`, `restore deal`,
/// `undo`) and of a stage rename: `delete-deal`, `restore-deal`, `undo`, `rename-stage`.
extension DomainEvent {
    func historyStoreEvent(on day: Int32) -> StoreEvent {
        switch self {
        case let .dealDeleted(id, reason):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("reason", .string(reason))])
        case let .dealRestored(id):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id))])
        case let .undone(first, last):
            return StoreEvent(on: day, type: type, payload: [("first", .number(Double(first))), ("last", .number(Double(last)))])
        case let .stageRenamed(funnel, from, to):
            return StoreEvent(on: day, type: type, payload: [("funnel", .string(funnel)), ("from", .string(from)), ("to", .string(to))])
        case .tasksClosed(let ids):
            return StoreEvent(on: day, type: type, payload: [("ids", .array(ids.map { .number(Double($0)) }))])
        default:
            // Only the cases above are sent here (DomainEvent.storeEvent).
            return StoreEvent(on: day, type: type, payload: [])
        }
    }

    /// Decodes one of these events; nil for anything else or a malformed one.
    static func historyEvent(_ e: StoreEvent) -> DomainEvent? {
        func s(_ k: String) -> String? { e[k]?.string }
        func seq(_ k: String) -> Int64? {
            guard let n = e[k]?.number, n == n.rounded(), n >= 1, n <= Double(JournalLine.maxSeq) else { return nil }
            return Int64(n)
        }
        switch EventType(of: e) {
        case .deleteDeal:
            guard let id = s("id"), let reason = s("reason") else { return nil }
            return .dealDeleted(id: id, reason: reason)
        case .restoreDeal:
            guard let id = s("id") else { return nil }
            return .dealRestored(id: id)
        case .undo:
            guard let first = seq("first"), let last = seq("last") else { return nil }
            return .undone(first: first, last: last)
        case .renameStage:
            guard let f = s("funnel"), let from = s("from"), let to = s("to") else { return nil }
            return .stageRenamed(funnel: f, from: from, to: to)
        case .tasksClosed:
            guard let items = e["ids"]?.array else { return nil }
            var ids: [Int] = []
            for i in items {
                guard let n = i.number, n == n.rounded(), n >= 1, n < 2_147_483_647 else { return nil }
                ids.append(Int(n))
            }
            return .tasksClosed(ids: ids)
        default:
            return nil
        }
    }
}

extension FunnelState {
    /// Closes open tasks whose deal was won or lost. In an `as of` or erasing replay a task
    /// that is not there (its deal deleted, or made after the day) is left out.
    mutating func closeTasks(_ ids: [Int], on day: Int32) throws {
        for id in ids {
            guard let row = try tasks.rowOfID[id32(id, "task")].map(Int.init) else {
                if partialReplay { continue }
                throw replayError("task \(id) does not exist")
            }
            guard tasks.status[row] == .open else { continue }
            tasks.status[row] = .closed
            tasks.completed[row] = day
        }
    }

    /// Every deal of the funnel that is in stage `from` is in `to`, on the day it entered
    /// `from`; its history, tasks and notifications carry the new name. A rename changes a
    /// name, not the past, so `as of` applies it on every day.
    mutating func renameStage(funnel: String, from: String, to: String) {
        let f = pool.intern(funnel), old = pool.intern(from), new = pool.intern(to)
        let oldSlot = slots.slot(funnel: f, stage: old), newSlot = slots.slot(funnel: f, stage: new)
        for r in 0..<deals.count where deals.funnel[r] == f && deals.stageSlot[r] == oldSlot {
            deals.stageSlot[r] = newSlot
        }
        for k in 0..<history.count where deals.funnel[Int(history.deal[k])] == f {
            if history.stage[k] == old { history.stage[k] = new }
            if history.fromStage[k] == old { history.fromStage[k] = new }
        }
        for k in 0..<tasks.count where tasks.stage[k] == old && deals.funnel[Int(tasks.deal[k])] == f { tasks.stage[k] = new }
        for k in 0..<notifications.count where notifications.stage[k] == old && deals.funnel[Int(notifications.deal[k])] == f {
            notifications.stage[k] = new
        }
        // A rule that fired in the stage under its old name has fired in the same visit.
        firedRules = Set(firedRules.map { r in
            guard r.stage == from, let row = self.row(of: r.deal), deals.funnel[row] == f else { return r }
            return RuleFiring(rule: r.rule, deal: r.deal, stage: to, visit: r.visit)
        })
    }
}

extension DomainEvent {
    /// One line saying what the event did, for `undo`'s question and its refusals.
    public var summary: String {
        func names(_ fs: [FieldValue]) -> String { fs.map(\.name).joined(separator: ", ") }
        switch self {
        case let .declare(what, name, _): return "\(what == "leadgate" ? "the lead gate" : "\(what) \(name)") declared"
        case let .dealCreated(id, funnel, stage, _): return "deal \"\(id)\" created in \(funnel) (\(stage))"
        case let .fieldsSet(id, fields): return "deal \"\(id)\": \(names(fields)) set"
        case let .moved(id, to, forced): return "deal \"\(id)\" moved to \(to)" + (forced == nil ? "" : " (forced)")
        case .won(let id): return "deal \"\(id)\" won"
        case .lost(let id, _): return "deal \"\(id)\" lost"
        case let .reopened(id, to): return "deal \"\(id)\" reopened in \(to)"
        case .taskCreated(let t): return "task \(t.id) \"\(t.title)\" made for deal \"\(t.deal)\""
        case .taskDone(let id): return "task \(id) done"
        case .notified(let n): return "notification \(n.id) for deal \"\(n.deal)\""
        case .acked(let ids): return ids.count == 1 ? "notification \(ids[0]) acknowledged" : "\(ids.count) notifications acknowledged"
        case .leadCreated(let id, _): return "lead \"\(id)\" created"
        case .leadUpdated(let id, let fields): return "lead \"\(id)\": \(names(fields)) set"
        case .leadQualified(let id): return "lead \"\(id)\" qualified"
        case .leadDisqualified(let id, _): return "lead \"\(id)\" disqualified"
        case let .leadConverted(id, deal): return "lead \"\(id)\" converted to deal \"\(deal)\""
        case let .dealDeleted(id, reason): return "deal \"\(id)\" deleted (\(reason))"
        case .dealRestored(let id): return "deal \"\(id)\" restored"
        case let .undone(first, last): return first == last ? "undo of event \(first)" : "undo of events \(first) to \(last)"
        case let .stageRenamed(funnel, from, to): return "stage \(from) of \(funnel) renamed to \(to)"
        case .tasksClosed(let ids): return ids.count == 1 ? "task \(ids[0]) closed with its deal" : "\(ids.count) tasks closed with their deal"
        case let .imported(kind, file, _, _, rows): return "import \(kind) from \(file) (\(rows) row\(rows == 1 ? "" : "s"))"
        case let .closedAs(id, stage, _): return "deal \"\(id)\" closed as \(stage)"
        case .people(let p):
            switch p {
            case .person(let id, _): return "person \"\(id)\" recorded"
            case .quota: return "a quota recorded"
            case .submitted: return "a forecast submitted"
            case .deliveryCommand: return "the delivery command declared"
            case .delivered: return "a notification delivered"
            }
        case let .snapshot(funnel, removed, returned):
            return "snapshot of \(funnel): \(removed.count) deal\(removed.count == 1 ? "" : "s") removed, \(returned.count) back"
        }
    }
}
