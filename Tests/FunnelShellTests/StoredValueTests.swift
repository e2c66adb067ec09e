import Foundation
import Testing

/// Issue 17.1: a value the journal's reader would reject must never be committed. In 0.1.0
/// `set deal "T-1" close_date = 9999-12-31 + 1 days` exited 0, `verify` passed, and from then
/// on every command on the store exited 74 with no way to repair it.
struct StoredValueTests {
    static let setup = """
    field renewal date
    funnel F {
      stage A probability 10%
      stage B probability 50% {
        on enter task "Far away" due 100000 years
      }
      won W
      lost L
    }
    deal "d1" in F { amount: 10k } on 2026-01-01

    """

    @Test func datesPast9999AreRefusedAndTheStoreStaysReadable() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "--today", "2026-03-01", "-c", Self.setup]).exitCode == 0)
        let r = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-01", "--keep-going", "-c", """
            set deal "d1" close_date = 9999-12-31 + 1 days
            set deal "d1" renewal = 0001-01-01 - 1 days
            move deal "d1" to B
            """])
        #expect(r.exitCode == 1)
        #expect(r.stderr == """
            <command line>:1:28: error[R103]: close_date would be 10000-01-01, outside 0001-01-01 to 9999-12-31
             1 | set deal "d1" close_date = 9999-12-31 + 1 days
               |                            ^^^^^^^^^^^^^^^^^^^
            help: funnel keeps dates with four-digit years
            <command line>:2:25: error[R103]: renewal would be 0000-12-31, outside 0001-01-01 to 9999-12-31
             2 | set deal "d1" renewal = 0001-01-01 - 1 days
               |                         ^^^^^^^^^^^^^^^^^^^
            help: funnel keeps dates with four-digit years

            """)
        let verify = try FunnelProcess.run(["verify", "--store", store.path])
        #expect(verify.exitCode == 0)
        #expect(verify.stdout == "\(store.path): 5 events in 2 commits; no problems\n")
        let deals = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-01", "--format", "csv", "-c",
                                           "deals show id, stage, close_date, renewal"])
        #expect(deals.exitCode == 0)
        #expect(deals.stdout == "id,stage,close_date,renewal\nd1,B,,\n")
        // The stage's task fell due after 9999-12-31: it is due on that last day instead.
        let tasks = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-01", "--format", "csv", "-c",
                                           "tasks show deal, title, due"])
        #expect(tasks.stdout == "deal,title,due\nd1,Far away,9999-12-31\n")
    }

    /// The last check before a change is recorded catches what no statement checks itself.
    @Test func anyOtherUnstorableValueIsCaughtBeforeItIsRecorded() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        let r = try FunnelProcess.run(["--store", store.path, "-c", #"lead "L-1" { company: "X", met: 9999-12-31 + 1 days }"#])
        #expect(r.exitCode == 1)
        #expect(r.stderr == """
            <command line>:1:1: error[R117]: this change cannot be stored: met would be 10000-01-01, outside 0001-01-01 to 9999-12-31
             1 | lead "L-1" { company: "X", met: 9999-12-31 + 1 days }
               | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
            help: dates must lie between 0001-01-01 and 9999-12-31, and numbers must be finite

            """)
        #expect(!FileManager.default.fileExists(atPath: store.appendingPathComponent("journal.jsonl").path))
    }
}
