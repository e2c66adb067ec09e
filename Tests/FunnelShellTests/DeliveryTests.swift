import Foundation
import Testing

/// `deliver notifications` with the real binary and a small recording program (no network):
/// one run per new notification and person, the JSON document on stdin, delivered only on
/// exit 0, retried next time, never twice; a failing, hanging or flooding program is
/// reported with its place and what it wrote on stderr.
struct DeliveryTests {
    /// The store (today 2026-03-20): li.wei (华东) reports to zhang.min; D-1 is li.wei's and
    /// has been in Proposal since 03-02 (stale after 7 days). `check rules` makes notification
    /// 1 for zhang.min (manager of owner), 2 for li.wei (owner) and 3 for "sales_director",
    /// whom no person is.
    static let setup = """
    funnel F {
      stage Lead probability 10%
      stage Proposal probability 50% stale after 7 days
      won Won
      lost Lost
    }
    person "zhang.min" { name: "张敏", team: "华东", email: "zhang.min@example.com" }
    person "li.wei" { name: "李伟", team: "华东", manager: "zhang.min", email: "li.wei@example.com" }
    rule escalate when stale do notify manager of owner "{id} stuck in {stage}"
    rule nudge when stale do notify owner "{id} needs a next step"
    rule director when stale do notify "sales_director" "{id} is stale"
    deal "D-1" { name: "Acme", amount: 120k, owner: "li.wei", stage: Proposal } on 2026-03-02
    deliver notifications via command "sh record.sh"
    """

    /// Appends what it reads to delivered.jsonl; fails for whoever fail.txt names.
    static let recorder = """
    input=$(cat)
    if [ -f fail.txt ] && printf '%s' "$input" | grep -q "\\"id\\":\\"$(cat fail.txt)\\""; then
      echo "smtp: connection refused" >&2
      exit 3
    fi
    printf '%s\\n' "$input" >> delivered.jsonl
    """

    func makeStore() throws -> (URL, [String]) {
        let dir = try FunnelProcess.temporaryDirectory()
        try Self.setup.write(to: dir.appendingPathComponent("setup.funnel"), atomically: true, encoding: .utf8)
        try Self.recorder.write(to: dir.appendingPathComponent("record.sh"), atomically: true, encoding: .utf8)
        let base = ["--store", dir.appendingPathComponent("s.store").path, "--today", "2026-03-20"]
        let ran = try FunnelProcess.run(["run", "setup.funnel"] + base, cwd: dir)
        #expect(ran == FunnelProcess.Result(stdout: "", stderr: "", exitCode: 0))
        return (dir, base)
    }

    func delivered(_ dir: URL) -> [String] {
        ((try? String(contentsOf: dir.appendingPathComponent("delivered.jsonl"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    static let toLiWei = #"{"notification":2,"date":"2026-03-20","rule":"nudge","role":"owner","message":"D-1 needs a next step","recipient":{"id":"li.wei","name":"李伟","email":"li.wei@example.com","team":"华东"},"deal":{"id":"D-1","name":"Acme","stage":"Proposal","owner":"li.wei","amount":120000}}"#
    static let toZhangMin = #"{"notification":1,"date":"2026-03-20","rule":"escalate","role":"manager of owner","message":"D-1 stuck in Proposal","recipient":{"id":"zhang.min","name":"张敏","email":"zhang.min@example.com","team":"华东"},"deal":{"id":"D-1","name":"Acme","stage":"Proposal","owner":"li.wei","amount":120000}}"#

    @Test func deliversOnceRetriesFailuresAndNeverTwice() throws {
        let (dir, base) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "zhang.min".write(to: dir.appendingPathComponent("fail.txt"), atomically: true, encoding: .utf8)
        let first = try FunnelProcess.run(["-c", "check rules"] + base, cwd: dir)
        #expect(first.exitCode == 1)
        #expect(first.stdout == "")
        #expect(first.stderr == """
            <command line>:1:1: error[R785]: the delivery command failed for 1 of 2 notifications; 1 delivered
             1 | check rules
               | ^^^^^^^^^^^
            note: notification 1 to zhang.min: exited with status 3: smtp: connection refused
            note: also: 1 notification names no declared person; it waits
            help: the failed ones are retried by the next deliver notifications or check rules

            """)
        #expect(delivered(dir) == [Self.toLiWei])
        // The notifications and li.wei's delivery were kept although the statement failed.
        let listed = try FunnelProcess.run(["-c", "notifications show id, for, status"] + base, cwd: dir)
        #expect(listed.stdout == """
            id  for               status
            --  ----------------  ------
             1  manager of owner  new
             2  owner             new
             3  sales_director    new

            """)

        try FileManager.default.removeItem(at: dir.appendingPathComponent("fail.txt"))
        let retry = try FunnelProcess.run(["-c", "deliver notifications"] + base, cwd: dir)
        #expect(retry.exitCode == 0)
        #expect(retry.stdout == "delivered 1 notification\n")
        #expect(retry.stderr.hasPrefix("warning[R788]: 1 notification names no declared person; it waits\n"))
        #expect(delivered(dir) == [Self.toLiWei, Self.toZhangMin])

        // Nothing is delivered twice, by deliver or by check rules.
        let again = try FunnelProcess.run(["-c", "deliver notifications", "-c", "check rules"] + base, cwd: dir)
        #expect(again.exitCode == 0)
        #expect(again.stdout == "delivered 0 notifications\nchecked 3 rules against 1 open deal: 0 notifications, 0 tasks\ndelivered 0 notifications\n")
        #expect(delivered(dir) == [Self.toLiWei, Self.toZhangMin])
    }

    @Test func aHangingOrFloodingCommandIsStoppedAndRetried() throws {
        let (dir, base) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hang = try FunnelProcess.run(["-c", #"deliver notifications via command "sleep 30" timeout 1 seconds"#, "-c", "check rules"] + base,
                                         cwd: dir, timeout: 20)
        #expect(hang.exitCode == 1)
        #expect(hang.stderr == """
            <command line>:1:1: error[R785]: the delivery command failed for 2 of 2 notifications; 0 delivered
             1 | check rules
               | ^^^^^^^^^^^
            note: notification 1 to zhang.min: still running after 1 second, stopped
            note: notification 2 to li.wei: still running after 1 second, stopped
            note: also: 1 notification names no declared person; it waits
            help: the failed ones are retried by the next deliver notifications or check rules

            """)

        let flood = try FunnelProcess.run(["-c", #"deliver notifications via command "head -c 3000000 /dev/zero""#, "-c", "deliver notifications"] + base,
                                          cwd: dir, timeout: 20)
        #expect(flood.exitCode == 1)
        #expect(flood.stderr == """
            <command line>:1:1: error[R785]: the delivery command failed for 2 of 2 notifications; 0 delivered
             1 | deliver notifications
               | ^^^^^^^^^^^^^^^^^^^^^
            note: notification 1 to zhang.min: printed more than 1048576 bytes, stopped
            note: notification 2 to li.wei: printed more than 1048576 bytes, stopped
            note: also: 1 notification names no declared person; it waits
            help: the failed ones are retried by the next deliver notifications or check rules

            """)

        // The notifications made while the command hung are kept, and go out once it works.
        let good = try FunnelProcess.run(["-c", #"deliver notifications via command "sh record.sh""#, "-c", "deliver notifications"] + base, cwd: dir)
        #expect(good.stdout == "delivered 2 notifications\n")
        #expect(delivered(dir) == [Self.toZhangMin, Self.toLiWei])
    }

    /// A program that leaves a child holding its output open is judged by its own exit: the
    /// notifications are delivered, not timed out and sent again.
    @Test func aProgramThatLeavesAChildRunningIsJudgedByItsExit() throws {
        let (dir, base) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try FunnelProcess.run(["-c", #"deliver notifications via command "(sleep 5; true) & sh record.sh" timeout 3 seconds"#,
                                       "-c", "check rules"] + base, cwd: dir, timeout: 20)
        #expect(r.exitCode == 0)
        #expect(r.stdout == "checked 3 rules against 1 open deal: 3 notifications, 0 tasks\ndelivered 2 notifications\n")
        #expect(delivered(dir) == [Self.toZhangMin, Self.toLiWei])
    }

    /// A file run by `.read` that delivers and then fails: the deliveries were committed as
    /// they were made, so the rollback keeps them (and the notifications) in the session. A
    /// second `check rules` and `deliver` in the same REPL session send nothing again, and the
    /// journal still replays (before, the rolled-back session made notification 1 a second
    /// time, sent it again, and the store no longer opened: "notification 1 is created twice").
    @Test func aFailingReadInTheREPLKeepsItsDeliveriesAndSendsNothingTwice() throws {
        let (dir, base) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The REPL runs in the test's folder, so the command finds its script by the store's.
        let declared = try FunnelProcess.run(["-c", "deliver notifications via command \"cd '\(dir.path)' && sh record.sh\""] + base, cwd: dir)
        #expect(declared.exitCode == 0)
        let fail = dir.appendingPathComponent("fail.funnel"), outer = dir.appendingPathComponent("outer.funnel")
        try "check rules\nmove deal \"NOPE\" to Won\n".write(to: fail, atomically: true, encoding: .utf8)
        try ".read \(fail.path)\ncheck rules\ndeliver notifications\n".write(to: outer, atomically: true, encoding: .utf8)
        let p = try PTYProcess(executable: FunnelProcess.executable.path, arguments: base,
                               environment: ["TERM": "dumb", "NO_COLOR": "1", "HOME": dir.path,
                                             "FUNNEL_HISTORY": dir.appendingPathComponent("history").path],
                               columns: 200, rows: 40)
        try p.expect("funnel> ")
        // .bail is off in the REPL: the outer file carries on after the inner one fails.
        try p.send(".read \(outer.path)\r")
        let first = PTYProcess.plain(try p.expect("funnel> "))
        #expect(first.contains("checked 3 rules against 1 open deal: 3 notifications, 0 tasks\n"))
        #expect(first.contains("delivered 2 notifications\n"))
        #expect(first.contains("error[C005]: a statement in \(fail.path) failed; nothing of it after its last delivery was kept\n"))
        #expect(first.contains("checked 3 rules against 1 open deal: 0 notifications, 0 tasks\n"))
        #expect(first.contains("delivered 0 notifications\n"))
        #expect(!first.contains("delivered 1 notification"))
        #expect(delivered(dir) == [Self.toZhangMin, Self.toLiWei])
        try p.send("deliver notifications\r")
        #expect(PTYProcess.plain(try p.expect("funnel> ")) == "deliver notifications\ndelivered 0 notifications\nfunnel> ")
        try p.send("check rules\r")
        #expect(PTYProcess.plain(try p.expect("funnel> ")).contains("checked 3 rules against 1 open deal: 0 notifications, 0 tasks\ndelivered 0 notifications\n"))
        // With .bail on, an entry that fails after delivering keeps what the delivery committed
        // (N-1, whose notifications went out) and says only the rest was rolled back.
        try p.send(".bail on\r")
        try p.expect("funnel> ")
        try p.send(#"deal "N-1" { amount: 1k, owner: "li.wei", stage: Proposal } on 2026-03-02; check rules; deal "N-2" { amount: 1k }; move deal "nope" to Won"# + "\r")
        let bailed = PTYProcess.plain(try p.expect("funnel> "))
        #expect(bailed.contains("deal \"N-1\" created\n"))
        #expect(bailed.contains("delivered 2 notifications\n"))
        #expect(bailed.contains("error[R101]: no deal \"nope\""))
        #expect(bailed.hasSuffix("rolled back: nothing from this entry after its last delivery was kept\nfunnel> "))
        #expect(!bailed.contains("deal \"N-2\" created"))
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
        #expect(delivered(dir).count == 4)
        #expect(Array(delivered(dir).prefix(2)) == [Self.toZhangMin, Self.toLiWei])
        let deals = try FunnelProcess.run(["-c", "deals show id"] + base, cwd: dir)
        #expect(deals.stdout == "id\n---\nD-1\nN-1\n")
        let listed = try FunnelProcess.run(["-c", "notifications show id, deal, for, status"] + base, cwd: dir)
        #expect(listed == FunnelProcess.Result(stdout: """
            id  deal  for               status
            --  ----  ----------------  ------
             1  D-1   manager of owner  new
             2  D-1   owner             new
             3  D-1   sales_director    new
             4  N-1   manager of owner  new
             5  N-1   owner             new
             6  N-1   sales_director    new

            """, stderr: "", exitCode: 0))
    }

    /// The same in one `funnel run --keep-going`, which carries on after the failed `.read`;
    /// then the failing program run again as it is (no process killed, nothing cleaned up):
    /// each notification still goes out exactly once.
    @Test func aFailingProgramRunAgainSendsNothingTwice() throws {
        let (dir, base) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "check rules\nmove deal \"NOPE\" to Won\n".write(to: dir.appendingPathComponent("fail.funnel"), atomically: true, encoding: .utf8)
        try ".read fail.funnel\ncheck rules\ndeliver notifications\n".write(to: dir.appendingPathComponent("main.funnel"),
                                                                            atomically: true, encoding: .utf8)
        let kept = try FunnelProcess.run(["run", "main.funnel", "--keep-going"] + base, cwd: dir)
        #expect(kept.exitCode == 1)
        #expect(kept.stdout == """
            checked 3 rules against 1 open deal: 3 notifications, 0 tasks
            delivered 2 notifications
            checked 3 rules against 1 open deal: 0 notifications, 0 tasks
            delivered 0 notifications
            delivered 0 notifications

            """)
        #expect(kept.stderr == """
            warning[R788]: 1 notification names no declared person; it waits
            note: 1 notification is for 'sales_director'
            help: notify owner, manager of owner, a team or a person declared with person "id" { ... }
            fail.funnel:2:11: error[R101]: no deal "NOPE"
             2 | move deal "NOPE" to Won
               |           ^^^^^^
            main.funnel:1:1: error[C005]: a statement in fail.funnel failed; nothing of it after its last delivery was kept
             1 | .read fail.funnel
               | ^^^^^^^^^^^^^^^^^
            note: a delivery commits at once what came before it, so no notification is made or sent twice

            """)
        #expect(delivered(dir) == [Self.toZhangMin, Self.toLiWei])

        for _ in 0..<2 {
            let again = try FunnelProcess.run(["run", "fail.funnel"] + base, cwd: dir)
            #expect(again.exitCode == 1)
            #expect(again.stdout == "checked 3 rules against 1 open deal: 0 notifications, 0 tasks\ndelivered 0 notifications\n")
            #expect(again.stderr.hasSuffix("fail.funnel:2:11: error[R101]: no deal \"NOPE\"\n 2 | move deal \"NOPE\" to Won\n   |           ^^^^^^\n"))
        }
        #expect(delivered(dir) == [Self.toZhangMin, Self.toLiWei])
        let verified = try FunnelProcess.run(["verify"] + base, cwd: dir)
        #expect(verified.exitCode == 0)
        let listed = try FunnelProcess.run(["-c", "notifications show id, status"] + base, cwd: dir)
        #expect(listed.stdout == "id  status\n--  ------\n 1  new\n 2  new\n 3  new\n")
    }

    @Test func deliveringWithoutACommandSaysHowToDeclareOne() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try FunnelProcess.run(["-c", "deliver notifications", "--store", dir.appendingPathComponent("s.store").path], cwd: dir)
        #expect(r.exitCode == 1)
        #expect(r.stderr == """
            <command line>:1:1: error[R784]: no delivery command is declared for this store
             1 | deliver notifications
               | ^^^^^^^^^^^^^^^^^^^^^
            help: declare one once: deliver notifications via command "/usr/sbin/sendmail -t"

            """)
    }
}
