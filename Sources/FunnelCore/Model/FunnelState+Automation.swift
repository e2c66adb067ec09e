/// One firing of a time-based rule: a rule fires at most once per deal per stage visit,
/// and a visit is the deal's stay in a stage that began on `visit`.
public struct RuleFiring: Hashable, Sendable {
    public var rule: String
    public var deal: String
    public var stage: String
    public var visit: Int32
    public init(rule: String, deal: String, stage: String, visit: Int32) {
        self.rule = rule; self.deal = deal; self.stage = stage; self.visit = visit
    }
}

extension FunnelState {
    /// Applies a task, notification or lead event. Like every apply, it only records what
    /// the event says; generating tasks and notifications happens in the interpreter.
    /// In a partial replay (`asOf`) an event whose deal, lead or task lies after the day is
    /// left out; in a full replay that is a damaged journal.
    mutating func applyAutomation(_ event: DomainEvent, on day: Int32) throws {
        switch event {
        case .taskCreated(let t):
            let id = try id32(t.id, "task")
            guard tasks.rowOfID[id] == nil else { throw replayError("task \(t.id) is created twice") }
            guard let r = try rowIfPresent(t.deal) else { return }
            let row = Int32(tasks.count)
            tasks.id.append(id)
            tasks.rowOfID[id] = row
            tasks.nextID = max(tasks.nextID, t.id + 1)
            tasks.deal.append(Int32(r))
            tasks.stage.append(pool.intern(t.stage))
            tasks.title.append(pool.intern(t.title))
            tasks.role.append(t.role.map { pool.intern($0) } ?? Empty.text)
            tasks.due.append(t.due ?? Empty.date)
            tasks.status.append(.open)
            tasks.created.append(day)
            tasks.completed.append(Empty.date)
            tasks.origin.append(t.origin)
            tasks.rule.append(t.rule.map { pool.intern($0) } ?? Empty.text)
            tasks.visit.append(t.visit)
            tasks.byDeal[Int32(r), default: []].append(row)
            if t.origin == .rule, let rule = t.rule {
                firedRules.insert(RuleFiring(rule: rule, deal: t.deal, stage: t.stage, visit: t.visit))
            }
        case .taskDone(let id):
            guard let row = try tasks.rowOfID[id32(id, "task")].map(Int.init) else {
                if partialReplay { return }
                throw replayError("task \(id) does not exist")
            }
            guard tasks.status[row] == .open else { throw replayError("task \(id) is completed twice") }
            tasks.status[row] = .done
            tasks.completed[row] = day
        case .notified(let n):
            let id = try id32(n.id, "notification")
            guard notifications.rowOfID[id] == nil else { throw replayError("notification \(n.id) is created twice") }
            guard let r = try rowIfPresent(n.deal) else { return }
            notifications.id.append(id)
            notifications.rowOfID[id] = Int32(notifications.count)
            notifications.nextID = max(notifications.nextID, n.id + 1)
            notifications.deal.append(Int32(r))
            notifications.rule.append(pool.intern(n.rule))
            notifications.role.append(pool.intern(n.role))
            notifications.message.append(n.message)
            notifications.stage.append(pool.intern(n.stage))
            notifications.at.append(day)
            notifications.status.append(.new)
            notifications.acked.append(Empty.date)
            if let visit = n.visit {
                firedRules.insert(RuleFiring(rule: n.rule, deal: n.deal, stage: n.stage, visit: visit))
            }
        case .acked(let ids):
            for id in ids {
                guard let row = try notifications.rowOfID[id32(id, "notification")].map(Int.init) else {
                    if partialReplay { continue }
                    throw replayError("notification \(id) does not exist")
                }
                notifications.status[row] = .acked
                notifications.acked[row] = day
            }
        case let .leadCreated(id, fields):
            guard leads.row(of: id) == nil else { throw replayError("lead \"\(id)\" is created twice") }
            let r = leads.append(id: id, on: day)
            for f in fields { leads.set(r, f.name, f.value) }
        case let .leadUpdated(id, fields):
            guard let r = try leadIfPresent(id) else { return }
            for f in fields { leads.set(r, f.name, f.value) }
        case .leadQualified(let id):
            guard let r = try leadIfPresent(id) else { return }
            leads.status[r] = .qualified
            leads.reason[r] = nil
        case let .leadDisqualified(id, reason):
            guard let r = try leadIfPresent(id) else { return }
            leads.status[r] = .disqualified
            leads.reason[r] = reason
        case let .leadConverted(id, deal):
            guard let r = try leadIfPresent(id) else { return }
            guard row(of: deal) != nil else {
                if partialReplay { return }
                throw replayError("lead \"\(id)\" is converted to deal \"\(deal)\", which does not exist")
            }
            leads.status[r] = .converted
            leads.deal[r] = deal
            leads.converted[r] = day
        default:
            throw replayError("an event reached the automation tables that is not theirs")
        }
    }

    func id32(_ id: Int, _ what: String) throws -> Int32 {
        guard let v = Int32(exactly: id), v >= 1 else { throw replayError("\(what) id \(id) is out of range") }
        return v
    }

    func leadIfPresent(_ id: String) throws -> Int? {
        if let r = leads.row(of: id) { return r }
        if partialReplay { return nil }
        throw replayError("lead \"\(id)\" does not exist")
    }

    func rowIfPresent(_ deal: String) throws -> Int? {
        if let r = row(of: deal) { return r }
        if partialReplay { return nil }
        throw replayError("deal \"\(deal)\" does not exist")
    }
}
