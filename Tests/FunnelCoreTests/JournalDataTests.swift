import Testing
@testable import FunnelCore

/// The journal bytes written straight from a typed event (DomainEvent+JournalData.swift)
/// against the tree they replace: `storeEvent(on:)`'s payload, the origin appended, through
/// `JSONCoding.append`.
private func treeBytes(_ event: DomainEvent, origin: String?) -> [UInt8] {
    var payload = event.storeEvent(on: 0).payload
    if let origin { payload.append((StoreEvent.originKey, .string(origin))) }
    var out: [UInt8] = []
    JSONCoding.append(.object(payload), to: &out)
    return out
}

private func treeDepth(_ event: DomainEvent, origin: String?) -> Int {
    var payload = event.storeEvent(on: 0).payload
    if let origin { payload.append((StoreEvent.originKey, .string(origin))) }
    return JSONCoding.depth(of: .object(payload))
}

private func text(_ d: JournalData?) -> String? { d.map { String(decoding: $0.bytes, as: UTF8.self) } }

/// `Money.plain` and `String(Int64(d))` as the journal wrote them before the bytes were
/// written in place.
private func oldNumberText(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(.towardZero), abs(d) <= 9_007_199_254_740_992 { return String(Int64(d)) }
    return d.description
}

private enum Samples {
    static let texts = [
        "", "Acme", "say \"hi\"", "back\\slash", "tab\tnew\nline\r", "nul \u{0} bell \u{7} unit \u{1F} del \u{7F}",
        "上海贸易有限公司", "emoji 😀👍🏽", "e\u{301}", "/slash/", "{\"date\":\"2026-01-10\"}", String(repeating: "长", count: 300),
    ]
    static let firstDay = Calendar.firstDay, lastDay = Calendar.lastDay
    static let days: [Int32] = [firstDay - 1, firstDay, 0, Calendar.day(year: 2026, month: 2, day: 28), lastDay, lastDay + 1]
    static let numbers: [Double] = [
        0, -0.0, 1, -3, 0.1, 0.25, 1e-7, 5e-324, 123456789.125, 12345678901234.56, 9_007_199_254_740_991,
        9_007_199_254_740_992, -9_007_199_254_740_992, 18_014_398_509_481_984, 1e300, -1.5e-300, .infinity, -.infinity, .nan,
    ]
    static let money: [Money] = [
        .zero, Money(cents: 1), Money(cents: -5), Money(cents: 10), Money(cents: 12_345), Money(cents: -12_340),
        Money(cents: 12_000_000), Money(cents: 99_999_999_999_999_999), Money(cents: -99_999_999_999_999_999),
        Money(cents: Int64.max), Money(cents: Int64.min), Money(cents: Int128(Int64.max) * 1000 + 7),
        Money(cents: -(Int128(UInt64.max) + 1)), Money(cents: Int128(UInt64.max)),
    ]
    static var values: [Value] {
        var out: [Value] = [.null, .bool(true), .bool(false)]
        out += texts.map { .text($0) }
        out += days.map { .date($0) }
        out += numbers.map { .number($0) }
        out += money.map { .money($0) }
        out += [.list([]), .list([.text("a\"b"), .number(2), .date(Calendar.day(year: 2026, month: 1, day: 10))]),
                .list([.list([.money(Money(cents: 150))]), .null]), .list([.date(lastDay + 1)]), .list([.number(.nan)])]
        return out
    }
    static var fieldSets: [[DomainEvent.FieldValue]] {
        var out: [[DomainEvent.FieldValue]] = [[]]
        out += values.map { [DomainEvent.FieldValue("amount", $0)] }
        out.append(texts.enumerated().map { DomainEvent.FieldValue($1.isEmpty ? "name" : $1, .text($1)) })
        out.append([DomainEvent.FieldValue("amount", .money(Money(cents: 4_208_400))), DomainEvent.FieldValue("close_date", .date(0)),
                    DomainEvent.FieldValue("amount", .number(1))])
        return out
    }

    static func tasks() -> [DomainEvent] {
        var out: [DomainEvent] = []
        for id in [0, 1, 42, 2_147_483_646, 2_147_483_647, -1] {
            for due in [nil] + days.map(Optional.some) {
                for visit in [days[1], days[3], days[5], days[0]] {
                    out.append(.taskCreated(TaskRecord(id: id, deal: "S-1", stage: "Proposal", title: texts[id < 0 ? 3 : id % texts.count],
                                                       role: id == 1 ? nil : "li.wei \"ops\"", due: due, origin: .rule,
                                                       rule: id == 42 ? nil : "big_deal", visit: visit)))
                }
            }
        }
        for origin in [TaskOrigin.key, .enter, .exit] {
            out.append(.taskCreated(TaskRecord(id: 7, deal: "客户", stage: "Lead", title: "First call for 😀", role: nil, due: nil,
                                               origin: origin, rule: nil, visit: 0)))
        }
        return out
    }

    static func notifications() -> [DomainEvent] {
        var out: [DomainEvent] = []
        for id in [0, 1, 2_147_483_646, 2_147_483_647] {
            for visit in [nil] + days.map(Optional.some) {
                out.append(.notified(NotificationRecord(id: id, deal: "S-\u{1}", rule: "on enter Proposal", role: "vp \\ sales",
                                                        message: texts[6] + " \(id)", stage: "Proposal", visit: visit)))
            }
        }
        return out
    }

    static var events: [DomainEvent] {
        var out: [DomainEvent] = []
        for fields in fieldSets {
            out.append(.dealCreated(id: "S-0000001", funnel: "Script", stage: "Qualification", fields: fields))
            out.append(.fieldsSet(id: "S-\"2\"", fields: fields))
        }
        for t in texts {
            out.append(.dealCreated(id: t, funnel: t, stage: t, fields: [DomainEvent.FieldValue(t, .text(t))]))
            out += [.moved(id: t, to: t, forcedBecause: nil), .moved(id: t, to: "Won", forcedBecause: t), .won(id: t),
                    .lost(id: t, reason: nil), .lost(id: t, reason: t)]
        }
        return out + tasks() + notifications()
    }

    static let origins: [String?] = [nil, "script.funnel:12", "<command line>:1", "目录/脚本 \"1\".funnel:200000"]
}

struct JournalDataTests {
    @Test func writesADealExactly() {
        let event = DomainEvent.dealCreated(id: "S-1", funnel: "Script", stage: "Qualification", fields: [
            .init("name", .text("Deal \"1\"\n上海 😀")), .init("amount", .money(Money(cents: 4_208_450))),
            .init("close_date", .date(Calendar.day(year: 2026, month: 4, day: 30))), .init("score", .number(0.25)),
            .init("tags", .list([.text("a"), .bool(true), .null])),
        ])
        #expect(text(event.journalData(origin: "s.funnel:3")) ==
            #"{"id":"S-1","funnel":"Script","stage":"Qualification","fields":{"name":"Deal \"1\"\u000a上海 😀","amount":42084.5,"close_date":{"date":"2026-04-30"},"score":0.25,"tags":["a",true,null]},"src":"s.funnel:3"}"#)
        #expect(event.journalData(origin: "s.funnel:3")?.depth == 3)
    }

    @Test func writesATaskAndANotificationExactly() {
        let task = DomainEvent.taskCreated(TaskRecord(id: 12, deal: "S-1", stage: "Negotiation", title: "Prepare the contract",
                                                      role: "legal", due: Calendar.day(year: 2025, month: 1, day: 6), origin: .enter,
                                                      rule: nil, visit: Calendar.day(year: 2025, month: 1, day: 1)))
        #expect(text(task.journalData(origin: nil)) ==
            #"{"id":12,"deal":"S-1","stage":"Negotiation","title":"Prepare the contract","for":"legal","due":"2025-01-06","origin":"enter","rule":null,"visit":"2025-01-01"}"#)
        let note = DomainEvent.notified(NotificationRecord(id: 3, deal: "S-1", rule: "big_deal", role: "vp_sales",
                                                           message: "S-1 (66,933) reached Proposal", stage: "Proposal", visit: nil))
        #expect(text(note.journalData(origin: nil)) ==
            #"{"id":3,"deal":"S-1","rule":"big_deal","for":"vp_sales","message":"S-1 (66,933) reached Proposal","stage":"Proposal","visit":null}"#)
        #expect(task.journalData(origin: nil)?.depth == 1)
    }

    @Test func writesTheBytesOfTheTreeForEveryKindAndValue() {
        var compared = 0
        for event in Samples.events {
            for origin in Samples.origins {
                guard let data = event.journalData(origin: origin) else {
                    Issue.record("no direct bytes for \(event)")
                    continue
                }
                #expect(data.bytes == treeBytes(event, origin: origin), "\(event) from \(origin ?? "nil")")
                #expect(data.depth == treeDepth(event, origin: origin), "\(event)")
                compared += 1
            }
        }
        #expect(Samples.events.count == 395)
        #expect(compared == 395 * 4)
    }

    @Test func leavesTheRareKindsToTheTree() {
        let rare: [DomainEvent] = [
            .declare(what: "field", name: "x", source: "field x number"), .reopened(id: "D", to: "Lead"),
            .closedAs(id: "D", stage: "Churned", reason: nil), .taskDone(id: 1), .acked(ids: [1, 2]), .tasksClosed(ids: [3]),
            .leadCreated(id: "L", fields: []), .imported(kind: "deals", file: "d.csv", segment: "s", checksum: "c", rows: 1),
        ]
        for e in rare {
            #expect(e.journalData(origin: nil) == nil)
            #expect(e.readsBackFromJournal == nil)
        }
    }

    /// The check of the values gives the answer of the round trip it replaces, for every
    /// value at the edges of what the reader accepts.
    @Test func readsBackExactlyWhenTheRoundTripDoes() {
        var refused = 0
        for event in Samples.events {
            let roundTrip = DomainEvent(event.storeEvent(on: 0)) == event
            #expect(event.readsBackFromJournal == roundTrip, "\(event)")
            if !roundTrip { refused += 1 }
        }
        // Out-of-range dates, NaNs, ids outside Int32 and out-of-range due and visit days.
        #expect(refused == 166)
    }

    @Test func writesNumbersAndMoneyAsTheirTexts() {
        for d in Samples.numbers + [42, -42, 1e15, 999_999_999_999_999, -1e15 + 1] {
            var out: [UInt8] = []
            JSONCoding.appendNumber(d, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == oldNumberText(d), "\(d)")
        }
        var cents: [Int128] = [0, 1, 9, 10, 11, 99, 100, 101, 110, 199, 12_345, 1_000_000, Int128(Int64.max), Int128(UInt64.max),
                               Int128(UInt64.max) + 1, Int128(Int64.max) * 1000 + 7]
        cents += cents.map { -$0 }
        for c in cents {
            var out: [UInt8] = []
            JSONCoding.appendMoney(Money(cents: c), to: &out)
            #expect(String(decoding: out, as: UTF8.self) == Money(cents: c).plain, "\(c)")
        }
        var out: [UInt8] = []
        JSONCoding.appendMoney(Money(cents: -1_234_505), to: &out)
        JSONCoding.appendDecimal(0, to: &out)
        JSONCoding.appendDecimal(UInt64.max, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "-12345.05018446744073709551615")
    }

    @Test func anEventHeldAsBytesReadsAsItsTree() throws {
        let event = DomainEvent.fieldsSet(id: "S-1", fields: [.init("amount", .money(Money(cents: 150))), .init("note", .text("a\u{0}b"))])
        let data = try #require(event.journalData(origin: "s.funnel:9"))
        let held = StoreEvent(on: 5, type: event.type.name, encoded: data)
        // Read back through JSON, an amount is a number.
        #expect(JSONValue.object(held.payload) == .object([
            ("id", .string("S-1")), ("fields", .object([("amount", .number(1.5)), ("note", .string("a\u{0}b"))])),
            ("src", .string("s.funnel:9")),
        ]))
        #expect(held.origin == "s.funnel:9")
        #expect(DomainEvent(held) == .fieldsSet(id: "S-1", fields: [.init("amount", .number(1.5)), .init("note", .text("a\u{0}b"))]))
        #expect(held.dataJSON == #"{"id":"S-1","fields":{"amount":1.5,"note":"a\u0000b"},"src":"s.funnel:9"}"#)
        // The same line as the tree it stands for, so equal to it; not to another.
        var tree = event.storeEvent(on: 5)
        tree.payload.append((StoreEvent.originKey, .string("s.funnel:9")))
        #expect(held == tree)
        #expect(held == held.readable)
        tree.on = 6
        #expect(held != tree)
        #expect(held != StoreEvent(on: 5, type: event.type.name, encoded: try #require(event.journalData(origin: nil))))
    }

    @Test func aFileStoreWritesTheBytesAndReadsThemBack() throws {
        try withTemporaryDirectory { dir in
            let store = FileStore(directory: dir)
            let events = Samples.events.filter { $0.readsBackFromJournal == true }
            let held = try events.map { e in
                StoreEvent(on: 100, type: e.type.name, encoded: try #require(e.journalData(origin: e.isDealChange ? "s.funnel:1" : nil)))
            }
            let trees = events.map { e in
                var s = e.storeEvent(on: 100)
                if e.isDealChange { s.payload.append((StoreEvent.originKey, .string("s.funnel:1"))) }
                return s
            }
            try store.withWriterLock { _ = try store.commit(held) }
            let journal = try fileText(dir + "/journal.jsonl")
            try withTemporaryDirectory { other in
                let reference = FileStore(directory: other)
                try reference.withWriterLock { _ = try reference.commit(trees) }
                #expect(try fileText(other + "/journal.jsonl") == journal)
            }
            let read = try store.readCommitted(after: 0).events
            #expect(read.count == 229)
            #expect(read.map(\.seq) == Array(1...229))
            for (r, t) in zip(read, trees) {
                #expect(r.type == t.type)
                #expect(r.origin == t.origin)
                #expect(DomainEvent(r) != nil)
            }
        }
    }
}

/// The state's log holds every event of a run (200,000 statements make about 300,000): the
/// large records are boxed, so an event takes the size of a deal's creation, not a task's.
@Test func eventsInTheLogStaySmall() {
    // Three texts and an array: `dealCreated(id:funnel:stage:fields:)`.
    #expect(MemoryLayout<DomainEvent>.size == 56)
    #expect(MemoryLayout<FunnelState.LoggedEvent>.stride == 80)
}
