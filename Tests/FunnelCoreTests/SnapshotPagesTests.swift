import Foundation
import Testing
@testable import FunnelCore

/// Opening a snapshot copies the columns it keeps out of the file's mapping and gives the
/// mapping's pages back as it goes (MappedSnapshot.release), so the process holds the
/// columns once, not twice — and still reads every byte right.
struct SnapshotPagesTests {
    /// Resident kilobytes of the mapping that starts at `base`, from /proc/self/smaps.
    static func residentKB(ofMappingAt base: UnsafeRawPointer) -> Int? {
        let start = String(UInt(bitPattern: base), radix: 16)
        // Read to the end: /proc files report no size, which a whole-file read may trust.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return nil }
        defer { try? handle.close() }
        let lines = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        guard let at = lines.firstIndex(where: { $0.hasPrefix(start + "-") }) else { return nil }
        for line in lines[(at + 1)...] {
            if line.hasPrefix("Rss:") { return Int(line.split(separator: " ")[1]) }
            if line.first?.isHexDigit == true, line.contains("-") { break }
        }
        return nil
    }

    /// A funnel and `n` deals in its first stage.
    static func bigState(deals n: Int) throws -> FunnelState {
        let interpreter = Interpreter(state: FunnelState(), today: SnapshotFileTests.today)
        _ = try SnapshotFileTests.run("funnel Sales { stage Lead probability 10%\n won Won\n lost Lost }\ndeal \"first\" on 2026-03-01\n", interpreter)
        var s = interpreter.state
        let team = s.pool.intern("East"), slot = s.deals.stageSlot[0], funnel = s.deals.funnel[0]
        for i in 0..<n {
            let r = s.deals.appendRow(id: "D-\(i)")
            s.deals.stageSlot[r] = slot
            s.deals.funnel[r] = funnel
            s.deals.amount[r] = Int64(i) * 100
            s.deals.team[r] = team
            s.deals.name[r] = s.pool.intern("Deal number \(i)")
            s.deals.created[r] = Int32(20_000 + i % 300)
        }
        return s
    }

    @Test func decodingFromTheMappingGivesItsPagesBackAndTheSameState() throws {
        let state = try Self.bigState(deals: 60_000)
        guard let bytes = SnapshotCodec.encode(state, header: SnapshotFileTests.header) else { Issue.record("no snapshot form"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("snapshot").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        let file = SnapshotFile(fd: fd, path: path)
        guard let mapped = file.map(), let base = mapped.bytes.baseAddress else { Issue.record("cannot map"); return }
        let decoded = try withExtendedLifetime(mapped) { () -> FunnelState in
            let reader = try SnapshotFileReader(mapped.bytes, mapping: mapped)
            return try SnapshotCodec.decode(reader)
        }
        #expect(Array(decoded.deals.ids) == Array(state.deals.ids))
        #expect(decoded.deals.amount == state.deals.amount)
        #expect(decoded.deals.name == state.deals.name)
        #expect(decoded.deals.team == state.deals.team)
        #expect(decoded.deals.created == state.deals.created)
        #expect(Array(decoded.pool.strings) == Array(state.pool.strings))
        // Of a file of several MiB, what stays resident is the pages shared with small
        // sections and column edges.
        let fileKB = bytes.count / 1024
        let resident = try #require(Self.residentKB(ofMappingAt: base))
        #expect(fileKB > 4000)
        #expect(resident < fileKB / 8, "resident \(resident) kB of a \(fileKB) kB mapping")
    }

    @Test func theChecksumTakenAsTheBytesAreReadIsTheChecksumOfThemAll() {
        var bytes = [UInt8](repeating: 0, count: 3 * (1 << 20) + 37)
        for i in bytes.indices {
            let mixed = (i &* 2_654_435_761) >> 7
            bytes[i] = UInt8(truncatingIfNeeded: mixed)
        }
        bytes.withUnsafeBytes { p in
            let whole = SnapshotFormat.checksum(p)
            // Steps of every size, ending anywhere, some past the end or backwards.
            for steps in [[1], [7, 31, 32, 33], [4096, 1 << 20, 3], [p.count + 5], [100, 50, 5000]] {
                var c = SnapshotFormat.RunningChecksum(p)
                var at = 0
                while at < p.count {
                    for s in steps { at = min(p.count, at + s); c.advance(to: at) }
                    c.advance(to: at - 17)
                }
                #expect(c.finish() == whole, "steps \(steps)")
            }
            // A section shorter than one group of lanes.
            let short = UnsafeRawBufferPointer(rebasing: p[0..<29])
            var c = SnapshotFormat.RunningChecksum(short)
            #expect(c.finish() == SnapshotFormat.checksum(short))
            // One flipped byte anywhere changes it.
            var flipped = Array(p)
            flipped[2 * (1 << 20) + 5] ^= 1
            #expect(SnapshotFormat.checksum(flipped) != whole)
        }
    }
}
