/// A team store in a PostgreSQL database (docs/store.md, "A team store on PostgreSQL"): the
/// journal is the table `funnel.events`, a run is one database transaction, the writer lock
/// is a transaction-scoped advisory lock, segments live in `funnel.segments`. A reader sees
/// only committed runs because that is what a transaction is.
///
/// Positions are the seq of the last event read. Each client keeps the committed events and
/// segments in a local cache (`PostgresCache`), so opening a store reads only the events
/// committed since. An instance holds one connection and is not thread-safe: give each
/// thread its own.
public final class PostgresStore: Store {
    public let location: String
    let url: String
    let connection: PostgresConnection
    /// The folder under which caches live (`XDG_CACHE_HOME/funnel`); nil: no cache.
    let cacheRoot: String?
    private var identity: PostgresSchema.Identity?
    private var cache: PostgresCache?
    /// The seq up to which the cache holds this database's events, when known to match.
    private var cacheHolds: Int64?
    private var inTransaction = false
    /// The events after a snapshot's seq, read while checking it (`resume(afterSnapshot:)`),
    /// handed out by the next `readCommitted` from that seq.
    private var tailAfterSnapshot: (after: Int64, events: [StoreEvent])?

    public init(url: String, cacheRoot: String? = nil) {
        self.url = url
        self.cacheRoot = cacheRoot
        connection = PostgresConnection(url: url)
        location = connection.location
    }

    /// A database is there once connected to; a missing schema is an error of its own.
    public var exists: Bool { true }

    /// Connects (again, after an outage) and checks the schema.
    func connect() throws {
        if connection.isOpen, identity != nil { return }
        try connection.open()
        let id = try PostgresSchema.identity(connection, url: url)
        if id != identity {
            identity = id
            cache = cacheRoot.map { PostgresCache(root: $0, identity: id) }
            cacheHolds = nil
        }
    }

    // MARK: - Reading

    public func readCommitted(after position: Int64) throws -> (events: [StoreEvent], position: Int64) {
        guard position >= 0 else { throw stale(position) }
        try connect()
        if position == 0, let cache {
            return try readThrough(cache)
        }
        if let read = tailAfterSnapshot, read.after == position {
            tailAfterSnapshot = nil
            remember(read.events, after: position)
            return (read.events, read.events.last?.seq ?? position)
        }
        let tail = try fetch(after: position)
        remember(tail, after: position)
        return (tail, tail.last?.seq ?? position)
    }

    /// The cache's events, checked against the database at the cache's last seq, and the
    /// tail since. A cache that does not match is rebuilt from the database, silently: it
    /// is only a copy.
    private func readThrough(_ cache: PostgresCache) throws -> (events: [StoreEvent], position: Int64) {
        var cached = cache.load()
        if let last = cached.last {
            if let tail = try fetch(after: last.seq, expecting: last) {
                cacheHolds = last.seq
                remember(tail, after: last.seq)
                cached.append(contentsOf: tail)
                return (cached, cached.last?.seq ?? 0)
            }
            cache.clear()
            cached = []
        }
        cacheHolds = 0
        let all = try fetch(after: 0)
        remember(all, after: 0)
        return (all, all.last?.seq ?? 0)
    }

    // MARK: - The snapshot in the local cache

    /// The snapshot lives in the local cache, beside its copy of the events: a client that
    /// opened the store before reads the state from it and only the events since from the
    /// server, as a file store does.
    public var snapshots: FileStore? {
        try? connect()
        return cache?.files
    }

    /// A snapshot matched the cache's copy of the events (SnapshotCache.open); it is used only
    /// if the database still holds, at the snapshot's seq, the very event the cache holds
    /// there, and every event below it, as the cache's own check on opening asks.
    public func resume(afterSnapshot header: SnapshotHeader) throws -> Int64? {
        try connect()
        guard let cache, header.seq > 0 else { return nil }
        let cached = cache.load()
        guard let last = cached.last(where: { $0.seq == header.seq }),
              let tail = try fetch(after: header.seq, expecting: last) else { return nil }
        // The cache grows on from the snapshot only when it ends there; a cache ahead of it
        // (another client on this machine) is left as it is.
        cacheHolds = cached.last?.seq == header.seq ? header.seq : nil
        tailAfterSnapshot = (header.seq, tail)
        return header.seq
    }

    /// Adds events just read or written to the cache when it holds everything before them.
    private func remember(_ events: [StoreEvent], after position: Int64) {
        guard let cache, let holds = cacheHolds, holds == position, let last = events.last else { return }
        cacheHolds = cache.append(events, after: position) ? last.seq : nil
    }

    private func fetch(after position: Int64) throws -> [StoreEvent] {
        guard let events = try fetch(after: position, expecting: nil) else { throw stale(position) }
        return events
    }

    /// The committed events after `position`; nil when the event at `position` is not the
    /// end of a run there (or not `expected`): the cursor no longer fits this database.
    private func fetch(after position: Int64, expecting expected: StoreEvent?) throws -> [StoreEvent]? {
        let rows = try read("""
            SELECT seq, to_char(on_date, 'YYYY-MM-DD'), type, data, commit_seq FROM funnel.events
            WHERE seq >= $1 ORDER BY seq
            """, [.text(String(max(position, 1)))])
        var first = 0
        if position > 0 {
            guard rows.count > 0, rows.int64(0, 0) == position, rows.int64(0, 4) == position else { return nil }
            if let expected {
                guard let found = try? event(rows, 0), found == expected else { return nil }
                // Rows deleted below the cache's last seq (a bad restore, a hand edit) would
                // otherwise hide behind a cache that still holds them.
                let below = try read("SELECT count(*) FROM funnel.events WHERE seq <= $1", [.text(String(position))])
                guard below.int64(0, 0) == position else { return nil }
            }
            first = 1
        }
        var events: [StoreEvent] = []
        events.reserveCapacity(rows.count - first)
        var last = position
        for row in first..<rows.count {
            let e = try event(rows, row)
            guard e.seq == last + 1 else { throw damage(e.seq, "expected seq \(last + 1), found \(e.seq)") }
            last = e.seq
            events.append(e)
        }
        // Runs are committed whole, so the last event read always ends one; a table edited
        // by hand may not.
        if let lastRow = rows.count > first ? rows.count - 1 : nil, rows.int64(lastRow, 4) != last {
            throw damage(last, "its run (commit_seq \(rows.text(lastRow, 4))) does not end with the last event")
        }
        return events
    }

    /// One row as an event, or the damage that stops it from being one.
    func event(_ rows: PostgresRows, _ row: Int) throws -> StoreEvent {
        guard let seq = rows.int64(row, 0) else { throw damage(0, "seq \(rows.text(row, 0)) is not a number") }
        guard let on = Calendar.parseISO(rows.text(row, 1)) else { throw damage(seq, "bad date \"\(rows.text(row, 1))\"") }
        let type = rows.text(row, 2)
        guard !type.isEmpty else { throw damage(seq, "\"type\" is empty") }
        let parsed = rows.withBytes(row, 3) { JSONCoding.parse(ArraySlice($0)) }
        switch parsed {
        case .success(.object(let payload)):
            return StoreEvent(seq: seq, on: on, type: type, payload: payload)
        case .success:
            throw damage(seq, "\"data\" is not an object")
        case .failure(let e):
            throw damage(seq, e.message)
        }
    }

    public func readRuns() throws -> [[StoreEvent]] {
        try connect()
        let rows = try read("SELECT seq, to_char(on_date, 'YYYY-MM-DD'), type, data, commit_seq FROM funnel.events ORDER BY seq")
        var runs: [[StoreEvent]] = []
        var run: [StoreEvent] = []
        var last: Int64 = 0
        for row in 0..<rows.count {
            let e = try event(rows, row)
            guard e.seq == last + 1 else { throw damage(e.seq, "expected seq \(last + 1), found \(e.seq)") }
            last = e.seq
            run.append(e)
            if rows.int64(row, 4) == e.seq {
                runs.append(run)
                run = []
            }
        }
        if !run.isEmpty { throw damage(last, "its run does not end with the last event") }
        return runs
    }

    /// A read outside a run. A connection that broke while idle (the server restarted since
    /// the REPL's last command) is made again and the read repeated once; inside a run the
    /// transaction is gone with it, so the failure stands.
    private func read(_ sql: String, _ parameters: [PostgresConnection.Parameter] = [], binaryResult: Bool = false) throws -> PostgresRows {
        do {
            return try connection.query(sql, parameters, binaryResult: binaryResult)
        } catch {
            guard error.connectionLost, !inTransaction else { throw Self.failure(error, location, doing: "read") }
        }
        try connection.open()
        do {
            return try connection.query(sql, parameters, binaryResult: binaryResult)
        } catch {
            throw Self.failure(error, location, doing: "read")
        }
    }

    func damage(_ seq: Int64, _ reason: String) -> Diagnostic {
        Diagnostic(.io, "S001", "\(location): event \(seq): damaged: \(reason)",
                   help: "run `funnel verify`; the events table must only be written by funnel; restore it from a backup (pg_dump)")
    }

    private func stale(_ position: Int64) -> Diagnostic {
        Diagnostic(.io, "S001", "\(location): cannot continue reading after event \(position): it does not end a run there; the database was changed or replaced",
                   help: "start funnel again to read the store from the beginning")
    }

    // MARK: - Writing

    public func withWriterLock<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try connect()
        let allowed: Bool
        let role: String
        do throws(PostgresConnection.Failure) {
            try connection.query("BEGIN")
            try connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.writerLockKey))")
            let rows = try connection.query("""
                SELECT has_table_privilege('funnel.events', 'INSERT') AND has_table_privilege('funnel.segments', 'INSERT')
                       AND current_setting('transaction_read_only') = 'off', current_user
                """)
            allowed = rows.text(0, 0) == "t"
            role = rows.text(0, 1)
        } catch {
            connection.rollbackQuietly()
            throw Self.failure(error, location, doing: "write")
        }
        guard allowed else {
            connection.rollbackQuietly()
            throw Diagnostic(.io, "S044", "cannot write to \(location): role \"\(role)\" may only read this store; nothing was changed",
                             help: "queries work with this role; to record changes, connect as a role granted INSERT on funnel.events and funnel.segments")
        }
        inTransaction = true
        defer {
            if inTransaction {
                connection.rollbackQuietly()
                inTransaction = false
            }
        }
        return try body()
    }

    public func commit(runs: [[StoreEvent]], segments: [[UInt8]]) throws -> [StoreEvent] {
        guard inTransaction else {
            throw Diagnostic(.runtime, "S005", "internal error: commit to \(location) without holding its writer lock")
        }
        let runs = runs.filter { !$0.isEmpty }
        if runs.isEmpty && segments.isEmpty { return [] }
        for e in runs.joined() {
            guard Calendar.parseISO(Calendar.format(e.on)) == e.on else {
                throw Diagnostic(.io, "S003", "cannot write \(location): event date (day \(e.on)) is outside the years 1-9999")
            }
            guard e.dataDepth < JSONCoding.maxDepth else {
                throw Diagnostic(.io, "S003", "cannot write \(location): event data nests deeper than \(JSONCoding.maxDepth - 1) levels")
            }
        }
        var written: [StoreEvent] = []
        var committing = false
        do throws(PostgresConnection.Failure) {
            for bytes in segments {
                try connection.query("INSERT INTO funnel.segments (name, bytes) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                                     [.text(Segment.name(of: bytes)), .bytes(bytes)])
            }
            let rows = try connection.query("SELECT coalesce(max(seq), 0) FROM funnel.events")
            var seq = rows.int64(0, 0) ?? 0
            for run in runs {
                var numbered: [StoreEvent] = []
                for var e in run {
                    seq += 1
                    e.seq = seq
                    numbered.append(e)
                }
                try insert(numbered, commitSeq: seq)
                written += numbered
            }
            committing = true
            try connection.query("COMMIT")
        } catch {
            inTransaction = false
            connection.rollbackQuietly()
            if committing && error.connectionLost {
                throw Diagnostic(.io, "S041", "\(location): the connection was lost while committing (\(error.message)); the run may or may not have been kept",
                                 help: "when the server is back, look with a query or `funnel verify` before running it again")
            }
            throw Diagnostic(.io, "S041", "cannot commit to \(location): \(Self.describe(error)); the run was rolled back, nothing of it was kept",
                             help: error.connectionLost ? "run it again once the server is back" : nil)
        }
        inTransaction = false
        // The cache holds what the run committed, so its own snapshot can be written from it.
        for bytes in segments { cache?.storeSegment(bytes) }
        if let first = written.first { remember(written, after: first.seq - 1) }
        return written
    }

    /// Many rows per statement: a large run costs a few round trips, not one per event.
    private func insert(_ events: [StoreEvent], commitSeq: Int64) throws(PostgresConnection.Failure) {
        var start = 0
        while start < events.count {
            let batch = events[start..<min(start + 1000, events.count)]
            var sql = "INSERT INTO funnel.events (seq, on_date, type, data, commit_seq) VALUES "
            var parameters: [PostgresConnection.Parameter] = [.text(String(commitSeq))]
            for (k, e) in batch.enumerated() {
                let p = 2 + k * 4
                sql += (k == 0 ? "" : ",") + "($\(p)::bigint,$\(p + 1)::date,$\(p + 2),$\(p + 3),$1::bigint)"
                parameters += [.text(String(e.seq)), .text(Calendar.format(e.on)), .text(e.type), .text(e.dataJSON)]
            }
            try connection.query(sql, parameters)
            start += batch.count
        }
    }

    // MARK: - Segments

    public func readSegment(_ name: String) throws -> [UInt8] {
        guard Segment.parse(name: name) != nil else {
            throw Diagnostic(.io, "S021", "the journal names a segment '\(name)', which is not a segment name",
                             help: "run `funnel verify`; the events table may have been edited by hand")
        }
        try connect()
        if let bytes = cache?.segment(name) { return bytes }
        let rows = try read("SELECT bytes FROM funnel.segments WHERE name = $1", [.text(name)], binaryResult: true)
        guard rows.count == 1 else {
            throw Diagnostic(.io, "S020", "segment \(name) is missing from \(location)",
                             help: "the journal records an import whose rows are in that segment; restore the database from a backup (pg_dump)")
        }
        let bytes = rows.bytes(0, 0)
        if let why = Segment.problem(name: name, bytes: bytes) {
            throw Diagnostic(.io, "S021", "segment \(name) in \(location) is damaged: \(why)",
                             help: "run `funnel verify`; restore the database from a backup (pg_dump)")
        }
        cache?.storeSegment(bytes)
        return bytes
    }

    // MARK: - Failures

    /// A failed statement as a diagnostic; `doing` says what was being done ("read", "write").
    static func failure(_ f: PostgresConnection.Failure, _ location: String, doing: String) -> Diagnostic {
        if f.state == "42501" {
            return Diagnostic(.io, "S044", "cannot \(doing) \(location): \(f.message)",
                              help: "ask the database's owner to grant this role the rights in README, \"For a team\"")
        }
        return Diagnostic(.io, "S041", "cannot \(doing) \(location): \(describe(f))",
                          help: f.connectionLost ? "check that the server is running; the next command connects again" : nil)
    }

    static func describe(_ f: PostgresConnection.Failure) -> String {
        f.connectionLost ? "the connection to the server was lost (\(f.message))" : f.message
    }
}
