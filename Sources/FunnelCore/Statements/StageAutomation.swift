/// Collects the tasks and notifications one change generates, numbering them after the
/// ones already in the state, so everything is computed before anything is recorded.
struct AutomationBatch {
    /// The state is the context's: a second copy would cost a retain and a release of every
    /// column for each batch, and a batch is made for every stage change something listens to.
    var state: FunnelState { ctx.state }
    /// The day expressions and messages are evaluated on: the change's effective day for a
    /// stage change, today for `check rules`.
    let ctx: EvalContext
    private(set) var events: [DomainEvent] = []
    private var nextTask: Int
    private var nextNotification: Int
    private(set) var taskCount = 0
    private(set) var notificationCount = 0
    /// The interpreter's messages, split once.
    let templates: MessageTemplate.Cache

    /// `numbering`: the state whose tasks and notifications the new ones are numbered after,
    /// when `state` is a past day's (`check rules` with today before the last change).
    /// `slots`: the view of `state`'s slots, when the caller has it.
    init(state: FunnelState, day: Int32, numbering: FunnelState? = nil, slots: EvalContext.SlotView? = nil,
         templates: MessageTemplate.Cache) {
        self.ctx = EvalContext(state: state, today: day, slots: slots ?? EvalContext.SlotView(state))
        self.templates = templates
        nextTask = (numbering ?? state).tasks.nextID
        nextNotification = (numbering ?? state).notifications.nextID
    }

    mutating func task(_ spec: TaskSpec, row r: Int, stage: String, visit: Int32, on day: Int32, origin: TaskOrigin, rule: String?,
                       file: SourceFile) {
        // A due date past the last day a date can be written is due on that day instead: the
        // task must be storable, and it is no less overdue-proof for it.
        let due = spec.due.map { min(day + Int32($0.days), Calendar.lastDay) }
        let title = fill(spec.title, row: r, file: file)
        // A role from a placeholder ("{owner}") that is empty for this deal is no role.
        let role = spec.role.map { fill($0, row: r, file: file) }.flatMap { $0.isEmpty ? nil : $0 }
        events.append(.taskCreated(TaskRecord(id: nextTask, deal: state.deals.ids[r], stage: stage, title: title,
                                              role: role, due: due, origin: origin, rule: rule, visit: visit)))
        nextTask += 1
        taskCount += 1
    }

    /// `visit` is set for time-based rules only: it makes the firing once per stage visit.
    mutating func notify(role: String, message: String, row r: Int, stage: String, label: String, visit: Int32?, file: SourceFile) {
        let text = fill(message, row: r, file: file)
        events.append(.notified(NotificationRecord(id: nextNotification, deal: state.deals.ids[r], rule: label,
                                                   role: fill(role, row: r, file: file),
                                                   message: text, stage: stage, visit: visit)))
        nextNotification += 1
        notificationCount += 1
    }

    mutating func run(_ action: Action, row r: Int, stage: String, visit: Int32, on day: Int32, origin: TaskOrigin,
                      rule: String?, label: String, firing: Bool, file: SourceFile) {
        switch action {
        case let .task(title, role, due):
            task(TaskSpec(title: title, role: role, due: due), row: r, stage: stage, visit: visit, on: day, origin: origin, rule: rule,
                 file: file)
        case let .notify(role, message):
            notify(role: role, message: message, row: r, stage: stage, label: label, visit: firing ? visit : nil, file: file)
        }
    }

    /// `{field}` replaced by the deal's value, written plainly (MessageTemplate.plain).
    func fill(_ message: String, row r: Int, file: SourceFile) -> String {
        let pieces = templates.pieces(message)
        if case .text(let plain)? = pieces.first, pieces.count == 1 { return plain }
        if pieces.isEmpty { return "" }
        let compiler = ExprCompiler(context: ctx, file: file)
        let catalog = ctx.state.catalog
        return MessageTemplate.fill(pieces) { name in
            guard BuiltinFields.type(of: name) != nil || catalog.fields[name] != nil else { return nil }
            let percent = BuiltinFields.type(of: name) == .percent || catalog.fields[name]?.type == .percent
            return MessageTemplate.plain(compiler.field(name)(r), percent: percent)
        }
    }
}

extension RuleDef {
    /// Whether this `on enter` / `on exit` rule listens to entering (or leaving) `stage`
    /// of `funnel`. A rule without `in FUNNEL` listens in every funnel with that stage.
    func listens(enter: Bool, stage: String, funnel: String) -> Bool {
        switch trigger {
        case let .onEnter(s, f): return enter && s.text == stage && (f == nil || f?.text == funnel)
        case let .onExit(s, f): return !enter && s.text == stage && (f == nil || f?.text == funnel)
        case .when: return false
        }
    }
}

extension Interpreter {
    /// The slots' view for the current state, made again only after the catalog or the slots
    /// may have changed (`Interpreter.slotView`).
    func automationSlots() -> EvalContext.SlotView {
        if let view = slotView, view.info.count == state.slots.count { return view }
        let view = EvalContext.SlotView(state)
        slotView = view
        return view
    }

    /// Whether a stage change can run anything at all: a stage with key tasks or `on enter`/
    /// `on exit` actions, or a rule on entering or leaving a stage. Without one, a change makes
    /// no task and no notification (closing a closed deal's open tasks aside).
    var stageChangesCanRunAutomation: Bool {
        let catalog = state.catalog
        for name in catalog.funnelOrder {
            for stage in catalog.funnels[name]?.stages ?? []
            where !stage.tasks.isEmpty || !stage.onEnter.isEmpty || !stage.onExit.isEmpty { return true }
        }
        return catalog.ruleOrder.contains { name in
            switch catalog.rules[name]?.trigger {
            case .onEnter?, .onExit?: return true
            case .when?, nil: return false
            }
        }
    }

    /// The stage automation of one change, in this order: the left stage's `on exit`
    /// actions, `on exit` rules, the entered stage's key tasks, its `on enter` actions,
    /// `on enter` rules (rules in the order they were declared). A rule's `where` and the
    /// messages see the deal as it is after the change, on the change's effective day.
    func runStageAutomation(row r: Int, from: String?, to: String, on day: Int32) throws {
        // The events are worked out in a function of their own so the batch's copy of the
        // state is gone before recording mutates it; otherwise every recorded event would
        // copy the whole state (an import passes here once per row).
        for e in try stageAutomationEvents(row: r, from: from, to: to, on: day) { try record(e, on: day) }
    }

    func stageAutomationEvents(row r: Int, from: String?, to: String, on day: Int32) throws -> [DomainEvent] {
        guard let funnel = funnel(ofRow: r) else { return [] }
        let catalog = state.catalog
        let left = from.flatMap { funnel.stage(named: $0) }
        let entered = funnel.stage(named: to)
        let exitRules = from.map { f in catalog.ruleOrder.compactMap { catalog.rules[$0] }.filter { $0.listens(enter: false, stage: f, funnel: funnel.name) } } ?? []
        let enterRules = catalog.ruleOrder.compactMap { catalog.rules[$0] }.filter { $0.listens(enter: true, stage: to, funnel: funnel.name) }
        // Imports pass here for every row: a change nothing listens to costs only this check.
        if (left?.onExit.isEmpty ?? true), (entered?.tasks.isEmpty ?? true), (entered?.onEnter.isEmpty ?? true),
           exitRules.isEmpty, enterRules.isEmpty { return [] }
        var batch = AutomationBatch(state: state, day: day, slots: automationSlots(), templates: messageTemplates)
        let declaration = funnel.source ?? SourceFile(name: "<funnel \(funnel.name)>", text: "")
        func applies(_ rule: RuleDef) throws -> Bool {
            guard let filter = rule.filter else { return true }
            let file = rule.source ?? SourceFile(name: "<rule \(rule.name)>", text: "")
            return try ExprCompiler(context: batch.ctx, file: file).predicate(filter)(r)
        }
        if let left {
            for a in left.onExit {
                batch.run(a, row: r, stage: to, visit: day, on: day, origin: .exit, rule: nil, label: "on exit \(left.name)",
                          firing: false, file: declaration)
            }
        }
        for rule in exitRules where try applies(rule) {
            batch.run(rule.action, row: r, stage: to, visit: day, on: day, origin: .rule, rule: rule.name, label: rule.name,
                      firing: false, file: rule.source ?? declaration)
        }
        if let entered {
            for t in entered.tasks {
                batch.task(t, row: r, stage: to, visit: day, on: day, origin: .key, rule: nil, file: declaration)
            }
            for a in entered.onEnter {
                batch.run(a, row: r, stage: to, visit: day, on: day, origin: .enter, rule: nil, label: "on enter \(entered.name)",
                          firing: false, file: declaration)
            }
        }
        for rule in enterRules where try applies(rule) {
            batch.run(rule.action, row: r, stage: to, visit: day, on: day, origin: .rule, rule: rule.name, label: rule.name,
                      firing: false, file: rule.source ?? declaration)
        }
        return batch.events
    }
}

extension DomainEvent {
    /// A change of a deal, or of its tasks and notifications: it leaves the catalog as it is
    /// and can only add stage slots (a deal in a stage no deal was in before), so a view of
    /// the slots made before it still holds for as many slots as it has
    /// (`Interpreter.slotView`).
    var keepsCatalogAndSlots: Bool {
        switch self {
        case .dealCreated, .fieldsSet, .moved, .won, .lost, .reopened, .closedAs, .taskCreated, .taskDone, .notified, .acked,
             .tasksClosed:
            return true
        default:
            return false
        }
    }
}
