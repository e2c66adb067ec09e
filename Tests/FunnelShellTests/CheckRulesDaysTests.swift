import Foundation
import Testing

/// `check rules` as cron runs it: the real binary, once a day on one store, three days in a
/// row. Each day brings exactly the alerts that became due, and none is repeated — not on
/// the next day, and not when the check runs twice on one day.
///
/// The store (set up on 2026-03-09): A is stale after 7 days, B after 3.
///   D-1 in A since 03-01: 9 days on 03-10 → escalated on day 1; 10 days on 03-11 → `call`
///       makes task 1 on day 2, due 03-11 + 1 = 03-12.
///   D-3 in B since 03-07: 3 days on 03-10 (not over 3), 4 on 03-11 → escalated on day 2.
///   D-2 in A since 03-04: 6, 7 (not over 7), 8 days → escalated on day 3.
///   D-4 was won on 03-05: closed deals are never checked.
@Test func checkRulesOnThreeConsecutiveDays() throws {
    let dir = try FunnelProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = dir.appendingPathComponent("s.store").path
    let setup = """
    funnel F {
      stage A probability 10% stale after 7 days
      stage B probability 30% stale after 3 days
      stage C probability 60%
      stage D probability 80%
      won W
      lost L
    }
    rule escalate when stale do notify "sales_director" "{id} has been in {stage} for {days_in_stage} days"
    rule call when days_in_stage >= 10 do task "Call {id}" for "{owner}" due 1 day
    deal "D-1" in F { amount: 10k, owner: "ann" } on 2026-03-01
    deal "D-2" in F { amount: 20k, owner: "bob" } on 2026-03-04
    deal "D-3" in F { amount: 30k, owner: "cy" } on 2026-03-05
    move deal "D-3" to B on 2026-03-07
    deal "D-4" in F { amount: 40k } on 2026-03-01
    win deal "D-4" on 2026-03-05
    """
    try setup.write(to: dir.appendingPathComponent("setup.funnel"), atomically: true, encoding: .utf8)
    let ran = try FunnelProcess.run(["run", "setup.funnel", "--store", store, "--today", "2026-03-09"], cwd: dir)
    #expect(ran == FunnelProcess.Result(stdout: "", stderr: "", exitCode: 0))

    func check(_ day: String) throws -> FunnelProcess.Result {
        try FunnelProcess.run(["--store", store, "--today", day, "-c", "check rules"])
    }
    func notifications(_ day: String) throws -> String {
        try FunnelProcess.run(["--store", store, "--today", day, "--format", "csv", "-c", "notifications"]).stdout
    }
    let header = "id,at,for,deal,rule,message,status\n"
    let first = "1,2026-03-10,sales_director,D-1,escalate,D-1 has been in A for 9 days,new\n"
    let second = "2,2026-03-11,sales_director,D-3,escalate,D-3 has been in B for 4 days,new\n"
    let third = "3,2026-03-12,sales_director,D-2,escalate,D-2 has been in A for 8 days,new\n"

    #expect(try check("2026-03-10") == FunnelProcess.Result(
        stdout: "checked 2 rules against 3 open deals: 1 notification, 0 tasks\n", stderr: "", exitCode: 0))
    #expect(try notifications("2026-03-10") == header + first)

    #expect(try check("2026-03-11") == FunnelProcess.Result(
        stdout: "checked 2 rules against 3 open deals: 1 notification, 1 task\n", stderr: "", exitCode: 0))
    #expect(try check("2026-03-11") == FunnelProcess.Result(
        stdout: "checked 2 rules against 3 open deals: 0 notifications, 0 tasks\n", stderr: "", exitCode: 0))
    #expect(try notifications("2026-03-11") == header + first + second)

    #expect(try check("2026-03-12") == FunnelProcess.Result(
        stdout: "checked 2 rules against 3 open deals: 1 notification, 0 tasks\n", stderr: "", exitCode: 0))
    #expect(try notifications("2026-03-12") == header + first + second + third)

    let tasks = try FunnelProcess.run(["--store", store, "--today", "2026-03-12", "--format", "csv", "-c", "tasks"])
    #expect(tasks.stdout == "id,deal,stage,title,for,due,status,overdue\n1,D-1,A,Call D-1,ann,2026-03-12,open,false\n")

    // 9 events from the setup, then 1, 2 and 1 (the second check of 03-11 wrote nothing);
    // each run that wrote is one commit.
    let verify = try FunnelProcess.run(["verify", "--store", store])
    #expect(verify == FunnelProcess.Result(stdout: "\(store): 13 events in 4 commits; no problems\n", stderr: "", exitCode: 0))
}
