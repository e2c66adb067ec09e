import Testing
@testable import FunnelCore

/// What deletions, restores and undos in a log take back (Model/Erasure.swift), worked out
/// on logs written by hand, and the state replayed from them.
struct ErasureTests {
    static let day: Int32 = 20_000

    static func logged(_ events: [DomainEvent]) -> [FunnelState.LoggedEvent] {
        events.map { FunnelState.LoggedEvent($0, on: day) }
    }

    static let funnel = DomainEvent.declare(what: "funnel", name: "F", source: "funnel F {\n stage A\n won W\n lost L\n}")

    @Test func anUndoneUndoVoidsNothingAndTheRunComesBack() {
        // 1 funnel, 2 deal X, 3 undo of 2, 4 undo of 3.
        let log = Self.logged([Self.funnel, .dealCreated(id: "X", funnel: "F", stage: "A", fields: []),
                               .undone(first: 2, last: 2), .undone(first: 3, last: 3)])
        let e = Erasure(log: log)
        #expect(e.voided == [2])
        #expect(!e.hides(1, log[1].event))
        #expect(Erasure(log: Array(log.prefix(3))).voided == [1])
    }

    @Test func aRestoreTakesBackTheMostRecentDeletion() {
        // X created, deleted, created again, deleted, restored: the second X is back, the
        // first stays deleted.
        let log = Self.logged([Self.funnel,
                               .dealCreated(id: "X", funnel: "F", stage: "A", fields: [.init("amount", .number(1))]),
                               .dealDeleted(id: "X", reason: "first"),
                               .dealCreated(id: "X", funnel: "F", stage: "A", fields: [.init("amount", .number(2))]),
                               .dealDeleted(id: "X", reason: "second"),
                               .dealRestored(id: "X")])
        let e = Erasure(log: log)
        #expect(e.finalDeletion == ["X": 2])
        #expect(e.hides(1, log[1].event))
        #expect(!e.hides(3, log[3].event))
        #expect(e.deletions.map(\.reason) == ["first", "second"])
        #expect(e.deletions.map(\.restoredOn) == [nil, Self.day])
    }

    @Test func applyingTheLogReplaysWithoutTheDeletedDeal() throws {
        var s = FunnelState()
        for e in Self.logged([Self.funnel,
                              .dealCreated(id: "X", funnel: "F", stage: "A", fields: [.init("amount", .number(1))]),
                              .dealCreated(id: "Y", funnel: "F", stage: "A", fields: []),
                              .fieldsSet(id: "X", fields: [.init("amount", .number(5))]),
                              .dealDeleted(id: "X", reason: "typo")]) {
            try s.apply(e.event, on: e.day)
        }
        #expect(s.deals.ids == ["Y"])
        #expect(s.history.count == 1)
        #expect(s.log.count == 5)
        try s.apply(.dealRestored(id: "X"), on: Self.day)
        #expect(s.deals.ids == ["X", "Y"])
        #expect(s.deals.amount[0] == 500)  // cents
        // Replaying the same journal at once gives the same state.
        var loaded = FunnelState()
        try loaded.replayJournal(s.log)
        #expect(loaded.deals.ids == s.deals.ids)
        #expect(loaded.deals.amount[0] == 500)
        #expect(loaded.deals.amount[1] == Empty.money)
    }

    @Test func aDamagedDeletionIsAReplayError() {
        var s = FunnelState()
        #expect(throws: Diagnostic.self) { try s.apply(.dealDeleted(id: "nope", reason: "x"), on: Self.day) }
        #expect(throws: Diagnostic.self) { try s.apply(.undone(first: 3, last: 9), on: Self.day) }
    }
}
