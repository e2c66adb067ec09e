import Foundation
import Testing

/// What the store promises, checked through the real executable: a failing run leaves it
/// byte for byte as it was, concurrent writers never lose or interleave events, damage is
/// reported with its place, and stdin runs like `funnel run`.
struct StoreSafetyTests {
    static let setup = """
    funnel F {
      stage A probability 10%
      stage B probability 50%
      won W
      lost L
    }
    deal "d1" in F { amount: 10k } on 2026-01-01

    """

    func journal(_ store: URL) throws -> Data {
        try Data(contentsOf: store.appendingPathComponent("journal.jsonl"))
    }

    @Test func failingRunLeavesTheStoreByteForByte() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        let first = try FunnelProcess.run(["--store", store.path, "-c", Self.setup])
        #expect(first.exitCode == 0)
        let before = try journal(store)
        let failing = try FunnelProcess.run(["--store", store.path, "-c",
                                             "deal \"d2\" in F { amount: 5k }\nmove deal \"d1\" to B\nwin deal \"nope\""])
        #expect(failing.exitCode == 1)
        #expect(failing.stderr.contains("error[R101]: no deal \"nope\""))
        #expect(try journal(store) == before)
        let count = try FunnelProcess.run(["--store", store.path, "-c", "count deals by stage"])
        #expect(count.stdout == "stage  deals\n-----  -----\nA          1\n-----  -----\ntotal      1\n")
    }

    @Test func keepGoingKeepsTheStatementsThatWorked() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        let r = try FunnelProcess.run(["--store", store.path, "--keep-going", "-c",
                                       Self.setup + "win deal \"nope\"\ndeal \"d2\" in F { amount: 5k }"])
        #expect(r.exitCode == 1)
        let count = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "count deals"])
        #expect(count.stdout == "deals\n2\n")
    }

    @Test func twoConcurrentWritersLoseNothing() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        // Two processes at once, each creating 40 deals in 40 separate runs.
        let group = DispatchGroup()
        let failures = Counter()
        for writer in ["x", "y"] {
            DispatchQueue.global().async(group: group) {
                for i in 0..<40 {
                    let r = try? FunnelProcess.run(["--store", store.path, "-c", "deal \"\(writer)\(i)\" in F { amount: 1k }"])
                    if r?.exitCode != 0 { failures.increment() }
                }
            }
        }
        group.wait()
        #expect(failures.value == 0)
        let count = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "count deals"])
        #expect(count.stdout == "deals\n81\n")
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.stdout == "\(store.path): 82 events in 81 commits; no problems\n")
        #expect(verify.exitCode == 0)
    }

    @Test func damagedJournalIsReportedWithItsLine() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        var bytes = [UInt8](try journal(store))
        // Flip a byte inside the deal's amount on line 2.
        guard let i = bytes.firstIndex(of: UInt8(ascii: "\n")).flatMap({ start in
            bytes[(start + 1)...].firstIndex(of: UInt8(ascii: "1")) }) else { Issue.record("no digit"); return }
        bytes[i] = UInt8(ascii: "7")
        try Data(bytes).write(to: store.appendingPathComponent("journal.jsonl"))
        let r = try FunnelProcess.run(["--store", store.path, "-c", "pipeline"])
        #expect(r.exitCode == 74)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("error[S001]: \(store.path)/journal.jsonl:2: damaged journal line: checksum mismatch"))
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.exitCode == 74)
    }

    @Test func storeThatIsAFileIsAnIOError() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notADir = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: notADir)
        let r = try FunnelProcess.run(["--store", notADir.path, "-c", "deal \"a\" { amount: 1 }"])
        #expect(r.exitCode == 74)
    }

    @Test func stdinRunsLikeARunOfTheSameScript() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Self.setup + "pipeline\nwin deal \"nope\"\n"
        let viaStdin = try FunnelProcess.run(["--store", dir.appendingPathComponent("a").path], stdin: script)
        let file = dir.appendingPathComponent("s.funnel")
        try Data(script.utf8).write(to: file)
        let viaRun = try FunnelProcess.run(["run", file.path, "--store", dir.appendingPathComponent("b").path])
        #expect(viaStdin.exitCode == 1)
        #expect(viaStdin.exitCode == viaRun.exitCode)
        #expect(viaStdin.stdout == viaRun.stdout)
        #expect(viaStdin.stderr.replacingOccurrences(of: "<stdin>", with: file.path) == viaRun.stderr)
        #expect(!viaStdin.stdout.contains("funnel>"))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
