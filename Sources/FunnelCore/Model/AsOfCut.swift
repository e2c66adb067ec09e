/// `as of DATE` without a replay: the state of a past day cut from the current columns. The
/// deals that existed then are gathered row by row; each one's stage, status, stage-entered
/// and closed dates are read from its last stage change on or before the day, and every
/// field from the field history as it stood then; the two histories keep their changes
/// dated on or before the day. Nothing is decoded, no deal becomes an object and no text is
/// interned again.
///
/// The cut is taken only where it gives what the replay (`FunnelState.replayed(asOf:)`) gives,
/// and `cut(asOf:)` answers nil otherwise, so the caller replays. Handled exactly: imports of
/// deals and of histories (stages and fields), reference tables, people and quotas, every
/// stage and field statement, backdated ones included, and deals created after the day.
/// Replayed instead, because the current columns do not hold what the past day needs:
/// - deletions, restores and undos (Erasure.swift), stage renames, snapshot imports and the
///   removals they record;
/// - tasks, notifications, leads and fired rules (any automation event in the log);
/// - a reporting currency (the amounts a report reads may already be converted);
/// - an `import deals` that updated existing deals (it can move a created day or a closed date
///   without a dated trace), and a declaration redeclared with another source (a stage's kind
///   can change, and the replay keeps each change's status as of when it was recorded);
/// - field values recorded out of date order: for one deal and field, a change recorded after
///   another with a later date, or a `set` of a value the field already held (not in the field
///   history) dated before a recorded change — on a past day the skipped later change would
///   make the earlier one a real change;
/// - an `import history` after any recorded field change or `set` (its file may carry field
///   values that equal the current ones and so were never recorded as changes);
/// - a deal whose imported history has nothing on or before the day while the deal existed
///   (the replay keeps the stages it had before that import), a closed date or lost reason the
///   columns cannot give for the day, and a state opened from a snapshot without `AsOfFacts`.
extension FunnelState {
    /// The state as of `day` by the cut, or nil where only the replay can tell it.
    func cut(asOf day: Int32) throws -> FunnelState? {
        guard let facts = asOfFacts, facts.fit(deals.count), !facts.importUpdatedDeals, erasure.isEmpty,
              catalog.reportingCurrency == nil, tasks.count == 0, notifications.count == 0, leads.count == 0,
              firedRules.isEmpty else { return nil }
        let events = try (logPrefix?.events() ?? []) + log
        var cut = AsOfCut(state: self, day: day, facts: facts)
        guard cut.readLog(events), cut.fieldsInDateOrder(), cut.readStages(), let deals = cut.cutDeals() else { return nil }
        var s = FunnelState()
        s.catalog = catalog
        s.pool = pool
        s.slots = cut.slots
        s.deals = deals
        guard cut.historyCuts(), let fieldHistory = cut.cutFieldHistory() else { return nil }
        // The day's stage history is made only if a report reads it (Deferred.swift): a
        // pipeline or forecast as of the day needs the cut columns alone, and copying
        // millions of stage changes was most of its time.
        nonisolated(unsafe) let historyCut = cut
        s.deferredHistory = Deferred(placeholder: StageHistory(), load: { historyCut.cutHistory() ?? StageHistory() },
                                     fallback: { StageHistory() })
        s.fieldHistory = fieldHistory
        s.people = people
        s.tables = tables
        s.declarations = declarations
        s.loadSegment = loadSegment
        s.log = cut.replayLog
        s.lastSeq = lastSeq
        s.erasure = erasure.forMessages
        // An `as of` within this day's state replays its log, as it would on the replayed state.
        s.asOfFacts = nil
        return s
    }
}

/// The steps of one cut, in order: the log, the field history's order, the stage history,
/// then the cut columns.
struct AsOfCut {
    let state: FunnelState
    let day: Int32
    let facts: AsOfFacts
    /// Per deal row, whether the deal exists on the day, and its row in the cut.
    var keep: [Bool]
    var newRow: [Int32]
    var keptRows: [Int32] = []
    /// The log the replay would hold: the events it applies, without imports (which it applies
    /// straight from their segments).
    var replayLog: [FunnelState.LoggedEvent] = []
    /// Per log position, the order number the replay gives the changes of that event (the
    /// length of its log then, `FunnelState.eventOrder`).
    var replayOrder: [Int32] = []
    var historyImports = Set<Int32>()
    var dealsImports = Set<Int32>()
    /// Per deal row, the statements that set its lost reason (`lose`, `reopen`, `close as` a
    /// lost stage), in log order, with the reason they leave (nil: none).
    var lostReasons: [Int32: [(day: Int32, reason: String?)]] = [:]
    var createdByStatement = Set<Int32>()
    /// `set deal` events: deal row, log position, day and field names.
    var sets: [(row: Int32, position: Int32, day: Int32, fields: [String])] = []
    /// Per deal row: its last stage change on or before the day, its last one, the order of
    /// its first, and whether that first event gave one on or before the day (-1: none).
    var atDay: [Int32] = []
    var last: [Int32] = []
    var slots: StageSlots

    init(state: FunnelState, day: Int32, facts: AsOfFacts) {
        self.state = state
        self.day = day
        self.facts = facts
        keep = facts.existsFrom.map { $0 <= day }
        newRow = [Int32](repeating: -1, count: keep.count)
        for r in keep.indices where keep[r] {
            newRow[r] = Int32(keptRows.count)
            keptRows.append(Int32(r))
        }
        slots = state.slots
    }

    /// Reads the log: what the replay would apply and how it would number it; false for an
    /// event the cut does not handle.
    mutating func readLog(_ events: [FunnelState.LoggedEvent]) -> Bool {
        var sources: [String: String] = [:]
        replayOrder.reserveCapacity(events.count)
        var index: [String: Int32]?
        func row(_ id: String) -> Int32? {
            if index == nil { index = state.deals.rowOfID }
            return index?[id]
        }
        let specialFields: Set<String> = ["created", "closed", "lost_reason"]
        for (i, e) in events.enumerated() {
            replayOrder.append(Int32(clamping: replayLog.count))
            let position = Int32(clamping: i)
            switch e.event {
            case let .declare(what, name, source):
                let key = what + " " + name
                if let earlier = sources[key], earlier != source { return false }
                sources[key] = source
                replayLog.append(e)
            case .people:
                replayLog.append(e)
            case let .imported(kind, _, _, _, _):
                switch kind {
                case "deals": dealsImports.insert(position)
                case "history": historyImports.insert(position)
                case "table": break
                default: return false
                }
            case let .dealCreated(id, _, _, fields):
                guard !fields.contains(where: { specialFields.contains($0.name) }), let r = row(id) else { return false }
                createdByStatement.insert(r)
                if e.day <= day { replayLog.append(e) }
            case let .fieldsSet(id, fields):
                guard !fields.contains(where: { specialFields.contains($0.name) }), let r = row(id) else { return false }
                sets.append((r, position, e.day, fields.map(\.name)))
                if e.day <= day, keep[Int(r)] { replayLog.append(e) }
            case .moved(let id, _, _), .won(let id):
                guard let r = row(id) else { return false }
                if e.day <= day, keep[Int(r)] { replayLog.append(e) }
            case let .lost(id, reason):
                guard let r = row(id) else { return false }
                lostReasons[r, default: []].append((e.day, reason))
                if e.day <= day, keep[Int(r)] { replayLog.append(e) }
            case .reopened(let id, _):
                guard let r = row(id) else { return false }
                lostReasons[r, default: []].append((e.day, nil))
                if e.day <= day, keep[Int(r)] { replayLog.append(e) }
            case let .closedAs(id, stage, reason):
                guard let r = row(id) else { return false }
                if state.funnel(ofRow: Int(r))?.stage(named: stage)?.kind == .lost { lostReasons[r, default: []].append((e.day, reason)) }
                if e.day <= day, keep[Int(r)] { replayLog.append(e) }
            case .snapshot, .stageRenamed, .dealDeleted, .dealRestored, .undone, .taskCreated, .taskDone, .notified, .acked,
                 .leadCreated, .leadUpdated, .leadQualified, .leadDisqualified, .leadConverted, .tasksClosed:
                return false
            }
        }
        return true
    }

    /// Whether every deal's field values were recorded in date order, so that the changes on
    /// or before the day are the first ones recorded and the value of the day is the last of
    /// them (see the type's comment). Also refuses a field the cut cannot set.
    func fieldsInDateOrder() -> Bool {
        let f = state.fieldHistory
        let firstSet = sets.first?.position ?? Int32.max
        let firstRecorded = f.order.min() ?? Int32.max
        if historyImports.contains(where: { $0 > min(firstSet, firstRecorded) }) { return false }
        let pool = state.pool
        for code in Set(f.field) where ["created", "closed"].contains(pool[code]) { return false }
        // Newest first per deal: each field's days may only go down.
        var earliest: [(field: Int32, day: Int32)] = []
        for r in f.latest.indices {
            earliest.removeAll(keepingCapacity: true)
            var k = Int(f.latest[r])
            while k >= 0 {
                let code = f.field[k], d = f.day[k]
                if let j = earliest.firstIndex(where: { $0.field == code }) {
                    if d > earliest[j].day { return false }
                    earliest[j].day = d
                } else {
                    earliest.append((code, d))
                }
                k = Int(f.previous[k])
            }
        }
        // A `set` is in order with every recorded change of its deal and field, and with the
        // other sets (one that changed nothing is not in the field history).
        var byDeal: [Int32: [(order: Int32, day: Int32, field: String)]] = [:]
        for s in sets { for name in s.fields { byDeal[s.row, default: []].append((s.position, s.day, name)) } }
        for (r, setsOfDeal) in byDeal {
            var all = setsOfDeal
            for k in f.changes(ofRow: Int(r)) { all.append((f.order[k], f.day[k], pool[f.field[k]])) }
            all.sort { $0.order < $1.order }
            var latest: [String: Int32] = [:]
            for c in all {
                if let d = latest[c.field], c.day < d { return false }
                latest[c.field] = c.day
            }
        }
        return true
    }

    /// Finds each deal's stage change of the day; false where the replay would hold stages the
    /// current history no longer has.
    mutating func readStages() -> Bool {
        let h = state.history
        let n = keep.count
        atDay = [Int32](repeating: -1, count: n)
        last = [Int32](repeating: -1, count: n)
        var firstOrder = [Int32](repeating: -1, count: n)
        var firstOnDay = [Bool](repeating: false, count: n)
        for k in 0..<h.count {
            let r = Int(h.deal[k])
            guard r < n else { return false }
            if last[r] < 0 { firstOrder[r] = h.order[k] }
            last[r] = Int32(k)
            if h.day[k] <= day {
                atDay[r] = Int32(k)
                if h.order[k] == firstOrder[r] { firstOnDay[r] = true }
            }
        }
        for r in keptRows.map(Int.init) {
            guard atDay[r] >= 0 else { return false }
            // An imported history that gave the deal nothing by the day replaced nothing on it.
            if historyImports.contains(firstOrder[r]), !firstOnDay[r] { return false }
        }
        return true
    }

    /// The deal columns of the day; nil where a closed date or lost reason cannot be told.
    mutating func cutDeals() -> DealTable? {
        let current = state.deals
        var d = current.gathered(keptRows)
        let h = state.history
        var statusOfSlot: [Int32: DealStatus] = [:]
        for (j, r32) in keptRows.enumerated() {
            let r = Int(r32)
            let k = Int(atDay[r])
            let entryDay = h.day[k]
            d.stageEntered[j] = entryDay
            if atDay[r] != last[r] {
                let slot = slots.slot(funnel: current.funnel[r], stage: h.stage[k])
                d.stageSlot[j] = slot
                if let s = statusOfSlot[slot] { d.status[j] = s } else {
                    let s = state.statusOf(stage: state.pool[h.stage[k]], funnel: state.pool[current.funnel[r]])
                    statusOfSlot[slot] = s
                    d.status[j] = s
                }
            }
            // The closed date, as the change of the day left it (FunnelState.changeStage,
            // applyDeals): an import's own closed date while it is reached, else the day of the change.
            if d.status[j] == .open {
                d.closed[j] = Empty.date
            } else if atDay[r] == last[r] {
                let c = current.closed[r]
                d.closed[j] = c == Empty.date ? Empty.date : c > day ? entryDay : c
            } else {
                d.closed[j] = dealsImports.contains(h.order[k]) && facts.noClosedDate.contains(r32) ? Empty.date : entryDay
            }
            guard let reason = lostReason(r) else { return nil }
            d.lostReason[j] = reason
        }
        guard patchFields(&d) else { return nil }
        return d
    }

    /// Deal row `r`'s lost reason on the day (a code), nil where it cannot be told.
    func lostReason(_ r: Int) -> Int32? {
        let current = state.deals.lostReason[r]
        guard !lostReasons.isEmpty, let marks = lostReasons[Int32(r)] else { return current }
        // Set by statements and by an imported field history both: only the replay can order them.
        let f = state.fieldHistory
        if let lost = state.pool.code(of: "lost_reason"), f.changes(ofRow: r).contains(where: { f.field[$0] == lost }) { return nil }
        guard let i = marks.lastIndex(where: { $0.day <= day }) else {
            // Before every one of them: what the deal was created with, empty unless an import
            // could have given it one.
            return createdByStatement.contains(Int32(r)) || !facts.importedLostReason ? Empty.text : nil
        }
        if i == marks.count - 1 { return current }
        guard let reason = marks[i].reason else { return Empty.text }
        return state.pool.code(of: reason)
    }

    /// Every field of the kept deals that changed after the day, set to its value of the day.
    func patchFields(_ d: inout DealTable) -> Bool {
        let f = state.fieldHistory, pool = state.pool
        // Set on a state of their own so numbers, dates and declared fields take the replay's
        // own setter; the table is moved there and back, not copied.
        var view = FunnelState()
        view.deals = d
        d = DealTable()
        for (j, r32) in keptRows.enumerated() {
            let r = Int(r32)
            guard r < f.latest.count, f.latest[r] >= 0 else { continue }
            var done: [Int32] = []
            var k = Int(f.latest[r])
            while k >= 0 {
                let code = f.field[k]
                if f.day[k] > day, !done.contains(code) {
                    done.append(code)
                    guard let v = state.fieldValue(ofRow: r, field: code, asOf: day) else { d = view.deals; return false }
                    let name = pool[code]
                    switch name {
                    case "name", "owner", "team", "source", "product", "account", "lost_reason":
                        var text = Empty.text
                        if case .text(let s) = v {
                            guard let c = pool.code(of: s) else { d = view.deals; return false }
                            text = c
                        }
                        switch name {
                        case "name": view.deals.name[j] = text
                        case "owner": view.deals.owner[j] = text
                        case "team": view.deals.team[j] = text
                        case "source": view.deals.source[j] = text
                        case "product": view.deals.product[j] = text
                        case "account": view.deals.account[j] = text
                        default: view.deals.lostReason[j] = text
                        }
                    default:
                        // Numbers, dates and declared fields, as a replay sets them.
                        view.setField(j, name, v)
                    }
                }
                k = Int(f.previous[k])
            }
        }
        d = view.deals
        return true
    }

    /// Whether `cutHistory` can number every stage change it keeps as the replay would:
    /// checked before the cut is taken, since the history itself is made later, if at all.
    func historyCuts() -> Bool {
        let h = state.history
        for k in 0..<h.count where keep[Int(h.deal[k])] && h.day[k] <= day {
            if orderInReplay(h.order[k]) == nil { return false }
        }
        return true
    }

    /// The stage changes of the kept deals dated on or before the day, in recorded order;
    /// nil only where `historyCuts` is false.
    func cutHistory() -> StageHistory? {
        let h = state.history
        var out = StageHistory()
        out.reserve(h.count)
        for k in 0..<h.count {
            let r = Int(h.deal[k])
            guard keep[r], h.day[k] <= day else { continue }
            guard let order = orderInReplay(h.order[k]) else { return nil }
            out.append(deal: Int(newRow[r]), day: h.day[k], from: h.fromStage[k], to: h.stage[k], forced: h.forcedReason[k],
                       origin: h.origin[k], order: order)
        }
        return out
    }

    /// The field changes of the kept deals dated on or before the day, in recorded order.
    func cutFieldHistory() -> FieldHistory? {
        let f = state.fieldHistory
        var out = FieldHistory()
        for k in 0..<f.count {
            let r = Int(f.deal[k])
            guard r < keep.count, keep[r], f.day[k] <= day else { continue }
            guard let order = orderInReplay(f.order[k]) else { return nil }
            out.append(deal: Int(newRow[r]), day: f.day[k], field: f.field[k], old: f.old[k], new: f.new[k], origin: f.origin[k],
                       order: order)
        }
        return out
    }

    func orderInReplay(_ position: Int32) -> Int32? {
        position >= 0 && Int(position) < replayOrder.count ? replayOrder[Int(position)] : nil
    }
}

extension DealTable {
    /// The table of rows `rows` (in that order), every column gathered by row.
    func gathered(_ rows: [Int32]) -> DealTable {
        func pick<C: RandomAccessCollection>(_ column: C) -> [C.Element] where C.Index == Int { rows.map { column[Int($0)] } }
        func pick<T>(_ column: Column<T>) -> Column<T> { Column(rows.map { column[Int($0)] }) }
        var t = DealTable()
        t.setIDs(ids.gathered(rows))
        t.funnel = pick(funnel); t.stageSlot = pick(stageSlot); t.status = pick(status)
        t.amount = pick(amount); t.probability = pick(probability)
        t.name = pick(name); t.owner = pick(owner); t.team = pick(team); t.source = pick(source)
        t.product = pick(product); t.account = pick(account); t.lostReason = pick(lostReason)
        t.created = pick(created); t.closeDate = pick(closeDate); t.closed = pick(closed); t.stageEntered = pick(stageEntered)
        for (name, column) in custom { t.custom[name] = pick(column) }
        return t
    }
}
