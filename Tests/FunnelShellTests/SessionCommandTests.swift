import Foundation
import Testing
@testable import FunnelCore

/// Session commands that touch files: .once, .output, .open, and `... to FILE`.
struct SessionCommandTests {
    @Test func onceOutputAndOpenWriteWhereTheySay() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        funnel F { stage A probability 10%
          won W
          lost L }
        deal "a" in F { amount: 1k }
        .format csv
        .once once.csv
        pipeline
        count deals
        .output all.csv
        count deals
        sum amount
        .output
        deals show id to "deals.json"
        """
        let file = dir.appendingPathComponent("s.funnel")
        try Data(script.utf8).write(to: file)
        let r = try FunnelProcess.run(["run", file.path, "--store", dir.appendingPathComponent("main.store").path])
        #expect(r.stderr == "")
        #expect(r.exitCode == 0)
        #expect(r.stdout == "deals\n1\nwrote 1 row to deals.json\n")
        func read(_ name: String) -> String? { try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        #expect(read("once.csv") == "stage,deals,amount,weighted\nA,1,1000,100\n")
        #expect(read("all.csv") == "deals\n1\nsum\n1000\n")
        #expect(read("deals.json") == "[{\"id\":\"a\"}]\n")
        // A run that has not written may switch stores: the other store is empty.
        let other = try FunnelProcess.run(["--store", dir.appendingPathComponent("main.store").path, "--format", "csv",
                                           "-c", "count deals\n.open \(dir.appendingPathComponent("other.store").path)\ncount deals"])
        #expect(other.stdout == "deals\n1\ndeals\n0\n")
        #expect(other.exitCode == 0)
    }

    @Test func todayBeforeTheLastChangeIsWarnedAbout() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store").path
        let setup = try FunnelProcess.run(["--store", store, "--today", "2026-03-15", "-c",
                                           "funnel F { stage A probability 10%; won W; lost L }; deal \"a\" in F { amount: 1 } on 2026-03-01"])
        #expect(setup.exitCode == 0)
        // The last change is the deal's (2026-03-01); a declaration is dated the day it ran and does not count.
        let early = try FunnelProcess.run(["--store", store, "--today", "2025-01-01", "--format", "csv", "-c", "deals show id, age"])
        #expect(early.stdout == "id,age\na,-424\n")
        #expect(early.stderr == """
            warning[S031]: today (2025-01-01) is before the store's last change (2026-03-01); ages and days in stage count from today
            help: to see the pipeline as it was, keep today and use `as of 2025-01-01`

            """)
        let normal = try FunnelProcess.run(["--store", store, "--today", "2026-03-20", "-c", "deals show id, age"])
        #expect(normal.stderr == "")
    }

    @Test func openCannotSwitchAfterWrites() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try FunnelProcess.run(["--store", dir.appendingPathComponent("a").path, "-c",
                                       "funnel F { stage A probability 10%; won W; lost L }\n.open b"])
        #expect(r.exitCode == 64)
        #expect(r.stderr.contains("error[C001]: .open cannot switch stores in the middle of a run that has changed the store"))
    }

    @Test func dotCommandParsing() throws {
        #expect(try DotCommand.parse(".mode JSON") == .format(.json))
        #expect(try DotCommand.parse(".once \"my file.csv\"") == .once("my file.csv"))
        #expect(try DotCommand.parse(".output") == .output(nil))
        #expect(try DotCommand.parse(".today 2026-03-31") == .today(Calendar.day(year: 2026, month: 3, day: 31)))
        #expect(try DotCommand.parse(".timer on") == .timer(true))
        #expect(try DotCommand.parse(".exit") == .quit)
        #expect(throws: Diagnostic.self) { try DotCommand.parse(".timer maybe") }
        do {
            _ = try DotCommand.parse(".fromat csv")
            Issue.record("accepted a misspelt command")
        } catch let d as Diagnostic {
            #expect(d.message == "unknown session command '.fromat'")
            #expect(d.help == "did you mean '.format'?")
        }
    }
}

/// `.once FILE` chooses the format by FILE's extension, as `... to FILE` does.
struct OnceFormatTests {
    @Test func onceTakesTheFormatFromTheExtension() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        funnel F { stage A probability 10%; won W; lost L }
        deal "a" in F { amount: 1k }
        .once p.csv
        pipeline
        .once p.json
        count deals
        .once p.out
        count deals
        count deals
        """
        let file = dir.appendingPathComponent("s.funnel")
        try Data(script.utf8).write(to: file)
        let r = try FunnelProcess.run(["run", file.path, "--store", dir.appendingPathComponent("s.store").path])
        #expect(r.stderr == "")
        #expect(r.exitCode == 0)
        #expect(r.stdout == "deals\n-----\n    1\n")
        func read(_ name: String) -> String? { try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
        #expect(read("p.csv") == "stage,deals,amount,weighted\nA,1,1000,100\n")
        #expect(read("p.json") == "[{\"deals\":1}]\n")
        // An extension that names no format keeps the mode (table here).
        #expect(read("p.out") == "deals\n-----\n    1\n")
    }
}
