import Foundation
import FunnelCore
import Testing

/// Cross-checks the reports on the Maven Analytics CRM sample (8,800 opportunities) against
/// sqlite3 run on the same CSV files. The test reads the CSVs itself and writes a funnel
/// script — one `deal` per row, created on its engage_date in Engaging, then `win`/`lose`
/// on its close_date — so it does not depend on the importer. Rows with no engage_date are
/// still Prospecting: they have no date at all, so they are created in Prospecting on the
/// export day, taken as the file's latest date (2017-12-31); sqlite counts them the same way.
/// The data lives in the shared folder beside the repository (`../shared/data/...`).
struct MavenCrossCheckTests {
    static var dataFolder: URL {
        let beside = FunnelProcess.packageRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/data/crm-sales-opportunities")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: "/work/shared/data/crm-sales-opportunities")
    }

    static var pipelineCSV: URL { dataFolder.appendingPathComponent("sales_pipeline.csv") }
    static var teamsCSV: URL { dataFolder.appendingPathComponent("sales_teams.csv") }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The funnel script for the whole sample, then the queries, each printing one JSON line.
    static func script(queries: [String]) throws -> String {
        let teams = try CSVReader(path: teamsCSV.path)
        guard let teamHeader = try teams.readHeader(), let agentColumn = teamHeader.firstIndex(of: "sales_agent"),
              let managerColumn = teamHeader.firstIndex(of: "manager"), let officeColumn = teamHeader.firstIndex(of: "regional_office") else {
            throw Diagnostic(.io, "T001", "sales_teams.csv has no header")
        }
        var managerOf: [String: (String, String)] = [:]
        while let r = try teams.nextRecord() { managerOf[r.field(agentColumn)] = (r.field(managerColumn), r.field(officeColumn)) }

        let reader = try CSVReader(path: pipelineCSV.path)
        guard let header = try reader.readHeader() else { throw Diagnostic(.io, "T001", "sales_pipeline.csv is empty") }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw Diagnostic(.io, "T001", "no column \(name)") }
            return i
        }
        let id = try column("opportunity_id"), agent = try column("sales_agent"), product = try column("product")
        let stage = try column("deal_stage"), engage = try column("engage_date"), close = try column("close_date")
        let value = try column("close_value"), account = try column("account")
        var rows: [[String]] = []
        var exportDay = ""
        while let r = try reader.nextRecord() {
            let fields = r.fields
            rows.append(fields)
            exportDay = max(exportDay, fields[engage], fields[close])
        }
        var lines = ["field office text", "funnel Maven {", "  stage Prospecting probability 10%",
                     "  stage Engaging probability 50%", "  won Won", "  lost Lost", "}"]
        for f in rows {
            let (manager, office) = managerOf[f[agent]] ?? ("", "")
            var fields = ["owner: \(quoted(f[agent]))", "team: \(quoted(manager))", "office: \(quoted(office))",
                          "product: \(quoted(f[product]))"]
            if !f[account].isEmpty { fields.append("account: \(quoted(f[account]))") }
            if !f[value].isEmpty { fields.append("amount: \(f[value])") }
            if f[engage].isEmpty {
                lines.append("deal \(quoted(f[id])) { \(fields.joined(separator: ", ")) } on \(exportDay)")
                continue
            }
            fields.append("stage: Engaging")
            lines.append("deal \(quoted(f[id])) { \(fields.joined(separator: ", ")) } on \(f[engage])")
            switch f[stage] {
            case "Won": lines.append("win deal \(quoted(f[id])) on \(f[close])")
            case "Lost": lines.append("lose deal \(quoted(f[id])) on \(f[close])")
            default: break
            }
        }
        lines.append(".format json")
        lines += queries
        return lines.joined(separator: "\n") + "\n"
    }

    typealias Rows = [[String: Any]]

    static func json(_ text: some StringProtocol) throws -> Rows {
        guard let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? Rows else {
            throw Diagnostic(.io, "T002", "not a JSON array of objects: \(text.prefix(200))")
        }
        return rows
    }

    static func sqlite(_ sql: String) throws -> Rows {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sqlite3", "-json", ":memory:", "-cmd", ".import --csv \(pipelineCSV.path) p",
                       "-cmd", ".import --csv \(teamsCSV.path) t", sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "sqlite3 failed on: \(sql)")
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? [] : try json(text)
    }

    /// Every key of `expected` must be in `actual` with the same value (numbers to 1e-9).
    static func same(_ actual: Rows, _ expected: Rows, _ what: String) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) rows, sqlite3 has \(expected.count)")
        for (a, e) in zip(actual, expected) {
            for (k, ev) in e {
                let av = a[k]
                if let x = ev as? NSNumber, let y = av as? NSNumber {
                    #expect(abs(x.doubleValue - y.doubleValue) <= 1e-9 * max(1, abs(x.doubleValue)),
                            "\(what) \(k): funnel \(y), sqlite3 \(x) in \(e)")
                } else if ev is NSNull {
                    #expect(av is NSNull, "\(what) \(k): funnel \(String(describing: av)), sqlite3 null")
                } else {
                    #expect((av as? String) == (ev as? String), "\(what) \(k): funnel \(String(describing: av)), sqlite3 \(ev)")
                }
            }
        }
    }

    static let closed = "p.deal_stage IN ('Won', 'Lost')"
    static func winRateSQL(group: String, filter: String = "1") -> String {
        """
        SELECT \(group) AS g, SUM(p.deal_stage = 'Won') AS won, SUM(p.deal_stage = 'Lost') AS lost,
               1.0 * SUM(p.deal_stage = 'Won') / COUNT(*) AS win_rate,
               TOTAL(CASE WHEN p.deal_stage = 'Won' THEN CAST(p.close_value AS REAL) END) AS won_amount
        FROM p JOIN t USING (sales_agent) WHERE \(closed) AND \(filter) GROUP BY g ORDER BY g
        """
    }

    static func cycleSQL(group: String, filter: String = "1") -> String {
        """
        WITH w AS (SELECT \(group) AS g, julianday(p.close_date) - julianday(p.engage_date) AS d
                   FROM p JOIN t USING (sales_agent) WHERE p.deal_stage = 'Won' AND \(filter)),
             r AS (SELECT g, d, ROW_NUMBER() OVER (PARTITION BY g ORDER BY d) AS n, COUNT(*) OVER (PARTITION BY g) AS c FROM w)
        SELECT g, (SELECT COUNT(*) FROM w WHERE w.g = r.g) AS won, (SELECT AVG(d) FROM w WHERE w.g = r.g) AS avg_days,
               AVG(d) AS median_days
        FROM r WHERE n IN ((c + 1) / 2, (c + 2) / 2) GROUP BY g ORDER BY g
        """
    }

    /// sqlite3's rows with the group column renamed to the funnel's.
    static func renamed(_ rows: Rows, _ key: String) -> Rows {
        rows.map { r in var r = r; r[key] = r["g"]; r["g"] = nil; return r }
    }

    @Test func reportsAgreeWithSqlite() throws {
        let queries = [
            "win rate by team", "win rate by office", "win rate by team during 2017-Q2",
            "conversion", "conversion during 2017-Q1", "conversion by office",
            "cycle", "cycle by team", "cycle by office during 2017-07-01 to 2018-01-01",
        ]
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("maven.funnel")
        try Self.script(queries: queries).write(to: scriptURL, atomically: true, encoding: .utf8)
        let result = try FunnelProcess.run(["run", scriptURL.path, "--store", dir.appendingPathComponent("s").path, "--quiet"])
        #expect(result.exitCode == 0, "\(result.stderr.prefix(2000))")
        let outputs = result.stdout.split(separator: "\n")
        #expect(outputs.count == queries.count)
        guard outputs.count == queries.count else { return }
        let out = try outputs.map { try Self.json($0) }

        Self.same(out[0], Self.renamed(try Self.sqlite(Self.winRateSQL(group: "t.manager")), "team"), "win rate by team")
        Self.same(out[1], Self.renamed(try Self.sqlite(Self.winRateSQL(group: "t.regional_office")), "office"), "win rate by office")
        Self.same(out[2], Self.renamed(try Self.sqlite(Self.winRateSQL(group: "t.manager", filter: "p.close_date >= '2017-04-01' AND p.close_date < '2017-07-01'")), "team"),
             "win rate by team during 2017-Q2")
        #expect(out[0].count == 6 && out[1].count == 3)

        // Conversion: Prospecting deals reach only Prospecting; every deal with an engage date
        // reached Engaging (skipping Prospecting counts as passing it); lost deals were lost
        // from Engaging.
        func conversionSQL(group: String?, cohort: String) -> String {
            let g = group.map { "\($0) AS g, " } ?? ""
            let by = group == nil ? "" : "GROUP BY g ORDER BY g"
            return """
            WITH c AS (SELECT \(g)COUNT(*) AS n1, SUM(p.engage_date != '') AS n2, SUM(p.deal_stage = 'Won') AS n3,
                              SUM(p.deal_stage = 'Lost') AS lost2, SUM(p.deal_stage = 'Prospecting') AS open1,
                              SUM(p.deal_stage = 'Engaging') AS open2
                       FROM p JOIN t USING (sales_agent) WHERE \(cohort) \(by))
            SELECT \(group == nil ? "" : "g, ")'Prospecting' AS stage, n1 AS reached, 1.0 * n2 / n1 AS next_rate, 1.0 AS cumulative_rate, 0 AS lost, open1 AS open, 1 AS k FROM c
            UNION ALL SELECT \(group == nil ? "" : "g, ")'Engaging', n2, 1.0 * n3 / n2, 1.0 * n2 / n1, lost2, open2, 2 FROM c
            UNION ALL SELECT \(group == nil ? "" : "g, ")'Won', n3, NULL, 1.0 * n3 / n1, 0, 0, 3 FROM c
            ORDER BY \(group == nil ? "" : "g, ")k
            """
        }
        func dropK(_ rows: Rows) -> Rows { rows.map { var r = $0; r["k"] = nil; return r } }
        Self.same(out[3], dropK(try Self.sqlite(conversionSQL(group: nil, cohort: "1"))), "conversion")
        Self.same(out[4], dropK(try Self.sqlite(conversionSQL(group: nil, cohort: "p.engage_date >= '2017-01-01' AND p.engage_date < '2017-04-01'"))),
             "conversion during 2017-Q1")
        Self.same(out[5], Self.renamed(dropK(try Self.sqlite(conversionSQL(group: "t.regional_office", cohort: "1"))), "office"), "conversion by office")
        #expect(out[3].first?["reached"] as? Int == 8800)

        Self.same(out[6], try Self.sqlite(Self.cycleSQL(group: "1")).map { var r = $0; r["g"] = nil; return r }, "cycle")
        Self.same(out[7], Self.renamed(try Self.sqlite(Self.cycleSQL(group: "t.manager")), "team"), "cycle by team")
        Self.same(out[8], Self.renamed(try Self.sqlite(Self.cycleSQL(group: "t.regional_office", filter: "p.close_date >= '2017-07-01'")), "office"),
             "cycle by office during the second half of 2017")
    }
}
