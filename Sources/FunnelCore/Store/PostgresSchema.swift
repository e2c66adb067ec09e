/// The tables of a team store, in the database's `funnel` schema (docs/store.md). The
/// schema is versioned: `funnel init` creates the newest, `funnel migrate` applies the steps
/// an older one lacks, and a store newer than this binary is refused rather than misread.
public enum PostgresSchema {
    /// The version this binary reads and writes.
    public static let current = 1

    /// Step N brings a store from version N-1 to N (step 1 creates it).
    static let steps: [[String]] = [
        [
            "CREATE SCHEMA funnel",
            "CREATE TABLE funnel.meta (name text PRIMARY KEY, value text NOT NULL)",
            """
            CREATE TABLE funnel.events (
              seq bigint PRIMARY KEY CHECK (seq > 0),
              on_date date NOT NULL,
              type text NOT NULL CHECK (type <> ''),
              data text NOT NULL,
              commit_seq bigint NOT NULL CHECK (commit_seq >= seq),
              committed_at timestamptz NOT NULL DEFAULT now(),
              committed_by text NOT NULL DEFAULT current_user)
            """,
            "CREATE TABLE funnel.segments (name text PRIMARY KEY, bytes bytea NOT NULL)",
            // Segments are checksummed binary columns: compressing them again gains little.
            "ALTER TABLE funnel.segments ALTER COLUMN bytes SET STORAGE EXTERNAL",
            "INSERT INTO funnel.meta (name, value) VALUES ('store_id', gen_random_uuid()::text)",
        ],
    ]

    /// Writers of any store take this lock (`pg_advisory_xact_lock`) for their whole run;
    /// the key spells "funnel" in ASCII, so it is unlikely to collide with an application's.
    static let writerLockKey = "113723578918252"

    /// What a store's `funnel.meta` says about it.
    struct Identity: Equatable {
        var version: Int
        var storeID: String
        /// The database's oid and name: a cache is only valid for the same database.
        var database: String
    }

    static let identityQuery = """
        SELECT (SELECT value FROM funnel.meta WHERE name = 'schema'),
               (SELECT value FROM funnel.meta WHERE name = 'store_id'),
               (SELECT oid::text || '-' || datname FROM pg_database WHERE datname = current_database())
        """

    /// SQLSTATEs meaning the funnel schema or one of its tables is not there.
    static func isMissing(_ f: PostgresConnection.Failure) -> Bool { f.state == "3F000" || f.state == "42P01" }

    static func missing(_ location: String, url: String) -> Diagnostic {
        Diagnostic(.io, "S042", "\(location) holds no funnel store yet",
                   help: "create it with `funnel init --store '\(StoreAddress.masked(url))'`")
    }

    /// Reads the identity and refuses a schema this binary cannot read.
    static func identity(_ c: PostgresConnection, url: String, allowOlder: Bool = false) throws -> Identity {
        let rows: PostgresRows
        do {
            rows = try c.query(identityQuery)
        } catch {
            if isMissing(error) { throw missing(c.location, url: url) }
            throw PostgresStore.failure(error, c.location, doing: "read")
        }
        guard rows.count == 1, !rows.isNull(0, 0), let version = Int(rows.text(0, 0)), !rows.isNull(0, 1) else {
            throw Diagnostic(.io, "S043", "\(c.location): funnel.meta has no schema version; it is not a funnel store or was damaged",
                             help: "restore the database from a backup (pg_dump)")
        }
        let identity = Identity(version: version, storeID: rows.text(0, 1), database: rows.text(0, 2))
        if version > current {
            throw Diagnostic(.io, "S043", "\(c.location) holds a funnel store of schema version \(version), newer than this funnel knows (\(current))",
                             help: "upgrade funnel on this machine; every client of a team store must be as new as its schema")
        }
        if version < current, !allowOlder {
            throw Diagnostic(.io, "S043", "\(c.location) holds a funnel store of schema version \(version), older than this funnel's (\(current))",
                             help: "upgrade it with `funnel migrate --store '\(StoreAddress.masked(url))'`")
        }
        return identity
    }

    /// What `init` and `migrate` did, for their one line of output.
    public enum Outcome: Equatable, Sendable {
        case created(version: Int)
        case upgraded(from: Int, to: Int)
        case alreadyCurrent(version: Int)
    }

    /// Creates the schema (init) or applies the missing steps (migrate), in one transaction
    /// under the writer lock, so a client mid-run never sees half a schema.
    public static func install(url: String, creating: Bool) throws -> Outcome {
        let c = PostgresConnection(url: url)
        try c.open()
        do throws(PostgresConnection.Failure) {
            try c.query("BEGIN")
            try c.query("SELECT pg_advisory_xact_lock(\(writerLockKey))")
        } catch {
            throw PostgresStore.failure(error, c.location, doing: "write")
        }
        var from = 0
        do {
            from = try identity(c, url: url, allowOlder: true).version
        } catch let d as Diagnostic where d.code == "S042" {
            c.rollbackQuietly()
            guard creating else { throw d }
            do throws(PostgresConnection.Failure) {
                try c.query("BEGIN")
                try c.query("SELECT pg_advisory_xact_lock(\(writerLockKey))")
            } catch {
                throw PostgresStore.failure(error, c.location, doing: "write")
            }
        } catch {
            c.rollbackQuietly()
            throw error
        }
        if from == current {
            c.rollbackQuietly()
            return .alreadyCurrent(version: current)
        }
        if from == 0 && !creating {
            c.rollbackQuietly()
            throw missing(c.location, url: url)
        }
        do throws(PostgresConnection.Failure) {
            for version in (from + 1)...current {
                for sql in steps[version - 1] { try c.query(sql) }
            }
            try c.query("INSERT INTO funnel.meta (name, value) VALUES ('schema', $1) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        [.text(String(current))])
            try c.query("COMMIT")
        } catch {
            c.rollbackQuietly()
            throw PostgresStore.failure(error, c.location, doing: creating ? "create the store in" : "upgrade")
        }
        return from == 0 ? .created(version: current) : .upgraded(from: from, to: current)
    }

    /// The one line `init` and `migrate` print.
    public static func describe(_ outcome: Outcome, at location: String) -> String {
        switch outcome {
        case .created(let v): return "\(location): created the funnel store (schema version \(v))"
        case .upgraded(let from, let to): return "\(location): upgraded the funnel store from schema version \(from) to \(to)"
        case .alreadyCurrent(let v): return "\(location): the funnel store is at schema version \(v); nothing to do"
        }
    }
}
