import Testing
@testable import FunnelCore

private let day = Calendar.day(year: 2026, month: 3, day: 10)

/// Every automation and lead event survives its journal form unchanged, so replay rebuilds
/// exactly what a run generated.
@Test(arguments: [
    DomainEvent.taskCreated(TaskRecord(id: 1, deal: "D-1", stage: "商务谈判", title: "准备合同模板", role: "法务",
                                       due: Calendar.day(year: 2026, month: 3, day: 13), origin: .enter, rule: nil, visit: day)),
    .taskCreated(TaskRecord(id: 2, deal: "D-1", stage: "A", title: "Call", role: nil, due: nil, origin: .rule, rule: "chase", visit: day)),
    .taskDone(id: 2),
    .notified(NotificationRecord(id: 1, deal: "D-1", rule: "escalate", role: "sales_director", message: "D-1 is stale",
                                 stage: "A", visit: day)),
    .notified(NotificationRecord(id: 2, deal: "D-1", rule: "on enter A", role: "", message: "", stage: "A", visit: nil)),
    .acked(ids: [1, 2]),
    .leadCreated(id: "L-1", fields: [.init("company", .text("Globex")), .init("budget", .bool(true)),
                                     .init("seats", .number(40)), .init("met", .date(day))]),
    .leadUpdated(id: "L-1", fields: [.init("need", .bool(false))]),
    .leadQualified(id: "L-1"),
    .leadDisqualified(id: "L-1", reason: "no budget"),
    .leadConverted(id: "L-1", deal: "D-9"),
])
func automationEventRoundTrip(_ event: DomainEvent) {
    let stored = event.storeEvent(on: day)
    #expect(stored.on == day)
    #expect(DomainEvent(stored) == event)
}

@Test func automationJournalNames() {
    #expect(DomainEvent.taskDone(id: 3).storeEvent(on: day).type == "task-done")
    #expect(DomainEvent.acked(ids: [4]).storeEvent(on: day).type == "ack")
    #expect(DomainEvent.leadConverted(id: "L-1", deal: "D-1").storeEvent(on: day).type == "convert")
}

@Test func malformedAutomationEventsAreRefused() {
    // A task without a title, a task id that is no whole number, an ack of a text id.
    #expect(DomainEvent(StoreEvent(on: day, type: "task", payload: [("id", .number(1)), ("deal", .string("D-1")),
                                                                  ("stage", .string("A")), ("origin", .string("key")),
                                                                  ("visit", .string("2026-03-10"))])) == nil)
    #expect(DomainEvent(StoreEvent(on: day, type: "task-done", payload: [("id", .number(1.5))])) == nil)
    #expect(DomainEvent(StoreEvent(on: day, type: "ack", payload: [("ids", .array([.string("1")]))])) == nil)
    #expect(DomainEvent(StoreEvent(on: day, type: "notify", payload: [("id", .number(1)), ("deal", .string("D-1")),
                                                                    ("rule", .string("r")), ("for", .string("x")),
                                                                    ("message", .string("m")), ("stage", .string("A")),
                                                                    ("visit", .string("2026-02-30"))])) == nil)
}

@Test func replayRefusesDanglingOrRepeatedRecords() throws {
    var s = FunnelState()
    let task = TaskRecord(id: 2, deal: "D-1", stage: "A", title: "Call", role: nil, due: nil, origin: .key, rule: nil, visit: day)
    #expect(throws: Diagnostic(.io, "S010", "deal \"D-1\" does not exist")) { try s.apply(.taskCreated(task), on: day) }
    #expect(throws: Diagnostic(.io, "S010", "task 1 does not exist")) { try s.apply(.taskDone(id: 1), on: day) }
    try s.apply(.leadCreated(id: "L-1", fields: []), on: day)
    #expect(throws: Diagnostic(.io, "S010", "lead \"L-1\" is created twice")) { try s.apply(.leadCreated(id: "L-1", fields: []), on: day) }
    #expect(throws: Diagnostic(.io, "S010", "lead \"L-1\" is converted to deal \"D-9\", which does not exist")) {
        try s.apply(.leadConverted(id: "L-1", deal: "D-9"), on: day)
    }
}

@Test func messagePlaceholders() {
    #expect(MessageTemplate.fields("Deal {id} ({amount}) reached {stage}; {id} again") == ["id", "amount", "stage"])
    // Braces around anything but a name are kept as written.
    #expect(MessageTemplate.pieces("{ } {1a} {a b} {") == [.text("{ } {1a} {a b} {")])
    #expect(MessageTemplate.fill("{id}（{金额}）{unknown}") { $0 == "id" ? "C-1" : $0 == "金额" ? "300000" : nil } == "C-1（300000）{unknown}")
    #expect(MessageTemplate.plain(.number(120_000), percent: false) == "120000")
    #expect(MessageTemplate.plain(.number(0.125), percent: true) == "12.5%")
    #expect(MessageTemplate.plain(.date(day), percent: false) == "2026-03-10")
    #expect(MessageTemplate.plain(.null, percent: false) == "")
}

/// A message without a brace is one piece of text (or none), and the interpreter's cache
/// gives every message the pieces splitting it gives, however often it is asked.
@Test func messagesSplitOnceAsSplittingGivesThem() {
    #expect(MessageTemplate.pieces("legal") == [.text("legal")])
    #expect(MessageTemplate.pieces("") == [])
    #expect(MessageTemplate.pieces("准备合同") == [.text("准备合同")])
    #expect(MessageTemplate.pieces("First call for {name}") == [.text("First call for "), .field("name")])
    #expect(MessageTemplate.pieces("a{b}c{b}") == [.text("a"), .field("b"), .text("c"), .field("b")])
    let cache = MessageTemplate.Cache()
    let expected: [(String, [MessageTemplate.Piece])] = [
        ("{owner}", [.field("owner")]),
        ("{id} ({amount}) reached Proposal", [.field("id"), .text(" ("), .field("amount"), .text(") reached Proposal")]),
        ("{ } {1a} {", [.text("{ } {1a} {")]),
        ("vp_sales", [.text("vp_sales")]),
        ("", []),
    ]
    for _ in 0..<2 {
        for (message, pieces) in expected { #expect(cache.pieces(message) == pieces) }
    }
    // Past its bound the cache starts again, and still answers right.
    for i in 0...MessageTemplate.Cache.limit { _ = cache.pieces("m\(i) {x}") }
    #expect(cache.pieces("{owner}") == [.field("owner")])
    #expect(cache.pieces("m7 {x}") == [.text("m7 "), .field("x")])
    #expect(MessageTemplate.fill([.text("for "), .field("name"), .field("nope")]) { $0 == "name" ? "Acme" : nil } == "for Acme{nope}")
}

/// What stage entries generate in a script like scripts/gen-statements': the tasks and
/// notifications of each change, numbered in order, filled with each deal's values as they
/// stand after the change (the cache of split messages must not carry one deal's text to
/// another), and a won deal's open tasks closed.
@Test func stageEntryAutomationGeneratesEachDealsRecords() throws {
    let file = SourceFile(name: "g.funnel", text: """
    funnel Script {
      stage Qualification probability 10% {
        on enter task "First call for {name}" for "{owner}" due 3 days
      }
      stage Discovery probability 25%
      stage Proposal probability 50% category best_case {
        on enter notify "{owner}" "{id} reached Proposal at {amount}"
      }
      stage Negotiation probability 70% category commit {
        on enter task "Prepare the contract" for legal due 5 days
      }
      won Won
      lost Lost
    }
    rule big_deal on enter Proposal where amount >= 50k do notify "vp_sales" "{id} ({amount}) reached Proposal"
    deal "S-1" in Script { name: "Deal 1", amount: 60000, owner: "li.wei" } on 2026-01-05
    deal "S-2" in Script { name: "Deal 2", amount: 40000, owner: "ana.silva" } on 2026-01-06
    set deal "S-2" amount = 70000 on 2026-01-07
    move deal "S-1" to Discovery on 2026-01-08
    move deal "S-1" to Proposal on 2026-01-09
    move deal "S-2" to Proposal on 2026-01-09
    set deal "S-1" amount = 45000 on 2026-01-10
    move deal "S-1" to Negotiation on 2026-01-12
    move deal "S-2" to Negotiation on 2026-01-12
    win deal "S-1" on 2026-01-14
    """)
    let program = try Compiler.compile(file, catalog: Catalog()).get()
    let interpreter = Interpreter(state: FunnelState(), today: Calendar.day(year: 2026, month: 3, day: 15))
    for s in program.statements { _ = try interpreter.execute(s, file: file) }
    func d(_ m: Int, _ n: Int) -> Int32 { Calendar.day(year: 2026, month: m, day: n) }
    let generated = interpreter.pending.compactMap(DomainEvent.init).filter { e in
        switch e {
        case .taskCreated, .notified, .tasksClosed: return true
        default: return false
        }
    }
    #expect(generated == [
        .taskCreated(TaskRecord(id: 1, deal: "S-1", stage: "Qualification", title: "First call for Deal 1", role: "li.wei",
                                due: d(1, 8), origin: .enter, rule: nil, visit: d(1, 5))),
        .taskCreated(TaskRecord(id: 2, deal: "S-2", stage: "Qualification", title: "First call for Deal 2", role: "ana.silva",
                                due: d(1, 9), origin: .enter, rule: nil, visit: d(1, 6))),
        .notified(NotificationRecord(id: 1, deal: "S-1", rule: "on enter Proposal", role: "li.wei",
                                     message: "S-1 reached Proposal at 60000", stage: "Proposal", visit: nil)),
        .notified(NotificationRecord(id: 2, deal: "S-1", rule: "big_deal", role: "vp_sales",
                                     message: "S-1 (60000) reached Proposal", stage: "Proposal", visit: nil)),
        .notified(NotificationRecord(id: 3, deal: "S-2", rule: "on enter Proposal", role: "ana.silva",
                                     message: "S-2 reached Proposal at 70000", stage: "Proposal", visit: nil)),
        .notified(NotificationRecord(id: 4, deal: "S-2", rule: "big_deal", role: "vp_sales",
                                     message: "S-2 (70000) reached Proposal", stage: "Proposal", visit: nil)),
        .taskCreated(TaskRecord(id: 3, deal: "S-1", stage: "Negotiation", title: "Prepare the contract", role: "legal",
                                due: d(1, 17), origin: .enter, rule: nil, visit: d(1, 12))),
        .taskCreated(TaskRecord(id: 4, deal: "S-2", stage: "Negotiation", title: "Prepare the contract", role: "legal",
                                due: d(1, 17), origin: .enter, rule: nil, visit: d(1, 12))),
        .tasksClosed(ids: [1, 3]),
    ])
    #expect(interpreter.state.tasks.count == 4)
    #expect(interpreter.state.notifications.count == 4)
}

/// `as of` replays only the events dated on or before a day, so records can arrive out of
/// id order, and a done or an ack may be dated before its task exists: those are left out,
/// not errors.
@Test func asOfKeepsRecordsOfThePast() throws {
    func d(_ m: Int, _ dd: Int) -> Int32 { Calendar.day(year: 2026, month: m, day: dd) }
    var s = FunnelState()
    try s.apply(.declare(what: "funnel", name: "F", source: "funnel F { stage A probability 10%; won W; lost L }"), on: d(1, 1))
    try s.apply(.dealCreated(id: "D-1", funnel: "F", stage: "A", fields: []), on: d(1, 1))
    func note(_ id: Int) -> DomainEvent {
        .notified(NotificationRecord(id: id, deal: "D-1", rule: "r", role: "x", message: "m\(id)", stage: "A", visit: nil))
    }
    try s.apply(note(1), on: d(3, 15))
    try s.apply(note(2), on: d(2, 10))
    try s.apply(.acked(ids: [1]), on: d(3, 16))
    try s.apply(.taskCreated(TaskRecord(id: 1, deal: "D-1", stage: "A", title: "Later", role: nil, due: nil, origin: .rule,
                                        rule: "r", visit: d(1, 1))), on: d(4, 1))
    try s.apply(.taskDone(id: 1), on: d(3, 15))
    let february = try s.asOf(d(2, 20))
    #expect(february.notifications.id == [2])
    #expect(february.notifications.nextID == 3)
    let march = try s.asOf(d(3, 20))
    #expect(march.notifications.id == [1, 2])
    #expect(march.notifications.status == [.acked, .new])
    #expect(march.tasks.count == 0)
    // The full state still refuses a done for a task that does not exist.
    #expect(throws: Diagnostic(.io, "S010", "task 9 does not exist")) { try s.apply(.taskDone(id: 9), on: d(3, 15)) }
}

/// Stage automation reads the catalog's view of the stage slots, kept between stage changes:
/// a deal entering a stage no deal was in before (a new slot) and a funnel declared again
/// with another probability are both seen by the very next change.
@Test func stageAutomationSeesNewSlotsAndARedeclaredFunnel() throws {
    let file = SourceFile(name: "r.funnel", text: """
    funnel F {
      stage A probability 10%
      stage B probability 50% { on enter notify "owner" "{id} entered B at {probability}" }
      won W
      lost L
    }
    rule hot on enter B where probability >= 55% do notify "vp" "{id} is hot"
    deal "D-1" in F on 2026-01-05
    deal "D-2" in F on 2026-01-05
    move deal "D-1" to B on 2026-01-06
    funnel F {
      stage A probability 10%
      stage B probability 60% { on enter notify "owner" "{id} entered B at {probability}" }
      won W
      lost L
    }
    move deal "D-2" to B on 2026-01-07
    """)
    let program = try Compiler.compile(file, catalog: Catalog()).get()
    let interpreter = Interpreter(state: FunnelState(), today: Calendar.day(year: 2026, month: 3, day: 15))
    for s in program.statements { _ = try interpreter.execute(s, file: file) }
    let messages = interpreter.pending.compactMap(DomainEvent.init).compactMap { e -> String? in
        if case .notified(let n) = e { return "\(n.rule): \(n.message)" }
        return nil
    }
    #expect(messages == ["on enter B: D-1 entered B at 50%", "on enter B: D-2 entered B at 60%", "hot: D-2 is hot"])
}
