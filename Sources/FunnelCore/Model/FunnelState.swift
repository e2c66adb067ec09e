#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything a store holds, materialised in memory: the catalog, the deals as columns and
/// their stage history. Changes arrive only as `DomainEvent`s through `apply`, both when a
/// statement runs and when the journal is replayed, so the two can never disagree.
public struct FunnelState: Sendable {
    public var catalog = Catalog()
    public var pool = StringPool()
    public var slots = StageSlots()
    public var deals = DealTable()
    /// Every stage change, in the order recorded. From a snapshot it is read on first use
    /// (Deferred.swift).
    public var history: StageHistory {
        get { deferredHistory.value }
        _modify { yield &deferredHistory.value }
        set { deferredHistory.value = newValue }
    }
    var deferredHistory = Deferred(StageHistory())
    /// Set on a state `asOf` made (AsOfSource).
    var asOfSource: AsOfSource?

    /// Reads every part a snapshot left to be read on first use, throwing when one cannot
    /// be read from it (the caller then replays the journal instead).
    public mutating func loadDeferredParts() throws { try deferredHistory.load() }
    /// Every field change after creation, dated (FieldHistory.swift).
    public var fieldHistory = FieldHistory()
    /// Tasks, notifications and leads (AutomationRecords.swift), and which time-based rules have fired.
    public var tasks = TaskTable()
    public var notifications = NotificationTable()
    public var leads = LeadTable()
    public var firedRules = Set<RuleFiring>()
    /// People, quotas, submitted forecasts and deliveries (People.swift).
    public var people = PeopleBook()
    /// How each deal came to be, for the date cut of `as of` (AsOfFacts.swift); nil when not
    /// known (a state opened from a snapshot written before they were kept).
    public var asOfFacts: AsOfFacts? = AsOfFacts()
    /// For tests: `asOf` always replays, so a test can hold the cut against the replay.
    public var asOfByReplay = false
    /// Set while `asOf` rebuilds a past day from part of the log: a later-dated event an
    /// automation record refers to may be missing then, and the record is left out.
    var partialReplay = false
    /// What recorded the event being applied (pool code), for the histories' `origin`.
    var origin: Int32 = Empty.text
    /// The day the import being applied ran, the date of the changes it makes to deals.
    var importDay: Int32 = Empty.date
    /// Reference tables from `import table`, by name.
    public var tables: [String: ReferenceTable] = [:]
    /// Reads an import's segment by name, for `apply(.imported)`. Whoever opened the store
    /// sets it; a state that never saw a store has no segments to read.
    public var loadSegment: @Sendable (String) throws -> [UInt8] = FunnelState.noSegments
    /// Sequence number of the last committed event applied.
    public var lastSeq: Int64 = 0
    /// Every event applied, in order, with its effective date, so `as of` can rebuild the
    /// state of any past day by replaying the events effective on or before it.
    public internal(set) var log: [LoggedEvent] = []
    /// What deletions, restores and undos in the log take back (Erasure.swift). A state with
    /// erasures is never written to or opened from a snapshot (Session.refresh).
    public internal(set) var erasure = Erasure()
    /// For a state opened from a snapshot: the events the snapshot stands for, read from the
    /// journal only when `as of` needs them. `log` then holds the events applied after it.
    public var logPrefix: LogPrefix?
    /// Every declaration applied, in order, so a snapshot can rebuild the catalog from its
    /// sources (SnapshotCodec.swift).
    public internal(set) var declarations: [DomainEvent] = []

    /// Loads the events before a snapshot once, on first use, and keeps them.
    public final class LogPrefix: @unchecked Sendable {
        private let load: () throws -> [LoggedEvent]
        private let once = Once<[LoggedEvent]>()
        /// How many events it stands for (the snapshot's last sequence number), so the events
        /// after it are numbered on from there (`eventOrder`) without reading them.
        public let count: Int
        public init(count: Int, _ load: @escaping () throws -> [LoggedEvent]) {
            self.count = count
            self.load = load
        }
        public func events() throws -> [LoggedEvent] { try once.value(load) }
    }

    public struct LoggedEvent: Sendable {
        public var event: DomainEvent
        public var day: Int32
        public var origin: String? = nil
    }

    public init() {}

    public func row(of id: String) -> Int? { deals.row(of: id).map(Int.init) }

    public func funnelName(ofRow r: Int) -> String { pool[deals.funnel[r]] }
    public func stageName(ofRow r: Int) -> String { pool[slots.stage[Int(deals.stageSlot[r])]] }
    public func funnel(ofRow r: Int) -> FunnelDef? { catalog.funnels[funnelName(ofRow: r)] }
    public func stageDef(ofRow r: Int) -> StageDef? { funnel(ofRow: r)?.stage(named: stageName(ofRow: r)) }

    /// The catalog's view of every slot, built once per query.
    public func slotInfo() -> [SlotInfo] {
        (0..<slots.count).map { i in
            let def = catalog.funnels[pool[slots.funnel[i]]]?.stage(named: pool[slots.stage[i]])
            return SlotInfo(position: def?.position, kind: def?.kind, probability: def?.probability ?? 0,
                            category: def?.category ?? .pipeline, staleAfterDays: def?.staleAfter?.days, def: def)
        }
    }

    /// Applies one event. Throws only for an event that cannot apply to this state (a
    /// damaged or hand-edited journal); the caller names the journal line.
    /// `origin` says what recorded it (`FILE:LINE`), as the journal line keeps it.
    public mutating func apply(_ event: DomainEvent, on day: Int32, origin: String? = nil) throws {
        self.origin = origin.map { pool.intern($0) } ?? Empty.text
        defer { self.origin = Empty.text }
        if event.erases { return try applyErasing(event, on: day, origin: origin) }
        try applyWithoutLogging(event, on: day)
        log.append(LoggedEvent(event: event, day: day, origin: origin))
    }

    /// The state as it stood at the end of `day`: every logged event effective on or before
    /// it, replayed in recorded order. Declarations count whatever their date, so a
    /// funnel declared today still describes last month's deals. Cut from the current
    /// columns where that is shown to give the replay's state (AsOfCut.swift), replayed
    /// otherwise.
    public func asOf(_ day: Int32) throws -> FunnelState {
        // A day's state asked for an earlier day (`changes since X as of D` rebuilds X from
        // D's state) is the whole state's earlier day: the events effective by X are among
        // those by D. The day's own log has no imports, so replaying it would drop them.
        if let whole = asOfSource { return try whole.state.asOf(min(day, whole.day)) }
        var past: FunnelState
        if !asOfByReplay, let cut = try cut(asOf: day) { past = cut } else { past = try replayed(asOf: day) }
        past.asOfSource = AsOfSource(state: self, day: day)
        return past
    }

    /// For a state `asOf` made: the state it was made from, and its day.
    final class AsOfSource: Sendable {
        let state: FunnelState
        let day: Int32
        init(state: FunnelState, day: Int32) {
            self.state = state
            self.day = day
        }
    }

    /// `asOf` by replaying the log, whatever the store holds.
    public func replayed(asOf day: Int32) throws -> FunnelState {
        var s = FunnelState()
        s.partialReplay = true
        s.loadSegment = loadSegment
        for (i, e) in try ((logPrefix?.events() ?? []) + log).enumerated() {
            // What a deletion or an undo took back is not there on any day (Erasure.swift).
            if erasure.hides(i, e.event) { continue }
            // An import counts whatever day it ran, cut to the rows' own dates.
            // A snapshot import is the CRM as it stood on its date: before that day it has not happened.
            if case .imported(kind: "snapshot", _, _, _, _) = e.event, e.day > day { continue }
            if case let .imported(_, _, segment, checksum, _) = e.event {
                s.origin = e.event.importOrigin.map { s.pool.intern($0) } ?? Empty.text
                s.importDay = e.day
                defer { s.origin = Empty.text; s.importDay = Empty.date }
                switch erasure.filter(try loadPayload(segment: segment, checksum: checksum), at: i) {
                case .table(let t): try s.applyImport(.table(t))
                case .deals(let b):
                    let known = s.deals.rowOfID
                    for part in b.cut(at: day, recordedOn: e.day, exists: { known[$0] != nil }) { try s.applyImport(.deals(part)) }
                }
                continue
            }
            // People events count whatever their date too: every lookup in them names its day.
            if case .declare = e.event {} else if case .stageRenamed = e.event {} else if case .people = e.event {} else if e.day > day { continue }
            // A change dated before its deal's creation (`set deal ... on` an earlier day)
            // waits for the deal: on a day before the deal existed there is nothing to change.
            if let id = e.event.changedDealID, s.row(of: id) == nil { continue }
            try s.apply(e.event, on: e.day, origin: e.origin)
        }
        s.lastSeq = lastSeq
        s.partialReplay = false
        // For what messages say about deleted deals; the cut's log is already without them.
        s.erasure = erasure.forMessages
        // Its log holds no imports: an `as of` on this state replays that log, never cuts.
        s.asOfFacts = nil
        return s
    }

    /// Applies an import whose payload the caller already has (the import that just ran),
    /// sparing it the segment's decoding; the event is logged as `apply` logs it.
    /// Returns the row of each of the payload's deals.
    @discardableResult
    public mutating func apply(_ event: DomainEvent, on day: Int32, payload: ImportPayload) throws -> [Int] {
        origin = event.importOrigin.map { pool.intern($0) } ?? Empty.text
        importDay = day
        defer { origin = Empty.text; importDay = Empty.date }
        let rows = try applyImport(payload)
        log.append(LoggedEvent(event: event, day: day))
        return rows
    }

    mutating func applyWithoutLogging(_ event: DomainEvent, on day: Int32) throws {
        switch event {
        case let .imported(_, _, segment, checksum, _):
            origin = event.importOrigin.map { pool.intern($0) } ?? origin
            importDay = day
            defer { importDay = Empty.date }
            try applyImport(try loadPayload(segment: segment, checksum: checksum))
        case let .declare(what, name, source):
            try applyDeclaration(what: what, name: name, source: source)
            declarations.append(event)
        case let .dealCreated(id, funnel, stage, fields):
            guard deals.row(of: id) == nil else { throw replayError("deal \"\(id)\" is created twice") }
            let r = deals.appendRow(id: id)
            noteCreated(day: day)
            let f = pool.intern(funnel)
            deals.funnel[r] = f
            deals.stageSlot[r] = slots.slot(funnel: f, stage: pool.intern(stage))
            deals.created[r] = day
            deals.stageEntered[r] = day
            for fv in fields { setField(r, fv.name, fv.value) }
            deals.status[r] = statusOf(stage: stage, funnel: funnel)
            if deals.status[r] != .open, deals.closed[r] == Empty.date { deals.closed[r] = day }
            history.append(deal: r, day: day, from: Empty.text, to: pool.intern(stage), origin: origin, order: eventOrder)
        case let .fieldsSet(id, fields):
            let r = try existingRow(id)
            for fv in fields {
                let old = storedValue(r, fv.name)
                setField(r, fv.name, fv.value)
                let new = storedValue(r, fv.name)
                if old != new {
                    fieldHistory.append(deal: r, day: day, field: pool.intern(fv.name), old: old, new: new, origin: origin,
                                         order: eventOrder)
                }
            }
        case let .moved(id, to, forced):
            let r = try existingRow(id)
            changeStage(r, to: to, on: day, forced: forced)
        case let .won(id):
            let r = try existingRow(id)
            guard let won = funnel(ofRow: r)?.wonStage else { throw replayError("deal \"\(id)\" has no funnel") }
            changeStage(r, to: won.name, on: day, forced: nil)
        case let .lost(id, reason):
            let r = try existingRow(id)
            guard let lost = funnel(ofRow: r)?.lostStage else { throw replayError("deal \"\(id)\" has no funnel") }
            changeStage(r, to: lost.name, on: day, forced: nil)
            deals.lostReason[r] = reason.map { pool.intern($0) } ?? Empty.text
        case let .reopened(id, to):
            let r = try existingRow(id)
            changeStage(r, to: to, on: day, forced: nil)
            deals.lostReason[r] = Empty.text
        case let .snapshot(_, removed, returned):
            // Rebuilding a past day, a deal created later is not there to remove.
            for id in removed {
                guard let r = row(of: id) else { if partialReplay { continue }; throw replayError("deal \"\(id)\" does not exist") }
                if deals.status[r] == .open { deals.status[r] = .removed }
            }
            for id in returned {
                guard let r = row(of: id) else { if partialReplay { continue }; throw replayError("deal \"\(id)\" does not exist") }
                if deals.status[r] == .removed { deals.status[r] = statusOf(stage: stageName(ofRow: r), funnel: funnelName(ofRow: r)) }
            }
        case let .closedAs(id, stage, reason):
            let r = try existingRow(id)
            guard let def = funnel(ofRow: r)?.stage(named: stage), def.kind != .open else {
                throw replayError("deal \"\(id)\" cannot close in '\(stage)', which is not an outcome stage of its funnel")
            }
            changeStage(r, to: stage, on: day, forced: nil)
            if def.kind == .lost { deals.lostReason[r] = reason.map { pool.intern($0) } ?? Empty.text }
        case .taskCreated, .taskDone, .notified, .acked, .leadCreated, .leadUpdated, .leadQualified, .leadDisqualified,
             .leadConverted:
            try applyAutomation(event, on: day)
        case .dealDeleted, .dealRestored, .undone:
            // Only a replay that skipped them as erasures gets here, and they change nothing there.
            break
        case let .stageRenamed(funnel, from, to):
            renameStage(funnel: funnel, from: from, to: to)
        case .tasksClosed(let ids):
            try closeTasks(ids, on: day)
        case .people(let e):
            applyPeople(e, on: day)
        }
    }

    /// The log position of the event being applied.
    /// The position in the whole event log of the event being applied, counting the events a
    /// snapshot stands for (FieldHistory.order, StageHistory.order).
    var eventOrder: Int32 { Int32(clamping: (logPrefix?.count ?? 0) + log.count) }

    func replayError(_ message: String) -> Diagnostic { Diagnostic(.io, "S010", message) }

    func existingRow(_ id: String) throws -> Int {
        guard let r = row(of: id) else { throw replayError("deal \"\(id)\" does not exist") }
        return r
    }

    func statusOf(stage: String, funnel: String) -> DealStatus {
        switch catalog.funnels[funnel]?.stage(named: stage)?.kind {
        case .won?: return .won
        case .lost?: return .lost
        default: return .open
        }
    }

    mutating func changeStage(_ r: Int, to stage: String, on day: Int32, forced: String?) {
        let f = deals.funnel[r]
        let fromCode = slots.stage[Int(deals.stageSlot[r])]
        let toCode = pool.intern(stage)
        deals.stageSlot[r] = slots.slot(funnel: f, stage: toCode)
        deals.stageEntered[r] = day
        let status = statusOf(stage: stage, funnel: pool[f])
        deals.status[r] = status
        deals.closed[r] = status == .open ? Empty.date : day
        history.append(deal: r, day: day, from: fromCode, to: toCode, forced: forced.map { pool.intern($0) } ?? Empty.text,
                       origin: origin, order: eventOrder)
    }

    /// Sets a built-in or declared field. Values were type-checked before they were
    /// recorded; a mismatched one (a hand-edited journal) is stored as empty rather than trapping.
    public mutating func setField(_ r: Int, _ name: String, _ v: Value) {
        func text() -> Int32 { if case .text(let s) = v { return pool.intern(s) }; return Empty.text }
        func number() -> Double { v.number ?? Empty.number }
        func date() -> Int32 { v.date ?? Empty.date }
        switch name {
        case "name": deals.name[r] = text()
        case "owner": deals.owner[r] = text()
        case "team": deals.team[r] = text()
        case "source": deals.source[r] = text()
        case "product": deals.product[r] = text()
        case "account": deals.account[r] = text()
        case "amount": deals.amount[r] = Self.cents(of: v)
        case "probability": deals.probability[r] = number()
        case "close_date": deals.closeDate[r] = date()
        case "created": if let d = v.date { deals.created[r] = d }
        case "closed": deals.closed[r] = date()
        case "lost_reason": deals.lostReason[r] = text()
        default:
            deals.ensureCustomColumn(name)
            deals.custom[name]?[r] = catalog.fields[name]?.type == .money ? Self.moneyValue(v) : v
        }
    }

    /// An amount as cents: a journal written before amounts were exact holds a JSON number,
    /// read as a Double and taken at its shortest digits (0.1 is ten cents).
    static func cents(of v: Value) -> Int64 {
        switch v {
        case .money(let m): return m.storableCents ?? Empty.money
        case .number(let n): return Money(n)?.storableCents ?? Empty.money
        default: return Empty.money
        }
    }

    /// `amount` and declared `money` fields, whose values are `.money`.
    func isMoneyField(_ name: String) -> Bool { name == "amount" || catalog.fields[name]?.type == .money }

    /// A declared money field's value as `.money` (see `cents(of:)`).
    static func moneyValue(_ v: Value) -> Value {
        if case .number(let n) = v { return Money(n).map(Value.money) ?? .null }
        return v
    }

    mutating func applyDeclaration(what: String, name: String, source: String) throws {
        let file = SourceFile(name: "<\(what) \(name)>", text: source)
        let parsed = Parser.parse(file)
        guard parsed.diagnostics.isEmpty, let statement = parsed.statements.first else {
            throw replayError("the recorded declaration of \(what) '\(name)' does not parse")
        }
        switch statement.kind {
        case .field(let d):
            if BuiltinFields.addedLater.contains(d.name.text) { return }
            catalog.declare(field: try Declarations.field(d, file: file))
        case .funnel(let d):
            let f = try Declarations.funnel(d, file: file, catalog: catalog)
            // Interned now so reports can list stages no deal has reached yet.
            _ = pool.intern(f.name)
            for s in f.stages { _ = pool.intern(s.name) }
            catalog.declare(funnel: f)
        case .rule(let d):
            catalog.declare(rule: RuleDef(name: d.name.text, trigger: d.trigger, filter: d.filter, action: d.action, source: file))
        case let .currency(code, table, column, dated):
            catalog.reportingCurrency = ReportingCurrency(code: code.text, table: table?.text, column: column?.text, dated: dated)
        case .leadGate(let e):
            catalog.leadGate = e
            catalog.leadGateSource = file
        default:
            throw replayError("the recorded declaration of \(what) '\(name)' is not a declaration")
        }
    }
}
