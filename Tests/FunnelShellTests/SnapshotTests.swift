import Foundation
import FunnelCore
import Testing

/// The store's snapshot (docs/store.md, "The snapshot") is a cache: a store opened from it
/// must give exactly the figures of the same store replayed from its journal alone, and a
/// snapshot that is missing, damaged, truncated or stale must be rebuilt without a word and
/// without changing a figure. The store is large enough for the columnar paths: 50,000
/// imported deals with their stage histories, plus a script of deals, field changes and
/// moves whose stage entries make tasks and notifications.
struct SnapshotTests {
    static let scripts = FunnelProcess.packageRoot.appendingPathComponent("scripts")
    static let today = "2026-06-30"
    /// Every report, `as of` included, over both funnels.
    static let queries = """
        count deals by source
        count deals by funnel, status
        sum amount by team
        deals where amount > 85000 order by amount desc, id limit 15
        forecast where stage >= Proposal by team
        pipeline
        pipeline as of 2025-06-30
        pipeline as of 2025-02-15
        forecast as of 2025-12-31 by team
        count deals by stage as of 2025-03-01
        conversion
        win rate by team
        time in stage
        cycle
        velocity
        calibration
        bottlenecks
        stale
        history of deal "D-0000007"
        history of deal "S-0000003"
        history of deal "S-0000003" as of 2026-06-29
        tasks order by id limit 25
        notifications order by id limit 25
        count deals where funnel = "Script" by owner
        """

    func run(_ arguments: [String], cwd: URL? = nil) throws -> FunnelProcess.Result {
        try FunnelProcess.run(arguments, cwd: cwd, environment: ["FUNNEL_TODAY": Self.today])
    }

    func program(_ name: String, _ arguments: [String], stdout: URL? = nil) throws -> Int32 {
        let p = Process()
        p.executableURL = Self.scripts.appendingPathComponent(name)
        p.arguments = arguments
        if let stdout {
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: stdout)
        }
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// The store: the benchmark's funnel and import of 50,000 generated deals, then a
    /// generated script of 3,000 statements in a second funnel.
    func makeStore(in dir: URL) throws -> URL {
        let data = dir.appendingPathComponent("crm")
        #expect(try program("gen-data", ["--deals", "50000", "--seed", "3", "--out", data.path]) == 0)
        try FileManager.default.copyItem(at: Self.scripts.appendingPathComponent("bench-data/import.funnel"),
                                         to: data.appendingPathComponent("import.funnel"))
        let script = dir.appendingPathComponent("statements.funnel")
        #expect(try program("gen-statements", ["--statements", "3000", "--seed", "5"], stdout: script) == 0)
        let store = dir.appendingPathComponent("store")
        let r = try run(["run", "--store", store.path, Self.scripts.appendingPathComponent("bench-data/setup.funnel").path,
                         data.appendingPathComponent("import.funnel").path, script.path])
        #expect(r.exitCode == 0, "\(r.stderr)")
        return store
    }

    func figures(_ store: URL, _ queries: URL) throws -> String {
        let r = try run(["--store", store.path, "run", queries.path])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr == "")
        return r.stdout
    }

    func snapshotProblem(_ store: URL) -> String? { SnapshotCache.problem(FileStore(directory: store.path)) }

    @Test func snapshotGivesTheJournalsFiguresAndIsRebuiltWhenMissingDamagedTruncatedOrStale() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(in: dir)
        let queries = dir.appendingPathComponent("queries.funnel")
        try Self.queries.write(to: queries, atomically: true, encoding: .utf8)
        let snapshot = store.appendingPathComponent("snapshot")
        let fm = FileManager.default

        // The run that built the store wrote a snapshot of its last commit.
        #expect(snapshotProblem(store) == nil)
        let fromSnapshot = try figures(store, queries)

        // Without the snapshot, the same figures come from the journal and segments alone;
        // the reader writes a new snapshot as it goes.
        try fm.removeItem(at: snapshot)
        #expect(snapshotProblem(store) == "there is no snapshot")
        let fromJournal = try figures(store, queries)
        #expect(fromSnapshot == fromJournal)
        #expect(fromJournal.contains("Qualification"))
        #expect(fromJournal.contains("S-0000003"))
        #expect(snapshotProblem(store) == nil)
        let good = try Data(contentsOf: snapshot)

        // Damaged: one byte changed in the middle (a column), or in the header.
        for offset in [good.count / 2, 20] {
            var bad = good
            bad[offset] ^= 0x5A
            try bad.write(to: snapshot)
            #expect(snapshotProblem(store) != nil)
            #expect(try figures(store, queries) == fromJournal)
            #expect(snapshotProblem(store) == nil)
        }
        // Truncated, and emptied.
        for length in [good.count / 3, 0] {
            try good.prefix(length).write(to: snapshot)
            #expect(snapshotProblem(store) != nil)
            #expect(try figures(store, queries) == fromJournal)
            #expect(snapshotProblem(store) == nil)
        }

        // Stale: the journal moved past the snapshot. The tail is replayed on top of it and
        // gives what the journal alone gives.
        let change = try run(["--store", store.path, "-c", "set deal \"D-0000007\" amount = 12345 on 2026-06-01\nreopen deal \"S-0000003\" to Discovery on 2026-06-02"])
        #expect(change.exitCode == 0, "\(change.stderr)")
        try good.write(to: snapshot)
        let afterChange = try figures(store, queries)
        #expect(afterChange != fromJournal)
        try fm.removeItem(at: snapshot)
        #expect(try figures(store, queries) == afterChange)

        // Of another journal: a snapshot taken after the change, on the journal from before
        // it (restored from a backup), is not used.
        let later = try Data(contentsOf: snapshot)
        let journal = store.appendingPathComponent("journal.jsonl")
        let journalNow = try Data(contentsOf: journal)
        let cut = try #require(journalNow.range(of: Data("{\"seq\":".utf8), options: .backwards))
        try journalNow.prefix(upTo: cut.lowerBound).write(to: journal)
        try later.write(to: snapshot)
        #expect(snapshotProblem(store) == "it is of another journal, or of a part of it that is gone")
        #expect(try figures(store, queries) == fromJournal)

        // A deletion after the snapshot: the snapshot holds no erasures, so the whole journal
        // is replayed, and the deal is in no report on any day, as without the snapshot.
        #expect(snapshotProblem(store) == nil)
        let delete = try run(["--store", store.path, "-c", "delete deal \"S-0000010\" because \"a test\""])
        #expect(delete.exitCode == 0, "\(delete.stderr)")
        let withSnapshot = try figures(store, queries)
        #expect(withSnapshot != fromJournal)
        #expect(!withSnapshot.contains("S-0000010 "))
        try? fm.removeItem(at: snapshot)
        #expect(try figures(store, queries) == withSnapshot)
    }

    /// The byte range of section `tag`'s body in a snapshot (docs/store.md, "Format").
    static func sectionBody(_ tag: String, in file: Data) throws -> Range<Int> {
        let bytes = [UInt8](file)
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reversed().reduce(0) { $0 << 8 | Int($1) } }
        func u64(_ at: Int) -> Int { bytes[at..<(at + 8)].reversed().reduce(0) { $0 << 8 | Int($1) } }
        var entry = 48 + (u32(44) + 7) / 8 * 8
        for _ in 0..<u32(12) {
            if String(decoding: bytes[entry..<(entry + 4)], as: UTF8.self) == tag { return u64(entry + 8)..<(u64(entry + 8) + u64(entry + 16)) }
            entry += 32
        }
        throw SnapshotProblem("no section \(tag)")
    }

    /// The stage history is read from the snapshot only by what needs it: a forecast on a
    /// snapshot whose history section is damaged gives its figures without noticing, and
    /// the first report that reads the history finds the damage, takes the history from the
    /// journal (figures unchanged) and writes a sound snapshot.
    @Test func theStageHistoryIsReadOnlyWhenUsedAndADamagedOneComesFromTheJournal() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("crm")
        #expect(try program("gen-data", ["--deals", "8000", "--seed", "4", "--out", data.path]) == 0)
        try FileManager.default.copyItem(at: Self.scripts.appendingPathComponent("bench-data/import.funnel"),
                                         to: data.appendingPathComponent("import.funnel"))
        let store = dir.appendingPathComponent("store")
        let made = try run(["run", "--store", store.path, Self.scripts.appendingPathComponent("bench-data/setup.funnel").path,
                            data.appendingPathComponent("import.funnel").path])
        #expect(made.exitCode == 0, "\(made.stderr)")
        #expect(snapshotProblem(store) == nil)
        let forecast = ["--store", store.path, "--today", Self.today, "-c", "forecast where stage >= Proposal by team"]
        let timeInStage = ["--store", store.path, "--today", Self.today, "-c", "time in stage"]
        let soundForecast = try run(forecast), soundTimes = try run(timeInStage)
        #expect(soundForecast.exitCode == 0 && soundTimes.exitCode == 0)
        #expect(soundTimes.stdout.contains("Qualification"))

        let snapshot = store.appendingPathComponent("snapshot")
        var bad = try Data(contentsOf: snapshot)
        // The stages entered, a column of the history that time in stage reads.
        let history = try Self.sectionBody("hstg", in: bad)
        #expect(history.count > 10_000)
        bad[history.lowerBound + history.count / 2] ^= 0x5A
        try bad.write(to: snapshot)
        let damage = try #require(snapshotProblem(store))
        #expect(damage.hasPrefix("section hstg (bytes \(history.lowerBound)–"))

        let forecastNow = try run(forecast)
        #expect(forecastNow.stdout == soundForecast.stdout)
        #expect(forecastNow.stderr == "")
        // The forecast never read the history, so the damage is still there...
        #expect(snapshotProblem(store) == damage)
        // ...until a report that needs it: the figures are the journal's, the snapshot sound again.
        let timesNow = try run(timeInStage)
        #expect(timesNow.stdout == soundTimes.stdout)
        #expect(timesNow.stderr == "")
        #expect(timesNow.exitCode == 0)
        #expect(snapshotProblem(store) == nil)
        #expect(try run(timeInStage).stdout == soundTimes.stdout)
    }
}
