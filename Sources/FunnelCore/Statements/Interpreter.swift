/// Runs checked statements against the in-memory state. Every change becomes a
/// `DomainEvent`, applied to the state at once and kept in `pending` until the caller
/// commits the transaction; a statement that fails throws before it applies anything, so a
/// failed statement never leaves half a change behind.
public final class Interpreter {
    public private(set) var state: FunnelState
    public var today: Int32
    /// Events applied to `state` but not yet committed, with their effective dates.
    public private(set) var pending: [StoreEvent] = []
    /// The segments of pending imports: the shell writes them to the store before the
    /// commit whose journal line names them.
    public private(set) var pendingSegments: [(name: String, bytes: [UInt8])] = []

    /// Where imports read their files: the host's choice, the file system unless it says
    /// otherwise.
    public var importSource: any ImportSource = FileSystemSource()

    /// Runs the store's delivery command for `deliver notifications` (Delivery.swift): the
    /// host's, since the core starts no programs. Without one, delivery is refused.
    public var courier: (any NotificationCourier)?
    /// Commits what is pending at once: a delivered notification cannot be taken back, so its
    /// mark must not wait for the end of the transaction (or be lost if a later statement fails).
    public var commitNow: (() throws -> Void)?
    /// How many waiting notifications (R788) this session has reported for each role, so
    /// the warning is not repeated by every delivery (Delivery.swift).
    public var reportedWaiting: [String: Int] = [:]
    /// Who is running funnel, for `submit forecast` without `by` (the host says; often $USER).
    public var user: String?
    /// The messages of stage automation and rules, split once (StageAutomation.swift).
    let messageTemplates = MessageTemplate.Cache()
    /// The catalog's view of the stage slots that stage automation's contexts read, kept
    /// while it stays true: a new slot changes their count, and only recording something
    /// other than a deal's changes, tasks and notifications (a declaration, a rename, an
    /// import) or going back to another state can change the catalog or the slots otherwise.
    var slotView: EvalContext.SlotView?

    /// The statement being executed, so a check deep inside a change can name its place.
    var executing: (file: SourceFile, range: SourceRange)?
    /// The target stage of the move whose gates are being checked, where a refusal points.
    var gateTarget: SourceRange?

    /// The `rename stage` / `move deals from` statements that follow each funnel
    /// declaration of the run being executed (up to the next declaration of that funnel),
    /// by the declaration's file and position: a redeclaration may drop a stage with open
    /// deals when one of them says where the deals go (Redeclaration.swift). The host sets
    /// it before running a program (`Interpreter.mappings(following:file:)`).
    public var plannedMappings: [MappingKey: [StageMapping]] = [:]

    public init(state: FunnelState, today: Int32) {
        self.state = state
        self.today = today
    }

    /// The state of the last `reset(to:)` (the last commit), and how many there have been:
    /// a savepoint taken before a commit cannot be returned to.
    private var lastCommitted = FunnelState()
    private var commits = 0

    /// Forgets uncommitted work, returning to `state` (the last committed state).
    public func reset(to state: FunnelState) {
        self.state = state
        slotView = nil
        lastCommitted = state
        commits += 1
        pending.removeAll()
        pendingSegments.removeAll()
    }

    /// A point inside a transaction to return to: `.read FILE` keeps nothing of FILE when a
    /// statement in it fails, and keeps what ran before it.
    public struct Savepoint {
        let state: FunnelState
        let pendingCount: Int
        let segmentCount: Int
        let commits: Int
    }

    public func savepoint() -> Savepoint {
        Savepoint(state: state, pendingCount: pending.count, segmentCount: pendingSegments.count, commits: commits)
    }

    /// Whether something was committed since `point` (a delivery commits at once): a
    /// rollback then returns to that commit, not to the savepoint.
    public func committed(since point: Savepoint) -> Bool { commits != point.commits }

    public func rollback(to point: Savepoint) {
        slotView = nil
        // What was committed stays: the journal has it, and a delivered notification's mark
        // rolled back in memory would send it again.
        if committed(since: point) {
            state = lastCommitted
            pending.removeAll()
            pendingSegments.removeAll()
            return
        }
        state = point.state
        pending.removeSubrange(min(point.pendingCount, pending.count)...)
        pendingSegments.removeSubrange(min(point.segmentCount, pendingSegments.count)...)
    }

    /// Marks pending events as committed.
    public func clearPending() { pending.removeAll(); pendingSegments.removeAll() }

    /// Records an import: its payload becomes a segment, applied at once and named by one
    /// journal event. Until the segment is on disk, the state reads it from memory.
    /// Returns the row of each of the payload's deals.
    @discardableResult
    func recordImport(_ payload: ImportPayload, kind: String, file: String, rows: Int, on day: Int32) throws -> [Int] {
        let bytes = payload.encode()
        let checksum = Segment.checksum(bytes)
        let name = Segment.name(checksum: checksum, count: bytes.count)
        let event = DomainEvent.imported(kind: kind, file: file, segment: name, checksum: checksum, rows: rows)
        slotView = nil
        let applied = try state.apply(event, on: day, payload: payload)
        pending.append(event.storeEvent(on: day))
        pendingSegments.append((name, bytes))
        let stored = state.loadSegment
        state.loadSegment = { n in n == name ? bytes : try stored(n) }
        return applied
    }

    /// `row`: the row of the deal whose stage `event` changes, when the caller has it.
    func record(_ event: DomainEvent, on day: Int32, origin given: String? = nil, row known: Int? = nil) throws {
        // Only changes of a deal, and what takes changes back, name what recorded them: the
        // deal's history shows it.
        let origin = given ?? (event.isDealChange || event.erases ? recordedAt : nil)
        let stored = try storable(event, on: day, origin: origin)
        let subject = stageChangeSubject(event)
        // A stage change keeps its deal's row, so a deal there before is looked up once (an
        // id lookup hashes the id); a new deal has its row only after the change.
        let rowBefore = known ?? subject.flatMap { row(of: $0) }
        let before = rowBefore.map { stageName(ofRow: $0) }
        if !event.keepsCatalogAndSlots { slotView = nil }
        try state.apply(event, on: day, origin: origin)
        pending.append(stored)
        if let id = subject, let r = rowBefore ?? row(of: id) {
            try stageChanged(row: r, from: before, to: stageName(ofRow: r), on: day)
        }
    }

    // MARK: - The state, read in place

    /// A method of the state that calls out of what the optimiser can see (a lock, a
    /// dictionary) is handed a copy of the whole state when called through the stored
    /// property — a retain and a release of every column, several times per statement. An
    /// inout access needs no copy. `body` must not touch the interpreter.
    private func inPlace<R>(_ body: (inout FunnelState) throws -> R) rethrows -> R { try body(&state) }

    func row(of id: String) -> Int? { inPlace { $0.row(of: id) } }
    func funnel(ofRow r: Int) -> FunnelDef? { inPlace { $0.funnel(ofRow: r) } }
    func funnelName(ofRow r: Int) -> String { inPlace { $0.funnelName(ofRow: r) } }
    func stageName(ofRow r: Int) -> String { inPlace { $0.stageName(ofRow: r) } }

    /// `FILE:LINE` of the statement being executed, which the journal keeps with each change
    /// so a deal's history can say what recorded it.
    var recordedAt: String? {
        guard let (file, range) = executing else { return nil }
        return "\(file.name):\(file.line(of: range.start))"
    }

    /// The deal whose stage an event changes (a new deal enters its first stage).
    func stageChangeSubject(_ e: DomainEvent) -> String? {
        switch e {
        case .dealCreated(let id, _, _, _), .moved(let id, _, _), .won(let id), .lost(let id, _), .reopened(let id, _),
             .closedAs(let id, _, _): return id
        default: return nil
        }
    }

    /// Every stage change, however it arrives (a statement, a script, an import), passes
    /// here once, after it is applied: this is where stage automation belongs, so it
    /// behaves the same whichever way a change arrives. `from` is nil for a new deal.
    func stageChanged(row: Int, from: String?, to: String, on day: Int32) throws {
        try runStageAutomation(row: row, from: from, to: to, on: day)
        try closeTasksOfClosedDeal(row: row, stage: to, on: day)
    }

    public func execute(_ checked: CheckedStatement, file: SourceFile) throws -> StatementOutput {
        let s = checked.statement
        executing = (file, s.range)
        defer { executing = nil }
        switch s.kind {
        case .field(let d):
            let def = try Declarations.field(d, file: file)
            let conversions = try retypeEvents(def, file: file, range: d.name.range)
            try record(.declare(what: "field", name: d.name.text, source: file.text(s.range)), on: today)
            for e in conversions { try record(e, on: today) }
            if !conversions.isEmpty {
                return .message("field \(def.name) is \(def.type.rawValue) now: \(Self.plural(conversions.count, "stored value")) converted")
            }
            return .none
        case .funnel(let d):
            let def = try Declarations.funnel(d, file: file, catalog: state.catalog)
            let stranded = strandedStages(def, mappings: plannedMappings[MappingKey(file: file.name, start: s.range.start)] ?? [])
            if !stranded.isEmpty { throw strandingError(def, stranded, file: file, range: d.name.range) }
            try record(.declare(what: "funnel", name: d.name.text, source: file.text(s.range)), on: today)
            return .none
        case .rule(let d):
            try record(.declare(what: "rule", name: d.name.text, source: file.text(s.range)), on: today)
            return .none
        case .currency(let code, _, _, _):
            try record(.declare(what: "currency", name: code.text, source: file.text(s.range)), on: today)
            return .none
        case .leadGate:
            try record(.declare(what: "leadgate", name: "leads", source: file.text(s.range)), on: today)
            return .none
        case let .deal(id, funnel, fields, on):
            try createDeal(id: id, funnel: funnel, fields: fields, on: on, file: file)
            return .none
        case let .setDeal(id, assignments, on):
            try setDeal(id: id, assignments: assignments, on: on, file: file)
            return .none
        case let .move(id, to, force, on):
            try moveDeal(id: id, to: to, force: force, on: on, file: file)
            return .none
        case let .win(id, on):
            try closeDeal(id: id, won: true, reason: nil, on: on, file: file)
            return .none
        case let .lose(id, reason, on):
            try closeDeal(id: id, won: false, reason: reason, on: on, file: file)
            return .none
        case let .closeAs(id, won, stage, reason, on):
            try closeDeal(id: id, won: won, reason: reason, on: on, file: file, stage: stage)
            return .none
        case let .reopen(id, to, on):
            try reopenDeal(id: id, to: to, on: on, file: file)
            return .none
        case let .why(id, to):
            return .text(try explainMove(id: id, to: to, file: file))
        case .query(let q):
            return .table(try QueryRunner(context: EvalContext(state: state, today: today), file: file)
                .run(checked.query ?? CheckedQuery(builtIn: q)))
        case .chart(let q):
            var runner = QueryRunner(context: EvalContext(state: state, today: today), file: file)
            runner.keepEmptyPeriods = true
            var run = checked.query ?? CheckedQuery(builtIn: q)
            if case .changes = q.verb, q.columns != nil {
                // `chart changes ... show deals` picks the waterfall's figure from the whole report.
                var whole = q
                whole.columns = nil
                run = CheckedQuery(builtIn: whole)
            }
            let table = try runner.run(run)
            return .chart(try Charts.chart(q, table: table, file: file))
        case .chartFunnel(let view):
            return .chart(try Charts.funnel(view, runner: QueryRunner(context: EvalContext(state: state, today: today), file: file),
                                            file: file))
        case .report(let view):
            return .report(try ReportPage.build(view, runner: QueryRunner(context: EvalContext(state: state, today: today), file: file),
                                                file: file))
        case .showFunnel(let name):
            return .table(try FunnelDescription.describe(name, state: state, file: file))
        case .showFunnels:
            return .table(FunnelDescription.funnels(state))
        case .showFields:
            return .table(FunnelDescription.fields(state.catalog))
        case let .importData(kind, fileExpr, mapping, options):
            return try runImport(kind, file: fileExpr, mapping: mapping, options: options, script: file)
        case let .export(kind, filter, columns, _, _):
            return .table(try Exporter(state: state, today: today, file: file).table(kind: kind, filter: filter, columns: columns, range: s.range))
        case .dotCommand(let text):
            return .sessionCommand(text)
        // Automation and leads (Statements/LeadStatements.swift, TaskStatements.swift, DesignCheck.swift).
        case let .lead(id, fields, on):
            return try leadStatement(id: id, fields: fields, on: on, file: file)
        case let .qualify(id, on):
            return try qualifyLead(id: id, on: on, file: file)
        case let .disqualify(id, reason, on):
            return try disqualifyLead(id: id, reason: reason, on: on, file: file)
        case let .convert(lead, deal, funnel, on):
            return try convertLead(lead: lead, deal: deal, funnel: funnel, on: on, file: file)
        case let .doneTask(id, title, deal, on):
            return try doneTask(id: id, title: title, deal: deal, on: on, statement: s, file: file)
        case let .ack(id, filter, on):
            return try ack(id: id, filter: filter, on: on, statement: s, file: file)
        case .checkRules:
            return try checkRules(file: file)
        case .checkDesign:
            return checkDesign()
        case .showRules:
            return .table(showRules())
        case .showTables:
            return .table(FunnelDescription.tables(state))
        // Taking mistakes back, redeclaring safely (HistoryStatements.swift, Redeclaration.swift).
        case let .deleteDeal(id, reason):
            return try deleteDeal(id: id, reason: reason, file: file)
        case .restoreDeal(let id):
            return try restoreDeal(id: id, file: file)
        case let .stageMap(m, on):
            return try runStageMap(m, on: on, file: file)
        case .undo:
            // The session carries out `undo` itself; one that reaches here was written where it cannot run.
            throw Diagnostic(.syntax, "E431", "undo takes back an entry of the REPL and is typed there on its own", file: file, range: s.range,
                             help: "to take back the last run on a store: funnel undo --last-run")
        case .people(let p):
            return try runPeopleStatement(p, file: file)
        }
    }

    /// The plan of a checked query, as `.explain` prints it.
    public func explain(_ query: CheckedQuery, file: SourceFile) throws -> String {
        try QueryRunner(context: EvalContext(state: state, today: today), file: file).explain(query)
    }

    // MARK: - Shared pieces

    func effectiveDate(_ e: Expr?, file: SourceFile) throws -> Int32 {
        guard let e else { return today }
        switch e.kind {
        case .date(let d):
            // A change cannot take effect in the future: days_in_stage and forecasts would go negative.
            guard d <= today else {
                throw Diagnostic(.runtime, "R116", "\(Calendar.format(d)) is after today (\(Calendar.format(today)))", file: file,
                                 range: e.range, help: "a change takes effect on or before today; set today with --today or .today")
            }
            return d
        case .today: return today
        default: throw Diagnostic(.type, "E305", "'on' needs a date, like 2026-03-31", file: file, range: e.range)
        }
    }

    func recordID(_ e: Expr) -> String {
        if case .string(let s) = e.kind { return s }
        return ""
    }

    func existingDeal(_ e: Expr, file: SourceFile) throws -> Int {
        let id = recordID(e)
        guard let r = row(of: id) else {
            if let gone = state.erasure.deletions(of: id).last(where: { $0.restoredOn == nil }) {
                throw Diagnostic(.runtime, "R101", "no deal \"\(id)\": it was deleted on \(Calendar.format(gone.day)) (\(gone.reason))", file: file,
                                 range: e.range, help: "restore deal \"\(id)\" brings it back")
            }
            let near = Suggest.closest(to: id, in: state.deals.ids.count <= 50_000 ? Array(state.deals.ids) : [])
            throw Diagnostic(.runtime, "R101", "no deal \"\(id)\"", file: file, range: e.range,
                             help: near.map { "did you mean \"\($0)\"?" })
        }
        return r
    }

    /// The value of a field assignment, checked against the field's declaration.
    func fieldValue(_ a: Assignment, row: Int?, file: SourceFile) throws -> Value {
        let raw: Value
        if let literal = Self.literalValue(a.value) {
            // Most values in a script are literals: no context (a copy of the whole state)
            // and no compiled closure for them.
            raw = literal
        } else {
            let ctx = EvalContext(state: state, today: today)
            let eval = try ExprCompiler(context: ctx, file: file).compile(a.value)
            if row == nil, !ResultColumns.names(in: a.value).isEmpty {
                throw Diagnostic(.runtime, "R102", "a new deal's fields take values, not other fields", file: file, range: a.value.range)
            }
            raw = state.deals.count == 0 && row == nil ? eval(0) : eval(row ?? 0)
            try ctx.faults.check(file: file)
        }
        let name = a.field.text
        let type: FieldType
        if let f = state.catalog.fields[name] { type = f.type } else {
            switch BuiltinFields.type(of: name) {
            case .money?: type = .money
            case .percent?: type = .percent
            case .date?: type = .date
            default: type = .text
            }
        }
        var v = raw
        switch (type, raw) {
        case (.money, .money(let m)):
            if m.storableCents == nil {
                throw Diagnostic(.runtime, "R103", "\(name) would be \(m.plain), outside ±999,999,999,999,999.99", file: file, range: a.value.range,
                                 help: "amounts are stored to the cent up to 999 trillion")
            }
            if name == "amount", m.cents < 0 {
                throw Diagnostic(.runtime, "R103", "amount cannot be negative", file: file, range: a.value.range,
                                 help: "record a lost or smaller deal instead")
            }
        case (.number, .money(let m)):
            v = .number(m.double)
        case (.money, .number(let n)), (.number, .number(let n)):
            if !n.isFinite || abs(n) >= 1e15 {
                throw Diagnostic(.runtime, "R103", "\(name) is out of range", file: file, range: a.value.range)
            }
            if name == "amount", n < 0 {
                throw Diagnostic(.runtime, "R103", "amount cannot be negative", file: file, range: a.value.range,
                                 help: "record a lost or smaller deal instead")
            }
            // Money is kept in cents: the number at its shortest digits, rounded to cents.
            if type == .money { v = Money(n).map(Value.money) ?? .null }
        case (_, .date(let d)) where !Calendar.isStorable(d):
            throw Diagnostic(.runtime, "R103", "\(name) would be \(Calendar.format(d)), outside 0001-01-01 to 9999-12-31",
                             file: file, range: a.value.range, help: "funnel keeps dates with four-digit years")
        case (.percent, .number(let n)):
            if !(0...1).contains(n) {
                throw Diagnostic(.runtime, "R103", "\(name) must be between 0% and 100%", file: file, range: a.value.range)
            }
        default: break
        }
        if case .text(let s) = raw, s.isEmpty { v = .null }
        if let allowed = state.catalog.fields[name]?.oneOf ?? BuiltinFields.oneOf(name), !v.isNull, !allowed.contains(v) {
            throw Diagnostic(.runtime, "R104", "\(name) must be one of " + allowed.map { ValueFormatter.machine($0) }.map { "\"\($0)\"" }.joined(separator: ", "),
                             file: file, range: a.value.range)
        }
        return v
    }

    /// The value of a literal, as `ExprCompiler.compile` would give it; nil for anything else.
    static func literalValue(_ e: Expr) -> Value? {
        switch e.kind {
        case .number(let n): return .number(n)
        case .amount(let m): return .money(m)
        case .percent(let p): return .number(p)
        case .string(let s): return .text(s)
        case .bool(let b): return .bool(b)
        case .empty: return .null
        case .date(let d): return .date(d)
        default: return nil
        }
    }

    // MARK: - Deals

    func createDeal(id idExpr: Expr, funnel funnelName: Identifier?, fields: [Assignment], on: Expr?, file: SourceFile) throws {
        let id = recordID(idExpr)
        guard !id.isEmpty else {
            throw Diagnostic(.runtime, "R105", "a deal id cannot be empty", file: file, range: idExpr.range)
        }
        guard row(of: id) == nil else {
            throw Diagnostic(.runtime, "R106", "deal \"\(id)\" already exists", file: file, range: idExpr.range,
                             help: "change it with set deal \"\(id)\" ..., or choose another id")
        }
        let funnel: FunnelDef
        if let n = funnelName {
            guard let f = state.catalog.funnels[n.text] else {
                throw Diagnostic(.name, "E203", "unknown funnel '\(n.text)'", file: file, range: n.range)
            }
            funnel = f
        } else if state.catalog.funnelOrder.count == 1, let only = state.catalog.funnels[state.catalog.funnelOrder[0]] {
            funnel = only
        } else {
            throw Diagnostic(.runtime, "R107", state.catalog.funnelOrder.isEmpty ? "there is no funnel to put the deal in" : "which funnel? there are \(state.catalog.funnelOrder.count)",
                             file: file, range: idExpr.range,
                             help: state.catalog.funnelOrder.isEmpty ? "declare one first: funnel NAME { ... }" : "add in FUNNEL: deal \"\(id)\" in \(state.catalog.funnelOrder[0]) { ... }")
        }
        var stage = funnel.firstOpenStage?.name ?? ""
        var values: [DomainEvent.FieldValue] = []
        for a in fields {
            if a.field.text == "stage" {
                switch a.value.kind {
                case .name(let s), .string(let s):
                    guard funnel.stage(named: s) != nil else {
                        throw Diagnostic(.name, "E202", "unknown stage '\(s)' in funnel '\(funnel.name)'", file: file, range: a.value.range,
                                         help: Suggest.closest(to: s, in: funnel.stages.map(\.name)).map { "did you mean '\($0)'?" })
                    }
                    stage = s
                default: break
                }
                continue
            }
            values.append(.init(a.field.text, try fieldValue(a, row: nil, file: file)))
        }
        for name in state.catalog.fieldOrder where state.catalog.fields[name]?.required == true {
            if !values.contains(where: { $0.name == name && !$0.value.isNull }) {
                throw Diagnostic(.runtime, "R108", "deal \"\(id)\" needs a value for the required field '\(name)'", file: file,
                                 range: idExpr.range, help: "add \(name): ... inside the deal's { }")
            }
        }
        try record(.dealCreated(id: id, funnel: funnel.name, stage: stage, fields: values), on: try effectiveDate(on, file: file))
    }

    func setDeal(id: Expr, assignments: [Assignment], on: Expr?, file: SourceFile) throws {
        let r = try existingDeal(id, file: file)
        let values = try assignments.map { DomainEvent.FieldValue($0.field.text, try fieldValue($0, row: r, file: file)) }
        try record(.fieldsSet(id: recordID(id), fields: values), on: try effectiveDate(on, file: file))
    }

    /// A stage change must not take effect before the deal's last one, so every deal's
    /// history stays in date order.
    func checkNotBefore(_ r: Int, _ day: Int32, on: Expr?, file: SourceFile) throws {
        let last = state.deals.stageEntered[r]
        if day < last {
            throw Diagnostic(.runtime, "R109", "deal \"\(state.deals.ids[r])\" last changed stage on \(Calendar.format(last)); this change cannot take effect before that",
                             file: file, range: on?.range ?? SourceRange(0, 0), help: "give a date on or after \(Calendar.format(last))")
        }
    }

    func moveDeal(id: Expr, to: Identifier, force: String?, on: Expr?, file: SourceFile) throws {
        let r = try existingDeal(id, file: file)
        let dealID = state.deals.ids[r]
        guard let funnel = funnel(ofRow: r) else {
            throw Diagnostic(.runtime, "R110", "deal \"\(dealID)\" is in funnel '\(funnelName(ofRow: r))', which no longer exists", file: file, range: id.range)
        }
        guard let target = funnel.stage(named: to.text) else {
            throw Diagnostic(.name, "E202", "unknown stage '\(to.text)' in funnel '\(funnel.name)'", file: file, range: to.range,
                             help: Suggest.closest(to: to.text, in: funnel.stages.map(\.name)).map { "did you mean '\($0)'?" }
                                ?? "the stages of \(funnel.name) are: " + funnel.stages.map(\.name).joined(separator: ", "))
        }
        let currentName = stageName(ofRow: r)
        let status = state.deals.status[r]
        if status != .open {
            throw Diagnostic(.runtime, "R111", "deal \"\(dealID)\" is \(status.name); reopen it before moving it", file: file, range: id.range,
                             help: "reopen deal \"\(dealID)\" to \(to.text)")
        }
        if currentName == to.text {
            throw Diagnostic(.runtime, "R112", "deal \"\(dealID)\" is already in \(to.text)", file: file, range: to.range)
        }
        let day = try effectiveDate(on, file: file)
        try checkNotBefore(r, day, on: on, file: file)
        if target.kind == .lost {
            // The first lost stage keeps its old journal form; another one is named.
            try record(target.name == funnel.lostStage?.name ? .lost(id: dealID, reason: nil)
                           : .closedAs(id: dealID, stage: target.name, reason: nil), on: day, row: r)
            return
        }
        if force == nil {
            gateTarget = to.range
            defer { gateTarget = nil }
            try checkGates(row: r, to: target, funnel: funnel, on: day, onExpr: on, file: file)
        }
        try record(.moved(id: dealID, to: to.text, forcedBecause: force), on: day, row: r)
    }

    func closeDeal(id: Expr, won: Bool, reason: String?, on: Expr?, file: SourceFile, stage: Identifier? = nil) throws {
        let r = try existingDeal(id, file: file)
        let dealID = state.deals.ids[r]
        let status = state.deals.status[r]
        guard status == .open else {
            throw Diagnostic(.runtime, "R113", "deal \"\(dealID)\" is already \(status.name)", file: file, range: id.range,
                             help: "reopen deal \"\(dealID)\" first")
        }
        guard let funnel = funnel(ofRow: r) else {
            throw Diagnostic(.runtime, "R110", "deal \"\(dealID)\" is in funnel '\(funnelName(ofRow: r))', which no longer exists", file: file, range: id.range)
        }
        let kind: StageKind = won ? .won : .lost
        if let stage, funnel.stage(named: stage.text)?.kind != kind {
            let choices = (won ? funnel.wonStages : funnel.lostStages).map(\.name)
            throw Diagnostic(.runtime, "R700", "'\(stage.text)' is not a \(kind.rawValue) stage of funnel '\(funnel.name)'", file: file,
                             range: stage.range,
                             help: Suggest.closest(to: stage.text, in: choices).map { "did you mean '\($0)'?" }
                                ?? "the \(kind.rawValue) stages are: " + choices.joined(separator: ", "))
        }
        let day = try effectiveDate(on, file: file)
        try checkNotBefore(r, day, on: on, file: file)
        let first = won ? funnel.wonStage?.name : funnel.lostStage?.name
        if let stage, stage.text != first {
            try record(.closedAs(id: dealID, stage: stage.text, reason: reason), on: day, row: r)
        } else {
            try record(won ? .won(id: dealID) : .lost(id: dealID, reason: reason), on: day, row: r)
        }
    }

    func reopenDeal(id: Expr, to: Identifier?, on: Expr?, file: SourceFile) throws {
        let r = try existingDeal(id, file: file)
        let dealID = state.deals.ids[r]
        if state.deals.status[r] == .removed {
            throw Diagnostic(.runtime, "R701", "deal \"\(dealID)\" was removed from the CRM by a snapshot import", file: file,
                             range: id.range, help: "it comes back when a later snapshot has it again")
        }
        guard state.deals.status[r] != .open else {
            throw Diagnostic(.runtime, "R114", "deal \"\(dealID)\" is open; only a won or lost deal can be reopened", file: file, range: id.range)
        }
        guard let funnel = funnel(ofRow: r) else {
            throw Diagnostic(.runtime, "R110", "deal \"\(dealID)\" is in funnel '\(funnelName(ofRow: r))', which no longer exists", file: file, range: id.range)
        }
        let stage: String
        if let to {
            guard let s = funnel.stage(named: to.text), s.kind == .open else {
                throw Diagnostic(.name, "E202", "'\(to.text)' is not an open stage of funnel '\(funnel.name)'", file: file, range: to.range,
                                 help: "the open stages are: " + funnel.openStages.map(\.name).joined(separator: ", "))
            }
            stage = s.name
        } else {
            // Back to the stage it closed from, if that stage still exists.
            let h = state.history
            var previous: String?
            for i in stride(from: h.count - 1, through: 0, by: -1) where Int(h.deal[i]) == r {
                if h.fromStage[i] != Empty.text { previous = state.pool[h.fromStage[i]] }
                break
            }
            guard let p = previous, funnel.stage(named: p)?.kind == .open else {
                throw Diagnostic(.runtime, "R115", "deal \"\(dealID)\" has no earlier open stage to return to", file: file, range: id.range,
                                 help: "name one: reopen deal \"\(dealID)\" to \(funnel.firstOpenStage?.name ?? "STAGE")")
            }
            stage = p
        }
        let day = try effectiveDate(on, file: file)
        try checkNotBefore(r, day, on: on, file: file)
        try record(.reopened(id: dealID, to: stage), on: day)
    }

    func explainMove(id: Expr, to: Identifier, file: SourceFile) throws -> String {
        let r = try existingDeal(id, file: file)
        guard let funnel = funnel(ofRow: r), let target = funnel.stage(named: to.text) else {
            throw Diagnostic(.name, "E202", "unknown stage '\(to.text)' for deal \"\(recordID(id))\"", file: file, range: to.range)
        }
        return try Gates(state: state, today: today).explain(row: r, to: target, funnel: funnel)
    }
}
