import Testing
@testable import FunnelCore

/// `as of` against an independent model: a month of generated moves, wins, losses, reopens
/// and amount changes (several on one day, in recorded order) runs through the interpreter;
/// then for every day of the month the pipeline, the deal count and the win rate as of
/// that day must equal what a plain replay of the same event list says.
struct AsOfReplayTests {
    enum Change { case create(String, Double), move(String), win, lose, reopen(String), amount(Double) }
    struct Event { var deal: String; var day: Int; var change: Change }

    struct Generator {
        var seed: UInt64
        mutating func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
    }

    static let stages = ["A", "B", "C"]
    static let probability = ["A": 0.1, "B": 0.4, "C": 0.7]

    /// Per deal, a creation and up to six changes on non-decreasing March days; then all of
    /// them ordered by day (stably, so each deal keeps its own order within a day).
    static func events(seed: UInt64) -> [Event] {
        var g = Generator(seed: seed)
        var out: [Event] = []
        for i in 0..<14 {
            let id = "d\(i)"
            var day = 1 + g.next(10)
            var stage = g.next(3) == 0 ? "B" : "A"
            var open = true
            out.append(Event(deal: id, day: day, change: .create(stage, Double(10_000 * (1 + g.next(9))))))
            for _ in 0..<(2 + g.next(5)) {
                day += g.next(5)
                if day > 31 { break }
                let roll = g.next(10)
                if roll < 2 {
                    out.append(Event(deal: id, day: day, change: .amount(Double(5_000 * (1 + g.next(20))))))
                } else if !open {
                    stage = stages[g.next(3)]
                    open = true
                    out.append(Event(deal: id, day: day, change: .reopen(stage)))
                } else if roll < 7 {
                    let others = stages.filter { $0 != stage }
                    stage = others[g.next(others.count)]
                    out.append(Event(deal: id, day: day, change: .move(stage)))
                } else {
                    open = false
                    out.append(Event(deal: id, day: day, change: roll == 7 ? .lose : .win))
                }
            }
        }
        return out.enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map(\.element)
    }

    static func date(_ day: Int) -> String { Calendar.format(Calendar.day(year: 2026, month: 3, day: 1) + Int32(day - 1)) }

    static func script(_ events: [Event]) -> String {
        var lines = ["funnel F {", "  stage A probability 10%", "  stage B probability 40%", "  stage C probability 70%",
                     "  won W", "  lost L", "}"]
        for e in events {
            let on = " on " + date(e.day)
            switch e.change {
            case let .create(stage, amount): lines.append("deal \"\(e.deal)\" { amount: \(Int(amount)), stage: \(stage) }" + on)
            case .move(let s): lines.append("move deal \"\(e.deal)\" to \(s)" + on)
            case .win: lines.append("win deal \"\(e.deal)\"" + on)
            case .lose: lines.append("lose deal \"\(e.deal)\"" + on)
            case .reopen(let s): lines.append("reopen deal \"\(e.deal)\" to \(s)" + on)
            case .amount(let a): lines.append("set deal \"\(e.deal)\" amount = \(Int(a))" + on)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the events say about one deal at the end of `day`: nil before it exists.
    struct DealThen { var stage: String; var status: String; var amount: Double }
    static func model(_ events: [Event], through day: Int) -> [String: DealThen] {
        var out: [String: DealThen] = [:]
        for e in events where e.day <= day {
            switch e.change {
            case let .create(stage, amount): out[e.deal] = DealThen(stage: stage, status: "open", amount: amount)
            case .move(let s), .reopen(let s): out[e.deal]?.stage = s; out[e.deal]?.status = "open"
            case .win: out[e.deal]?.status = "won"
            case .lose: out[e.deal]?.status = "lost"
            case .amount(let a): out[e.deal]?.amount = a
            }
        }
        return out
    }

    static func run(_ text: String, _ interpreter: Interpreter) throws -> [StatementOutput] {
        let file = SourceFile(name: "test", text: text)
        let program = try Compiler.compile(file, catalog: interpreter.state.catalog).get()
        return try program.statements.map { try interpreter.execute($0, file: file) }
    }

    static func table(_ text: String, _ interpreter: Interpreter) throws -> ResultTable {
        guard case .table(let t)? = try run(text, interpreter).first else {
            Issue.record("\(text) gave no table")
            return ResultTable(columns: [])
        }
        return t
    }

    @Test(arguments: [UInt64(1), 7, 2026])
    func pipelineEveryDayOfAMonth(seed: UInt64) throws {
        let events = Self.events(seed: seed)
        let interpreter = Interpreter(state: FunnelState(), today: Calendar.day(year: 2026, month: 4, day: 1))
        _ = try Self.run(Self.script(events), interpreter)
        var daysWithChanges = Set<Int>()
        for day in 0...31 {
            let then = Self.model(events, through: day)
            if day > 0, then.count > 0 { daysWithChanges.insert(day) }
            let asOf = day == 0 ? "2026-02-28" : Self.date(day)
            let pipeline = try Self.table("pipeline as of \(asOf)", interpreter)
            #expect(pipeline.rows.count == 3)
            var totalDeals = 0
            for (i, stage) in Self.stages.enumerated() {
                let open = then.values.filter { $0.status == "open" && $0.stage == stage }
                let amount = open.reduce(0) { $0 + $1.amount }
                let weighted = open.reduce(0) { $0 + $1.amount * (Self.probability[stage] ?? 0) }
                totalDeals += open.count
                guard i < pipeline.rows.count else { continue }
                let row = pipeline.rows[i]
                #expect(row[0] == .text(stage), "as of \(asOf)")
                #expect(row[1] == .number(Double(open.count)), "deals in \(stage) as of \(asOf)")
                #expect(row[2] == Money(amount).map(Value.money), "amount in \(stage) as of \(asOf)")
                #expect(abs((row[3].number ?? -1) - weighted) < 1e-6, "weighted in \(stage) as of \(asOf)")
            }
            #expect(pipeline.total?[1] == .number(Double(totalDeals)), "total as of \(asOf)")
            let count = try Self.table("count deals as of \(asOf)", interpreter)
            #expect(count.rows == [[.number(Double(then.count))]], "count as of \(asOf)")
            let winRate = try Self.table("win rate as of \(asOf)", interpreter)
            let won = then.values.filter { $0.status == "won" }.count, lost = then.values.filter { $0.status == "lost" }.count
            #expect(winRate.rows.first?[0] == .number(Double(won)) && winRate.rows.first?[1] == .number(Double(lost)),
                    "win rate as of \(asOf)")
        }
        // The generated month really changes from day to day.
        #expect(daysWithChanges.count > 20)
        #expect(events.count > 40)
    }

    /// `today` is the as-of day: days in stage count to it, relative windows are around it.
    @Test func todayIsTheAsOfDay() throws {
        let interpreter = Interpreter(state: FunnelState(), today: Calendar.day(year: 2026, month: 3, day: 31))
        _ = try Self.run("""
            funnel F {
              stage A probability 10%
              won W
              lost L
            }
            deal "x" { close_date: 2026-02-20 } on 2026-02-01
            win deal "x" on 2026-02-20
            """, interpreter)
        let list = try Self.table("deals as of 2026-02-11 show id, days_in_stage, status, age", interpreter)
        #expect(list.rows == [[.text("x"), .number(10), .text("open"), .number(10)]])
        let thisMonth = try Self.table("win rate during this month as of 2026-02-25", interpreter)
        #expect(thisMonth.rows.first?[0] == .number(1))
        let nowThisMonth = try Self.table("win rate during this month", interpreter)
        #expect(nowThisMonth.rows.first?[0] == .number(0))
    }
}

/// A closed deal whose closed date is empty (an import can leave it so) counts in win rate
/// only without a window, and in cycle's `won` without a cycle length.
@Test func closedDealWithNoClosedDate() throws {
    var state = FunnelState()
    let day = Calendar.day(year: 2026, month: 3, day: 1)
    try state.apply(.declare(what: "funnel", name: "F", source: "funnel F {\n stage A probability 10%\n won W\n lost L\n}"), on: day)
    try state.apply(.dealCreated(id: "x", funnel: "F", stage: "A", fields: [.init("amount", .number(500))]), on: day)
    try state.apply(.won(id: "x"), on: day + 3)
    try state.apply(.fieldsSet(id: "x", fields: [.init("closed", .null)]), on: day + 3)
    let interpreter = Interpreter(state: state, today: day + 10)
    #expect(try AsOfReplayTests.table("win rate", interpreter).rows == [[.number(1), .number(0), .number(1), .money(Money(cents: 50_000))]])
    #expect(try AsOfReplayTests.table("win rate during 2026", interpreter).rows == [[.number(0), .number(0), .null, .money(.zero)]])
    #expect(try AsOfReplayTests.table("cycle", interpreter).rows == [[.number(1), .null, .null]])
    #expect(try AsOfReplayTests.table("velocity", interpreter).rows == [[.number(0), .money(Money(cents: 50_000)), .number(1), .null, .null]])
}
