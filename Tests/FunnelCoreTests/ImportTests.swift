import Foundation
import Testing
@testable import FunnelCore

/// The importer's parts on their own: history rules, segments, conversion, interning.
struct ImportHistoryRulesTests {
    static let funnel = FunnelDef(name: "F", stages: [
        StageDef(name: "Qualification", kind: .open, position: 1, probability: 0.1, staleAfter: nil, category: .pipeline, exitWhen: nil, tasks: [], onEnter: [], onExit: []),
        StageDef(name: "Discovery", kind: .open, position: 2, probability: 0.25, staleAfter: nil, category: .pipeline, exitWhen: nil, tasks: [], onEnter: [], onExit: []),
        StageDef(name: "Proposal", kind: .open, position: 3, probability: 0.5, staleAfter: nil, category: .pipeline, exitWhen: nil, tasks: [], onEnter: [], onExit: []),
        StageDef(name: "Won", kind: .won, position: 4, probability: 1, staleAfter: nil, category: .pipeline, exitWhen: nil, tasks: [], onEnter: [], onExit: []),
        StageDef(name: "Lost", kind: .lost, position: nil, probability: 0, staleAfter: nil, category: .pipeline, exitWhen: nil, tasks: [], onEnter: [], onExit: []),
    ], source: nil)
    typealias Stop = ImportHistoryRules.Stop
    let today = day("2026-03-15")

    func newDeal(_ stage: Int, created: String? = nil, closed: String? = nil, entered: [(Int, String)] = []) throws(RowProblem)
        -> ([Stop], Int32, Int32?) {
        var dates = ImportHistoryRules.Dates(created: created.map(day), closed: closed.map(day))
        dates.entered = entered.map { .init(stage: $0.0, day: day($0.1), label: "entered \($0.0)") }
        var stops: [Stop] = []
        let r = try ImportHistoryRules.newDeal(stage: stage, funnel: Self.funnel, dates: dates, today: today, into: &stops)
        return (stops, r.created, r.closed)
    }

    @Test func anOpenDealWithNoDatesStartsToday() throws {
        let (stops, created, closed) = try newDeal(0)
        #expect(stops == [Stop(stage: 0, day: today)])
        #expect(created == today && closed == nil)
    }

    @Test func createdBeforeALaterFirstStageStartsInTheFirstStage() throws {
        let (stops, created, _) = try newDeal(2, created: "2026-01-05", entered: [(1, "2026-01-10"), (2, "2026-02-01")])
        #expect(stops == [Stop(stage: 0, day: day("2026-01-05")), Stop(stage: 1, day: day("2026-01-10")), Stop(stage: 2, day: day("2026-02-01"))])
        #expect(created == day("2026-01-05"))
    }

    @Test func aWonDealClosesOnItsClosedDate() throws {
        // Maven: created = entered Engaging = engage_date, closed = close_date.
        let (stops, created, closed) = try newDeal(3, created: "2016-10-20", closed: "2017-03-01", entered: [(1, "2016-10-20")])
        #expect(stops == [Stop(stage: 1, day: day("2016-10-20")), Stop(stage: 3, day: day("2017-03-01"))])
        #expect(created == day("2016-10-20") && closed == day("2017-03-01"))
    }

    @Test func sameDayChangesFollowTheFunnel() throws {
        let (stops, _, _) = try newDeal(2, entered: [(1, "2026-01-10"), (0, "2026-01-10")])
        #expect(stops == [Stop(stage: 0, day: day("2026-01-10")), Stop(stage: 1, day: day("2026-01-10")), Stop(stage: 2, day: day("2026-01-10"))])
    }

    @Test func aDateAfterTheCurrentStageIsAProblem() {
        #expect(throws: RowProblem("entered 2", "2026-03-01 is after the deal entered its current stage Discovery on 2026-02-01")) {
            _ = try newDeal(1, entered: [(1, "2026-02-01"), (2, "2026-03-01")])
        }
        #expect(throws: RowProblem("created", "2026-02-10 is after the deal entered Discovery on 2026-02-01")) {
            _ = try newDeal(1, created: "2026-02-10", entered: [(1, "2026-02-01")])
        }
    }

    @Test func anUpdateAppendsOnlyNewChanges() throws {
        var stops: [Stop] = []
        var dates = ImportHistoryRules.Dates()
        dates.entered = [.init(stage: 1, day: day("2026-01-10"), label: "d"), .init(stage: 2, day: day("2026-03-03"), label: "p")]
        try ImportHistoryRules.update(from: 1, lastChange: day("2026-01-10"), to: 2, funnel: Self.funnel, dates: dates,
                                      stageLabel: "stage", today: today, into: &stops)
        #expect(stops == [Stop(stage: 2, day: day("2026-03-03"))])
        try ImportHistoryRules.update(from: 2, lastChange: day("2026-03-03"), to: 2, funnel: Self.funnel, dates: dates,
                                      stageLabel: "stage", today: today, into: &stops)
        #expect(stops.isEmpty)
        // No date for the change: it happened by the import's day.
        try ImportHistoryRules.update(from: 2, lastChange: day("2026-03-03"), to: 4, funnel: Self.funnel, dates: ImportHistoryRules.Dates(),
                                      stageLabel: "stage", today: today, into: &stops)
        #expect(stops == [Stop(stage: 4, day: today)])
        #expect(throws: RowProblem("stage", "the deal last changed stage on 2026-03-03; the file moves it to Won on 2026-02-01")) {
            var s: [Stop] = []
            try ImportHistoryRules.update(from: 2, lastChange: day("2026-03-03"), to: 3, funnel: Self.funnel,
                                          dates: ImportHistoryRules.Dates(closed: day("2026-02-01")), stageLabel: "stage", today: today, into: &s)
        }
    }
}

struct SegmentTests {
    static func sampleBatch() -> DealBatch {
        var b = DealBatch(funnel: "F", replacesHistory: false, strings: ["Qualification", "Won", "East", "forced"],
                          ids: ["A-1", "Ü-2"], created: [day("2026-01-01"), day("2026-01-02")], closed: [Empty.date, day("2026-02-01")],
                          fields: [BatchField(name: "team", column: .text([2, -1])), BatchField(name: "amount", column: .number([10.5, .nan])),
                                   BatchField(name: "close_date", column: .date([Empty.date, day("2026-03-01")])),
                                   BatchField(name: "vip", column: .bool([1, 2]))])
        b.addEntry(row: 0, day: day("2026-01-01"), from: -1, to: 0)
        b.addEntry(row: 1, day: day("2026-01-02"), from: -1, to: 0)
        b.addEntry(row: 1, day: day("2026-02-01"), from: 0, to: 1, forced: 3)
        return b
    }

    @Test func dealBatchesSurviveEncoding() throws {
        let b = Self.sampleBatch()
        let bytes = ImportPayload.deals(b).encode()
        guard case .deals(let back) = try ImportPayload.decode(bytes, name: "x") else {
            Issue.record("not a deal batch")
            return
        }
        // NaN never equals itself: compare that column apart.
        #expect(back.ids == b.ids && back.strings == b.strings && back.created == b.created && back.closed == b.closed)
        #expect(back.entryRow == b.entryRow && back.entryDay == b.entryDay && back.entryFrom == b.entryFrom
                && back.entryTo == b.entryTo && back.entryForced == b.entryForced)
        #expect(back.fields.map(\.name) == ["team", "amount", "close_date", "vip"])
        #expect(back.fields[0].column == .text([2, -1]) && back.fields[2].column == b.fields[2].column && back.fields[3].column == .bool([1, 2]))
        if case .number(let n) = back.fields[1].column { #expect(n[0] == 10.5 && n[1].isNaN) } else { Issue.record("amount") }
    }

    @Test func tablesSurviveEncoding() throws {
        let t = ReferenceTable(name: "teams", key: "owner", columns: ["owner", "quota", "since"], types: [.text, .number, .date],
                               values: [[.text("li"), .text("ann")], [.number(100), .null], [.date(day("2024-01-15")), .null]])
        let back = try ImportPayload.decode(ImportPayload.table(t).encode(), name: "x")
        #expect(back == .table(t))
        #expect(t.rowOfKey == ["li": 0, "ann": 1])
    }

    @Test func namesCarryTheChecksumAndLength() {
        let bytes = Array("123456789".utf8)
        #expect(Segment.name(of: bytes) == "cbf43926-9")
        #expect(Segment.problem(name: "cbf43926-9", bytes: bytes) == nil)
        #expect(Segment.problem(name: "cbf43926-a", bytes: bytes) == "it has 9 bytes, not 10")
        #expect(Segment.problem(name: "00000000-9", bytes: bytes) == "its checksum is cbf43926, not 00000000")
        #expect(Segment.parse(name: "../../etc/passwd") == nil)
        #expect(Segment.parse(name: "CBF43926-9") == nil)
    }

    @Test func truncatedSegmentsAreDamagedNotCrashes() throws {
        let bytes = ImportPayload.deals(Self.sampleBatch()).encode()
        for cut in [0, 5, 9, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: Diagnostic.self) { _ = try ImportPayload.decode(Array(bytes.prefix(cut)), name: "x") }
        }
        do {
            _ = try ImportPayload.decode(Array(bytes.prefix(bytes.count - 1)), name: "seg")
        } catch let d as Diagnostic {
            #expect(d.code == "S021" && d.kind == .io && d.message == "segment seg is damaged: it ends early")
        }
    }

    /// Applying a batch twice (a replay) gives the same state as once, live.
    @Test func applyingCreatesAndUpdates() throws {
        var state = FunnelState()
        let text = "funnel F {\n stage Qualification probability 10%\n won Won\n lost Lost\n}"
        try state.apply(.declare(what: "funnel", name: "F", source: text), on: day("2026-01-01"))
        let rows = try state.applyImport(.deals(Self.sampleBatch()))
        #expect(rows == [0, 1])
        #expect(state.deals.ids == ["A-1", "Ü-2"])
        #expect(state.stageName(ofRow: 1) == "Won" && state.deals.status[1] == .won && state.deals.closed[1] == day("2026-02-01"))
        // The batch holds its amounts as Doubles, as segments before exact money did: 10.5 is 1,050 cents.
        #expect(state.deals.amount[0] == 1_050 && state.deals.custom["vip"] == [.bool(true), .null])
        #expect(state.history.count == 3 && state.pool[state.history.forcedReason[2]] == "forced")
        // The same ids again update rows rather than adding them.
        var update = DealBatch(funnel: "F", replacesHistory: false, strings: ["West"], ids: ["A-1"], created: [Empty.date],
                               closed: [Empty.date], fields: [BatchField(name: "team", column: .text([0]))])
        update.entryRow = []
        #expect(try state.applyImport(.deals(update)) == [0])
        #expect(state.deals.count == 2 && state.pool[state.deals.team[0]] == "West" && state.deals.created[0] == day("2026-01-01"))
    }
}

struct FieldConversionTests {
    let plain = FieldConversion()
    let european = FieldConversion(decimalComma: true, dateFormat: DateFormat(pattern: "dd.MM.yyyy"))

    @Test func numbersDatesAndFlags() throws {
        #expect(try plain.convert(.text("$1,200.50"), to: .money, label: "a") == .money(Money(cents: 120_050)))
        #expect(try european.convert(.text("1.234,50"), to: .money, label: "a") == .money(Money(cents: 123_450)))
        // Exactly, past a Double's digits, and rounded half away from zero past the cents.
        #expect(try plain.convert(.text("999,999,999,999,999.99"), to: .money, label: "a") == .money(Money(cents: Money.storableCents)))
        #expect(try plain.convert(.text("-12.345"), to: .money, label: "a") == .money(Money(cents: -1_235)))
        #expect(throws: RowProblem("a", "\"1000000000000000\" is out of range (amounts are up to 999,999,999,999,999.99)")) {
            try plain.convert(.text("1000000000000000"), to: .money, label: "a")
        }
        #expect(try plain.convert(.text("25%"), to: .percent, label: "p") == .number(0.25))
        #expect(try european.convert(.text("03.02.2026"), to: .date, label: "d") == .date(day("2026-02-03")))
        #expect(try european.convert(.text("2026-02-03T23:59:00-05:00"), to: .date, label: "d") == .date(day("2026-02-03")))
        #expect(try plain.convert(.text("Yes"), to: .bool, label: "b") == .bool(true))
        #expect(try plain.convert(.text("  "), to: .number, label: "n") == .null)
        #expect(try plain.convert(.number(12), to: .text, label: "t") == .text("12"))
    }

    @Test func problemsQuoteTheCell() {
        #expect(throws: RowProblem("a", "\"1.5\" is not a number")) { _ = try european.convert(.text("1.5"), to: .number, label: "a") }
        #expect(throws: RowProblem("d", "\"2026-02-30\" is not a valid date")) { _ = try plain.convert(.text("2026-02-30"), to: .date, label: "d") }
        #expect(throws: RowProblem("d", "\"02/30\" is not a date in the format dd.MM.yyyy")) { _ = try european.convert(.text("02/30"), to: .date, label: "d") }
        #expect(throws: RowProblem("p", "\"25\" is not between 0% and 100% (for whole percents write number(COLUMN) / 100)")) {
            _ = try plain.convert(.text("25"), to: .percent, label: "p")
        }
        #expect(throws: RowProblem("a", "1000000000000000 is out of range")) { _ = try plain.convert(.number(1e15), to: .money, label: "a") }
        #expect(FieldConversion.quote("a\n\"b\"") == "\"a\\n\\\"b\\\"\"")
    }
}

struct ByteInternerTests {
    @Test func sameBytesSameCode() {
        let interner = ByteInterner()
        var codes: [Int32] = []
        for s in ["East", "West", "", "East", "a much longer text than eight bytes", "West", "a much longer text than eight bytes"] {
            codes.append(interner.code(s))
        }
        #expect(codes == [0, 1, 2, 0, 3, 1, 3])
        #expect(interner.strings == ["East", "West", "", "a much longer text than eight bytes"])
        // Growing keeps every code.
        for i in 0..<10_000 { _ = interner.code("k\(i)") }
        #expect(interner.code("k0") == 4 && interner.code("k9999") == 10_003 && interner.count == 10_004)
    }
}
