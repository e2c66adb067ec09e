import Foundation
import Testing

/// scripts/gen-data, the benchmark's data generator: deterministic output of the documented
/// shape, which imports into funnel with the benchmark's own scripts (scripts/bench-data/).
/// The expected counts come from reading the CSV files here, not from funnel's importer.
struct GenDataTests {
    static let scripts = FunnelProcess.packageRoot.appendingPathComponent("scripts")
    static let dealsHeader = "id,name,account,owner,team,source,product_line,amount,stage,status,created_at,close_date"
    static let eventsHeader = "deal_id,from_stage,to_stage,ts"
    static let stageOrder = ["Qualification", "Discovery", "Proposal", "Negotiation", "Contracting", "Won", "Lost"]

    /// Runs scripts/gen-data (a Python 3 script) and returns its exit code and standard error.
    func generate(_ arguments: [String]) throws -> (code: Int32, stderr: String) {
        let p = Process()
        p.executableURL = Self.scripts.appendingPathComponent("gen-data")
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let bytes = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: bytes, as: UTF8.self))
    }

    /// The records of an RFC 4180 file (quoted cells, doubled quotes; gen-data writes no line
    /// breaks inside cells), header included.
    func records(_ url: URL) throws -> [[String]] {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        var rows: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            let chars = Array(line)
            var cells: [String] = [], cell = "", quoted = false, i = 0
            while i < chars.count {
                let c = chars[i]
                if quoted && c == "\"" && i + 1 < chars.count && chars[i + 1] == "\"" {
                    cell.append("\""); i += 1
                } else if c == "\"" {
                    quoted.toggle()
                } else if c == "," && !quoted {
                    cells.append(cell); cell = ""
                } else {
                    cell.append(c)
                }
                i += 1
            }
            cells.append(cell)
            rows.append(cells)
        }
        return rows
    }

    @Test func sameSeedSameBytesAndImportsWholly() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        for out in [a, b] {
            let r = try generate(["--deals", "300", "--seed", "7", "--out", out.path])
            #expect(r.code == 0, "\(r.stderr)")
        }
        for file in ["deals.csv", "stage_events.csv"] {
            let first = try Data(contentsOf: a.appendingPathComponent(file))
            #expect(first == (try Data(contentsOf: b.appendingPathComponent(file))), "\(file) differs between two runs")
            #expect(!first.isEmpty)
        }

        let deals = try records(a.appendingPathComponent("deals.csv"))
        let events = try records(a.appendingPathComponent("stage_events.csv"))
        #expect(deals.first?.joined(separator: ",") == Self.dealsHeader)
        #expect(events.first?.joined(separator: ",") == Self.eventsHeader)
        #expect(deals.count == 301)
        #expect(deals.dropFirst().allSatisfy { $0.count == 12 })
        #expect(events.dropFirst().allSatisfy { $0.count == 4 })
        // Every deal has a history, starting with its creation.
        #expect(Set(events.dropFirst().map { $0[0] }) == Set(deals.dropFirst().map { $0[0] }))
        #expect(events.dropFirst().filter { $0[1].isEmpty }.count == 300)

        var byStage: [String: Int] = [:]
        for row in deals.dropFirst() { byStage[row[8], default: 0] += 1 }
        #expect(Set(byStage.keys).isSubset(of: Set(Self.stageOrder)), "\(byStage)")
        let expected = "stage,deals\n" + Self.stageOrder.compactMap { s in byStage[s].map { "\(s),\($0)\n" } }.joined()

        let importScript = a.appendingPathComponent("import.funnel")
        try FileManager.default.copyItem(at: Self.scripts.appendingPathComponent("bench-data/import.funnel"), to: importScript)
        let store = dir.appendingPathComponent("bench.store").path
        let imported = try FunnelProcess.run(["run", "--today", "2026-06-30", "--store", store,
                                              Self.scripts.appendingPathComponent("bench-data/setup.funnel").path,
                                              importScript.path])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        #expect(imported.stderr == "")
        #expect(imported.stdout == """
            imported 300 deals from deals.csv into Bench: 300 new, 0 updated
            imported \(events.count - 1) stage changes of 300 deals from stage_events.csv

            """)

        let count = try FunnelProcess.run(["--store", store, "--today", "2026-06-30", "--format", "csv", "-c", "count deals"])
        #expect(count.exitCode == 0 && count.stdout == "deals\n300\n", "\(count)")
        let stages = try FunnelProcess.run(["--store", store, "--today", "2026-06-30", "--format", "csv",
                                            "-c", "count deals by stage"])
        #expect(stages.exitCode == 0, "\(stages.stderr)")
        #expect(stages.stdout == expected)
    }

    @Test func badUsageExits64() throws {
        for arguments in [[], ["--deals", "10"], ["--deals", "ten", "--out", "/tmp/x"], ["--deals", "0", "--out", "/tmp/x"],
                          ["--out"], ["--colour", "red"]] {
            let r = try generate(arguments)
            #expect(r.code == 64, "\(arguments)")
            #expect(r.stderr.hasSuffix("usage: scripts/gen-data --deals N --out DIR [--seed S]\n"), "\(arguments): \(r.stderr)")
        }
    }
}
