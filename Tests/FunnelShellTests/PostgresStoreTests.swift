import Foundation
import Testing
@testable import FunnelCore

/// The team store through the real executable: init, migrate, copy and verify; the same
/// figures as a directory store; roles; masked passwords; faults; many clients at once; the
/// local cache. Each test has a database (and caches) of its own.
@Suite(.enabled(if: PostgresCluster.enabled))
struct PostgresStoreTests {
    static let setup = StoreSafetyTests.setup

    /// Runs funnel with a cache folder of its own under `scratch` (as on one machine).
    static func funnel(_ arguments: [String], cache: URL, stdin: String? = nil) throws -> FunnelProcess.Result {
        try FunnelProcess.run(arguments, stdin: stdin, environment: ["XDG_CACHE_HOME": cache.path])
    }

    struct Team {
        let cluster: PostgresCluster
        let url: String
        let database: String
        let scratch: URL

        init(cluster: PostgresCluster? = nil) throws {
            self.cluster = try cluster ?? PostgresCluster.sharedCluster()
            url = try self.cluster.newDatabase()
            database = String(url.split(separator: "/").last ?? "")
            scratch = try FunnelProcess.temporaryDirectory()
        }

        func run(_ arguments: [String], cache: String = "cache", url: String? = nil, stdin: String? = nil) throws -> FunnelProcess.Result {
            try PostgresStoreTests.funnel(["--store", url ?? self.url] + arguments, cache: scratch.appendingPathComponent(cache), stdin: stdin)
        }

        func sql(_ text: String) throws -> String { try cluster.psql(database, text).trimmingCharacters(in: .whitespacesAndNewlines) }

        func remove() { try? FileManager.default.removeItem(at: scratch) }
    }

    @Test func initCreatesTheSchemaOnceAndQueriesGiveTheFileStoresFigures() throws {
        let team = try Team()
        defer { team.remove() }
        let before = try team.run(["-c", "count deals"])
        #expect(before == .init(stdout: "", stderr: """
            error[S042]: \(team.url) holds no funnel store yet
            help: create it with `funnel init --store '\(team.url)'`

            """, exitCode: 74))
        #expect(try team.run(["init"]) == .init(stdout: "\(team.url): created the funnel store (schema version 1)\n", stderr: "", exitCode: 0))
        #expect(try team.run(["init"]).stdout == "\(team.url): the funnel store is at schema version 1; nothing to do\n")
        #expect(try team.run(["migrate"]).stdout == "\(team.url): the funnel store is at schema version 1; nothing to do\n")
        #expect(try team.run(["-c", Self.setup]).exitCode == 0)
        #expect(try team.run(["-c", "move deal \"d1\" to B on 2026-02-01"]).exitCode == 0)
        let local = team.scratch.appendingPathComponent("local.store").path
        // The same two entries as on the team store, so `history of deal` names the same lines.
        #expect(try FunnelProcess.run(["--store", local, "-c", Self.setup]).exitCode == 0)
        #expect(try FunnelProcess.run(["--store", local, "-c", "move deal \"d1\" to B on 2026-02-01"]).exitCode == 0)
        for query in ["pipeline", "count deals by stage", "history of deal \"d1\""] {
            let shared = try team.run(["-c", query])
            #expect(shared == (try FunnelProcess.run(["--store", local, "-c", query])))
            #expect(shared.exitCode == 0)
        }
        let failing = try team.run(["-c", "win deal \"nope\""])
        #expect(failing == (try FunnelProcess.run(["--store", local, "-c", "win deal \"nope\""])))
        #expect(failing.exitCode == 1)
        #expect(try team.run(["verify"]) == .init(stdout: "\(team.url): 3 events in 2 commits; no problems\n", stderr: "", exitCode: 0))
        // What the URL leaves out comes from libpq's PG* variables; FUNNEL_STORE works like --store.
        let fromEnvironment = try FunnelProcess.run(["--format", "csv", "-c", "count deals"], environment: [
            "FUNNEL_STORE": "postgres:///\(team.database)", "PGHOST": team.cluster.socketFolder, "PGUSER": "postgres",
            "XDG_CACHE_HOME": team.scratch.appendingPathComponent("env-cache").path])
        #expect(fromEnvironment == .init(stdout: "deals\n1\n", stderr: "", exitCode: 0))
        #expect(try team.sql("SELECT seq, on_date, type, commit_seq FROM funnel.events ORDER BY seq") ==
                "1|2026-03-15|declare|2\n2|2026-01-01|deal|2\n3|2026-02-01|move|3")
    }

    @Test func aNewerSchemaIsRefusedAndAnUnknownDatabaseIsNamed() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        _ = try team.sql("UPDATE funnel.meta SET value = '2' WHERE name = 'schema'")
        let help = "help: upgrade funnel on this machine; every client of a team store must be as new as its schema\n"
        let message = "error[S043]: \(team.url) holds a funnel store of schema version 2, newer than this funnel knows (1)\n" + help
        #expect(try team.run(["-c", "count deals"]) == .init(stdout: "", stderr: message, exitCode: 74))
        #expect(try team.run(["migrate"]) == .init(stdout: "", stderr: message, exitCode: 74))
        #expect(try team.run(["-c", Self.setup]).exitCode == 74)
        #expect(try team.sql("SELECT count(*) FROM funnel.events") == "0")
        let gone = team.cluster.url("no_such_db")
        let r = try team.run(["-c", "count deals"], url: gone)
        #expect(r.exitCode == 74)
        #expect(r.stderr == """
            error[S040]: cannot connect to \(gone) (host \(team.cluster.socketFolder)): connection to server on socket "\(team.cluster.socketFolder)/.s.PGSQL.5432" failed: FATAL:  database "no_such_db" does not exist
            help: check the URL, that the server is running, and the role's password (~/.pgpass or PGPASSWORD)

            """)
        let dir = try team.run(["init"], url: team.scratch.appendingPathComponent("d.store").path)
        #expect(dir.exitCode == 64)
        #expect(dir.stderr.hasPrefix("error[F010]: \(team.scratch.appendingPathComponent("d.store").path) is a directory store; `funnel init` is for a team store on PostgreSQL\n"))
    }

    @Test func copyMovesAFileStoreIntoTheDatabaseAndBack() throws {
        let team = try Team()
        defer { team.remove() }
        let maven = FunnelProcess.packageRoot.appendingPathComponent("examples/maven")
        let local = team.scratch.appendingPathComponent("maven.store").path
        let imported = try FunnelProcess.run(["run", "--store", local, "setup.funnel", "import.funnel"], cwd: maven)
        #expect(imported.exitCode == 0)
        #expect(try team.run(["init"]).exitCode == 0)
        let there = try FunnelProcess.run(["copy", "--from", local, "--to", team.url])
        #expect(there == .init(stdout: "copied 5 events in 2 commits and 4 segments from \(local) to \(team.url)\n", stderr: "", exitCode: 0))
        #expect(try team.run(["verify"]).stdout == "\(team.url): 5 events in 2 commits, 4 segments; no problems\n")
        let query = "count deals by stage"
        #expect(try team.run(["-c", query]) == (try FunnelProcess.run(["--store", local, "-c", query])))
        let back = team.scratch.appendingPathComponent("back.store").path
        #expect(try FunnelProcess.run(["copy", "--from", team.url, "--to", back]).exitCode == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back + "/journal.jsonl")) == Data(contentsOf: URL(fileURLWithPath: local + "/journal.jsonl")))
        #expect(try FunnelProcess.run(["verify", "--store", back]).stdout == "\(back): 5 events in 2 commits, 4 segments; no problems\n")
        // A damaged segment in the database is found by verify and by a query.
        _ = try team.sql("UPDATE funnel.segments SET bytes = overlay(bytes placing '\\x00'::bytea from 20) WHERE name = (SELECT min(name) FROM funnel.segments)")
        let damaged = try team.run(["verify"])
        #expect(damaged.exitCode == 74)
        #expect(damaged.stderr.hasPrefix("error[S021]: segment "))
        #expect(damaged.stderr.contains(" in \(team.url) is damaged: its checksum is "))
        #expect(damaged.stdout == "\(team.url): 5 events in 2 commits, 4 segments; 1 problem(s)\n")
    }

    @Test func aReadOnlyRoleQueriesAndIsRefusedAnyWrite() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        #expect(try team.run(["-c", Self.setup]).exitCode == 0)
        let role = "analyst_\(team.database)"
        _ = try team.sql("""
            CREATE ROLE \(role) LOGIN PASSWORD 's3cret';
            GRANT USAGE ON SCHEMA funnel TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA funnel TO \(role);
            """)
        let analyst = team.url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role):s3cret@")
        let masked = team.url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role):***@")
        let count = try team.run(["--format", "csv", "-c", "count deals"], cache: "analyst", url: analyst)
        #expect(count == .init(stdout: "deals\n1\n", stderr: "", exitCode: 0))
        let before = try team.sql("SELECT count(*) FROM funnel.events")
        for write in ["deal \"d2\" in F { amount: 5k }", "move deal \"d1\" to B", "check rules"] {
            let r = try team.run(["-c", write], cache: "analyst", url: analyst)
            #expect(r == .init(stdout: "", stderr: """
                error[S044]: cannot write to \(masked): role "\(role)" may only read this store; nothing was changed
                help: queries work with this role; to record changes, connect as a role granted INSERT on funnel.events and funnel.segments

                """, exitCode: 74))
        }
        #expect(try team.sql("SELECT count(*) FROM funnel.events") == before)
        #expect(try team.run(["verify"], cache: "analyst", url: analyst).stdout == "\(masked): 2 events in 1 commits; no problems\n")
        #expect(try team.run(["-c", "pipeline"], cache: "analyst", url: analyst + "?sslmode=disable&password=s3cret").exitCode == 0)
        let wrong = try team.run(["-c", "count deals"], cache: "analyst", url: analyst.replacingOccurrences(of: "/\(team.database)", with: "/nope") + "?password=s3cret")
        #expect(!wrong.stderr.contains("s3cret"))
        #expect(wrong.stderr.contains("\(role):***@"))
        #expect(wrong.stderr.contains("?password=***"))
    }

    /// The REPL's banner and its history file never hold a password from a URL.
    @Test func theReplMasksPasswordsInItsBannerAndHistory() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        let secret = team.url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:pa55word@")
        let masked = team.url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:***@")
        let history = team.scratch.appendingPathComponent("history")
        let p = try PTYProcess(executable: FunnelProcess.executable.path, arguments: ["--store", secret],
                               environment: ["TERM": "dumb", "NO_COLOR": "1", "HOME": team.scratch.path, "FUNNEL_HISTORY": history.path,
                                             "FUNNEL_TODAY": "2026-03-15", "XDG_CACHE_HOME": team.scratch.appendingPathComponent("cache").path],
                               columns: 200, rows: 40)
        let banner = PTYProcess.plain(try p.expect("type .help for help, .quit to leave"))
        #expect(banner.contains("— store \(masked) —"))
        try p.expect("funnel> ")
        try p.send(".open \(secret)\r")
        try p.expect("funnel> ")
        try p.send("count deals\r")
        try p.expect("funnel> ")
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
        let kept = try String(contentsOf: history, encoding: .utf8)
        #expect(kept.contains(".open \(masked)"))
        #expect(!kept.contains("pa55word"))
    }

    /// README's backup: pg_dump, pg_restore into a new database, and verify passes there
    /// with the same figures.
    @Test func aBackupWithPgDumpRestoresAndVerifies() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        #expect(try team.run(["-c", Self.setup + "move deal \"d1\" to B"]).exitCode == 0)
        let bin = try #require(PostgresCluster.binaries)
        let dump = team.scratch.appendingPathComponent("sales.dump").path
        let socket = team.cluster.socketFolder
        try PostgresCluster.shell([bin + "/pg_dump", "-h", socket, "-U", "postgres", "-Fc", "-f", dump, team.database])
        let restored = team.database + "_restored"
        try PostgresCluster.shell([bin + "/createdb", "-h", socket, "-U", "postgres", restored])
        try PostgresCluster.shell([bin + "/pg_restore", "-h", socket, "-U", "postgres", "-d", restored, dump])
        let copy = team.cluster.url(restored)
        #expect(try team.run(["verify"], url: copy) == .init(stdout: "\(copy): 3 events in 1 commits; no problems\n", stderr: "", exitCode: 0))
        #expect(try team.run(["-c", "pipeline"], url: copy) == (try team.run(["-c", "pipeline"])))
    }

    /// Deletions, restores and undos on a team store: verify lists what they took back, as it
    /// does for a directory, and history of deal shows them the same way on both.
    @Test func verifyListsWhatWasTakenBackAsTheFileStoreDoes() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        let local = team.scratch.appendingPathComponent("local.store").path
        let steps = [Self.setup, "delete deal \"d1\" because \"a test\"", "restore deal \"d1\"", "set deal \"d1\" amount = 12k"]
        for step in steps {
            #expect(try team.run(["-c", step]).exitCode == 0)
            #expect(try FunnelProcess.run(["--store", local, "-c", step]).exitCode == 0)
        }
        #expect(try team.run(["undo", "--last-run", "--yes"]).exitCode == 0)
        #expect(try FunnelProcess.run(["--store", local, "undo", "--last-run", "--yes"]).exitCode == 0)
        let takenBack = """
            taken back: event 3: deal "d1" deleted on 2026-03-15 because a test
            taken back: event 4: deal "d1" restored on 2026-03-15
            taken back: event 6: events 5 to 5 undone on 2026-03-15

            """
        #expect(try team.run(["verify"]) == .init(stdout: "\(team.url): 6 events in 5 commits; no problems\n" + takenBack, stderr: "", exitCode: 0))
        #expect(try FunnelProcess.run(["verify", "--store", local]).stdout == "\(local): 6 events in 5 commits; no problems\n" + takenBack)
        let history = try team.run(["-c", "history of deal \"d1\""], cache: "fresh")
        #expect(history == (try FunnelProcess.run(["--store", local, "-c", "history of deal \"d1\""])))
        #expect(history.stdout == """
            at          field     old              new     days_in_previous  forced_reason  recorded_by
            ----------  --------  ---------------  ------  ----------------  -------------  ----------------------
            2026-01-01  stage     -                A                      -  -              <command line>:7
            2026-03-15  deleted   -                a test                 -  -              <command line>:1
            2026-03-15  restored  -                -                      -  -              <command line>:1
            2026-03-15  undone    amount = 12,000  -                      -  -              funnel undo --last-run

            """)
    }

    /// A row deleted by hand from the events table stops readers and is listed by verify.
    @Test func aGapInTheEventsTableIsDamageNamedByItsSeq() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["migrate"]) == .init(stdout: "", stderr: """
            error[S042]: \(team.url) holds no funnel store yet
            help: create it with `funnel init --store '\(team.url)'`

            """, exitCode: 74))
        #expect(try team.run(["init"]).exitCode == 0)
        #expect(try team.run(["-c", Self.setup]).exitCode == 0)
        #expect(try team.run(["-c", "move deal \"d1\" to B"]).exitCode == 0)
        #expect(try team.run(["-c", "set deal \"d1\" owner = \"x\""]).exitCode == 0)
        _ = try team.sql("DELETE FROM funnel.events WHERE seq = 3")
        let damage = """
            error[S001]: \(team.url): event 4: damaged: expected seq 3, found 4
            help: run `funnel verify`; the events table must only be written by funnel; restore it from a backup (pg_dump)

            """
        #expect(try team.run(["-c", "count deals"], cache: "fresh") == .init(stdout: "", stderr: damage, exitCode: 74))
        // A cache that still holds the deleted row does not hide the damage.
        #expect(try team.run(["-c", "count deals"]) == .init(stdout: "", stderr: damage, exitCode: 74))
        #expect(try team.run(["verify"]) == .init(stdout: "\(team.url): 3 events in 2 commits; 1 problem(s)\n", stderr: damage, exitCode: 74))
    }

    /// The roles in README's "For a team", run as written: a rep records, an analyst reads.
    @Test func theReadmeRolesWorkAsWritten() throws {
        let team = try Team()
        defer { team.remove() }
        let readme = try String(contentsOf: FunnelProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## For a team").dropFirst().first)
        let sql = try #require(section.components(separatedBy: "```sql\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(sql.contains("GRANT INSERT ON funnel.events, funnel.segments TO reps;"))
        #expect(try team.run(["init"]).exitCode == 0)
        _ = try team.sql(sql)
        let rep = team.cluster.url(team.database, user: "li.wei"), analyst = team.cluster.url(team.database, user: "ana")
        #expect(try team.run(["-c", Self.setup], cache: "rep", url: rep) == .init(stdout: "", stderr: "", exitCode: 0))
        #expect(try team.run(["--format", "csv", "-c", "count deals"], cache: "ana", url: analyst).stdout == "deals\n1\n")
        #expect(try team.run(["-c", "win deal \"d1\""], cache: "ana", url: analyst).stderr.hasPrefix("error[S044]: cannot write to \(analyst): role \"ana\" may only read this store; nothing was changed\n"))
        #expect(try team.sql("SELECT DISTINCT committed_by FROM funnel.events") == "li.wei")
    }

    /// The server stops while a run waits to write its events (after its segments): the run
    /// is rolled back and says so; once the server is back, the next command works.
    @Test func theServerGoingAwayMidRunRollsItBack() throws {
        let cluster = try PostgresCluster()
        defer { try? cluster.stop() }
        let team = try Team(cluster: cluster)
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        #expect(try team.run(["-c", Self.setup]).exitCode == 0)
        // A long-lived client (the REPL) connected before the outage.
        let client = PostgresStore(url: team.url)
        let seen = try client.readCommitted(after: 0)
        #expect(seen.events.count == 2)
        let csv = team.scratch.appendingPathComponent("deals.csv")
        try "id,amount\nx1,100\nx2,200\n".write(to: csv, atomically: true, encoding: .utf8)
        // Another session holds a lock that lets the run read and write its segment but
        // makes it wait at the events table.
        let blocker = try PsqlSession(cluster: cluster, database: team.database)
        try blocker.send("BEGIN; LOCK TABLE funnel.events IN EXCLUSIVE MODE; SELECT 'locked';")
        try blocker.waitForOutput("locked")
        let script = "import deals from \"\(csv.path)\" into F (id = id, amount = amount)\nmove deal \"d1\" to B"
        // Spawned and reaped by hand, on this thread: nothing else has to notice it ending.
        let running = try SpawnedFunnel(["--store", team.url, "-c", script], environment: ["XDG_CACHE_HOME": team.scratch.appendingPathComponent("cache").path])
        var waiting = false
        for _ in 0..<200 where !waiting {
            waiting = (try? cluster.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO funnel.events%'").hasPrefix("1")) ?? false
            if !waiting { usleep(50_000) }
        }
        #expect(waiting)
        try cluster.stop()
        let result: FunnelProcess.Result? = try running.wait()
        blocker.close()
        #expect(result?.exitCode == 74)
        #expect(result?.stderr.hasPrefix("error[S041]: cannot commit to \(team.url): the connection to the server was lost (") == true)
        #expect(result?.stderr.hasSuffix("); the run was rolled back, nothing of it was kept\nhelp: run it again once the server is back\n") == true)
        let down = try team.run(["-c", "count deals"])
        #expect(down.exitCode == 74)
        #expect(down.stderr.hasPrefix("error[S040]: cannot connect to \(team.url) (host \(cluster.socketFolder)): connection to server on socket \"\(cluster.socketFolder)/.s.PGSQL.5432\" failed: No such file or directory"))
        try cluster.start()
        // Its broken connection is made again on its next read.
        let after = try client.readCommitted(after: seen.position)
        #expect(after.events.isEmpty)
        #expect(after.position == 2)
        #expect(try team.sql("SELECT count(*) FROM funnel.events") == "2")
        #expect(try team.sql("SELECT count(*) FROM funnel.segments") == "0")
        #expect(try team.run(["--format", "csv", "-c", "count deals by stage"]).stdout == "stage,deals\nA,1\n")
        #expect(try team.run(["-c", script]).exitCode == 0)
        #expect(try team.run(["--format", "csv", "-c", "count deals by stage"]).stdout == "stage,deals\nA,2\nB,1\n")
        #expect(try team.run(["verify"]).stdout == "\(team.url): 4 events in 2 commits, 1 segment; no problems\n")
    }

    /// Eight writers with caches of their own (as on eight machines) doing small runs while
    /// two readers query: every run arrives once, in one piece, and readers never see half.
    @Test func eightWritersAndTwoReadersAtOnce() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        #expect(try team.run(["-c", "funnel F { stage A probability 10%\nstage B probability 50%\nwon W\nlost L }"]).exitCode == 0)
        let runsPerWriter = 12
        let failures = Counter()
        let halfRuns = Counter()
        let group = DispatchGroup()
        let writing = Counter()
        for w in 0..<8 {
            DispatchQueue.global().async(group: group) {
                for i in 0..<runsPerWriter {
                    // Two deals per run: a reader counting an odd number saw half a run.
                    let r = try? team.run(["-c", "deal \"w\(w)-\(i)a\" in F { amount: 1 }\ndeal \"w\(w)-\(i)b\" in F { amount: 1 }"], cache: "writer\(w)")
                    if r?.exitCode != 0 { failures.increment() }
                }
                writing.increment()
            }
        }
        for reader in 0..<2 {
            DispatchQueue.global().async(group: group) {
                while writing.value < 8 {
                    guard let r = try? team.run(["--format", "csv", "-c", "count deals"], cache: "reader\(reader)"), r.exitCode == 0,
                          let n = Int(r.stdout.split(separator: "\n").last ?? "") else {
                        failures.increment()
                        continue
                    }
                    if n % 2 != 0 { halfRuns.increment() }
                }
            }
        }
        group.wait()
        #expect(failures.value == 0)
        #expect(halfRuns.value == 0)
        let total = 8 * runsPerWriter
        #expect(try team.sql("SELECT count(*), count(DISTINCT commit_seq), min(seq), max(seq) FROM funnel.events") == "\(2 * total + 1)|\(total + 1)|1|\(2 * total + 1)")
        // Each run's two deals are neighbours: no run was interleaved with another (the second
        // is the first with its id and its script line, "src", changed).
        #expect(try team.sql("SELECT count(*) FROM funnel.events a JOIN funnel.events b ON b.seq = a.seq + 1 WHERE a.type = 'deal' AND a.data LIKE '%a\"%' AND b.data = replace(replace(a.data, 'a\"', 'b\"'), ':1\"', ':2\"')") == "\(total)")
        // Every writer's runs in the order it made them.
        for w in 0..<8 {
            let order = try team.sql("SELECT string_agg(data::json->>'id', ',' ORDER BY seq) FROM funnel.events WHERE data LIKE '%\"w\(w)-%'")
            #expect(order == (0..<runsPerWriter).map { "w\(w)-\($0)a,w\(w)-\($0)b" }.joined(separator: ","))
        }
        // A writer whose cache is behind catches up on its next command.
        #expect(try team.run(["--format", "csv", "-c", "count deals"], cache: "writer0").stdout == "deals\n\(2 * total)\n")
        #expect(try team.run(["verify"]).stdout == "\(team.url): \(2 * total + 1) events in \(total + 1) commits; no problems\n")
    }

    /// The cache holds the committed events; a client reads only what is newer, and a cache
    /// that does not match the database is rebuilt without a word.
    @Test func theLocalCacheCatchesUpAndIsRebuiltWhenItDoesNotMatch() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        #expect(try team.run(["-c", Self.setup], cache: "a").exitCode == 0)
        let storeID = try team.sql("SELECT value FROM funnel.meta WHERE name = 'store_id'")
        let oid = try team.sql("SELECT oid FROM pg_database WHERE datname = current_database()")
        let cached = team.scratch.appendingPathComponent("b/funnel/\(storeID)-\(oid)/journal.jsonl")
        func cachedSeqs() throws -> [Int64] {
            guard FileManager.default.fileExists(atPath: cached.path) else { return [] }
            return try FileStore(directory: cached.deletingLastPathComponent().path).readCommitted(after: 0).events.map(\.seq)
        }
        let count = ["--format", "csv", "-c", "count deals"]
        #expect(try team.run(count, cache: "b").stdout == "deals\n1\n")
        #expect(try cachedSeqs() == [1, 2])
        #expect(try team.run(["-c", "deal \"d2\" in F { amount: 1 }"], cache: "a").exitCode == 0)
        #expect(try team.run(count, cache: "b").stdout == "deals\n2\n")
        #expect(try cachedSeqs() == [1, 2, 3])
        // Damage: the cache is refilled from the database.
        try Data("garbage\n".utf8).write(to: cached)
        #expect(try team.run(count, cache: "b") == .init(stdout: "deals\n2\n", stderr: "", exitCode: 0))
        #expect(try cachedSeqs() == [1, 2, 3])
        // The database lost events the cache holds (restored from an older backup).
        _ = try team.sql("DELETE FROM funnel.events WHERE seq = 3")
        #expect(try team.run(count, cache: "b") == .init(stdout: "deals\n1\n", stderr: "", exitCode: 0))
        #expect(try cachedSeqs() == [1, 2])
        // Different content at the same seq: the cache's last event must match the database's.
        _ = try team.sql("UPDATE funnel.events SET data = replace(data, '10000', '20000') WHERE seq = 2")
        #expect(try team.run(["--format", "csv", "-c", "sum amount"], cache: "b").stdout == "sum\n20000\n")
    }

    /// A client that opened a large store before keeps its snapshot in its cache: it reads the
    /// state from there and only the events since from the server, with the server's figures.
    /// A snapshot of events the database no longer holds is not used.
    @Test func theSnapshotInTheLocalCacheIsUsedOnlyWhileTheDatabaseHoldsItsEvents() throws {
        let team = try Team()
        defer { team.remove() }
        #expect(try team.run(["init"]).exitCode == 0)
        var csv = "id,amount\n"
        for i in 0..<30_000 { csv += "P-\(i),\(i % 100 + 1)\n" }
        let file = team.scratch.appendingPathComponent("deals.csv")
        try Data(csv.utf8).write(to: file)
        #expect(try team.run(["-c", Self.setup], cache: "a").exitCode == 0)
        let r = try team.run(["-c", "import deals from \"\(file.path)\" into F (id = id, amount = amount)"], cache: "a")
        #expect(r.exitCode == 0, "\(r.stderr)")
        let storeID = try team.sql("SELECT value FROM funnel.meta WHERE name = 'store_id'")
        let oid = try team.sql("SELECT oid FROM pg_database WHERE datname = current_database()")
        let cache = team.scratch.appendingPathComponent("a/funnel/\(storeID)-\(oid)")
        // The import was large enough for its writer to leave a snapshot in its cache.
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent("snapshot").path))
        let query = ["--format", "csv", "-c", "count deals\nsum amount"]
        // 30,000 deals of 1..100 each: 300 rounds of 5,050, plus the setup's deal of 10,000.
        let figures = "deals\n30001\nsum\n1525000\n"
        #expect(try team.run(query, cache: "fresh").stdout == figures)
        // Another client's run: the snapshot's owner reads just that tail.
        #expect(try team.run(["-c", "deal \"N-1\" in F { amount: 5 }"], cache: "b").exitCode == 0)
        #expect(try team.run(query, cache: "a").stdout == "deals\n30002\nsum\n1525005\n")
        // Proof that the snapshot is read: with every copy of the segment damaged, a client
        // that must replay fails, and the one with the snapshot answers.
        _ = try team.sql("UPDATE funnel.segments SET bytes = 'damaged'::bytea")
        try FileManager.default.removeItem(at: cache.appendingPathComponent("segments"))
        #expect(try team.run(query, cache: "fresh2").exitCode == 74)
        #expect(try team.run(query, cache: "a") == .init(stdout: "deals\n30002\nsum\n1525005\n", stderr: "", exitCode: 0))
        // The database restored from a backup taken before the import: the snapshot is of
        // events it does not hold, so it is not used, and the figures are the database's.
        _ = try team.sql("DELETE FROM funnel.events WHERE seq >= 3")
        #expect(try team.run(query, cache: "a") == .init(stdout: "deals\n1\nsum\n10000\n", stderr: "", exitCode: 0))
    }

    /// TLS is what libpq's `sslmode` says: `require` encrypts, `verify-full` also checks the
    /// server's certificate against `sslrootcert`; a server that takes only TLS refuses a plain
    /// connection, and each refusal names the host and libpq's reason (exit 74).
    @Test func tlsIsWhatSslmodeAsksFor() throws {
        let cluster = try PostgresCluster(tls: true)
        let scratch = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        try cluster.psql("postgres", "CREATE DATABASE tls")
        func run(_ query: String, _ arguments: [String]) throws -> FunnelProcess.Result {
            try PostgresStoreTests.funnel(["--store", cluster.tlsURL("tls", query)] + arguments, cache: scratch.appendingPathComponent("cache"))
        }
        let count = ["--format", "csv", "-c", "count deals"]
        #expect(try run("sslmode=require", ["init"]).exitCode == 0)
        #expect(try run("sslmode=require", ["-c", Self.setup]).exitCode == 0)
        #expect(try run("sslmode=verify-full&sslrootcert=\(cluster.folder)/ca.crt", count) == .init(stdout: "deals\n1\n", stderr: "", exitCode: 0))
        let port = cluster.tlsPort ?? 0
        // The server takes no plain TCP connection, so the sessions above were encrypted.
        #expect(try run("sslmode=disable", count) == .init(stdout: "", stderr: """
            error[S040]: cannot connect to postgresql://postgres@localhost:\(port)/tls?sslmode=disable (host localhost): \
            connection to server at "localhost" (127.0.0.1), port \(port) failed: FATAL:  pg_hba.conf rejects connection \
            for host "127.0.0.1", user "postgres", database "tls", no encryption
            help: the server takes this connection only over TLS: add ?sslmode=require (or verify-full) to the URL

            """, exitCode: 74))
        let other = "\(cluster.folder)/other-ca.crt"
        #expect(try run("sslmode=verify-full&sslrootcert=\(other)", count) == .init(stdout: "", stderr: """
            error[S040]: cannot connect to postgresql://postgres@localhost:\(port)/tls?sslmode=verify-full&sslrootcert=\(other) \
            (host localhost): connection to server at "localhost" (127.0.0.1), port \(port) failed: SSL error: certificate verify failed
            help: the server's certificate was not accepted: check sslrootcert (the authority that signed it, else \
            ~/.postgresql/root.crt) and that the URL's host is the name in the certificate

            """, exitCode: 74))
        try cluster.stop()
    }
}

/// A psql process kept open, to hold a lock while the test does something else.
final class PsqlSession {
    let process = Process()
    let input = Pipe()
    let output: URL

    init(cluster: PostgresCluster, database: String) throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-psql-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let bin = PostgresCluster.binaries ?? "/usr/bin"
        process.executableURL = URL(fileURLWithPath: bin + "/psql")
        process.arguments = ["-X", "-q", "-A", "-t", "-h", cluster.socketFolder, "-U", "postgres", "-d", database]
        process.standardInput = input
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func send(_ sql: String) throws { input.fileHandleForWriting.write(Data((sql + "\n").utf8)) }

    func waitForOutput(_ text: String) throws {
        for _ in 0..<200 {
            if (try? String(contentsOf: output, encoding: .utf8))?.contains(text) == true { return }
            usleep(50_000)
        }
        throw PostgresCluster.Failure(description: "psql never printed \(text)")
    }

    /// psql leaves at the end of its input; waiting for it is bounded, so a missed exit
    /// notice cannot hang the test.
    func close() {
        try? input.fileHandleForWriting.close()
        for _ in 0..<100 where process.isRunning { usleep(50_000) }
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: output)
    }
}

/// The funnel executable started with posix_spawn and waited for with waitpid.
struct SpawnedFunnel {
    let pid: pid_t
    let out: String, err: String

    init(_ arguments: [String], environment: [String: String]) throws {
        let dir = try FunnelProcess.temporaryDirectory().path
        out = dir + "/stdout"; err = dir + "/stderr"
        var env = ProcessInfo.processInfo.environment
        env["FUNNEL_TODAY"] = "2026-03-15"; env["NO_COLOR"] = "1"
        env.removeValue(forKey: "FUNNEL_STORE")
        for (k, v) in environment { env[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        FunnelProcess.closeInheritedDescriptors(&actions)
        let executable = FunnelProcess.executable.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for a in argv + envp { free(a) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard r == 0 else { throw PostgresCluster.Failure(description: "cannot start funnel: \(String(cString: strerror(r)))") }
        self.pid = pid
    }

    func wait() throws -> FunnelProcess.Result {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        return FunnelProcess.Result(stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                                    stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
                                    exitCode: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
    }
}
