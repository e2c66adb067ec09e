#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client's local copy of a team store's committed events and segments: a file store in
/// `ROOT/STOREID-DBOID` (ROOT is `$XDG_CACHE_HOME/funnel`, else `~/.cache/funnel`), keyed by
/// the store's identity (the id `funnel init` gives it and the database's oid), so two
/// databases never share a cache. Opening a team store then reads the cached events from the
/// local disk and only the tail since from the server.
///
/// It is only a copy: every failure here is swallowed, a cache that does not match the
/// database is emptied and refilled, and the database stays the source of truth.
final class PostgresCache {
    let directory: String
    let files: FileStore

    init(root: String, identity: PostgresSchema.Identity) {
        let database = identity.database.prefix(while: { $0 != "-" })
        let key = (identity.storeID + "-" + database).filter { $0.isLetter || $0.isNumber || $0 == "-" }
        var root = Substring(root)
        while root.count > 1, root.hasSuffix("/") { root = root.dropLast() }
        directory = root + "/" + key
        files = FileStore(directory: directory)
        // The cache holds the team's pipeline: only its owner may read it.
        try? FileIO.makeDirectories(FileIO.parentDirectory(String(root)))
        _ = mkdir(String(root), 0o700)
    }

    /// The cached committed events; none when the cache is missing or damaged (then emptied).
    func load() -> [StoreEvent] {
        do {
            return try files.readCommitted(after: 0).events
        } catch {
            clear()
            return []
        }
    }

    /// Appends events that follow the cache's last seq exactly; true when the cache then
    /// holds them. Another client on this machine may have appended them first: that is fine.
    func append(_ events: [StoreEvent], after position: Int64) -> Bool {
        guard let last = events.last else { return true }
        do {
            return try files.withWriterLock {
                let held = try files.lastCommittedSeq()
                if held == last.seq { return true }
                guard held == position else { return false }
                let written = try files.commit(events)
                return written.first?.seq == events.first?.seq && written.last?.seq == last.seq
            }
        } catch {
            return false
        }
    }

    func segment(_ name: String) -> [UInt8]? { try? files.readSegment(name) }

    func storeSegment(_ bytes: [UInt8]) {
        _ = try? files.withWriterLock { try files.writeSegment(bytes) }
    }

    /// Empties the journal; segments stay, since a segment is checked against its name.
    func clear() {
        _ = try? files.withWriterLock {
            let fd = open(files.journalPath, O_WRONLY | O_TRUNC)
            if fd >= 0 { close(fd) }
        }
    }
}
