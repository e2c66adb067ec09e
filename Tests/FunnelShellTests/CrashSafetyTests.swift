import Foundation
import Testing

/// Writers killed (SIGKILL) at random moments, and writers racing readers: after each kill the
/// store opens, holds exactly the runs that committed (a run is all or nothing) and the next
/// run succeeds; concurrent writers lose, duplicate and interleave nothing, and a reader never
/// sees half a run. The random moments come from a seeded generator, printed on failure.
struct CrashSafetyTests {
    static let setup = """
    funnel F {
      stage A probability 10%
      won W
      lost L
    }

    """

    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next(below n: UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (z ^ (z >> 31)) % n
        }
    }

    static func count(_ store: URL) throws -> Int? {
        let r = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "count deals"], timeout: 60)
        guard r.exitCode == 0, r.stdout.hasPrefix("deals\n") else { return nil }
        return Int(r.stdout.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Starts funnel and kills it after `delay` microseconds (it may have finished by then).
    static func runAndKill(_ arguments: [String], cwd: URL, after delay: UInt32) throws {
        var env = ProcessInfo.processInfo.environment
        env["FUNNEL_TODAY"] = "2026-03-15"
        _ = try FunnelProcess.spawnAndWait([FunnelProcess.executable.path] + arguments, environment: env, cwd: cwd.path,
                                           stdin: "/dev/null", stdout: "/dev/null", stderr: "/dev/null", timeout: 120) { pid in
            usleep(delay)
            kill(pid, SIGKILL)
        }
    }

    /// After a kill: verify finds no damage, the count moved by a whole run or not at all.
    static func checkAfterKill(_ store: URL, before: Int, runSize: Int, seed: UInt64, round: Int) throws -> Int {
        let verify = try FunnelProcess.run(["verify", "--store", store.path], timeout: 60)
        #expect(verify.exitCode == 0, "seed \(seed) round \(round): \(verify.stderr)")
        let now = try #require(try count(store), "seed \(seed) round \(round): the store does not open")
        #expect(now == before || now == before + runSize, "seed \(seed) round \(round): \(before) -> \(now)")
        return now
    }

    @Test func killedStreamsOfSmallRunsKeepWholeRuns() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        let seed = UInt64(Date().timeIntervalSince1970)
        var random = Random(state: seed)
        var deals = 0
        for round in 0..<30 {
            // One run of 50 deals, killed somewhere between its start and its end.
            var script = ""
            for i in 0..<50 { script += "deal \"r\(round)-\(i)\" in F { amount: \(i + 1) }\n" }
            try Data(script.utf8).write(to: dir.appendingPathComponent("run.funnel"))
            try Self.runAndKill(["--store", "s.store", "run", "run.funnel"], cwd: dir,
                                after: UInt32(random.next(below: 120_000)))
            deals = try Self.checkAfterKill(store, before: deals, runSize: 50, seed: seed, round: round)
            // The next run succeeds and counts exactly once.
            let next = try FunnelProcess.run(["--store", store.path, "-c", "deal \"n\(round)\" in F"], timeout: 60)
            #expect(next.exitCode == 0, "seed \(seed) round \(round): \(next.stderr)")
            deals += 1
            #expect(try Self.count(store) == deals, "seed \(seed) round \(round)")
        }
    }

    @Test func killedImportsKeepAllOrNothingAndLeaveNoTemporaryFiles() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        let rows = 20_000
        let seed = UInt64(Date().timeIntervalSince1970) ^ 0x5EED
        var random = Random(state: seed)
        var deals = 0
        for round in 0..<20 {
            var csv = "id,amount\n"
            for i in 0..<rows { csv += "I\(round)-\(i),\(i + 1)\n" }
            try Data(csv.utf8).write(to: dir.appendingPathComponent("big.csv"))
            try Self.runAndKill(["--store", "s.store", "-c", "import deals from \"big.csv\" into F (id = id, amount = amount)"],
                                cwd: dir, after: UInt32(random.next(below: 600_000)))
            deals = try Self.checkAfterKill(store, before: deals, runSize: rows, seed: seed, round: round)
            let next = try FunnelProcess.run(["--store", store.path, "-c", "deal \"n\(round)\" in F"], timeout: 60)
            #expect(next.exitCode == 0, "seed \(seed) round \(round): \(next.stderr)")
            deals += 1
            // The writer removed whatever the killed import left in segments/ (which an import
            // killed early never made).
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent("segments").path)) ?? [])
                .filter { $0.hasPrefix(".tmp-") }
            #expect(left == [], "seed \(seed) round \(round)")
        }
        #expect(try Self.count(store) == deals)
    }

    /// 4 writers × 200 runs of 2 deals each, while 2 readers count: every count a reader sees
    /// is odd (the setup's deal plus whole runs), and at the end there are exactly 1,601.
    @Test func fourWritersAndTwoReadersLoseAndSplitNothing() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup + "deal \"d0\" in F\n"]).exitCode == 0)
        let writers = DispatchGroup(), readers = DispatchGroup()
        let failures = Counter(), halfRuns = Counter(), reads = Counter()
        let done = Counter()
        for w in 0..<4 {
            DispatchQueue.global().async(group: writers) {
                for i in 0..<200 {
                    let r = try? FunnelProcess.run(["--store", store.path, "-c",
                                                    "deal \"w\(w)-\(i)a\" in F\ndeal \"w\(w)-\(i)b\" in F"], timeout: 120)
                    if r?.exitCode != 0 { failures.increment() }
                }
            }
        }
        for _ in 0..<2 {
            DispatchQueue.global().async(group: readers) {
                while done.value == 0 {
                    guard let n = try? Self.count(store) else { failures.increment(); continue }
                    reads.increment()
                    if n % 2 == 0 { halfRuns.increment() }
                }
            }
        }
        writers.wait()
        done.increment()
        readers.wait()
        #expect(failures.value == 0)
        #expect(halfRuns.value == 0)
        #expect(reads.value > 0)
        #expect(try Self.count(store) == 1_601)
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.stdout == "\(store.path): 1602 events in 801 commits; no problems\n")
        // No run was split or repeated: each writer's deals are all there, once.
        let ids = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "deals show id"])
        let list = ids.stdout.split(separator: "\n").dropFirst().map(String.init)
        #expect(Set(list).count == 1_601)
        for w in 0..<4 { #expect(list.filter { $0.hasPrefix("w\(w)-") }.count == 400) }
    }
}
