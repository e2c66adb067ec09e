import Foundation
import Testing
@testable import FunnelCore

/// The date cut of `as of` (AsOfCut.swift) held against the replay it stands in for: for
/// generated and hand-written stores, every as-of report on many days — before the first deal,
/// on the days things happened, after today — gives the same table (or the same error) from
/// the cut as from the replay, and the two states hold the same deals, stage changes and field
/// changes. Where the cut must not be taken (erasures, out-of-order field values, updating
/// imports, ...) it is not.
struct AsOfCutTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let today = Calendar.day(year: 2026, month: 6, day: 30)

    /// Every kind of report that takes `as of`, `{D}` standing for the day.
    static let reports = [
        "pipeline as of {D}",
        "forecast as of {D}",
        "forecast by owner as of {D}",
        "count deals as of {D}",
        "count deals by owner, stage as of {D}",
        "count deals by status, lost_reason as of {D}",
        "sum amount by stage as of {D}",
        "avg amount by team as of {D}",
        "max close_date by stage as of {D}",
        "deals as of {D} show id, stage, status, amount, owner, close_date, closed, created, days_in_stage, age, weighted, lost_reason, probability",
        "conversion as of {D}",
        "time in stage as of {D}",
        "win rate as of {D}",
        "cycle as of {D}",
        "velocity as of {D}",
        "calibration as of {D}",
        "bottlenecks as of {D}",
        "stale as of {D}",
        "changes since 2024-06-01 as of {D}",
        "deals changed since 2024-01-01 as of {D} show at, id, field, old, new, recorded_by",
    ]

    static func days(from first: Int32, to last: Int32, step: Int32) -> [Int32] {
        Array(stride(from: first, through: last, by: Int(step)))
    }

    static func run(_ text: String, _ interpreter: Interpreter, name: String = "test") throws -> [StatementOutput] {
        let file = SourceFile(name: name, text: text)
        let program = try Compiler.compile(file, catalog: interpreter.state.catalog).get()
        return try program.statements.map { try interpreter.execute($0, file: file) }
    }

    static func outcome(_ text: String, _ interpreter: Interpreter) -> String {
        do {
            guard case .table(let t)? = try run(text, interpreter).first else { return "no table" }
            return "\(t.columns.map(\.name))\n\(t.rows)\n\(String(describing: t.total))"
        } catch {
            return "error: \(error)"
        }
    }

    /// What a state holds that a report can read, by names rather than pool codes.
    static func dump(_ s: FunnelState) -> [String] {
        let d = s.deals, p = s.pool
        func text(_ c: Int32) -> String { c == Empty.text ? "-" : p[c] }
        var out: [String] = []
        for r in 0..<d.count {
            let custom = d.custom.keys.sorted().map { "\($0)=\(d.custom[$0]?[r] ?? .null)" }.filter { !$0.hasSuffix("=null") }
            out.append([d.ids[r], s.funnelName(ofRow: r), s.stageName(ofRow: r), "\(d.status[r])", "\(d.amount[r])", "\(d.probability[r])",
                        text(d.name[r]), text(d.owner[r]), text(d.team[r]), text(d.source[r]), text(d.product[r]), text(d.account[r]),
                        text(d.lostReason[r]), "\(d.created[r])", "\(d.closeDate[r])", "\(d.closed[r])", "\(d.stageEntered[r])"]
                .joined(separator: "|") + "|" + custom.joined(separator: ","))
        }
        let h = s.history
        for k in 0..<h.count {
            out.append("stage \(d.ids[Int(h.deal[k])]) \(h.day[k]) \(text(h.fromStage[k]))>\(text(h.stage[k])) \(text(h.forcedReason[k])) \(text(h.origin[k])) \(h.order[k])")
        }
        let f = s.fieldHistory
        for k in 0..<f.count {
            out.append("field \(d.ids[Int(f.deal[k])]) \(f.day[k]) \(p[f.field[k]]) \(f.old[k])>\(f.new[k]) \(text(f.origin[k])) \(f.order[k])")
        }
        out.append("log \(s.log.map { "\($0.day) \($0.event.summary) \($0.origin ?? "")" })")
        return out
    }

    /// On each day: the cut is taken (or not) as `cut` says, holds what the replay holds, and
    /// every report gives what it gives on the replay.
    static func compare(_ state: FunnelState, days: [Int32], cut: Bool, reports: [String] = reports, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var replaying = state
        replaying.asOfByReplay = true
        let cutting = Interpreter(state: state, today: today), replayed = Interpreter(state: replaying, today: today)
        for day in days {
            let date = Calendar.format(day)
            let taken = try state.cut(asOf: day)
            #expect((taken != nil) == cut, "the cut as of \(date)", sourceLocation: sourceLocation)
            if let taken {
                let a = dump(taken), b = dump(try state.replayed(asOf: day))
                #expect(a == b, "the state as of \(date): \(zip(a, b).first { $0.0 != $0.1 }.map { "\($0.0)\n  vs \($0.1)" } ?? "\(a.count) vs \(b.count) lines")",
                        sourceLocation: sourceLocation)
            }
            for q in reports {
                let text = q.replacingOccurrences(of: "{D}", with: date)
                let x = outcome(text, cutting), y = outcome(text, replayed)
                #expect(x == y, "\(text)\ncut:    \(x)\nreplay: \(y)", sourceLocation: sourceLocation)
            }
        }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("asof-cut-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// scripts/gen-data's files imported as the benchmark imports them.
    static func generatedStore(deals: Int, seed: Int, in dir: URL) throws -> Interpreter {
        let p = Process()
        p.executableURL = root.appendingPathComponent("scripts/gen-data")
        p.arguments = ["--deals", "\(deals)", "--seed", "\(seed)", "--out", dir.path]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let setup = try String(contentsOf: root.appendingPathComponent("scripts/bench-data/setup.funnel"), encoding: .utf8)
        let imports = try String(contentsOf: root.appendingPathComponent("scripts/bench-data/import.funnel"), encoding: .utf8)
            .replacingOccurrences(of: "\"deals.csv\"", with: "\"\(dir.path)/deals.csv\"")
            .replacingOccurrences(of: "\"stage_events.csv\"", with: "\"\(dir.path)/stage_events.csv\"")
        let interpreter = Interpreter(state: FunnelState(), today: today)
        _ = try run(setup + "\n" + imports, interpreter)
        #expect(interpreter.state.deals.count == deals)
        return interpreter
    }

    @Test func generatedImportsAndLaterStatements() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let interpreter = try Self.generatedStore(deals: 300, seed: 5, in: dir)
        let first = Calendar.day(year: 2024, month: 1, day: 1)
        let days = [first - 1] + Self.days(from: first, to: Self.today, step: 29) + [Self.today, Self.today + 31]
        try Self.compare(interpreter.state, days: days, cut: true)

        // Then statements on the imported deals: edits in date order, moves back and forward
        // (backdated too), a loss with a reason, a win, a reopen.
        let ids = Array(interpreter.state.deals.ids.prefix(40))
        let open = ids.filter { interpreter.state.row(of: $0).map { interpreter.state.deals.status[$0] == .open } ?? false }
        var lines: [String] = []
        for (i, id) in open.prefix(12).enumerated() {
            lines.append("set deal \"\(id)\" amount = \(1000 * (i + 1)), owner = \"Nora\" on 2026-05-0\(1 + i % 9)")
            lines.append("set deal \"\(id)\" amount = \(1500 * (i + 1)) on 2026-06-1\(i % 9)")
            switch i % 4 {
            case 0: lines.append("move deal \"\(id)\" to Qualification force because \"back to start\" on 2026-06-20")
            case 1: lines.append("lose deal \"\(id)\" because \"price\" on 2026-06-21")
            case 2: lines.append("win deal \"\(id)\" on 2026-06-22")
            default: lines.append("move deal \"\(id)\" to Contracting force because \"skip\" on 2026-06-0\(1 + i % 9)")
            }
        }
        if let id = open.dropFirst(1).first { lines.append("reopen deal \"\(id)\" to Discovery on 2026-06-29") }
        _ = try Self.run(lines.joined(separator: "\n"), interpreter)
        let late = [Self.today - 61] + Self.days(from: Self.today - 60, to: Self.today, step: 3) + [Self.today + 1]
        try Self.compare(interpreter.state, days: late, cut: true)
    }

    static let funnel = """
        funnel F {
          stage Lead probability 10%
          stage Qualified probability 30%
          stage Proposal probability 60% category best_case
          stage Negotiation probability 80% category commit
          won Won
          lost Lost
        }
        field region text

        """

    /// Deals imported with a field history, then statements of every kind.
    static func handWrittenStore(in dir: URL) throws -> Interpreter {
        try """
            id,name,stage,created,amount,owner,close_date
            I1,Acme,Proposal,2026-01-05,1000,Ann,2026-04-30
            I2,Bolt,Lead,2026-01-20,2000,Ben,2026-05-31
            I3,Core,Won,2026-02-01,3000,Ann,2026-03-15
            I4,Dune,Lost,2026-02-10,400,Ben,2026-03-01
            """.write(to: dir.appendingPathComponent("deals.csv"), atomically: true, encoding: .utf8)
        try """
            deal,stage,at,amount,owner
            I1,Lead,2026-01-05,800,Ann
            I1,Qualified,2026-01-25,900,Ann
            I1,Proposal,2026-02-15,1000,Cid
            I2,Lead,2026-01-20,2000,Ben
            I3,Lead,2026-02-01,2500,Ann
            I3,Negotiation,2026-02-20,3000,Ann
            I3,Won,2026-03-15,,
            I4,Lead,2026-02-10,400,Ben
            I4,Lost,2026-03-01,,
            """.write(to: dir.appendingPathComponent("history.csv"), atomically: true, encoding: .utf8)
        let interpreter = Interpreter(state: FunnelState(), today: today)
        _ = try run(funnel + """
            import deals from "\(dir.path)/deals.csv" into F (id = id, name = name, stage = stage, created = created, amount = amount, owner = owner, close_date = close_date)
            import history from "\(dir.path)/history.csv" (deal = deal, stage = stage, at = at, amount = amount, owner = owner)
            deal "S1" { amount: 500, owner: "Ann", region: "North" } on 2026-01-10
            deal "S2" { amount: 700, owner: "Ben", stage: Qualified } on 2026-02-03
            deal "S3" { amount: 900, owner: "Cid" } on 2026-02-14
            set deal "S1" region = "South" on 2026-02-01
            move deal "S1" to Qualified on 2026-02-05
            set deal "S1" amount = 650 on 2026-02-20
            move deal "S1" to Proposal force because "verbal yes" on 2026-03-01
            move deal "S1" to Qualified force because "stalled" on 2026-03-20
            set deal "S2" amount = 750, owner = "Cid" on 2026-02-10
            lose deal "S2" because "budget" on 2026-03-05
            reopen deal "S2" to Proposal on 2026-04-01
            move deal "S3" to Qualified on 2026-03-10
            move deal "S3" to Proposal on 2026-03-12
            win deal "S3" on 2026-04-15
            set deal "I2" amount = 2200 on 2026-03-12
            move deal "I2" to Negotiation force because "fast track" on 2026-03-12
            lose deal "I2" because "timing" on 2026-04-20
            reopen deal "I4" to Lead on 2026-04-02
            set deal "I4" amount = 450, region = "West" on 2026-04-03
            deal "S4" { amount: 1200, owner: "Ann", stage: Proposal } on 2026-05-01
            """, interpreter)
        return interpreter
    }

    /// Before the first deal, every day from it through the last change, and after today.
    static let handDays = [Calendar.day(year: 2026, month: 1, day: 4)]
        + days(from: Calendar.day(year: 2026, month: 1, day: 5), to: Calendar.day(year: 2026, month: 5, day: 2), step: 1)
        + [today, today + 10]

    static let handReports = reports + [
        "sum amount by region as of {D}",
        "history of deal \"I1\" as of {D}", "history of deal \"S1\" as of {D}", "history of deal \"S3\" as of {D}",
        "history of deal \"I4\" as of {D}", "history of deal \"S2\" fields amount, owner as of {D}",
    ]

    @Test func handWrittenStoreOfEveryChange() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let interpreter = try Self.handWrittenStore(in: dir)
        #expect(interpreter.state.deals.count == 8)
        #expect(interpreter.state.fieldHistory.count > 8)
        try Self.compare(interpreter.state, days: Self.handDays, cut: true, reports: Self.handReports)
    }

    /// A deletion, an undo, a value recorded out of date order, an import updating deals and an
    /// imported history after a `set`: the cut is not taken, and `as of` gives the replay's.
    @Test func whereOnlyTheReplayCanTell() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let some = [Calendar.day(year: 2026, month: 1, day: 4), Calendar.day(year: 2026, month: 2, day: 12),
                    Calendar.day(year: 2026, month: 3, day: 6), Calendar.day(year: 2026, month: 4, day: 2), Self.today]
        let reports = ["pipeline as of {D}", "deals as of {D} show id, stage, amount, owner, lost_reason", "history of deal \"S1\" as of {D}"]

        let deleted = try Self.handWrittenStore(in: dir)
        _ = try Self.run("delete deal \"S3\" because \"entered twice\"", deleted)
        try Self.compare(deleted.state, days: some, cut: false, reports: reports)

        var undone = try Self.handWrittenStore(in: dir).state
        let last = Int64(undone.log.count)
        try undone.apply(.undone(first: last - 1, last: last), on: Self.today)
        try Self.compare(undone, days: some, cut: false, reports: reports)

        let backdated = try Self.handWrittenStore(in: dir)
        _ = try Self.run("set deal \"S1\" amount = 999 on 2026-02-10", backdated)
        try Self.compare(backdated.state, days: some, cut: false, reports: reports)

        // A value the field holds already (not recorded) dated before a recorded change.
        let same = try Self.handWrittenStore(in: dir)
        _ = try Self.run("set deal \"S2\" owner = \"Cid\" on 2026-02-05", same)
        try Self.compare(same.state, days: some, cut: false, reports: reports)

        let reimported = try Self.handWrittenStore(in: dir)
        try "id,amount\nI1,1111\n".write(to: dir.appendingPathComponent("again.csv"), atomically: true, encoding: .utf8)
        _ = try Self.run("import deals from \"\(dir.path)/again.csv\" into F (id = id, amount = amount)", reimported)
        try Self.compare(reimported.state, days: some, cut: false, reports: reports)

        let historyAfterSet = try Self.handWrittenStore(in: dir)
        _ = try Self.run("import history from \"\(dir.path)/history.csv\" (deal = deal, stage = stage, at = at, amount = amount, owner = owner)",
                         historyAfterSet)
        try Self.compare(historyAfterSet.state, days: some, cut: false, reports: reports)
    }

    /// A snapshot keeps what the cut needs: the state opened from it cuts as the journal's does.
    @Test func snapshotKeepsTheFacts() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = try Self.handWrittenStore(in: dir).state
        let header = SnapshotHeader(seq: Int64(state.log.count), journalPosition: 0, latestChange: Self.today, journalMark: [1, 2, 3])
        guard let bytes = SnapshotCodec.encode(state, header: header) else {
            Issue.record("no snapshot")
            return
        }
        var opened = try bytes.withUnsafeBytes { try SnapshotCodec.decode(try SnapshotFileReader($0)) }
        #expect(opened.asOfFacts == state.asOfFacts)
        #expect(opened.asOfFacts?.existsFrom.count == 8)
        let log = state.log
        opened.logPrefix = FunnelState.LogPrefix(count: log.count) { log }
        opened.loadSegment = state.loadSegment
        for day in [Calendar.day(year: 2026, month: 2, day: 12), Calendar.day(year: 2026, month: 3, day: 6), Self.today] {
            guard let a = try opened.cut(asOf: day), let b = try state.cut(asOf: day) else {
                Issue.record("no cut as of \(Calendar.format(day))")
                continue
            }
            #expect(Self.dump(a) == Self.dump(b))
        }
        // Without the section (an older snapshot) the state opens and `as of` replays.
        opened.asOfFacts = nil
        #expect(try opened.cut(asOf: Self.today) == nil)
    }
}
