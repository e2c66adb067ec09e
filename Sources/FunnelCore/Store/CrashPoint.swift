#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash injection for the reliability tests (docs/reliability.md), in the manner of SQLite's
/// test hooks: with `FUNNEL_CRASH_AT=NAME` in the environment, the process kills itself with
/// SIGKILL at that point of a write, half-way through the bytes, as `kill -9` or a power cut
/// would. Killing from outside reaches such points only by chance: a snapshot or a run is one
/// `write` of a millisecond or less.
public enum CrashPoint: String, CaseIterable, Sendable {
    /// Half of the snapshot written to its temporary file, before the rename.
    case snapshotHalfWritten = "snapshot-half-written"
    /// Half of a run's lines written to the journal, before the fsync.
    case journalHalfWritten = "journal-half-written"
    /// Half of an import segment written to its temporary file, before the rename.
    case segmentHalfWritten = "segment-half-written"

    static let armed: CrashPoint? = getenv("FUNNEL_CRASH_AT").flatMap { CrashPoint(rawValue: String(cString: $0)) }

    /// Writes `bytes` at `offset`; when this point is armed, only the first half, and then the
    /// process dies.
    static func write(_ point: CrashPoint, _ fd: Int32, path: String, _ bytes: [UInt8], at offset: Int64) throws(FileIO.Failure) {
        guard armed == point else { return try FileIO.write(fd, path: path, bytes, at: offset) }
        try FileIO.write(fd, path: path, Array(bytes.prefix(bytes.count / 2)), at: offset)
        _ = raise(SIGKILL)
    }
}
