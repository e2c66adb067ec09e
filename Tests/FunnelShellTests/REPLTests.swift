import Foundation
import Testing

/// The REPL as a user meets it: the real binary on a pseudo-terminal, typing keys.
@Suite(.serialized)
struct REPLTests {
    let dir: URL
    let store: URL

    init() throws {
        dir = try FunnelProcess.temporaryDirectory()
        store = dir.appendingPathComponent("r.store")
        let setup = """
        field budget bool
        funnel 企业销售 {
          stage 初步接洽 probability 10%
          stage 需求分析 probability 25%
          stage 方案呈现 probability 50%
          won 赢单
          lost 输单
        }
        deal "C-1" in 企业销售 { amount: 300k, owner: "王芳", team: "华东" } on 2026-01-05
        deal "C-2" in 企业销售 { amount: 100k, owner: "li", team: "East" } on 2026-01-06
        """
        let r = try FunnelProcess.run(["--store", store.path, "-c", setup])
        #expect(r.exitCode == 0)
    }

    func start(_ extra: [String: String] = [:]) throws -> PTYProcess {
        var env = ["TERM": "dumb", "NO_COLOR": "1", "HOME": dir.path,
                   "FUNNEL_HISTORY": dir.appendingPathComponent("history").path, "FUNNEL_TODAY": "2026-03-15"]
        for (k, v) in extra { env[k] = v }
        if extra["NO_COLOR"] == "" { env.removeValue(forKey: "NO_COLOR") }
        let p = try PTYProcess(executable: FunnelProcess.executable.path, arguments: ["--store", store.path],
                               environment: env, columns: 100, rows: 40)
        try p.expect("type .help for help, .quit to leave")
        try p.expect("funnel> ")
        return p
    }

    @Test func aQueryAndItsOutput() throws {
        let p = try start()
        try p.send("count deals by team\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out.contains("team   deals\r\n-----  -----\nEast       1") || out.contains("East       1"))
        #expect(out.contains("华东       1"))
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func tabCompletesAFieldAndAChineseStage() throws {
        let p = try start()
        try p.send("deals where bud\t")
        try p.expect("budget")
        try p.send(" = true show id\r")
        try p.expect("funnel> ")
        try p.send("move deal \"C-2\" to 方\t")
        try p.expect("方案呈现")
        try p.send("\r")
        try p.expect("funnel> ")
        try p.send("deals where stage = 方案呈现 show id\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out.contains("C-2"))
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    /// Tab Tab lists the stages in funnel order (readline would sort them by code point:
    /// 初步接洽 方案呈现 赢单 输单 需求分析), and inside `owner = "` the owners in the store, not
    /// the field names quoted.
    @Test func tabListsStagesInFunnelOrderAndValuesInsideAString() throws {
        let p = try start()
        try p.send("move deal \"C-2\" to \t\t")
        let stages = PTYProcess.plain(try p.expect("输单"))
        let order = ["初步接洽", "需求分析", "方案呈现", "赢单", "输单"].map { stages.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil }, "\(stages.debugDescription)")
        let found = order.compactMap { $0 }
        #expect(found == found.sorted(), "\(stages.debugDescription)")
        try p.send("\u{15}deals where owner = \"\t\t")
        let owners = PTYProcess.plain(try p.expect("\"王芳\""))
        #expect(owners.contains("\"li\""), "\(owners.debugDescription)")
        #expect(!owners.contains("amount") && !owners.contains("\"owner\""), "\(owners.debugDescription)")
        try p.send("\u{15}.quit\r")
        #expect(try p.waitForExit() == .exited(0))
    }

    /// A typo inside a pasted block: one error, with a did-you-mean, and the lines after it
    /// are part of the same entry (not each "unknown statement").
    @Test func aTypoInAPastedBlockIsOneError() throws {
        let p = try start()
        try p.send("funnel Z {\r")
        try p.expect("   ...> ")
        try p.send("  stage A probabilty 10%\r")
        try p.expect("   ...> ")
        try p.send("  stage B probability 20%\r")
        try p.expect("   ...> ")
        try p.send("  won W\r")
        try p.expect("   ...> ")
        try p.send("}\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out == "}\n<entry>:2:11: error[E101]: expected a new line or '}' after the stage, found 'probabilty'\n 2 |   stage A probabilty 10%\n   |           ^^^^^^^^^^\nhelp: did you mean 'probability'?\nfunnel> ")
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
    }

    /// With .bail on, a change followed by a failing statement is rolled back: its
    /// confirmation is not shown as done.
    @Test func aRolledBackChangeIsNotConfirmed() throws {
        let p = try start()
        try p.send(".bail on\r")
        try p.expect("funnel> ")
        try p.send("deal \"RD-3\" in 企业销售 { amount: 1k }; move deal \"nope\" to 需求分析\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out == "deal \"RD-3\" in 企业销售 { amount: 1k }; move deal \"nope\" to 需求分析\n<entry>:1:47: error[R101]: no deal \"nope\"\n 1 | deal \"RD-3\" in 企业销售 { amount: 1k }; move deal \"nope\" to 需求分析\n   |                                                   ^^^^^^\nrolled back: nothing from this entry was kept\nfunnel> ")
        try p.send("deal \"RD-4\" in 企业销售 { amount: 1k }\r")
        let kept = PTYProcess.plain(try p.expect("funnel> "))
        #expect(kept == "deal \"RD-4\" in 企业销售 { amount: 1k }\ndeal \"RD-4\" created\nfunnel> ")
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
    }

    /// Ctrl-C while a long listing is being written stops the output and the entry.
    @Test func ctrlCStopsALongListing() throws {
        let many = (1...20000).map { "deal \"L-\($0)\" in 企业销售 { amount: 1k }" }.joined(separator: "\n")
        let r = try FunnelProcess.run(["--store", store.path], stdin: many)
        #expect(r.exitCode == 0)
        let p = try start()
        try p.send("deals show id\r")
        try p.expect("L-1\r\n")
        try p.send("\u{03}")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out.hasSuffix("error[C010]: interrupted; nothing from this entry was kept\nfunnel> "))
        #expect(!out.contains("L-20000"))
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func ctrlDOnAContinuationLineSaysWhatItDropped() throws {
        let p = try start()
        try p.send("funnel Z {\r")
        try p.expect("   ...> ")
        try p.send("  stage A probability 10%\r")
        try p.expect("   ...> ")
        try p.send("\u{04}")
        try p.expect("dropped the unfinished entry (2 lines), nothing from it ran")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func aMultiLineFunnelDeclaration() throws {
        let p = try start()
        try p.send("funnel Small {\r")
        try p.expect("   ...> ")
        try p.send("  stage Open probability 20%\r")
        try p.expect("   ...> ")
        try p.send("  won Won\r  lost Lost\r")
        try p.expect("   ...> ")
        try p.send("}\r")
        try p.expect("funnel> ")
        try p.send("show funnels\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out.contains("Small") && out.contains("Open → Won → Lost"))
        try p.send(".quit\r")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func historyIsRecalledInASecondSession() throws {
        let first = try start()
        try first.send("funnel H {\r  stage A probability 10%\r  won W\r  lost L\r}\r")
        try first.expect("funnel> ")
        try first.send("count deals\r")
        try first.expect("funnel> ")
        try first.send(".quit\r")
        #expect(try first.waitForExit() == .exited(0))

        let second = try start()
        // Up once: the last entry; up twice: the multi-line declaration, as one entry.
        try second.send("\u{1B}[A")
        try second.expect("count deals")
        try second.send("\u{1B}[A")
        try second.expect("lost L")
        try second.send("\u{03}")
        try second.expect("funnel> ")
        try second.send("\u{1B}[A\r")
        let out = PTYProcess.plain(try second.expect("funnel> "))
        #expect(out.contains("deals\r\n-----\r\n    2") || out.contains("    2"))
        try second.send("\u{04}")
        #expect(try second.waitForExit() == .exited(0))
    }

    @Test func ctrlCClearsTheLineAndKeepsTheSession() throws {
        let p = try start()
        // Wait for the echo, as a person would, so the key lands while the line is being read.
        try p.send("deals where amo")
        try p.expect("where amo")
        try p.send("\u{03}")
        try p.expect("funnel> ")
        try p.send("funnel Z {\r")
        try p.expect("   ...> ")
        try p.send("  stage A probability 10%\r")
        try p.expect("probability 10%")
        try p.expect("   ...> ")
        try p.send("\u{03}")
        try p.expect("funnel> ")
        try p.send("show funnels\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(!out.contains("Z "))
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func ctrlCCancelsALongStatementAndKeepsNothing() throws {
        // A script of many statements: Ctrl-C while it runs cancels the whole entry.
        var script = "pipeline by team\n"
        for i in 0..<150_000 { script += "deal \"bulk-\(i)\" in 企业销售 { amount: 1 }\n" }
        let big = dir.appendingPathComponent("big.funnel")
        try Data(script.utf8).write(to: big)
        let p = try start()
        try p.send(".read \(big.path)\r")
        try p.expect("total", timeout: 30)
        try p.send("\u{03}")
        try p.expect("interrupted; nothing from this entry was kept", timeout: 30)
        try p.expect("funnel> ")
        try p.send(".format csv\rcount deals\r")
        try p.expect("deals\r\n2\r\n")
        // Ctrl-D typed before the prompt is back reaches the terminal in cooked mode and is
        // lost when readline takes the line over: wait for the prompt, as a person would.
        try p.expect("funnel> ")
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func ctrlCCancelsOneLongImport() throws {
        // One statement that runs for seconds: 600,000 rows. Ctrl-C stops it mid-file.
        var csv = "id,amount\n"
        csv.reserveCapacity(12_000_000)
        for i in 0..<600_000 { csv += "L\(i),\(i % 997)\n" }
        let file = dir.appendingPathComponent("long.csv")
        try Data(csv.utf8).write(to: file)
        let p = try start()
        try p.send("import deals from \"\(file.path)\" into 企业销售 (id = id, amount = amount)\r")
        try p.expect("amount)")
        Thread.sleep(forTimeInterval: 0.8)
        try p.send("\u{03}")
        try p.expect("interrupted; nothing from this entry was kept", timeout: 60)
        try p.expect("funnel> ")
        try p.send(".format csv\rcount deals\r")
        try p.expect("deals\r\n2\r\n")
        // Ctrl-D typed before the prompt is back reaches the terminal in cooked mode and is
        // lost when readline takes the line over: wait for the prompt, as a person would.
        try p.expect("funnel> ")
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func ctrlDOnAnEmptyLineExitsWithZero() throws {
        let p = try start()
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func anErrorThenAGoodStatement() throws {
        let p = try start()
        try p.send("forecast where stage >= 方案 by team\r")
        let err = PTYProcess.plain(try p.expect("funnel> "))
        #expect(err.contains("<entry>:1:25: error[E202]: unknown stage '方案'"))
        #expect(err.contains(" 1 | forecast where stage >= 方案 by team"))
        #expect(err.contains("   |                         ^^^^"))
        try p.send("forecast where stage >= 初步接洽 by team\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        #expect(out.contains("total      2  400,000"))
        try p.send(".timer on\rcount deals\r")
        try p.expect("time: ")
        try p.expect("funnel> ")
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func wideResultsFitTheTerminal() throws {
        let long = String(repeating: "Enterprise platform rollout ", count: 4)
        let setup = try FunnelProcess.run(["--store", store.path, "-c", "set deal \"C-2\" name = \"\(long)\""])
        #expect(setup.exitCode == 0)
        let p = try PTYProcess(executable: FunnelProcess.executable.path, arguments: ["--store", store.path],
                               environment: ["TERM": "dumb", "NO_COLOR": "1", "HOME": dir.path, "FUNNEL_TODAY": "2026-03-15",
                                             "FUNNEL_HISTORY": dir.appendingPathComponent("history").path],
                               columns: 40, rows: 20)
        try p.expect("funnel> ")
        try p.send("deals show id, name, amount\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
        let table = lines.filter { $0.hasPrefix("C-") || $0.hasPrefix("id ") }
        #expect(table.count == 3)
        #expect(table.allSatisfy { $0.count <= 40 })
        #expect(table.contains { $0.contains("Enterprise platform") && $0.contains("…") && $0.hasSuffix("100,000") })
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    /// Too many columns for 40: the table is cut to fit and never wrapped — the columns that
    /// do not fit are left out as one `…` column, named on a last line, and no header is cut.
    @Test func tooManyColumnsAreLeftOutNotWrapped() throws {
        let p = try PTYProcess(executable: FunnelProcess.executable.path, arguments: ["--store", store.path],
                               environment: ["TERM": "dumb", "NO_COLOR": "1", "HOME": dir.path, "FUNNEL_TODAY": "2026-03-15",
                                             "FUNNEL_HISTORY": dir.appendingPathComponent("history").path],
                               columns: 40, rows: 20)
        try p.expect("funnel> ")
        try p.send("deals show id, owner, team, stage, funnel, amount, created, close_date\r")
        let out = PTYProcess.plain(try p.expect("funnel> "))
        let lines = out.split(separator: "\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
        guard let header = lines.firstIndex(where: { $0.hasPrefix("id ") }), header + 4 < lines.count else {
            Issue.record("no table in \(out.debugDescription)")
            return
        }
        #expect(Array(lines[header...(header + 4)]) == [
            "id   owner  team  stage     funnel    …",
            "---  -----  ----  --------  --------  -",
            "C-1  王芳   华东  初步接洽  企业销售  …",
            "C-2  li     East  初步接洽  企业销售  …",
            "(3 columns not shown: amount, created, …",
        ])
        try p.send("\u{04}")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() throws {
        let coloured = try start(["NO_COLOR": "", "TERM": "xterm"])
        try coloured.send("forcast\r")
        let raw = try coloured.expect("funnel> ")
        #expect(raw.contains("\u{1B}[1;31merror\u{1B}[0m[E103]"))
        try coloured.send("\u{04}")
        _ = try coloured.waitForExit()

        let plain = try start()
        try plain.send("forcast\r")
        let text = try plain.expect("funnel> ")
        #expect(text.contains("error[E103]"))
        #expect(!text.contains("\u{1B}[1;31m"))
        try plain.send("\u{04}")
        _ = try plain.waitForExit()
    }
}
