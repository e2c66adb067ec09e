import Foundation
import Testing

/// Imports and exports through the real executable, where a golden script cannot look: files
/// written by export, a second process reading the store, damaged segments, huge lines.
struct ImportExportTests {
    /// Writes `script` into `dir` and runs it there on `store`.
    func run(_ script: String, in dir: URL, store: String = "s.store", name: String = "script.funnel",
             extra: [String] = []) throws -> FunnelProcess.Result {
        try script.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return try FunnelProcess.run(["run", name, "--store", dir.appendingPathComponent(store).path] + extra, cwd: dir)
    }

    func query(_ statement: String, in dir: URL, store: String = "s.store", format: String = "csv") throws -> FunnelProcess.Result {
        try FunnelProcess.run(["--store", dir.appendingPathComponent(store).path, "--format", format, "-c", statement], cwd: dir)
    }

    func text(_ url: URL) throws -> String { String(decoding: try Data(contentsOf: url), as: UTF8.self) }

    static let funnel = """
        field region text one of ("East", "West")
        field seats number
        field signed date
        funnel E {
          stage Qualification probability 10%
          stage Discovery probability 25% { exit when seats > 0 }
          stage Proposal probability 50% category best_case
          won Won
          lost Lost
        }

        """

    static let reimport = """
        import deals from "deals.csv" into E (
          id = id, name = name, stage = stage, amount = amount, owner = owner, team = team, source = source,
          product = product, account = account, created = created, close_date = close_date, closed = closed,
          lost_reason = lost_reason, region = region, seats = seats, signed = signed
        )
        import history from "history.csv" (deal = deal, stage = to, at = at, forced = forced)

        """

    /// Exported deals and history, imported into a new store, give the same figures and export
    /// again to the very same files.
    @Test func exportThenImportGivesTheSameStore() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = Self.funnel + """
            deal "R-1" in E { name: "Acme, Inc.", amount: 120k, owner: "li.wei", team: "East", region: "East", seats: 10, close_date: 2026-04-30 } on 2026-01-05
            deal "R-2" in E { name: "Globex \\"GX\\"", amount: 45.5k, owner: "ann", team: "West", source: "Webinar" } on 2026-01-06
            deal "R-3" in E { name: "Initech", amount: 80k, owner: "ann", product: "Pro", account: "Initech", signed: 2026-02-02 } on 2026-01-07
            deal "R-4" in E { name: "Line\\nbreak", amount: 10k, owner: "li.wei" } on 2026-01-08
            move deal "R-1" to Discovery on 2026-01-20
            move deal "R-1" to Proposal on 2026-02-01
            move deal "R-2" to Proposal force because "exec sponsor" on 2026-01-25
            win deal "R-1" on 2026-03-01
            lose deal "R-2" because "price" on 2026-02-15
            lose deal "R-3" on 2026-02-20
            reopen deal "R-3" to Qualification on 2026-03-02
            export deals to "deals.csv"
            export history to "history.csv"

            """
        let first = try run(setup, in: dir, store: "a.store")
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.stdout == "wrote 4 rows to deals.csv\nwrote 11 rows to history.csv\n")
        let deals = try text(dir.appendingPathComponent("deals.csv"))
        let history = try text(dir.appendingPathComponent("history.csv"))
        #expect(history == """
            deal,from,to,at,forced
            R-1,,Qualification,2026-01-05,
            R-1,Qualification,Discovery,2026-01-20,
            R-1,Discovery,Proposal,2026-02-01,
            R-1,Proposal,Won,2026-03-01,
            R-2,,Qualification,2026-01-06,
            R-2,Qualification,Proposal,2026-01-25,exec sponsor
            R-2,Proposal,Lost,2026-02-15,
            R-3,,Qualification,2026-01-07,
            R-3,Qualification,Lost,2026-02-20,
            R-3,Lost,Qualification,2026-03-02,
            R-4,,Qualification,2026-01-08,

            """.replacingOccurrences(of: "\n", with: "\r\n"), "export writes CRLF lines (RFC 4180)")

        let second = try run(Self.funnel + Self.reimport + "export deals to \"deals2.csv\"\nexport history to \"history2.csv\"\n",
                             in: dir, store: "b.store", name: "again.funnel")
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(second.stdout == """
            imported 4 deals from deals.csv into E: 4 new, 0 updated
            imported 11 stage changes of 4 deals from history.csv
            wrote 4 rows to deals2.csv
            wrote 11 rows to history2.csv

            """)
        #expect(try text(dir.appendingPathComponent("deals2.csv")) == deals)
        #expect(try text(dir.appendingPathComponent("history2.csv")) == history)
        for q in ["forecast by owner", "pipeline by stage", "count deals by status, stage", "sum amount by region",
                  "deals show id, stage, status, days_in_stage, closed, lost_reason, stale"] {
            let a = try query(q, in: dir, store: "a.store"), b = try query(q, in: dir, store: "b.store")
            #expect(a.exitCode == 0 && a.stdout == b.stdout, "\(q): \(a.stdout) vs \(b.stdout) \(a.stderr)\(b.stderr)")
        }
        // Exact figures of one of them, worked out from the setup: R-1 won 120k on 03-01;
        // R-3 reopened to Qualification on 03-02 (13 days), R-4 there since 01-08 (66 days).
        let d = try query("deals show id, stage, status, days_in_stage, closed, lost_reason", in: dir, store: "b.store")
        #expect(d.stdout == """
            id,stage,status,days_in_stage,closed,lost_reason
            R-1,Won,won,14,2026-03-01,
            R-2,Lost,lost,28,2026-02-15,price
            R-3,Qualification,open,13,,
            R-4,Qualification,open,66,,

            """)
    }

    /// A failing import keeps nothing: a second process sees no deal and the journal has no
    /// import in it.
    @Test func failedImportKeepsNothing() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,stage,amount\nK-1,Qualification,10\nK-2,Nowhere,20\nK-3,Qualification,x\n"
            .write(to: dir.appendingPathComponent("k.csv"), atomically: true, encoding: .utf8)
        let r = try run(Self.funnel + "import deals from \"k.csv\" into E (id = id, stage = stage, amount = amount)\n", in: dir)
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("error[I013]: 2 rows of k.csv cannot be imported; no deals from it were kept"))
        #expect(r.stderr.contains("note: k.csv:3: stage: unknown stage \"Nowhere\" in funnel E\nnote: k.csv:4: amount: \"x\" is not a number\n"))
        let count = try query("count deals", in: dir)
        #expect(count.stdout == "deals\n0\n")
        // The whole run was one transaction: the funnel declared before the import is gone too.
        let journal = (try? text(dir.appendingPathComponent("s.store/journal.jsonl"))) ?? ""
        #expect(!journal.contains("\"import\"") && !journal.contains("\"funnel\""))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("s.store/segments").path))?.isEmpty ?? true)

        // skip errors keeps K-1, reports the others, and succeeds.
        let skip = try run(Self.funnel + "import deals from \"k.csv\" into E skip errors (id = id, stage = stage, amount = amount)\n", in: dir)
        #expect(skip.exitCode == 0)
        #expect(skip.stdout == "imported 1 deal from k.csv into E: 1 new, 0 updated\n")
        #expect(skip.stderr.contains("warning[I013]: skipped 2 rows of k.csv that cannot be imported"))
        #expect(try query("deals show id, amount", in: dir).stdout == "id,amount\nK-1,10\n")
    }

    /// Two days of exports: the second updates the deals of the first and appends their stage
    /// changes to their histories (the fixtures of Tests/Scripts/import/upsert.funnel).
    @Test func upsertAppendsStageChanges() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = FunnelProcess.packageRoot.appendingPathComponent("Tests/Scripts/import/files")
        for f in ["monday.csv", "tuesday.csv"] {
            try FileManager.default.copyItem(at: files.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let mapping = "(id = id, stage = stage, amount = amount, created = created, entered Discovery = discovery_date, closed = closed_date)"
        let r = try run(Self.funnel + """
            import deals from "monday.csv" into E \(mapping)
            import deals from "tuesday.csv" into E \(mapping)
            export history to "h.csv"

            """, in: dir)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(try text(dir.appendingPathComponent("h.csv")) == """
            deal,from,to,at,forced
            U-1,,Qualification,2026-03-01,
            U-1,Qualification,Discovery,2026-03-03,
            U-2,,Qualification,2026-03-01,
            U-2,Qualification,Discovery,2026-03-02,
            U-3,,Qualification,2026-03-01,
            U-3,Qualification,Discovery,2026-03-02,
            U-3,Discovery,Lost,2026-03-03,
            U-4,,Qualification,2026-03-03,

            """.replacingOccurrences(of: "\n", with: "\r\n"), "export writes CRLF lines (RFC 4180)")
        // Importing Tuesday again changes nothing.
        let again = try run("import deals from \"tuesday.csv\" into E \(mapping)\nexport history to \"h2.csv\"\n", in: dir, name: "again.funnel")
        #expect(again.stdout == "imported 4 deals from tuesday.csv into E: 0 new, 4 updated\nwrote 8 rows to h2.csv\n")
        #expect(try text(dir.appendingPathComponent("h2.csv")) == (try text(dir.appendingPathComponent("h.csv"))))
    }

    /// A 100 MB line is refused with the line it starts on, without reading it all.
    @Test func hugeLineIsAnError() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = Data("id,name\nX-1,".utf8)
        bytes.append(Data(repeating: UInt8(ascii: "a"), count: 100 << 20))
        try bytes.write(to: dir.appendingPathComponent("huge.csv"))
        let r = try run(Self.funnel + "import deals from \"huge.csv\" into E (id = id, name = name)\n", in: dir)
        #expect(r.exitCode == 74)
        #expect(r.stderr.hasPrefix("script.funnel:11:19: error[I003]: huge.csv:2: a record longer than 16 MiB; is this a CSV file?\n"))
    }

    /// A segment the journal names but the store lacks, or one that changed, is an I/O error
    /// (exit 74) naming it, for queries and for verify.
    @Test func missingOrDamagedSegment() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,stage\nS-1,Qualification\nS-2,Won\n".write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let r = try run(Self.funnel + "import deals from \"s.csv\" into E (id = id, stage = stage)\n", in: dir)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let segments = dir.appendingPathComponent("s.store/segments")
        let names = try FileManager.default.contentsOfDirectory(atPath: segments.path)
        #expect(names.count == 1)
        guard let name = names.first else { return }
        let store = dir.appendingPathComponent("s.store").path
        #expect(try query("count deals", in: dir).stdout == "deals\n2\n")
        let verified = try FunnelProcess.run(["verify", "--store", store])
        #expect(verified.stdout == "\(store): 5 events in 1 commits, 1 segment; no problems\n")

        // Damaged: one byte changed.
        let path = segments.appendingPathComponent(name)
        var bytes = try Data(contentsOf: path)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: path)
        let damaged = try query("count deals", in: dir)
        #expect(damaged.exitCode == 74)
        #expect(damaged.stderr.hasPrefix("error[S012]: \(store): event 5 cannot be replayed: segment \(store)/segments/\(name) is damaged: its checksum is "))
        let verifyDamaged = try FunnelProcess.run(["verify", "--store", store])
        #expect(verifyDamaged.exitCode == 74)
        #expect(verifyDamaged.stderr.hasPrefix("error[S021]: segment \(store)/segments/\(name) is damaged: its checksum is "))

        // Missing.
        try FileManager.default.removeItem(at: path)
        let missing = try query("count deals", in: dir)
        #expect(missing.exitCode == 74)
        #expect(missing.stderr == """
            error[S012]: \(store): event 5 cannot be replayed: segment \(store)/segments/\(name) is missing
            help: run `funnel verify`; the journal may have been edited by hand

            """)
        let verifyMissing = try FunnelProcess.run(["verify", "--store", store])
        #expect(verifyMissing.exitCode == 74)
        #expect(verifyMissing.stderr.hasPrefix("error[S020]: segment \(store)/segments/\(name) is missing\n"))
    }

    /// A .csv export with Chinese text starts with a UTF-8 BOM (so Excel reads it), ends every
    /// line with CRLF, and imports back to the same text; an ASCII one has no BOM.
    @Test func csvForExcelHasABOMOnlyForNonASCIIText() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run("""
            funnel 漏斗 { stage 接洽 probability 10%; won 赢单; lost 输单 }
            deal "C-1" in 漏斗 { name: "华为, 云迁移", amount: 300k } on 2026-01-05
            export deals show id, name, amount to "zh.csv"
            export deals show id, amount to "ascii.csv"

            """, in: dir, extra: ["--today", "2026-03-15"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let zh = try Data(contentsOf: dir.appendingPathComponent("zh.csv"))
        #expect(Array(zh) == [0xEF, 0xBB, 0xBF] + Array("id,name,amount\r\nC-1,\"华为, 云迁移\",300000\r\n".utf8))
        let ascii = try Data(contentsOf: dir.appendingPathComponent("ascii.csv"))
        #expect(Array(ascii) == Array("id,amount\r\nC-1,300000\r\n".utf8))
        // Read back: the BOM is skipped and CRLF ends the record, so the name is as written.
        let back = try run("""
            funnel 漏斗 { stage 接洽 probability 10%; won 赢单; lost 输单 }
            import deals from "zh.csv" into 漏斗 (id = id, name = name, amount = amount)

            """, in: dir, store: "b.store")
        #expect(back.exitCode == 0, "\(back.stderr)")
        #expect(try query("deals show id, name, amount", in: dir, store: "b.store").stdout == "id,name,amount\nC-1,\"华为, 云迁移\",300000\n")
    }

    /// `bom` and `no bom` override the default: a mark on an ASCII file, none on a Chinese one.
    @Test func exportBomOptionWritesOrOmitsTheMark() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run("""
            funnel 漏斗 { stage 接洽 probability 10%; won 赢单; lost 输单 }
            deal "C-1" in 漏斗 { name: "华为", amount: 300k } on 2026-01-05
            export deals show id, name to "zh.csv" no bom
            export deals show id, amount to "ascii.csv" bom
            export deals show id, name to "zh-default.csv"

            """, in: dir, extra: ["--today", "2026-03-15"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote 1 row to zh.csv\nwrote 1 row to ascii.csv\nwrote 1 row to zh-default.csv\n")
        let zh = try Data(contentsOf: dir.appendingPathComponent("zh.csv"))
        #expect(Array(zh) == Array("id,name\r\nC-1,华为\r\n".utf8))
        let ascii = try Data(contentsOf: dir.appendingPathComponent("ascii.csv"))
        #expect(Array(ascii) == [0xEF, 0xBB, 0xBF] + Array("id,amount\r\nC-1,300000\r\n".utf8))
        let zhDefault = try Data(contentsOf: dir.appendingPathComponent("zh-default.csv"))
        #expect(Array(zhDefault) == [0xEF, 0xBB, 0xBF] + Array("id,name\r\nC-1,华为\r\n".utf8))
    }

    /// A run that fails after it exported keeps no file: the export, a query's `to FILE`, a
    /// chart and the report are moved into place only when the run commits. An old file of
    /// the same name is left as it was, and no temporary file is left beside it.
    @Test func aFailedRunKeepsNoFileItWrote() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "old export\n".write(to: dir.appendingPathComponent("deals.csv"), atomically: true, encoding: .utf8)
        let script = """
            funnel F { stage A probability 10%; won W; lost L }
            deal "X-1" in F { amount: 10 } on 2026-01-05
            export deals show id, amount to "deals.csv"
            pipeline to "pipeline.json"
            chart pipeline by stage to "pipeline.svg"
            report F to "report.html"
            win deal "X-9"

            """
        let failed = try run(script, in: dir, extra: ["--today", "2026-03-15"])
        #expect(failed.exitCode == 1)
        #expect(failed.stdout == """
            wrote 1 row to deals.csv
            wrote 1 row to pipeline.json
            wrote chart to pipeline.svg
            wrote report to report.html
            rolled back: nothing from this entry was kept

            """)
        #expect(failed.stderr.hasPrefix("script.funnel:7:10: error[R101]: no deal \"X-9\"\n"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["deals.csv", "s.store", "script.funnel"])
        #expect(try text(dir.appendingPathComponent("deals.csv")) == "old export\n")

        // The same run without the failing line writes all four, and nothing else.
        let kept = try run(script.replacingOccurrences(of: "win deal \"X-9\"\n", with: ""), in: dir, store: "t.store",
                           extra: ["--today", "2026-03-15"])
        #expect(kept.exitCode == 0, "\(kept.stderr)")
        let after = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(after == ["deals.csv", "pipeline.json", "pipeline.svg", "report.html", "s.store", "script.funnel", "t.store"])
        #expect(try text(dir.appendingPathComponent("deals.csv")) == "id,amount\r\nX-1,10\r\n")
    }
}
