import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `chart ... to "x.svg"` and `report ... to "x.html"` through the real executable, on the
/// pipeline of Tests/Scripts/charts/pipeline.data: each file parses as XML, holds no
/// reference to anything outside it, and equals its snapshot in Tests/FunnelShellTests/Charts
/// (`FUNNEL_UPDATE_GOLDEN=1` rewrites them). Every figure of the report is the figure its
/// section's query prints with `--format json` (and, as text, with `--format markdown`).
@Suite struct ChartFileTests {
    static let data = FunnelProcess.packageRoot.appendingPathComponent("Tests/Scripts/charts/pipeline.data")
    static let snapshots = FunnelProcess.packageRoot.appendingPathComponent("Tests/FunnelShellTests/Charts")

    /// A store with the pipeline, in a fresh folder, and that folder.
    static func pipelineStore() throws -> (dir: URL, store: String) {
        let dir = try FunnelProcess.temporaryDirectory()
        let store = dir.appendingPathComponent("s.store").path
        let r = try FunnelProcess.run(["run", data.path, "--store", store])
        #expect(r.exitCode == 0, "\(r.stderr)")
        return (dir, store)
    }

    static func run(_ statements: String, store: String, in dir: URL, format: String? = nil) throws -> FunnelProcess.Result {
        try FunnelProcess.run(["-c", statements, "--store", store] + (format.map { ["--format", $0] } ?? []), cwd: dir)
    }

    /// The file's text against its snapshot.
    static func expectSnapshot(_ text: String, _ name: String) throws {
        let url = snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? "(missing \(name))"
        #expect(text == expected, "\(name) differs from its snapshot")
    }

    /// What an XML file holds: its elements with their attributes and text, in order.
    final class Outline: NSObject, XMLParserDelegate {
        struct Element { var name: String; var attributes: [String: String]; var text = "" }
        var elements: [Element] = []
        var open: [Int] = []
        var error: String?

        static func parse(_ text: String) -> Outline {
            let o = Outline()
            let p = XMLParser(data: Data(text.utf8))
            p.delegate = o
            if !p.parse() { o.error = p.parserError.map { "\($0)" } ?? "parse failed" }
            return o
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append(Element(name: name, attributes: attributes))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = open.last { elements[i].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = open.popLast()
        }

        func named(_ n: String) -> [Element] { elements.filter { $0.name == n } }
    }

    /// Nothing the file would fetch or run: no script, no link, no URL but the namespaces.
    static func expectSelfContained(_ text: String, _ name: String) {
        let lower = text.lowercased()
        for bad in ["<script", "<link", "<img", "<iframe", "@import", "url(", "href=\"http", "src="] {
            #expect(!lower.contains(bad), "\(name) holds \(bad)")
        }
        let urls = lower.components(separatedBy: "http").count - 1
        let namespaces = lower.components(separatedBy: "\"http://www.w3.org/").count - 1
        #expect(urls == namespaces, "\(name) names a URL other than its namespaces")
    }

    @Test func everyChartIsAStandaloneSVG() throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let charts = [
            ("funnel.svg", "chart funnel Sales", "funnel Sales: deals reached by stage"),
            ("funnel-amount.svg", "chart funnel Sales by amount", "funnel Sales: amount reached by stage"),
            ("forecast.svg", "chart forecast by team", "forecast by team"),
            ("conversion.svg", "chart conversion by team", "conversion by team"),
            ("time-in-stage.svg", "chart time in stage", "time in stage"),
            ("trend.svg", "chart pipeline by close_date.month", "pipeline by close_date.month"),
            ("win-rate.svg", "chart win rate by owner", "win rate by owner"),
            ("changes.svg", "chart changes since 2026-02-01", "changes since 2026-02-01"),
            ("changes-by-team.svg", "chart changes since 2026-02-01 by team show deals", "changes since 2026-02-01 by team show deals"),
        ]
        for (file, statement, title) in charts {
            let r = try Self.run("\(statement) to \"\(file)\"", store: store, in: dir)
            #expect(r.exitCode == 0, "\(statement): \(r.stderr)")
            #expect(r.stdout == "wrote chart to \(file)\n")
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let outline = Outline.parse(text)
            #expect(outline.error == nil, "\(file): \(outline.error ?? "")")
            #expect(outline.elements.first?.name == "svg")
            #expect(outline.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
            #expect(outline.elements.first?.attributes["font-family"]?.contains("Noto Sans CJK SC") == true)
            // The title is the chart's first text.
            #expect(outline.named("text").first?.text == title)
            Self.expectSelfContained(text, file)
            try Self.expectSnapshot(text, file)
        }
    }

    /// The waterfall since 2026-02-01 (Tests/Scripts/charts/pipeline.data): open on Jan 31 were
    /// D-1, D-2, D-3 and D-7 (425,000); D-4, D-5, D-6 and D-8 were created (150,000); D-1 and
    /// D-2 won (200,000), D-5 and D-8 lost (60,000): 315,000 at the close. Each step starts
    /// where the one before ended; totals blue, the increase green, the decreases red.
    @Test func theWaterfallSVGFloatsEachStep() throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run("chart changes since 2026-02-01 to \"w.svg\"", store: store, in: dir)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let outline = Outline.parse(try String(contentsOf: dir.appendingPathComponent("w.svg"), encoding: .utf8))
        #expect(outline.error == nil)
        let texts = outline.named("text").map(\.text)
        #expect(Array(texts.prefix(4)) == ["changes since 2026-02-01", "total", "increase", "decrease"])
        // Per movement: its name, deals and amount in the columns, the figure on the bar.
        for movement in [["opening", "4", "425,000"], ["created", "4", "150,000"], ["won", "-2", "-200,000"],
                         ["lost", "-2", "-60,000"], ["closing", "4", "315,000"]] {
            guard let i = texts.firstIndex(of: movement[0]) else { Issue.record("no \(movement[0])"); continue }
            #expect(Array(texts[i..<(i + 4)]) == movement + [movement[2]])
        }
        #expect(!texts.contains("moved_in"))
        #expect(texts.last == "movements with no deal are not drawn")
        let bars = outline.named("rect").filter { $0.attributes["height"] == "20" }
        #expect(bars.map { $0.attributes["fill"] ?? "" } == ["#2f5d9e", "#2e7d4f", "#c0392b", "#c0392b", "#2f5d9e"])
        let x = bars.map { Double($0.attributes["x"] ?? "") ?? -1 }, w = bars.map { Double($0.attributes["width"] ?? "") ?? -1 }
        guard bars.count == 5 else { return }
        let near = { (a: Double, b: Double) in abs(a - b) <= 0.15 }
        #expect(near(x[0], x[4]), "opening and closing stand on zero")
        #expect(near(x[1], x[0] + w[0]), "created starts where the opening ends")
        #expect(near(x[2] + w[2], x[1] + w[1]), "won comes down from where created ended")
        #expect(near(x[3] + w[3], x[2]), "lost comes down from where won ended")
        #expect(near(x[4] + w[4], x[3]), "the closing ends where lost ended")
        // 425,000 : 150,000 : 315,000, on one scale.
        #expect(abs(w[1] / w[0] - 150.0 / 425.0) < 0.005 && abs(w[4] / w[0] - 315.0 / 425.0) < 0.005)
    }

    @Test func theFunnelSVGWritesEachStageFigures() throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.run("chart funnel Sales to \"f.svg\"", store: store, in: dir)
        let outline = Outline.parse(try String(contentsOf: dir.appendingPathComponent("f.svg"), encoding: .utf8))
        let texts = outline.named("text").map(\.text)
        // Legend, headings, then per stage: label, reached, amount, next_rate, the figure on the bar.
        for stage in [["Lead", "8", "575,000", "75.0%"], ["Qualified", "6", "535,000", "83.3%"],
                      ["Proposal", "5", "505,000", "60.0%"], ["Negotiation", "3", "400,000", "66.7%"], ["Won", "2", "200,000", "-"]] {
            guard let i = texts.firstIndex(of: stage[0]) else { Issue.record("no \(stage[0])"); continue }
            #expect(Array(texts[i..<(i + 5)]) == stage + [stage[1]])
        }
        #expect(texts.contains("biggest drop"))
        #expect(texts.last == "biggest drop: 60.0% of the deals that reached Proposal went on to Negotiation")
        // The marked stage's bar is red, the others blue.
        let bars = outline.named("rect").filter { $0.attributes["height"] == "22" }
        #expect(bars.map { $0.attributes["fill"] ?? "" } == ["#2f5d9e", "#2f5d9e", "#c0392b", "#2f5d9e", "#2f5d9e"])
        // Centred: each bar's middle is the middle of the first.
        let middles = Set(bars.map { ((Double($0.attributes["x"] ?? "") ?? 0) + (Double($0.attributes["width"] ?? "") ?? 0) / 2).rounded() })
        #expect(middles.count == 1)
    }

    @Test func theReportIsOneSelfContainedPage() throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run("report Sales to \"pipeline.html\"", store: store, in: dir)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout == "wrote report to pipeline.html\n")
        let text = try String(contentsOf: dir.appendingPathComponent("pipeline.html"), encoding: .utf8)
        let outline = Outline.parse(text)
        #expect(outline.error == nil, "\(outline.error ?? "")")
        #expect(outline.named("h2").map(\.text) == ["Funnel", "Forecast by team", "Conversion", "Time in stage", "Bottlenecks",
                                                      "Pipeline changes", "Stale deals"])
        #expect(outline.named("svg").count == 4)
        #expect(outline.named("style").first?.text.contains("@page { size: A4") == true)
        #expect(outline.named("style").first?.text.contains("@media (max-width: 640px)") == true)
        // On paper: colours print, and neither a heading with its chart nor a table with its
        // query is split by a page break.
        let style = outline.named("style").first?.text ?? ""
        #expect(style.contains("print-color-adjust: exact;"))
        #expect(style.contains(".head, .result, figure, tr { break-inside: avoid; page-break-inside: avoid; }"))
        #expect(style.contains(".head { break-after: avoid; page-break-after: avoid; }"))
        let sections = outline.elements.indices.filter { outline.elements[$0].name == "section" }
        #expect(sections.count == 7)
        for i in sections {
            #expect(outline.elements[i + 1].name == "div" && outline.elements[i + 1].attributes["class"] == "head")
            #expect(outline.elements[i + 2].name == "h2")
        }
        #expect(outline.named("div").filter { $0.attributes["class"] == "result" }.count == 7)
        // The rows of zeros stay in the table, greyed: of the changes since 2026-01-01, the
        // opening (no deal was open on December 31) and 10 of the 13 movements (all but
        // created, won and lost); no other table has a row of only zeros.
        #expect(outline.named("tr").filter { $0.attributes["class"] == "nil" }.count == 1 + 10)
        #expect(outline.named("meta").contains { $0.attributes["name"] == "viewport" })
        Self.expectSelfContained(text, "pipeline.html")
        try Self.expectSnapshot(text, "pipeline.html")
    }

    /// Every figure on the page is its section's query's figure: the same value as that
    /// query's JSON, the same text as its markdown table.
    @Test(arguments: ["report Sales to \"r.html\"", "report to \"r.html\"",
                      "report Sales where team = \"East\" during 2026-Q1 to \"r.html\"",
                      "report Sales as of 2026-02-20 to \"r.html\""])
    func everyFigureInTheReportIsItsQuerys(_ statement: String) throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run(statement, store: store, in: dir)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let outline = Outline.parse(try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8))
        #expect(outline.error == nil)
        // A section with no rows says "none" in a paragraph that keeps its query.
        let tables = outline.elements.indices.filter { outline.elements[$0].attributes["data-query"] != nil }
        #expect(tables.count == 7)
        var checked = 0
        var waterfallChecked = false
        for (n, t) in tables.enumerated() {
            guard let query = outline.elements[t].attributes["data-query"] else { Issue.record("a table without its query"); continue }
            let end = n + 1 < tables.count ? tables[n + 1] : outline.elements.count
            let cells = outline.elements[t..<end].filter { $0.name == "td" }
            let json = try Self.run(query, store: store, in: dir, format: "json")
            #expect(json.exitCode == 0, "\(query): \(json.stderr)")
            guard let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] else {
                Issue.record("\(query) printed no rows"); continue
            }
            let markdown = try Self.run(query, store: store, in: dir, format: "markdown").stdout
                .split(separator: "\n").dropFirst(2).map { line in
                    line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
                }
            if outline.elements[t].name == "p" {
                #expect(rows.isEmpty && cells.isEmpty, "\(query): none on the page, \(rows.count) rows in JSON")
                continue
            }
            if query.hasPrefix("changes") {
                try Self.expectWaterfall(outline, section: t, rows: rows, markdown: markdown, query: query)
                waterfallChecked = true
            }
            let width = cells.count / max(1, rows.count)
            #expect(cells.count == rows.count * width && width > 0, "\(query): \(cells.count) cells for \(rows.count) rows")
            for (i, row) in rows.enumerated() {
                for (j, cell) in cells[(i * width)..<((i + 1) * width)].enumerated() {
                    let column = cell.attributes["data-column"] ?? ""
                    let value = cell.attributes["data-value"] ?? ""
                    switch row[column] {
                    case let x as NSNumber:
                        #expect(Double(value) == x.doubleValue, "\(query) row \(i) \(column): \(value) vs \(x)")
                    case let s as String: #expect(value == s, "\(query) row \(i) \(column)")
                    case is NSNull, nil: #expect(value == "", "\(query) row \(i) \(column)")
                    default: Issue.record("\(query) row \(i) \(column): \(String(describing: row[column]))")
                    }
                    #expect(markdown.indices.contains(i) && markdown[i].indices.contains(j) && markdown[i][j] == cell.text,
                            "\(query) row \(i) \(column): '\(cell.text)' is not the table's")
                    checked += 1
                }
            }
        }
        #expect(checked > 30)
        #expect(waterfallChecked)
    }

    /// The figures on the waterfall's bars: each drawn movement with its amount as the
    /// section's query prints it, in its order — every movement with a deal or an amount, and
    /// the opening and closing whatever they are.
    static func expectWaterfall(_ outline: Outline, section table: Int, rows: [[String: Any]], markdown: [[String]],
                                query: String) throws {
        guard let start = outline.elements[..<table].lastIndex(where: { $0.name == "section" }) else {
            Issue.record("\(query): no section"); return
        }
        let texts = outline.elements[start..<table].filter { $0.name == "text" }.map(\.text)
        let movements = Set(rows.compactMap { $0["movement"] as? String })
        var drawn: [[String]] = []
        for (i, t) in texts.enumerated() where movements.contains(t) && i + 1 < texts.count { drawn.append([t, texts[i + 1]]) }
        var expected: [[String]] = []
        for (i, row) in rows.enumerated() {
            let name = row["movement"] as? String ?? ""
            let deals = (row["deals"] as? NSNumber)?.doubleValue ?? 0, amount = (row["amount"] as? NSNumber)?.doubleValue ?? 0
            guard name == "opening" || name == "closing" || deals != 0 || amount != 0 else { continue }
            expected.append([name, markdown.indices.contains(i) && markdown[i].count == 3 ? markdown[i][2] : "?"])
        }
        #expect(drawn == expected, "\(query): the waterfall draws \(drawn), its query prints \(expected)")
        #expect(expected.count >= 3, "\(query): a waterfall of \(expected.count) bars checks little")
    }

    /// A window that has not begun has no changes yet: the report leaves the waterfall out.
    @Test func aReportOfAWindowToComeHasNoWaterfall() throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run("report Sales during 2026-Q3 to \"r.html\"", store: store, in: dir)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let outline = Outline.parse(try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8))
        #expect(outline.named("h2").map(\.text) == ["Funnel", "Forecast by team", "Conversion", "Time in stage", "Bottlenecks",
                                                      "Stale deals"])
    }

    @Test func aChartFileThatCannotBeWrittenIsAnIOError() throws {
        let (dir, store) = try Self.pipelineStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run("chart funnel Sales to \"no/such/dir/f.svg\"", store: store, in: dir)
        #expect(r.exitCode == 74)
        #expect(r.stderr.contains("error[R131]: cannot write no/such/dir/f.svg: No such file or directory"))
        #expect(r.stdout == "")
    }

    /// examples/report as its README runs it: the terminal funnel, three SVG files and the report.
    @Test func theReportExampleRuns() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = FunnelProcess.packageRoot.appendingPathComponent("examples/report")
        for f in ["pipeline.funnel", "report.funnel"] {
            try FileManager.default.copyItem(at: example.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        let r = try FunnelProcess.run(["run", "--store", dir.appendingPathComponent("s.store").path, "--charset", "ascii",
                                       "pipeline.funnel", "report.funnel"], cwd: dir, environment: ["COLUMNS": ""])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stderr == "")
        #expect(r.stdout == """
            funnel Sales: deals reached by stage
                                                reached   amount  next_rate
            Lead         #####################        8  575,000      75.0%
            Qualified      ################           6  535,000      83.3%
            Proposal         #############            5  505,000      60.0%  <- biggest drop
            Negotiation        ########               3  400,000      66.7%
            Won                  #####                2  200,000          -
            biggest drop: 60.0% of the deals that reached Proposal went on to Negotiation
            wrote chart to funnel.svg
            wrote chart to forecast.svg
            wrote chart to changes.svg
            wrote report to pipeline.html

            """)
        for f in ["funnel.svg", "forecast.svg", "changes.svg", "pipeline.html"] {
            let outline = Outline.parse(try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8))
            #expect(outline.error == nil, "\(f): \(outline.error ?? "")")
        }
    }
}
