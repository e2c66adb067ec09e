import Foundation
import Testing

/// A writer or reader killed half-way through each of its writes (FUNNEL_CRASH_AT, see
/// CrashPoint.swift): moments too short for the random kills of CrashSafetyTests and
/// SnapshotCrashTests to reach reliably. After each, `verify` reports what the dead process
/// left and exits 0, the figures are those of the commits before it, the next writer succeeds
/// and cleans up, and `verify` is clean again.
struct CrashPointTests {
    static func run(_ store: URL, _ statement: String, crashAt point: String? = nil) throws -> FunnelProcess.Result {
        try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", statement],
                              environment: point.map { ["FUNNEL_CRASH_AT": $0] } ?? [:], timeout: 120)
    }

    @Test func aRunKilledHalfWayThroughItsJournalWriteIsCutOff() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try Self.run(store, CrashSafetyTests.setup + "deal \"D-0\" in F { amount: 5 }").exitCode == 0)
        let journal = try Data(contentsOf: store.appendingPathComponent("journal.jsonl"))
        var script = ""
        for i in 1...50 { script += "deal \"D-\(i)\" in F { amount: \(i) }\n" }
        let killed = try Self.run(store, script, crashAt: "journal-half-written")
        #expect(killed.exitCode == 128 + SIGKILL)
        let torn = try Data(contentsOf: store.appendingPathComponent("journal.jsonl"))
        #expect(torn.count > journal.count && torn.prefix(journal.count) == journal && torn.last != 0x0A)
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.exitCode == 0)
        #expect(verify.stdout == "\(store.path): 2 events in 1 commits, \(Self.lines(torn) - Self.lines(journal)) uncommitted line(s) at the end (an interrupted write; ignored); no problems\n")
        #expect(try Self.run(store, "count deals\nsum amount").stdout == "deals\n1\nsum\n5\n")
        // The next writer cuts the torn tail off and commits after the last whole run.
        #expect(try Self.run(store, "deal \"D-51\" in F { amount: 7 }").exitCode == 0)
        #expect(try Self.run(store, "count deals\nsum amount").stdout == "deals\n2\nsum\n12\n")
        #expect(try FunnelProcess.run(["verify", "--store", store.path]).stdout == "\(store.path): 3 events in 2 commits; no problems\n")
    }

    /// Lines of a journal, a torn last one counted.
    static func lines(_ d: Data) -> Int { d.split(separator: 0x0A).count }

    @Test func anImportKilledHalfWayThroughItsSegmentLeavesATemporaryFileTheNextWriterRemoves() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try Self.run(store, CrashSafetyTests.setup).exitCode == 0)
        var csv = "id,amount\n"
        for i in 0..<2_000 { csv += "I-\(i),\(i + 1)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("deals.csv"))
        let statement = "import deals from \"\(dir.path)/deals.csv\" into F (id = id, amount = amount)"
        #expect(try Self.run(store, statement, crashAt: "segment-half-written").exitCode == 128 + SIGKILL)
        let left = try FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent("segments").path)
        #expect(left.count == 1 && left[0].hasPrefix(".tmp-"))
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.stdout == "\(store.path): 1 events in 1 commits, 1 temporary segment file(s) of an interrupted write (the next write removes them); no problems\n")
        #expect(try Self.run(store, "count deals").stdout == "deals\n0\n")
        #expect(try Self.run(store, statement).exitCode == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent("segments").path).filter { $0.hasPrefix(".tmp-") } == [])
        #expect(try Self.run(store, "count deals\nsum amount").stdout == "deals\n2000\nsum\n2001000\n")
    }

    @Test func aReaderKilledHalfWayThroughTheSnapshotLosesNothing() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SnapshotCrashTests.makeStore(dir)
        let snapshot = store.appendingPathComponent("snapshot")
        let figures = try SnapshotCrashTests.figures(store)
        let clean = try FunnelProcess.run(["verify", "--store", store.path]).stdout
        try FileManager.default.removeItem(at: snapshot)
        #expect(try Self.run(store, "count deals", crashAt: "snapshot-half-written").exitCode == 128 + SIGKILL)
        #expect(!FileManager.default.fileExists(atPath: snapshot.path))
        #expect(SnapshotCrashTests.snapshotTemporaries(store).count == 1)
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.exitCode == 0)
        #expect(verify.stdout == clean.replacingOccurrences(of: "; no problems", with: ", 1 temporary snapshot file(s) of an interrupted snapshot write (the next write removes them); no problems"))
        // A reader replays, as with no snapshot, and writes a whole one.
        #expect(try SnapshotCrashTests.figures(store) == figures)
        #expect(FileManager.default.fileExists(atPath: snapshot.path))
        #expect(try Self.run(store, "deal \"N-1\" in F { amount: 1, source: \"web\" }").exitCode == 0)
        #expect(SnapshotCrashTests.snapshotTemporaries(store) == [])
        #expect(try FunnelProcess.run(["verify", "--store", store.path]).stdout == clean.replacingOccurrences(of: "2 events in 1 commits", with: "3 events in 2 commits"))
    }
}
