import Foundation
import Testing
import FunnelCore

/// The snapshot under crashes and damage (docs/reliability.md): a reader killed at a random
/// moment while it rebuilds the snapshot, and snapshots torn or flipped as a crash or a bad
/// disk leaves them. After each, the store gives exactly its journal's figures, `verify`
/// names what it found (temporary files, the damaged bytes) and exits 0, the next writer
/// removes the leftovers, and the next command rebuilds a snapshot that verifies clean.
struct SnapshotCrashTests {
    static let rows = 40_000

    /// A store of `rows` imported deals: enough that the import writes a snapshot and a
    /// reader that finds none writes one again (SnapshotCache.rewriteAfterBytes).
    static func makeStore(_ dir: URL) throws -> URL {
        let store = dir.appendingPathComponent("s.store")
        var csv = "id,amount,source\n"
        for i in 0..<rows { csv += "S\(i),\(i % 997 + 1),\(["web", "event", "partner"][i % 3])\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("deals.csv"))
        let r = try FunnelProcess.run(["--store", store.path, "-c", CrashSafetyTests.setup
            + "import deals from \"\(dir.path)/deals.csv\" into F (id = id, amount = amount, source = source)"], timeout: 120)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: store.appendingPathComponent("snapshot").path))
        return store
    }

    static func figures(_ store: URL) throws -> String {
        let r = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "count deals by source\nsum amount"], timeout: 120)
        #expect(r.exitCode == 0, "\(r.stderr)")
        return r.stdout
    }

    static func snapshotTemporaries(_ store: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? []).filter { $0.hasPrefix("snapshot.tmp-") }
    }

    static let cacheNote = "; it is only a cache, and the next command rebuilds it from the journal"

    @Test func readersKilledWhileWritingTheSnapshotLoseNothing() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Self.makeStore(dir)
        let snapshot = store.appendingPathComponent("snapshot")
        var expected = try Self.figures(store)
        // How long a reader takes to replay and write the snapshot, so the kills spread over it.
        try FileManager.default.removeItem(at: snapshot)
        let started = Date()
        _ = try Self.figures(store)
        // The kills fall in the second half of that time and a little past it, where the
        // snapshot is encoded and written (the first half is the replay).
        let took = UInt64(max(Date().timeIntervalSince(started), 0.05) * 1_000_000)
        let seed = UInt64(Date().timeIntervalSince1970) ^ 0x54A9
        var random = CrashSafetyTests.Random(state: seed)
        var deals = Self.rows, leftTemporaries = 0
        for round in 0..<30 {
            try? FileManager.default.removeItem(at: snapshot)
            try CrashSafetyTests.runAndKill(["--store", "s.store", "-c", "count deals"], cwd: dir,
                                            after: UInt32(took / 2 + random.next(below: took * 3 / 5)))
            let temporaries = Self.snapshotTemporaries(store)
            if !temporaries.isEmpty { leftTemporaries += 1 }
            let verify = try FunnelProcess.run(["verify", "--store", store.path], timeout: 60)
            #expect(verify.exitCode == 0, "seed \(seed) round \(round): \(verify.stderr)")
            let mention = temporaries.isEmpty ? ""
                : ", \(temporaries.count) temporary snapshot file(s) of an interrupted snapshot write (the next write removes them)"
            #expect(verify.stdout.hasPrefix("\(store.path): ") && verify.stdout.contains("segment\(mention); no problems\n"),
                    "seed \(seed) round \(round): \(verify.stdout)")
            #expect(try Self.figures(store) == expected, "seed \(seed) round \(round)")
            // The next writer succeeds, counts once, and removes what the killed reader left.
            let next = try FunnelProcess.run(["--store", store.path, "-c", "deal \"n\(round)\" in F { amount: 1, source: \"web\" }"], timeout: 60)
            #expect(next.exitCode == 0, "seed \(seed) round \(round): \(next.stderr)")
            deals += 1
            #expect(Self.snapshotTemporaries(store) == [], "seed \(seed) round \(round)")
            expected = try Self.figures(store)
            #expect(expected.contains("sum\n\(Self.expectedSum + deals - Self.rows)\n"), "seed \(seed) round \(round): \(expected)")
        }
        print("SnapshotCrashTests: \(leftTemporaries) of 30 kills landed inside a snapshot write (seed \(seed))")
    }

    /// The sum of the generated amounts, worked out apart from funnel.
    static var expectedSum: Int { (0..<rows).reduce(0) { $0 + $1 % 997 + 1 } }

    @Test func tornAndFlippedSnapshotsAreNamedByVerifyAndRebuilt() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Self.makeStore(dir)
        let snapshot = store.appendingPathComponent("snapshot")
        let expected = try Self.figures(store)
        #expect(expected == "source,deals\nevent,13333\npartner,13333\nweb,13334\nsum\n\(Self.expectedSum)\n")
        let good = try Data(contentsOf: snapshot)
        let clean = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(clean.stdout == "\(store.path): 2 events in 1 commits, 1 segment; no problems\n")
        let expectedTimes = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", "time in stage"], timeout: 120).stdout
        #expect(expectedTimes.hasPrefix("stage,"))
        // Every part read on first use: the stage history and each deal column.
        let exportPath = dir.appendingPathComponent("all.csv").path
        let historyPath = dir.appendingPathComponent("history.csv").path
        let readEverything = "time in stage\nexport deals to \"\(exportPath)\"\nexport history to \"\(historyPath)\"\n"
            + "history of deal \"S0\"\ncount deals where days_in_stage >= 0"
        let expectedEverything = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", readEverything], timeout: 120)
        #expect(expectedEverything.stdout.hasPrefix(expectedTimes) && expectedEverything.stdout.hasSuffix("deals\n40000\n"), "\(expectedEverything.stdout)")
        let expectedExport = try String(contentsOfFile: exportPath, encoding: .utf8)
            + String(contentsOfFile: historyPath, encoding: .utf8)
        let readOnFirstUse = try SnapshotCodec.sections.filter { ($0.hasPrefix("d") || $0.hasPrefix("h")) && !["decl", "deal", "hist"].contains($0) }
            .map { try SnapshotTests.sectionBody($0, in: good) }
        #expect(readOnFirstUse.count == 24)
        let seed = UInt64(Date().timeIntervalSince1970) ^ 0xF11B
        var random = CrashSafetyTests.Random(state: seed)
        for round in 0..<24 {
            var bytes = good
            let at = Int(random.next(below: UInt64(good.count)))
            let torn = round % 3 == 0
            if torn { bytes = bytes.prefix(at) } else { bytes[at] ^= UInt8(1 << (round % 8)) }
            try bytes.write(to: snapshot)
            let what = torn ? "torn at byte \(at)" : "byte \(at) flipped"
            let verify = try FunnelProcess.run(["verify", "--store", store.path])
            #expect(verify.exitCode == 0, "seed \(seed): \(what): \(verify.stderr)")
            let lines = verify.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if torn && at == 0 {
                // An empty file is no snapshot at all, as when none was ever written.
                #expect(lines == [String(clean.stdout.dropLast()), ""], "seed \(seed): \(what)")
            } else {
                #expect(lines.count == 3 && lines[0] + "\n" == clean.stdout, "seed \(seed): \(what): \(verify.stdout)")
                let note = lines.count > 1 ? lines[1] : ""
                #expect(note.hasPrefix("note: the snapshot is not used: \(snapshot.path): ") && note.hasSuffix(Self.cacheNote),
                        "seed \(seed): \(what): \(note)")
                // Where verify names the damaged bytes, the changed byte is among them.
                if !torn, let range = Self.byteRange(in: note) {
                    #expect(range.contains(at), "seed \(seed): \(what): \(note)")
                }
            }
            #expect(try Self.figures(store) == expected, "seed \(seed): \(what)")
            // The stage history and the deal columns are read only when used: damage there
            // is found, and the snapshot rebuilt, by the first statement that reads them.
            if !torn, readOnFirstUse.contains(where: { $0.contains(at) }) {
                let everything = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", readEverything], timeout: 120)
                #expect(everything.exitCode == 0 && everything.stderr == "" && everything.stdout == expectedEverything.stdout,
                        "seed \(seed): \(what): \(everything.stderr)")
                #expect(try String(contentsOfFile: exportPath, encoding: .utf8) + String(contentsOfFile: historyPath, encoding: .utf8) == expectedExport,
                        "seed \(seed): \(what)")
            }
            // That reader rebuilt the snapshot: it verifies clean and is used again.
            #expect(try FunnelProcess.run(["verify", "--store", store.path]).stdout == clean.stdout, "seed \(seed): \(what)")
            #expect(FileManager.default.fileExists(atPath: snapshot.path), "seed \(seed): \(what)")
        }
    }

    /// `bytes A–B` or `byte A` in a verify note.
    static func byteRange(in note: String) -> ClosedRange<Int>? {
        if let r = note.range(of: #"bytes [0-9]+–[0-9]+"#, options: .regularExpression) {
            let parts = note[r].dropFirst(6).split(separator: "–").compactMap { Int($0) }
            return parts.count == 2 ? parts[0]...parts[1] : nil
        }
        if let r = note.range(of: #"byte [0-9]+,"#, options: .regularExpression), let n = Int(note[r].dropFirst(5).dropLast()) {
            return n...n
        }
        return nil
    }
}
