import Testing
@testable import FunnelCore

/// The event-type registry (Store/EventType.swift) against the events it describes: every
/// `DomainEvent` case has one type, every type names one case, and every name round-trips
/// through the codec.
struct EventTypeTests {
    static let day = Calendar.day(year: 2026, month: 3, day: 10)

    /// One event of each type. The switch is exhaustive, so a new type needs a sample here.
    static func sample(_ type: EventType) -> DomainEvent {
        let period = QuotaPeriod(start: day, end: day + 31, label: "2026-03")
        switch type {
        case .declare: return .declare(what: "funnel", name: "F", source: "funnel F { stage A }")
        case .deal: return .dealCreated(id: "D-1", funnel: "F", stage: "A", fields: [.init("amount", .number(100))])
        case .set: return .fieldsSet(id: "D-1", fields: [.init("owner", .text("王"))])
        case .move: return .moved(id: "D-1", to: "B", forcedBecause: "signed early")
        case .win: return .won(id: "D-1")
        case .lose: return .lost(id: "D-1", reason: "price")
        case .reopen: return .reopened(id: "D-1", to: "A")
        case .snapshot: return .snapshot(funnel: "F", removed: ["D-2"], returned: ["D-3"])
        case .close: return .closedAs(id: "D-1", stage: "Churned", reason: nil)
        case .import: return .imported(kind: "deals", file: "deals.csv", segment: "abc.seg", checksum: "sha256:00", rows: 3)
        case .task: return .taskCreated(TaskRecord(id: 1, deal: "D-1", stage: "A", title: "Call", role: nil, due: nil,
                                                   origin: .enter, rule: nil, visit: day))
        case .taskDone: return .taskDone(id: 1)
        case .notify: return .notified(NotificationRecord(id: 1, deal: "D-1", rule: "r", role: "sales", message: "m",
                                                          stage: "A", visit: day))
        case .ack: return .acked(ids: [1])
        case .lead: return .leadCreated(id: "L-1", fields: [.init("company", .text("Globex"))])
        case .leadSet: return .leadUpdated(id: "L-1", fields: [.init("budget", .bool(true))])
        case .qualify: return .leadQualified(id: "L-1")
        case .disqualify: return .leadDisqualified(id: "L-1", reason: "no budget")
        case .convert: return .leadConverted(id: "L-1", deal: "D-9")
        case .deleteDeal: return .dealDeleted(id: "D-1", reason: "duplicate")
        case .restoreDeal: return .dealRestored(id: "D-1")
        case .undo: return .undone(first: 4, last: 6)
        case .renameStage: return .stageRenamed(funnel: "F", from: "A", to: "Qualified")
        case .tasksClosed: return .tasksClosed(ids: [1, 2])
        case .person: return .people(.person(id: "王", fields: [.init("team", .text("华东"))]))
        case .quota: return .people(.quota(QuotaRecord(holder: QuotaHolder(.team, "华东"), period: period, amount: 500)))
        case .forecastSubmit:
            return .people(.submitted(SubmittedForecast(holder: QuotaHolder(.person, "王"), period: period, commit: 100,
                                                        bestCase: 200, reason: nil, submitter: "王", day: day)))
        case .deliveryCommand: return .people(.deliveryCommand(DeliveryCommand(command: "mail", timeoutSeconds: 30)))
        case .delivered: return .people(.delivered(DeliveryKey(notification: 1, recipient: "sales")))
        }
    }

    /// The case of an event, by name. Exhaustive without `default`, so a new `DomainEvent`
    /// case does not compile until it is named here, and then `everyCaseHasOneType` needs its
    /// type in the registry.
    static func caseName(_ e: DomainEvent) -> String {
        switch e {
        case .declare: return "declare"
        case .dealCreated: return "dealCreated"
        case .fieldsSet: return "fieldsSet"
        case .moved: return "moved"
        case .won: return "won"
        case .lost: return "lost"
        case .reopened: return "reopened"
        case .snapshot: return "snapshot"
        case .closedAs: return "closedAs"
        case .taskCreated: return "taskCreated"
        case .taskDone: return "taskDone"
        case .notified: return "notified"
        case .acked: return "acked"
        case .leadCreated: return "leadCreated"
        case .leadUpdated: return "leadUpdated"
        case .leadQualified: return "leadQualified"
        case .leadDisqualified: return "leadDisqualified"
        case .leadConverted: return "leadConverted"
        case .dealDeleted: return "dealDeleted"
        case .dealRestored: return "dealRestored"
        case .undone: return "undone"
        case .stageRenamed: return "stageRenamed"
        case .tasksClosed: return "tasksClosed"
        case .imported: return "imported"
        case .people(.person): return "person"
        case .people(.quota): return "quota"
        case .people(.submitted): return "submitted"
        case .people(.deliveryCommand): return "deliveryCommand"
        case .people(.delivered): return "delivered"
        }
    }

    static let allCaseNames = [
        "declare", "dealCreated", "fieldsSet", "moved", "won", "lost", "reopened", "snapshot", "closedAs", "taskCreated",
        "taskDone", "notified", "acked", "leadCreated", "leadUpdated", "leadQualified", "leadDisqualified", "leadConverted",
        "dealDeleted", "dealRestored", "undone", "stageRenamed", "tasksClosed", "imported", "person", "quota", "submitted",
        "deliveryCommand", "delivered",
    ]

    @Test func everyCaseHasOneType() {
        let named = EventType.allCases.map { Self.caseName(Self.sample($0)) }
        #expect(named.sorted() == Self.allCaseNames.sorted())
        for type in EventType.allCases { #expect(Self.sample(type).type == type, "\(type)") }
    }

    @Test(arguments: EventType.allCases)
    func typeNameRoundTripsThroughTheCodec(_ type: EventType) {
        let event = Self.sample(type)
        let stored = event.storeEvent(on: Self.day)
        #expect(stored.type == type.name)
        #expect(stored.eventType == type)
        #expect(EventType(rawValue: type.name) == type)
        #expect(DomainEvent(stored) == event)
        #expect(DomainEvent(stored)?.type == type)
    }

    @Test func theJournalNames() {
        #expect(EventType.allCases.map(\.name) == [
            "declare", "deal", "set", "move", "win", "lose", "reopen", "snapshot", "close", "import", "task", "task-done",
            "notify", "ack", "lead", "lead-set", "qualify", "disqualify", "convert", "delete-deal", "restore-deal", "undo",
            "rename-stage", "tasks-closed", "person", "quota", "forecast-submit", "delivery-command", "delivered",
        ])
        #expect(EventType(rawValue: "unknown") == nil)
    }

    @Test func whatEachTypeIs() {
        #expect(EventType.allCases.filter(\.erases) == [.deleteDeal, .restoreDeal, .undo])
        #expect(EventType.allCases.filter(\.isPeople) == [.person, .quota, .forecastSubmit, .deliveryCommand, .delivered])
        #expect(EventType.allCases.filter { !$0.datesAChange } == [.declare])
        #expect(EventType.allCases.filter(\.needsWholeReplay) == [.deleteDeal, .restoreDeal, .undo, .person, .quota,
                                                                  .forecastSubmit, .deliveryCommand, .delivered])
        // The verifier lists exactly the events that erase.
        for type in EventType.allCases {
            var stored = Self.sample(type).storeEvent(on: Self.day)
            stored.seq = 9
            #expect((StoreVerifier.takenBack(stored) != nil) == type.erases, "\(type)")
            #expect(Self.sample(type).erases == type.erases, "\(type)")
        }
        #expect(StoreVerifier.takenBack(Self.sample(.undo).storeEvent(on: Self.day)) == "event 0: events 4 to 6 undone on 2026-03-10")
    }
}
