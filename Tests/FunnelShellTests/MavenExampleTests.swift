import Foundation
import Testing

/// examples/maven: funnel's figures for the Maven CRM sample against the same figures computed
/// by sqlite3 over the same CSV files, so neither the importer nor the queries check themselves.
/// (`scripts/bootstrap` installs sqlite3.)
struct MavenExampleTests {
    static let example = FunnelProcess.packageRoot.appendingPathComponent("examples/maven")

    /// Runs SQL over the example's CSV files, loaded as tables p (pipeline), t (teams),
    /// pr (products) and a (accounts); returns the CSV output without a header.
    func sqlite(_ sql: String) throws -> String {
        let data = Self.example.appendingPathComponent("data").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sqlite3", ":memory:", "-cmd", ".mode csv",
                       "-cmd", ".import \(data)/sales_pipeline.csv p", "-cmd", ".import \(data)/sales_teams.csv t",
                       "-cmd", ".import \(data)/products.csv pr", "-cmd", ".import \(data)/accounts.csv a",
                       // Unquoted output, as funnel writes names with spaces in CSV.
                       "-cmd", ".mode list", "-cmd", ".separator , \"\\n\"", sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "sqlite3 failed")
        // sqlite3 sums text columns as floating point: 1000.0 is funnel's 1000.
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: ".0\n", with: "\n")
    }

    /// funnel's CSV output without its header line.
    func funnel(_ statement: String, store: URL) throws -> String {
        let r = try FunnelProcess.run(["--store", store.path, "--format", "csv", "-c", statement])
        #expect(r.exitCode == 0, "\(statement): \(r.stderr)")
        return r.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
    }

    @Test func figuresMatchSQLite() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("maven.store")
        let setup = try FunnelProcess.run(["run", "setup.funnel", "import.funnel", "--store", store.path], cwd: Self.example)
        #expect(setup.exitCode == 0, "\(setup.stderr)")
        #expect(setup.stdout == """
            imported table teams from data/sales_teams.csv: 35 rows, 3 columns
            imported table products from data/products.csv: 7 rows, 3 columns
            imported table accounts from data/accounts.csv: 85 rows, 7 columns
            imported 8800 deals from data/sales_pipeline.csv into Maven: 8800 new, 0 updated

            """)

        #expect(try funnel("count deals", store: store) == (try sqlite("select count(*) from p")))
        #expect(try funnel("count deals by stage", store: store)
                == (try sqlite("select deal_stage, count(*) from p group by deal_stage order by case deal_stage when 'Prospecting' then 1 when 'Engaging' then 2 when 'Won' then 3 else 4 end")))
        #expect(try funnel("count deals where status = \"open\"", store: store)
                == (try sqlite("select count(*) from p where deal_stage in ('Prospecting', 'Engaging')")))

        // Won deals and won amounts per manager, through the teams table.
        #expect(try funnel("count deals where status = \"won\" by team", store: store)
                == (try sqlite("select t.manager, count(*) from p join t using (sales_agent) where deal_stage = 'Won' group by t.manager order by t.manager")))
        #expect(try funnel("sum amount where status = \"won\" by team", store: store)
                == (try sqlite("select t.manager, sum(close_value) from p join t using (sales_agent) where deal_stage = 'Won' group by t.manager order by t.manager")))

        // Open deals at their product's list price (GTXPro is GTX Pro), by regional office.
        #expect(try funnel("sum amount where status = \"open\" by teams[owner].regional_office", store: store)
                == (try sqlite("""
                    select t.regional_office, sum(pr.sales_price) from p join t using (sales_agent)
                    join pr on pr.product = case p.product when 'GTXPro' then 'GTX Pro' else p.product end
                    where deal_stage in ('Prospecting', 'Engaging') group by t.regional_office order by t.regional_office
                    """)))

        // Deals by sector; deals without an account have no sector (empty, sorted last).
        #expect(try funnel("count deals by accounts[account].sector", store: store)
                == (try sqlite("""
                    select a.sector, count(*) from p left join a using (account)
                    group by a.sector order by a.sector is null, a.sector
                    """)))

        // Won deals' days from engaging to closing, summed: the history the import built.
        #expect(try funnel("sum closed - created where status = \"won\"", store: store)
                == (try sqlite("select sum(julianday(close_date) - julianday(engage_date)) from p where deal_stage = 'Won'")))
    }
}
