import Foundation
import Testing

/// examples/salesforce and examples/hubspot, imported by their own scripts, checked against
/// the same figures computed by sqlite3 over the files (the Salesforce ones as the C library's
/// `iconv` command decodes them) — neither funnel's decoder, its currency conversion nor its
/// snapshot replay checks itself. Also: export -> import keeps per-deal probabilities and
/// forecast categories, so the weighted figures survive a round trip.
struct CRMExamplesTests {
    static let examples = FunnelProcess.packageRoot.appendingPathComponent("examples")

    /// Runs SQL with each (file, table) loaded, decoding from `encoding` first; the CSV output
    /// without a header, with sqlite's `1000.0` written as funnel writes `1000`.
    func sqlite(_ sql: String, tables: [(String, String)], encoding: String = "UTF-8", dir: URL) throws -> String {
        var args = ["sqlite3", ":memory:"]
        for (path, table) in tables {
            let utf8 = dir.appendingPathComponent("\(table)-utf8.csv")
            let iconv = Process()
            iconv.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            iconv.arguments = ["iconv", "-f", encoding, "-t", "UTF-8", path]
            FileManager.default.createFile(atPath: utf8.path, contents: nil)
            let handle = try FileHandle(forWritingTo: utf8)
            iconv.standardOutput = handle
            try iconv.run()
            iconv.waitUntilExit()
            try handle.close()
            #expect(iconv.terminationStatus == 0, "iconv failed on \(path)")
            args += ["-cmd", ".mode csv", "-cmd", ".import \(utf8.path) \(table)"]
        }
        args += ["-cmd", ".mode list", "-cmd", ".separator , \"\\n\"", sql]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
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

    func runExample(_ name: String, store: URL, scripts: [String]) throws -> FunnelProcess.Result {
        try FunnelProcess.run(["run"] + scripts + ["--store", store.path, "--today", "2026-03-15", "--quiet"],
                              cwd: Self.examples.appendingPathComponent(name))
    }

    // MARK: - Salesforce: Windows-1252, four currencies, three closed stages, own categories

    static let sfData = examples.appendingPathComponent("salesforce/data")
    /// Amount in USD, at the org's rate (units of the currency per USD).
    static let usd = "(o.Amount / r.ConversionRate)"
    static let sfOpen = "o.StageName not like 'Closed%'"
    /// The forecast category that counts: the rep's own, unless Salesforce wrote Closed or
    /// Omitted, else the stage's (Proposal best_case, Negotiation commit).
    static let sfCategory = "case when o.ForecastCategoryName in ('Pipeline', 'Best Case', 'Commit') then o.ForecastCategoryName when o.StageName = 'Negotiation' then 'Commit' when o.StageName = 'Proposal' then 'Best Case' else 'Pipeline' end"
    static let sfStageOrder = "case o.StageName when 'Prospecting' then 1 when 'Qualification' then 2 when 'Proposal' then 3 when 'Negotiation' then 4 when 'Closed Won' then 5 when 'Closed Lost' then 6 else 7 end"

    func sf(_ sql: String, dir: URL) throws -> String {
        try sqlite(sql, tables: [(Self.sfData.appendingPathComponent("Opportunity.csv").path, "o"),
                                 (Self.sfData.appendingPathComponent("CurrencyType.csv").path, "r")],
                   encoding: "WINDOWS-1252", dir: dir)
    }

    @Test func salesforceFiguresMatchSQLite() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("sf.store")
        let setup = try runExample("salesforce", store: store, scripts: ["setup.funnel", "import.funnel"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(setup.stderr == "")

        let from = "from o join r on r.IsoCode = o.CurrencyIsoCode"
        #expect(try funnel("pipeline", store: store)
                == (try sf("select o.StageName, count(*), sum(\(Self.usd)), sum(\(Self.usd) * o.Probability / 100) \(from) where \(Self.sfOpen) group by o.StageName order by \(Self.sfStageOrder)", dir: dir)))
        let weighted = "sum(case when \(Self.sfOpen) then \(Self.usd) * o.Probability / 100 else 0 end)"
        let won = "sum(case when o.StageName = 'Closed Won' then \(Self.usd) else 0 end)"
        #expect(try funnel("forecast", store: store)
                == (try sf("select sum(\(Self.sfOpen)), sum(case when \(Self.sfOpen) then \(Self.usd) else 0 end), \(weighted), sum(case when \(Self.sfOpen) and \(Self.sfCategory) = 'Commit' then \(Self.usd) else 0 end), sum(case when \(Self.sfOpen) and \(Self.sfCategory) in ('Commit', 'Best Case') then \(Self.usd) else 0 end), \(won), \(won) + \(weighted) \(from)", dir: dir)))
        // Closed Lost and Closed - No Decision are both lost in the rate.
        let nWon = "sum(o.StageName = 'Closed Won')", nLost = "sum(o.StageName in ('Closed Lost', 'Closed - No Decision'))"
        #expect(try funnel("win rate", store: store)
                == (try sf("select \(nWon), \(nLost), 1.0 * \(nWon) / (\(nWon) + \(nLost)), \(won) \(from)", dir: dir)))
        // Each closed stage on its own where a report shows stages.
        #expect(try funnel("count deals by stage", store: store)
                == (try sf("select o.StageName, count(*) from o group by o.StageName order by \(Self.sfStageOrder)", dir: dir)))
        #expect(try funnel("deals where id = \"006A01\" show name", store: store) == "Café Ñandú expansion\n")
        // The stage history came from OpportunityHistory: 006A05 was lost from Proposal.
        #expect(try funnel("history of deal \"006A05\"", store: store)
                == "2026-01-12,stage,,Prospecting,,,import data/OpportunityHistory.csv\n"
                + "2026-01-19,stage,Prospecting,Qualification,7,,import data/OpportunityHistory.csv\n"
                + "2026-02-05,stage,Qualification,Proposal,17,,import data/OpportunityHistory.csv\n"
                + "2026-02-27,stage,Proposal,Closed Lost,22,,import data/OpportunityHistory.csv\n")
    }

    /// With the org's dated rates, each deal converts at the rate of its CloseDate (Salesforce's
    /// rule for opportunities, and funnel's: the day it closed, else its expected close date),
    /// checked against sqlite3 joining each opportunity to the period that holds its CloseDate.
    @Test func salesforceDatedRatesMatchSQLite() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("sf.store")
        let setup = try runExample("salesforce", store: store, scripts: ["setup.funnel", "import.funnel", "dated_rates.funnel"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(setup.stderr == "")
        func dated(_ sql: String) throws -> String {
            try sqlite(sql, tables: [(Self.sfData.appendingPathComponent("Opportunity.csv").path, "o"),
                                     (Self.sfData.appendingPathComponent("DatedConversionRate.csv").path, "r")],
                       encoding: "WINDOWS-1252", dir: dir)
        }
        let from = "from o join r on r.IsoCode = o.CurrencyIsoCode and o.CloseDate >= r.StartDate and o.CloseDate < r.NextStartDate"
        // Every opportunity has exactly one period.
        #expect(try dated("select count(*) \(from)") == "12\n")
        #expect(try funnel("pipeline", store: store)
                == (try dated("select o.StageName, count(*), sum(\(Self.usd)), sum(\(Self.usd) * o.Probability / 100) \(from) where \(Self.sfOpen) group by o.StageName order by \(Self.sfStageOrder)")))
        let weighted = "sum(case when \(Self.sfOpen) then \(Self.usd) * o.Probability / 100 else 0 end)"
        let won = "sum(case when o.StageName = 'Closed Won' then \(Self.usd) else 0 end)"
        #expect(try funnel("forecast", store: store)
                == (try dated("select sum(\(Self.sfOpen)), sum(case when \(Self.sfOpen) then \(Self.usd) else 0 end), \(weighted), sum(case when \(Self.sfOpen) and \(Self.sfCategory) = 'Commit' then \(Self.usd) else 0 end), sum(case when \(Self.sfOpen) and \(Self.sfCategory) in ('Commit', 'Best Case') then \(Self.usd) else 0 end), \(won), \(won) + \(weighted) \(from)")))
        #expect(try funnel("sum(amount) by currency", store: store)
                == (try dated("select o.CurrencyIsoCode, sum(\(Self.usd)) \(from) group by o.CurrencyIsoCode order by o.CurrencyIsoCode")))
        // The rate changed on 2026-03-01: the undated table's figure differs for MXN and COP.
        #expect(try funnel("sum(amount) where currency = \"MXN\"", store: store) == "55000\n")
        #expect(try sf("select sum(\(Self.usd)) from o join r on r.IsoCode = o.CurrencyIsoCode where o.CurrencyIsoCode = 'MXN'", dir: dir) == "60000\n")
    }

    @Test func aDealInACurrencyWithoutARateIsAnError() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("sf.store")
        let setup = try runExample("salesforce", store: store, scripts: ["setup.funnel", "import.funnel"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        let set = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-15", "-c", "set deal \"006A04\" currency = \"EUR\""])
        #expect(set.exitCode == 0, "\(set.stderr)")
        let r = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-15", "-c", "pipeline"])
        #expect(r.exitCode == 1)
        #expect(r.stdout == "")
        #expect(r.stderr == """
            <command line>:1:1: error[R702]: deal "006A04" is in EUR, and table rates has no ConversionRate for EUR
             1 | pipeline
               | ^^^^^^^^
            help: add a row for EUR to table rates, or correct the deal's currency

            """)
    }

    /// export -> import into a fresh store keeps each deal's own probability and category, so
    /// pipeline and forecast come out the same.
    @Test func exportImportKeepsProbabilitiesAndCategories() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("sf.store"), copy = dir.appendingPathComponent("copy.store")
        let setup = try runExample("salesforce", store: store, scripts: ["setup.funnel", "import.funnel"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        let csv = dir.appendingPathComponent("deals.csv").path
        let export = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-15", "-c", "export deals to \"\(csv)\""])
        #expect(export.stdout == "wrote 12 rows to \(csv)\n", "\(export.stderr)")
        let again = try FunnelProcess.run(["run", "setup.funnel", "--store", copy.path, "--today", "2026-03-15", "--quiet"],
                                          cwd: Self.examples.appendingPathComponent("salesforce"))
        #expect(again.exitCode == 0, "\(again.stderr)")
        let statements = [
            "import table rates from \"\(Self.sfData.appendingPathComponent("CurrencyType.csv").path)\" key IsoCode",
            "currency USD rates rates.ConversionRate",
            "import deals from \"\(csv)\" into Sales (id = id, name = name, stage = stage, amount = amount, currency = currency, probability = probability, category = category, created = created, close_date = close_date, closed = closed)",
        ]
        for s in statements {
            let r = try FunnelProcess.run(["--store", copy.path, "--today", "2026-03-15", "-c", s])
            #expect(r.exitCode == 0, "\(s): \(r.stderr)")
        }
        for q in ["forecast", "pipeline", "win rate", "deals show id, probability, category, amount"] {
            #expect(try funnel(q, store: copy) == (try funnel(q, store: store)), "\(q)")
        }
        #expect(try funnel("forecast show weighted, commit, best_case", store: copy) == "77000,40000,110000\n")
    }

    // MARK: - HubSpot: a weekly series of snapshot exports

    static let weeks = ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"]
    static let hsOpen = "\"Deal Stage\" not like 'Closed%'"
    static let hsProbability = "case \"Deal Stage\" when 'Appointment scheduled' then 0.2 when 'Qualified to buy' then 0.4 when 'Presentation scheduled' then 0.6 when 'Decision maker bought-in' then 0.8 when 'Contract sent' then 0.9 else 0 end"
    static let hsOrder = "case \"Deal Stage\" when 'Appointment scheduled' then 1 when 'Qualified to buy' then 2 when 'Presentation scheduled' then 3 when 'Decision maker bought-in' then 4 else 5 end"
    static let hsCategory = "case when \"Forecast category\" in ('Commit', 'Best case', 'Pipeline') then \"Forecast category\" when \"Deal Stage\" = 'Contract sent' then 'Commit' when \"Deal Stage\" in ('Presentation scheduled', 'Decision maker bought-in') then 'Best case' else 'Pipeline' end"

    /// As of each Monday, funnel's figures are that Monday's export's, exactly: deals deleted
    /// in HubSpot (missing from the file) count nowhere, a restored one counts again.
    @Test func hubspotSnapshotsGiveEachWeeksFigures() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("hs.store")
        let setup = try runExample("hubspot", store: store, scripts: ["setup.funnel", "import.funnel"])
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(setup.stderr == "")
        let data = Self.examples.appendingPathComponent("hubspot/data")
        for day in Self.weeks {
            func week(_ sql: String) throws -> String {
                try sqlite(sql, tables: [(data.appendingPathComponent("deals-\(day).csv").path, "w")], dir: dir)
            }
            // Every open stage, those the export has no deal in with 0.
            #expect(try funnel("pipeline as of \(day)", store: store)
                    == (try week("with s(stage, p, n) as (values ('Appointment scheduled', 0.2, 1), ('Qualified to buy', 0.4, 2), ('Presentation scheduled', 0.6, 3), ('Decision maker bought-in', 0.8, 4), ('Contract sent', 0.9, 5)) select s.stage, count(w.Amount), coalesce(sum(w.Amount), 0), coalesce(sum(w.Amount * s.p), 0) from s left join w on w.\"Deal Stage\" = s.stage group by s.stage order by s.n")),
                    "pipeline as of \(day)")
            let open = "case when \(Self.hsOpen) then Amount else 0 end"
            let weighted = "sum(case when \(Self.hsOpen) then Amount * \(Self.hsProbability) else 0 end)"
            let won = "sum(case when \"Deal Stage\" = 'Closed won' then Amount else 0 end)"
            #expect(try funnel("forecast as of \(day)", store: store)
                    == (try week("select sum(\(Self.hsOpen)), sum(\(open)), \(weighted), sum(case when \(Self.hsOpen) and \(Self.hsCategory) = 'Commit' then Amount else 0 end), sum(case when \(Self.hsOpen) and \(Self.hsCategory) in ('Commit', 'Best case') then Amount else 0 end), \(won), \(won) + \(weighted) from w")),
                    "forecast as of \(day)")
            let nWon = "sum(\"Deal Stage\" = 'Closed won')", nLost = "sum(\"Deal Stage\" in ('Closed lost', 'Closed: abandoned'))"
            let rate = try week("select \(nWon), \(nLost), case when \(nWon) + \(nLost) > 0 then 1.0 * \(nWon) / (\(nWon) + \(nLost)) end, \(won) from w")
            #expect(try funnel("win rate as of \(day)", store: store) == rate, "win rate as of \(day)")
        }
        // 105 was deleted after the first week and never came back; 102 came back in the last.
        #expect(try funnel("deals where status = \"removed\" show id", store: store) == "105\n")
        #expect(try funnel("deals where status = \"removed\" as of 2026-02-16 show id", store: store) == "102\n105\n")
    }

    @Test func theExampleAnalysisScriptsRun() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, scripts) in [("salesforce", ["analysis.funnel", "dated_rates.funnel"]), ("hubspot", ["analysis.funnel"])] {
            let r = try runExample(name, store: dir.appendingPathComponent("\(name).store"),
                                   scripts: ["setup.funnel", "import.funnel"] + scripts)
            #expect(r.exitCode == 0, "\(name): \(r.stderr)")
            #expect(r.stderr == "")
        }
    }

    /// Closing into a named outcome stage and a snapshot's verdict are journal events of their
    /// own ("close", "snapshot"): a later run replays them to the same state.
    @Test func namedOutcomesAndSnapshotsReplayFromTheJournal() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("r.store")
        let csv = dir.appendingPathComponent("week.csv")
        try "id,stage\nB,Lead\n".write(to: csv, atomically: true, encoding: .utf8)
        let script = """
            funnel F {
              stage Lead probability 10%
              won Won
              won Renewed
              lost Lost
              lost Abandoned
            }
            deal "A" { amount: 10 } on 2026-01-01
            deal "B" { amount: 20 } on 2026-01-01
            deal "C" { amount: 30 } on 2026-01-01
            deal "D" { amount: 40 } on 2026-01-01
            win deal "A" as Renewed on 2026-01-05
            lose deal "D" as Abandoned because "gone" on 2026-01-06
            import deals from "\(csv.path)" into F as snapshot on 2026-01-10 (id = id, stage = stage)
            """
        let file = dir.appendingPathComponent("replay.funnel")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let r = try FunnelProcess.run(["--store", store.path, "--today", "2026-03-15", "--quiet", "run", file.path])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(try funnel("deals show id, stage, status, lost_reason, closed", store: store)
                == "A,Renewed,won,,2026-01-05\nB,Lead,open,,\nC,Lead,removed,,\nD,Abandoned,lost,gone,2026-01-06\n")
        #expect(try funnel("deals where status = \"removed\" as of 2026-01-09 show id", store: store) == "")
    }
}
