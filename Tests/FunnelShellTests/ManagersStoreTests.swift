import Foundation
import Testing

/// People, quotas and submitted forecasts survive the journal: a second process reads them
/// back (replay) and an `as of` day sees the people's team of that day.
@Test func peopleQuotasAndSubmissionsAreReadBackFromTheStore() throws {
    let dir = try FunnelProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = ["--store", dir.appendingPathComponent("s.store").path, "--today", "2026-05-15"]
    let setup = """
    funnel F {
      stage Lead probability 10%
      won Won
      lost Lost
    }
    person "li.wei" { name: "李伟", team: "华东" }
    person "li.wei" { team: "华南" } on 2026-05-01
    deal "A" { amount: 100k, owner: "li.wei", close_date: 2026-06-30 } on 2026-03-01
    quota 华东 during 2026-Q2 = 300k
    quota 华南 during 2026-Q2 = 200k
    submit forecast for 华南 during 2026-Q2 commit 150k best_case 210k because "A" by "wang.fang" on 2026-05-12
    """
    try setup.write(to: dir.appendingPathComponent("setup.funnel"), atomically: true, encoding: .utf8)
    let ran = try FunnelProcess.run(["run", "setup.funnel"] + base, cwd: dir)
    #expect(ran == FunnelProcess.Result(stdout: "", stderr: "", exitCode: 0))
    // A is open and closes in Q2: 华南's pipeline today; on 2026-04-30 li.wei was in 华东.
    let now = try FunnelProcess.run(["-c", "attainment by team show quota, pipeline"] + base, cwd: dir)
    #expect(now.stdout == """
        team   period     quota  pipeline
        -----  -------  -------  --------
        华东   2026-Q2  300,000         0
        华南   2026-Q2  200,000   100,000
        -----  -------  -------  --------
        total           500,000   100,000

        """)
    let then = try FunnelProcess.run(["-c", "attainment by team show pipeline as of 2026-04-30"] + base, cwd: dir)
    #expect(then.stdout == """
        team   period   pipeline
        -----  -------  --------
        华东   2026-Q2   100,000
        华南   2026-Q2         0
        -----  -------  --------
        total            100,000

        """)
    let history = try FunnelProcess.run(["-c", "forecast history for 华南"] + base, cwd: dir)
    #expect(history.stdout == """
        period   submitted   submitter   commit  best_case  reason
        -------  ----------  ---------  -------  ---------  ------
        2026-Q2  2026-05-12  wang.fang  150,000    210,000  A

        """)
    #expect(history.exitCode == 0)
}
