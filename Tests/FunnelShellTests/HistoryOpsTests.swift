import Foundation
import Testing

/// Taking mistakes back and backfilling, through the real binary: `undo` in the REPL and
/// `funnel undo --last-run`, with a second process writing to the same store; `funnel
/// check` reporting redeclarations that would strand deals or values before anything runs;
/// no S031 for a backfill whose funnel was declared on the real date; verify listing
/// what was taken back.
@Suite(.serialized)
struct HistoryOpsTests {
    let dir: URL
    let store: URL

    init() throws {
        dir = try FunnelProcess.temporaryDirectory()
        store = dir.appendingPathComponent("h.store")
        let setup = """
        funnel F {
          stage Lead probability 10%
          stage Proposal probability 50%
          won Won
          lost Lost
        }
        deal "A" { amount: 10k } on 2026-01-05
        """
        let r = try FunnelProcess.run(["--store", store.path, "-c", setup])
        #expect(r.exitCode == 0)
        #expect(r.stderr == "")
    }

    func funnel(_ args: [String], stdin: String? = nil) throws -> FunnelProcess.Result {
        try FunnelProcess.run(["--store", store.path] + args, stdin: stdin)
    }

    func start() throws -> PTYProcess {
        let env = ["TERM": "dumb", "NO_COLOR": "1", "HOME": dir.path,
                   "FUNNEL_HISTORY": dir.appendingPathComponent("history").path, "FUNNEL_TODAY": "2026-03-15"]
        let p = try PTYProcess(executable: FunnelProcess.executable.path, arguments: ["--store", store.path],
                               environment: env, columns: 120, rows: 40)
        try p.expect("funnel> ")
        return p
    }

    /// The last run, backdated: undone, `as of` a day it covered is as before it ran.
    @Test func undoLastRunTakesBackABackdatedChangeOnEveryDay() throws {
        let set = try funnel(["-c", "set deal \"A\" amount = 50k on 2026-02-01; deal \"B\" { amount: 5k } on 2026-02-02"])
        #expect(set.exitCode == 0)
        #expect(try funnel(["-c", "pipeline as of 2026-02-15 show amount"]).stdout.contains("55,000"))
        let undo = try funnel(["undo", "--last-run"], stdin: "y\n")
        #expect(undo.stderr == "")
        #expect(undo.stdout == """
        undo takes back the last run on \(store.path), events 3 to 4:
          2026-02-01  deal "A": amount set
          2026-02-02  deal "B" created in F (Lead)
        take it back? (y/N) undone: events 3 to 4 taken back

        """)
        #expect(undo.exitCode == 0)
        let after = try funnel(["-c", "pipeline as of 2026-02-15 show amount", "-c", "deals show id, amount"])
        #expect(after.stdout == """
        stage     amount
        --------  ------
        Lead      10,000
        Proposal       0
        --------  ------
        total     10,000
        id  amount
        --  ------
        A   10,000

        """)
        // An undo is a run too, but undo does not redo.
        let again = try funnel(["undo", "--last-run", "--yes"])
        #expect(again.exitCode == 1)
        #expect(again.stderr == """
        error[R656]: the last run on \(store.path) is itself an undo (event 5, which took back events 3 to 4)
        help: funnel undo does not redo; to keep what it took back, run its statements again

        """)
        let verify = try funnel(["verify"])
        #expect(verify.stdout.hasSuffix("taken back: event 5: events 3 to 4 undone on 2026-03-15\n"))
    }

    @Test func undoLastRunAsksAndNoKeepsEverything() throws {
        #expect(try funnel(["-c", "deal \"B\" on 2026-02-02"]).exitCode == 0)
        let no = try funnel(["undo", "--last-run"], stdin: "n\n")
        #expect(no.stdout.hasSuffix("take it back? (y/N) nothing was undone\n"))
        #expect(no.exitCode == 0)
        #expect(try funnel(["-c", "count deals"]).stdout == "deals\n-----\n    2\n")
    }

    /// The REPL's undo takes back this session's last entry, after asking; a second undo the
    /// entry before it.
    @Test func replUndoTakesBackTheSessionsEntries() throws {
        let p = try start()
        try p.send("deal \"C\" on 2026-03-01\r")
        try p.expect("funnel> ")
        try p.send("move deal \"C\" to Proposal on 2026-03-02\r")
        try p.expect("funnel> ")
        try p.send("undo\r")
        let question = PTYProcess.plain(try p.expect("take it back? (y/N) "))
        #expect(question == "undo\nundo takes back this session's last entry, event 4:\n  2026-03-02  deal \"C\" moved to Proposal\ntake it back? (y/N) ")
        try p.send("y\r")
        #expect(PTYProcess.plain(try p.expect("funnel> ")) == "y\nundone: event 4 taken back\nfunnel> ")
        try p.send("undo\r")
        try p.expect("take it back? (y/N) ")
        try p.send("y\r")
        #expect(PTYProcess.plain(try p.expect("funnel> ")) == "y\nundone: event 3 taken back\nfunnel> ")
        try p.send("undo\r")
        let none = PTYProcess.plain(try p.expect("funnel> "))
        #expect(none.contains("error[R654]: nothing to undo: everything this session committed is undone already"))
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
        #expect(try funnel(["-c", "deals show id, stage"]).stdout == "id  stage\n--  -----\nA   Lead\n")
    }

    /// Another process commits after the REPL's entry: the REPL's undo is refused and names
    /// that run; `funnel undo --last-run` takes back the other writer's run.
    @Test func undoNeverTakesBackUnderAnotherWritersRun() throws {
        let p = try start()
        try p.send("deal \"C\" on 2026-03-01\r")
        try p.expect("funnel> ")
        let other = try funnel(["-c", "deal \"D\" { amount: 7k } on 2026-03-02"])
        #expect(other.exitCode == 0)
        try p.send("undo\r")
        let refused = PTYProcess.plain(try p.expect("funnel> "))
        #expect(refused.contains("error[R655]: cannot undo event 3: another writer committed event 4 after it (deal \"D\" created in F (Lead))"))
        #expect(refused.contains("help: undo never takes back under someone else's later work; change what is wrong with new statements instead"))
        let undoOther = try funnel(["undo", "--last-run", "--yes"])
        #expect(undoOther.exitCode == 0)
        #expect(undoOther.stdout.hasSuffix("undone: event 4 taken back\n"))
        try p.send("count deals\r")
        #expect(PTYProcess.plain(try p.expect("funnel> ")).contains("    2\n"))
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
        #expect(try funnel(["-c", "deals show id"]).stdout == "id\n--\nA\nC\n")
    }

    @Test func undoWithOtherStatementsOrOutsideTheREPLIsRefused() throws {
        let r = try funnel(["-c", "undo"])
        #expect(r.exitCode == 65)
        #expect(r.stderr == """
        <command line>:1:1: error[E431]: undo takes back an entry of the REPL and is typed there on its own; nothing ran
         1 | undo
           | ^^^^
        help: to take back the last run on a store: funnel undo --last-run

        """)
        let usage = try funnel(["undo"])
        #expect(usage.exitCode == 64)
        #expect(usage.stderr.contains("say what to take back: funnel undo --last-run"))
    }

    /// `funnel check` says before anything runs that a redeclaration would strand deals or
    /// values, as the run would refuse it; the store is not touched.
    @Test func checkReportsStrandingRedeclarations() throws {
        #expect(try funnel(["-c", "field seats text", "-c", "set deal \"A\" seats = \"many\"", "-c", "move deal \"A\" to Proposal"]).exitCode == 0)
        let script = dir.appendingPathComponent("redeclare.funnel")
        try """
        field seats number
        funnel F {
          stage Lead probability 10%
          won Won
          lost Lost
        }
        """.write(to: script, atomically: true, encoding: .utf8)
        let journal = try Data(contentsOf: store.appendingPathComponent("journal.jsonl"))
        let r = try funnel(["check", script.path])
        #expect(r.exitCode == 1)
        // Design warnings (W001, W003) follow; the refusals come first.
        #expect(r.stderr.hasPrefix("""
        \(script.path):1:7: error[R659]: field seats cannot become number: 1 stored value does not read as number (it is text now); nothing was changed
         1 | field seats number
           |       ^^^^^
        note: deal "A": "many"
        help: correct it first (set deal "ID" seats = ...), or declare a field with another name
        \(script.path):2:8: error[R658]: funnel F declared again without stage Proposal, which holds 1 open deal; nothing was changed
         2 | funnel F {
           |        ^
        note: stage Proposal: 1 open deal ("A")
        help: say where they go, after the declaration: move deals from Proposal to Lead in F (or rename stage Proposal to NEW in F, when NEW is Proposal under another name)

        """))
        #expect(try Data(contentsOf: store.appendingPathComponent("journal.jsonl")) == journal)
        // With a mapping the same script checks clean.
        try (String(contentsOf: script, encoding: .utf8).replacingOccurrences(of: "field seats number\n", with: "")
             + "\nmove deals from Proposal to Lead in F\n").write(to: script, atomically: true, encoding: .utf8)
        let ok = try funnel(["check", script.path])
        #expect(ok.exitCode == 0)
        #expect(!ok.stderr.contains("error"))
    }

    /// A backfill: the funnel declared on the real date, deals with --today earlier. That
    /// alone is no reason for S031; a today before a deal's own date still is.
    @Test func backfillWithTodayDoesNotWarnBecauseOfTheDeclaration() throws {
        let fresh = dir.appendingPathComponent("b.store")
        #expect(try FunnelProcess.run(["--store", fresh.path, "--today", "2026-03-15", "-c", "funnel G { stage S\n won W\n lost L }"]).exitCode == 0)
        let r = try FunnelProcess.run(["--store", fresh.path, "--today", "2026-01-10", "-c", "deal \"X\" on 2026-01-05", "-c", "count deals"])
        #expect(r.stderr == "")
        #expect(r.stdout == "deals\n-----\n    1\n")
        let early = try FunnelProcess.run(["--store", fresh.path, "--today", "2026-01-01", "-c", "count deals"])
        #expect(early.stderr.contains("warning[S031]: today (2026-01-01) is before the store's last change (2026-01-05)"))
    }

    /// What an undo took back stays in the deal's history: one row per undo, saying what it
    /// took back of the deal and what asked for it (`funnel undo --last-run`, a REPL entry),
    /// also read back by a new process.
    @Test func historyOfDealListsWhatUndoTookBack() throws {
        #expect(try funnel(["-c", "set deal \"A\" amount = 12k on 2026-02-01; move deal \"A\" to Proposal on 2026-02-03"]).exitCode == 0)
        #expect(try funnel(["undo", "--last-run", "--yes"]).exitCode == 0)
        let p = try start()
        try p.send("set deal \"A\" amount = 11k on 2026-03-01\r")
        try p.expect("funnel> ")
        try p.send("undo\r")
        try p.expect("take it back? (y/N) ")
        try p.send("y\r")
        try p.expect("funnel> ")
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
        let h = try funnel(["-c", "history of deal \"A\""])
        #expect(h.stderr == "")
        #expect(h.stdout == """
        at          field   old                                                             new   days_in_previous  forced_reason  recorded_by
        ----------  ------  --------------------------------------------------------------  ----  ----------------  -------------  ----------------------
        2026-01-05  stage   -                                                               Lead                 -  -              <command line>:7
        2026-03-15  undone  amount = 12,000 on 2026-02-01; moved to Proposal on 2026-02-03  -                    -  -              funnel undo --last-run
        2026-03-15  undone  amount = 11,000 on 2026-03-01                                   -                    -  -              <entry>:1

        """)
        // deals changed lists the same rows for every deal.
        #expect(try funnel(["-c", "deals changed since 2026-03-15 show id, field, recorded_by"]).stdout == """
        id  field   recorded_by
        --  ------  ----------------------
        A   undone  funnel undo --last-run
        A   undone  <entry>:1

        """)
        // Nothing it took back is in the deal: its amount and stage are as before.
        #expect(try funnel(["-c", "deals show id, stage, amount"]).stdout == "id  stage  amount\n--  -----  ------\nA   Lead   10,000\n")
    }

    @Test func verifyListsDeletionsAndRestores() throws {
        #expect(try funnel(["-c", "delete deal \"A\" because \"a test deal\"", "-c", "restore deal \"A\"",
                            "-c", "delete deal \"A\" because \"entered twice\""]).exitCode == 0)
        let v = try funnel(["verify"])
        #expect(v.exitCode == 0)
        #expect(v.stdout == """
        \(store.path): 5 events in 4 commits; no problems
        taken back: event 3: deal "A" deleted on 2026-03-15 because a test deal
        taken back: event 4: deal "A" restored on 2026-03-15
        taken back: event 5: deal "A" deleted on 2026-03-15 because entered twice

        """)
        // A new process replays the journal without the deleted deal, on every day.
        #expect(try funnel(["-c", "count deals", "-c", "count deals as of 2026-02-01"]).stdout == "deals\n-----\n    0\ndeals\n-----\n    0\n")
    }

    /// Another process commits while `funnel undo --last-run` waits for its answer: the
    /// lock is taken again after the question, the run it asked about is no longer the last
    /// one, and nothing is undone.
    @Test func aRunCommittedWhileUndoAsksIsNotUndoneUnder() throws {
        #expect(try funnel(["-c", "deal \"B\" on 2026-02-02"]).exitCode == 0)
        let p = Process()
        p.executableURL = FunnelProcess.executable
        p.arguments = ["--store", store.path, "undo", "--last-run"]
        var env = ProcessInfo.processInfo.environment
        env["FUNNEL_TODAY"] = "2026-03-15"
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = dir.appendingPathComponent("undo.out"), err = dir.appendingPathComponent("undo.err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        let input = Pipe()
        p.standardInput = input
        try p.run()
        let deadline = Date().addingTimeInterval(10)
        while !((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("take it back? (y/N) "), Date() < deadline {
            usleep(20_000)
        }
        // The other writer commits while the question is on the screen.
        #expect(try funnel(["-c", "deal \"C\" on 2026-02-03"]).exitCode == 0)
        input.fileHandleForWriting.write(Data("y\n".utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(try String(contentsOf: err, encoding: .utf8) == """
        error[R655]: another writer committed event 4 while you were asked: deal "C" created in F (Lead); nothing was undone
        help: run funnel undo --last-run again to see what the last run is now

        """)
        #expect(try funnel(["-c", "deals show id"]).stdout == "id\n--\nA\nB\nC\n")
    }
}
