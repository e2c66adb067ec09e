import Foundation
import Testing

/// examples/fxiaoke: a 纷享销客-shaped GBK export (CRLF, a NUL and a line break in quoted
/// remarks, 是/否, thousands separators, times with minutes, voided rows, a lost deal with no
/// close date) imported by the example's scripts, checked against the same figures computed
/// by sqlite3 over the file as the C library's `iconv` command decodes it — neither funnel's
/// decoder nor its importer checks itself.
struct FxiaokeExampleTests {
    static let example = FunnelProcess.packageRoot.appendingPathComponent("examples/fxiaoke")

    /// Runs SQL over the example's file, decoded by iconv(1) and loaded as table o; the CSV
    /// output without a header, with sqlite's `1000.0` written as funnel writes `1000`.
    func sqlite(_ sql: String, dir: URL) throws -> String {
        let utf8 = dir.appendingPathComponent("opportunities-utf8.csv")
        let iconv = Process()
        iconv.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        iconv.arguments = ["iconv", "-f", "GBK", "-t", "UTF-8", Self.example.appendingPathComponent("data/opportunities.csv").path]
        FileManager.default.createFile(atPath: utf8.path, contents: nil)
        let handle = try FileHandle(forWritingTo: utf8)
        iconv.standardOutput = handle
        try iconv.run()
        iconv.waitUntilExit()
        try handle.close()
        #expect(iconv.terminationStatus == 0, "iconv failed")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sqlite3", ":memory:", "-cmd", ".mode csv", "-cmd", ".import \(utf8.path) o",
                       "-cmd", ".mode list", "-cmd", ".separator , \"\\n\"", sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "sqlite3 failed")
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: ".0\n", with: "\n")
            .replacingOccurrences(of: ".0,", with: ",")
    }

    /// funnel's CSV output without its header line.
    func funnel(_ statement: String, store: URL) throws -> String {
        let r = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-15", "--format", "csv", "-c", statement])
        #expect(r.exitCode == 0, "\(statement): \(r.stderr)")
        return r.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
    }

    /// The rows that are not voided, and an amount as a number.
    static let kept = "生命状态 = '正常'"
    static let amount = "cast(replace(\"商机金额（元）\", ',', '') as real)"
    static let probability = "case 商机阶段 when '初步接洽' then 0.1 when '需求确认' then 0.3 when '方案报价' then 0.6 when '商务谈判' then 0.8 else 0 end"

    @Test func figuresMatchSQLite() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("fx.store")
        let setup = try FunnelProcess.run(["run", "setup.funnel", "import.funnel", "--store", store.path, "--today", "2026-03-15"],
                                          cwd: Self.example)
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(setup.stdout == "imported 10 deals from data/opportunities.csv into 销售漏斗: 10 new, 0 updated; where left out 2 rows\n")
        #expect(setup.stderr == "")

        #expect(try funnel("count deals", store: store) == (try sqlite("select count(*) from o where \(Self.kept)", dir: dir)))
        // Every closed deal, then those closed in Q1: FX-0007 is lost with no close date, so it
        // counts only without a window.
        let won = "sum(商机阶段 = '赢单')", lost = "sum(商机阶段 = '输单')"
        let wonAmount = "sum(case when 商机阶段 = '赢单' then \(Self.amount) end)"
        #expect(try funnel("win rate", store: store)
                == (try sqlite("select \(won), \(lost), 1.0 * \(won) / (\(won) + \(lost)), \(wonAmount) from o where \(Self.kept)", dir: dir)))
        #expect(try funnel("win rate during 2026-Q1", store: store)
                == (try sqlite("select \(won), \(lost), 1.0 * \(won) / (\(won) + \(lost)), \(wonAmount) from o where \(Self.kept) and 结单日期 between '2026-01-01' and '2026-03-31 99'", dir: dir)))
        #expect(try funnel("pipeline by owner", store: store)
                == (try sqlite("select 负责人, count(*), sum(\(Self.amount)), sum(\(Self.amount) * \(Self.probability)) from o where \(Self.kept) and 商机阶段 not in ('赢单', '输单') group by 负责人 order by 负责人", dir: dir)))
        #expect(try funnel("count deals where 重点 by owner", store: store)
                == (try sqlite("select 负责人, count(*) from o where \(Self.kept) and 是否重点商机 = '是' group by 负责人 order by 负责人", dir: dir)))
        // The lost deal with an empty close date has no closed date; the other has its own.
        #expect(try funnel("deals where status = \"lost\" show id, closed", store: store) == "FX-0003,2026-02-03\nFX-0007,\n")
    }

    @Test func theAnalysisScriptRuns() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("fx.store")
        let r = try FunnelProcess.run(["run", "setup.funnel", "import.funnel", "analysis.funnel", "--store", store.path,
                                       "--today", "2026-03-15", "--quiet"], cwd: Self.example)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr == "")
    }
}
