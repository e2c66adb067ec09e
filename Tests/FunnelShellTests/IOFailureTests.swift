import Foundation
import Testing

/// I/O that fails under a writer: `ulimit -f`, temporary files of interrupted writers, and a lock
/// held by a writer that hangs. Each gets a clear error and exit 74, and the store stays as it was.
struct IOFailureTests {
    static let setup = """
    funnel F {
      stage A probability 10%
      won W
      lost L
    }
    deal "d1" in F { amount: 10k } on 2026-01-01

    """

    /// Runs funnel under `ulimit -f blocks` (512-byte blocks), through the shell as a user would.
    static func runLimited(fileBlocks: Int, _ arguments: [String], cwd: URL) throws -> FunnelProcess.Result {
        let script = "ulimit -f \(fileBlocks) && exec \"$0\" \"$@\""
        return try FunnelProcess.run(arguments, cwd: cwd, shell: ["/bin/sh", "-c", script])
    }

    func journal(_ store: URL) throws -> Data { try Data(contentsOf: store.appendingPathComponent("journal.jsonl")) }

    /// The process died by SIGXFSZ (exit 153) with no message, leaving a partial write and a
    /// temporary segment file.
    @Test func aFileSizeLimitIsReportedAndRolledBack() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        let before = try journal(store)
        var csv = "id,amount\n"
        for i in 0..<20_000 { csv += "D-\(i),\(i)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("big.csv"))

        let imported = try Self.runLimited(fileBlocks: 100, ["--store", "s.store", "-c",
                                                             "import deals from \"big.csv\" into F (id = id, amount = amount)"], cwd: dir)
        #expect(imported.exitCode == 74)
        let segments = store.appendingPathComponent("segments")
        #expect(imported.stderr.hasPrefix("error[S003]: cannot write s.store/segments/.tmp-"))
        #expect(imported.stderr.hasSuffix(": File too large\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: segments.path) == [])
        #expect(try journal(store) == before)

        let name = String(repeating: "n", count: 2000)
        let small = try Self.runLimited(fileBlocks: 1, ["--store", "s.store", "-c", "deal \"d2\" in F { name: \"\(name)\" }"], cwd: dir)
        #expect(small.exitCode == 74)
        #expect(small.stderr == "error[S003]: cannot write s.store/journal.jsonl: File too large\n")
        #expect(try journal(store) == before)

        let count = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "count deals"])
        #expect(count.stdout == "deals\n1\n")
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.stdout == "\(store.path): 2 events in 1 commits; no problems\n")
    }

    @Test func temporaryFilesOfInterruptedWritersAreReportedThenRemoved() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        let segments = store.appendingPathComponent("segments")
        try FileManager.default.createDirectory(at: segments, withIntermediateDirectories: true)
        // What a writer killed while writing a segment leaves behind.
        try Data("FUNSEG1\n".utf8).write(to: segments.appendingPathComponent(".tmp-4000001-0badc0de-1f"))
        try Data().write(to: segments.appendingPathComponent(".tmp-4000002-12345678-2"))
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.exitCode == 0)
        #expect(verify.stdout == "\(store.path): 2 events in 1 commits, 2 temporary segment file(s) of an interrupted write (the next write removes them); no problems\n")
        // A reader leaves them; the next writer, holding the lock, removes them.
        #expect(try FunnelProcess.run(["--store", store.path, "-c", "count deals"]).exitCode == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: segments.path).count == 2)
        #expect(try FunnelProcess.run(["--store", store.path, "-c", "deal \"d2\" in F"]).exitCode == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: segments.path) == [])
        let again = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(again.stdout == "\(store.path): 3 events in 2 commits; no problems\n")
    }

    /// A writer stuck inside its run (here on `.read` of a FIFO nobody writes) holds the lock:
    /// the next writer waits FUNNEL_LOCK_TIMEOUT seconds, then names the holder and exits 74.
    @Test func aLockHeldByAHungWriterIsABoundedWait() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        let before = try journal(store)
        let fifo = dir.appendingPathComponent("stuck.funnel")
        #expect(mkfifo(fifo.path, 0o644) == 0)

        let hung = Process()
        hung.executableURL = FunnelProcess.executable
        hung.arguments = ["--store", store.path, "-c", "deal \"d2\" in F\n.read \"\(fifo.path)\""]
        hung.standardOutput = FileHandle.nullDevice
        hung.standardError = FileHandle.nullDevice
        try hung.run()
        defer { if hung.isRunning { kill(hung.processIdentifier, SIGKILL); hung.waitUntilExit() } }
        let pid = hung.processIdentifier
        // The lock file names its holder once the lock is taken.
        let lock = store.appendingPathComponent("lock")
        var named = false
        for _ in 0..<500 where !named {
            named = (try? String(contentsOf: lock, encoding: .utf8)) == "\(pid)\n"
            if !named { usleep(20_000) }
        }
        #expect(named)

        let started = Date()
        let r = try FunnelProcess.run(["--store", store.path, "-c", "deal \"d3\" in F"],
                                      environment: ["FUNNEL_LOCK_TIMEOUT": "1"], timeout: 30)
        let waited = Date().timeIntervalSince(started)
        #expect(r.exitCode == 74)
        #expect(r.stderr == """
            error[S003]: cannot lock \(lock.path): process \(pid) has held the writer lock for more than 1 second
            help: wait for that run to finish and try again; if process \(pid) is hung, stop it (kill \(pid)). FUNNEL_LOCK_TIMEOUT sets how many seconds a writer waits

            """)
        #expect(waited >= 1 && waited < 15)
        // Readers never wait for the lock.
        let count = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "count deals"], timeout: 30)
        #expect(count.stdout == "deals\n1\n")

        kill(pid, SIGKILL)
        hung.waitUntilExit()
        #expect(try journal(store) == before)
        #expect(try FunnelProcess.run(["--store", store.path, "-c", "deal \"d3\" in F"], timeout: 30).exitCode == 0)
    }

    @Test func aBadLockTimeoutIsAUsageError() throws {
        let r = try FunnelProcess.run(["-c", "count deals"], environment: ["FUNNEL_LOCK_TIMEOUT": "soon"])
        #expect(r.exitCode == 64)
        #expect(r.stderr.hasPrefix("Error: FUNNEL_LOCK_TIMEOUT is 'soon'; write a number of seconds from 0 to 86400\n"))
    }
}
