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
