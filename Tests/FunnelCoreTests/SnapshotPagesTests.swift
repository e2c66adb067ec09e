import Foundation
import Testing
@testable import FunnelCore

/// Opening a snapshot copies the parts it keeps out of the file's mapping and gives the
/// mapping's pages back as it goes (MappedSnapshot.release), so the process holds them
/// once, not twice; deal columns are read where they lie, and only when first used.
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

    /// Counts the replays a decoding asks for, and gives `state` for each.
    final class Replays: @unchecked Sendable {
        let state: FunnelState
        var count = 0
        init(_ state: FunnelState) { self.state = state }
        func replayed() -> FunnelState { count += 1; return state }
    }

    @Test func columnsAreReadInPlaceOnlyWhenUsedAndCopiedPagesAreGivenBack() throws {
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
        let replays = Replays(state)
        let decoded = try withExtendedLifetime(mapped) { () -> FunnelState in
            let reader = try SnapshotFileReader(mapped.bytes, mapping: mapped)
            return try SnapshotCodec.decode(reader, replayed: { replays.replayed() })
        }
        // Opening copied the ids and the pool and gave their pages back; no deal column is read.
        let fileKB = bytes.count / 1024
        #expect(fileKB > 4000)
        #expect(decoded.deals.team.isUnread && decoded.deals.amount.isUnread && decoded.deals.probability.isUnread)
        // The system maps a file's pages a block at a time (up to a whole large folio), so
        // some of the columns' pages next to the copied sections are resident too.
        let before = try #require(Self.residentKB(ofMappingAt: base))
        #expect(before < fileKB / 2, "resident \(before) kB of a \(fileKB) kB mapping")
        #expect(Array(decoded.deals.ids) == Array(state.deals.ids))
        #expect(Array(decoded.pool.strings) == Array(state.pool.strings))

        // The first read maps that one column, checked, and reads it where it lies.
        #expect(decoded.deals.team == state.deals.team)
        #expect(decoded.deals.team.isMapped && !decoded.deals.team.isUnread && decoded.deals.name.isUnread)

        #expect(decoded.deals.amount == state.deals.amount)
        #expect(decoded.deals.name == state.deals.name)
        #expect(decoded.deals.created == state.deals.created)
        #expect(decoded.deals.probability.count == 60_001 && decoded.deals.probability.allSatisfy(\.isNaN))
        #expect(replays.count == 0)

        // A change gives the copy values of its own; the file and the decoded state keep theirs.
        var changed = decoded
        changed.deals.team[0] = Empty.text
        #expect(!changed.deals.team.isMapped && changed.deals.team[0] == Empty.text)
        #expect(decoded.deals.team.isMapped && decoded.deals.team == state.deals.team)
    }

    @Test func aDamagedColumnComesFromTheReplayWhenFirstReadAndTheOthersFromTheFile() throws {
        let state = try Self.bigState(deals: 2_000)
        guard var bytes = SnapshotCodec.encode(state, header: SnapshotFileTests.header) else { Issue.record("no snapshot form"); return }
        let file = try SnapshotFileReader(bytes.withUnsafeBytes { UnsafeRawBufferPointer($0) })
        #expect(file.damage(of: "dtea") == nil)
        // Flip a byte in the middle of the team column's section.
        let teams = try #require(try SnapshotFileReader(bytes.withUnsafeBytes { UnsafeRawBufferPointer($0) }).columnInPlace("dtea", count: 2_001, as: Int32.self))
        let at = bytes.withUnsafeBytes { UnsafeRawPointer(teams.baseAddress!) - $0.baseAddress! } + 4_000
        bytes[at] ^= 0x40
        let replays = Replays(state)
        try bytes.withUnsafeBytes { raw in
            let reader = try SnapshotFileReader(UnsafeRawBufferPointer(raw))
            let damage = try #require(reader.damage(of: "dtea"))
            #expect(damage.description.hasPrefix("section dtea (bytes ") && damage.description.hasSuffix(") fails its checksum"))
            // Read now, the damage is a problem, and the caller rebuilds.
            #expect(throws: damage) { try SnapshotCodec.decode(reader) }
            // Read on first use, the team column comes from the replay, the others from the file.
            let decoded = try SnapshotCodec.decode(reader, replayed: { replays.replayed() })
            #expect(replays.count == 0)
            #expect(decoded.deals.name == state.deals.name)
            #expect(replays.count == 0)
            #expect(decoded.deals.team == state.deals.team)
            #expect(replays.count == 1 && !decoded.deals.team.isMapped)
            #expect(decoded.deals.amount == state.deals.amount && replays.count == 1)
        }
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
