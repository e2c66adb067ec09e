import Foundation
import Testing
@testable import FunnelCore

/// An `ImportSource` that serves files from memory: the host's side of the seam, as a test
/// double. It records what was opened, so a test can see that the resolver read a header.
final class MemorySource: ImportSource, @unchecked Sendable {
    var files: [String: [UInt8]]
    private(set) var opened: [String] = []
    init(_ files: [String: [UInt8]]) { self.files = files }
    func open(_ path: String, name: String) throws -> any ImportInput {
        opened.append(path)
        guard let bytes = files[path] else { throw Diagnostic(.io, "I001", "cannot open \(name): No such file or directory") }
        return MemoryInput(bytes)
    }
}

/// One import pipeline for deals, history, tables and leads: one source of bytes, one mapping
/// check before anything runs, one row-error report.
struct ImportPipelineTests {
    /// Parses and resolves `text` (reading headers through `source`), then runs it.
    func run(_ text: String, source: MemorySource, today: String = "2026-03-15") throws
        -> (diagnostics: [String], outputs: [StatementOutput], interpreter: Interpreter) {
        let file = SourceFile(name: "t.funnel", text: text)
        let interpreter = Interpreter(state: FunnelState(), today: day(today))
        interpreter.importSource = source
        let program: CheckedProgram
        switch Compiler.compile(file, catalog: Catalog(), importFiles: ImportHeaders(source: source)) {
        case .failure(let f):
            #expect(f.statements.count > 0, "the script must parse")
            return (f.diagnostics.map(Self.describe), [], interpreter)
        case .success(let p):
            program = p
        }
        var outputs: [StatementOutput] = []
        for s in program.statements {
            do { outputs.append(try interpreter.execute(s, file: file)) } catch let d as Diagnostic { return ([Self.describe(d)], outputs, interpreter) }
        }
        return ([], outputs, interpreter)
    }

    static func describe(_ d: Diagnostic) -> String {
        ([d.code + ": " + d.message] + d.notes + (d.help.map { ["help: " + $0] } ?? [])).joined(separator: " | ")
    }

    static let funnel = "funnel F { stage A probability 10%; stage B probability 50%; won W; lost L }\n"

    @Test func anUnknownColumnOfALeadImportIsFoundBeforeAnythingRuns() throws {
        let source = MemorySource(["leads.csv": Array("id,company\nL-1,Acme\n".utf8)])
        let r = try run("lead \"L-9\" { company: \"X\" }\nimport leads from \"leads.csv\" (id = id, company = compnay)\n", source: source)
        #expect(r.diagnostics == ["I012: leads.csv has no column 'compnay' | its columns are: id, company | help: did you mean 'company'?"])
        // Nothing ran: not even the lead before the import.
        #expect(r.outputs.isEmpty && r.interpreter.state.leads.count == 0)
        #expect(source.opened == ["leads.csv"])
    }

    @Test func tableColumnsKnownAtCheckTimeCatchALookupTypo() throws {
        let source = MemorySource(["teams.csv": Array("agent,manager\nAnna,Cara\n".utf8),
                                   "deals.csv": Array("id,agent\nD-1,Anna\n".utf8)])
        let r = try run(Self.funnel + "import table teams from \"teams.csv\" key agent\n"
                        + "import deals from \"deals.csv\" into F (id = id, team = teams[agent].manger)\n", source: source)
        #expect(r.diagnostics == ["E204: table 'teams' has no column 'manger' | help: did you mean 'manager'?"])
    }

    @Test func aFileAnEarlierStatementWritesIsCheckedWhenItRuns() throws {
        // The header found now would be the old file's, so the check waits for the run.
        let source = MemorySource(["d.csv": Array("old\nx\n".utf8)])
        let text = Self.funnel + "export deals to \"d.csv\"\nimport deals from \"d.csv\" into F (id = id)\n"
        let file = SourceFile(name: "t.funnel", text: text)
        let parsed = Parser.parse(file)
        #expect(Resolver.resolve(parsed.statements, file: file, catalog: Catalog(), importFiles: ImportHeaders(source: source)).isEmpty)
        #expect(source.opened.isEmpty)
    }

    @Test func leadsAreTypedLikeDealFieldsAndAFewOddCellsAreNamed() throws {
        let csv = "id,budget,seats,zip,created\nL-1,是,12,02134,2026-02-01\nL-2,否,3,10001,2026-02-02\nL-3,ture,\"1,200\",,2026-02-03\nL-4,yes,,,\n"
        let source = MemorySource(["leads.csv": Array(csv.utf8)])
        let r = try run("import leads from \"leads.csv\"\n", source: source)
        #expect(r.diagnostics == [])
        guard case .withWarnings(.message(let summary), let warnings) = r.outputs.first else {
            Issue.record("expected a summary with warnings, got \(r.outputs)"); return
        }
        #expect(summary == "imported 4 leads from leads.csv")
        #expect(warnings.map(Self.describe) == ["I022: budget is kept as text because of 1 cell that is not true or false | leads.csv:4: budget: \"ture\" | help: correct that cell to keep budget true or false"])
        let leads = r.interpreter.state.leads
        #expect(leads.fields["seats"] == [.number(12), .number(3), .number(1200), .null])
        #expect(leads.fields["zip"] == [.text("02134"), .text("10001"), .null, .null])
        #expect(leads.fields["budget"] == [.text("是"), .text("否"), .text("ture"), .text("yes")])
        #expect(leads.created == [day("2026-02-01"), day("2026-02-02"), day("2026-02-03"), day("2026-03-15")])
    }

    @Test func chineseBooleansAreBooleans() throws {
        let source = MemorySource(["leads.csv": Array("id,budget,need\nL-1,是,有\nL-2,否,无\nL-3,对,错\n".utf8)])
        let r = try run("import leads from \"leads.csv\"\n", source: source)
        #expect(r.diagnostics == [] && r.outputs == [.message("imported 3 leads from leads.csv")])
        #expect(r.interpreter.state.leads.fields["budget"] == [.bool(true), .bool(false), .bool(true)])
        #expect(r.interpreter.state.leads.fields["need"] == [.bool(true), .bool(false), .bool(false)])
    }

    @Test func leadRowErrorsUseTheSharedReport() throws {
        let source = MemorySource(["leads.csv": Array("id,company\n,Acme\nL-1,Beta\nL-1,Gamma\n".utf8)])
        let r = try run("import leads from \"leads.csv\"\n", source: source)
        #expect(r.diagnostics == ["I013: 2 rows of leads.csv cannot be imported; no leads from it were kept | leads.csv:2: id: the id is empty | leads.csv:4: id: \"L-1\" is also on line 3 | help: correct the file, or add `skip errors` to import the other rows"])
        #expect(r.interpreter.state.leads.count == 0)
    }

    @Test func whereLeavesRowsOutBeforeTheirProblemsCount() throws {
        let csv = "id,stage,amount,kind\nD-1,A,100,new\nD-2,Nope,abc,test\nD-3,B,300,new\n"
        let source = MemorySource(["d.csv": Array(csv.utf8)])
        let r = try run(Self.funnel + "import deals from \"d.csv\" into F (id = id, stage = stage, amount = amount) where kind != \"test\"\n", source: source)
        #expect(r.diagnostics == [])
        #expect(r.outputs.last == .message("imported 2 deals from d.csv into F: 2 new, 0 updated; where left out 1 row"))
        #expect(r.interpreter.state.deals.ids == ["D-1", "D-3"])
    }

    @Test func whereWorksOnEveryKindOfImport() throws {
        let source = MemorySource(["t.csv": Array("owner,team,active\nann,East,yes\nbob,West,no\ncid,East,yes\n".utf8),
                                   "d.csv": Array("id\nD-1\nD-2\n".utf8),
                                   "h.csv": Array("deal,stage,at\nD-1,B,2026-02-01\nD-2,B,2026-02-02\n".utf8),
                                   "l.csv": Array("id,source\nL-1,web\nL-2,fair\n".utf8)])
        let r = try run(Self.funnel + """
            import table teams from "t.csv" key owner where active = "yes"
            import deals from "d.csv" into F (id = id)
            import history from "h.csv" (deal = deal, stage = stage, at = at) where deal = "D-2"
            import leads from "l.csv" where source = "web"

            """, source: source, today: "2026-01-10")
        #expect(r.diagnostics == [])
        #expect(r.outputs.dropFirst() == [.message("imported table teams from t.csv: 2 rows, 3 columns; where left out 1 row"),
                                          .message("imported 2 deals from d.csv into F: 2 new, 0 updated"),
                                          .message("imported 1 stage change of 1 deal from h.csv; where left out 1 row"),
                                          .message("imported 1 lead from l.csv; where left out 1 row")])
        let s = r.interpreter.state
        #expect(s.tables["teams"]?.rowOfKey.keys.sorted() == ["ann", "cid"])
        #expect(s.leads.ids == ["L-1"])
        #expect([0, 1].map { s.stageName(ofRow: $0) } == ["A", "B"])
    }

    @Test func whereNamesColumnsOfTheFile() throws {
        let source = MemorySource(["d.csv": Array("id,kind\nD-1,new\n".utf8)])
        let r = try run(Self.funnel + "import deals from \"d.csv\" into F (id = id) where knd = \"new\"\n", source: source)
        #expect(r.diagnostics == ["I012: d.csv has no column 'knd' | its columns are: id, kind | help: did you mean 'kind'?"])
    }

    @Test func anEmptyClosedCellMeansNoClosedDate() throws {
        let csv = "id,stage,created,closed\nD-1,L,2026-01-05,\nD-2,W,2026-01-05,2026-02-01\n"
        let source = MemorySource(["d.csv": Array(csv.utf8)])
        let r = try run(Self.funnel + "import deals from \"d.csv\" into F (id = id, stage = stage, created = created, closed = closed)\n", source: source)
        #expect(r.diagnostics == [])
        let s = r.interpreter.state
        #expect(s.deals.closed == [Empty.date, day("2026-02-01")])
        #expect(s.deals.created == [day("2026-01-05"), day("2026-01-05")])
    }

    @Test func aClosedDateBeforeCreatedNamesBothColumnsAndAlternatives() throws {
        let csv = "id,stage,Created,Close Date,Last Activity\nD-1,W,2026-02-01,2026-01-03,2026-02-10\n"
        let source = MemorySource(["d.csv": Array(csv.utf8)])
        let r = try run(Self.funnel + "import deals from \"d.csv\" into F (id = id, stage = stage, created = Created, closed = \"Close Date\")\n", source: source)
        #expect(r.diagnostics == ["I013: 1 row of d.csv cannot be imported; no deals from it were kept | d.csv:2: Close Date: closed 2026-01-03 (column Close Date) is before created 2026-02-01 (column Created); a later date of this row: closed = \"Last Activity\" | help: correct the file, or add `skip errors` to import the other rows"])
    }

    @Test func aNulInAQuotedCellIsDataAndHarmlessWhereNotMapped() throws {
        let csv = Array("id,comment\nD-1,\"a".utf8) + [0] + Array("b\"\nD-2,ok\n".utf8)
        let source = MemorySource(["d.csv": csv])
        let r = try run(Self.funnel + "import deals from \"d.csv\" into F (id = id)\n", source: source)
        #expect(r.diagnostics == [])
        #expect(r.interpreter.state.deals.ids == ["D-1", "D-2"])
        let mapped = try run(Self.funnel + "field comment text\nimport deals from \"d.csv\" into F (id = id, comment = comment)\n", source: source)
        #expect(mapped.diagnostics == ["I013: 1 row of d.csv cannot be imported; no deals from it were kept | d.csv:2: comment: a NUL byte after \"a\"; no field can hold one | help: correct the file, or add `skip errors` to import the other rows"])
    }

    @Test func aNulOutsideQuotesIsBinary() throws {
        let source = MemorySource(["d.csv": Array("id,x\nD-1,a".utf8) + [0, 1, 2] + Array("\n".utf8)])
        let r = try run(Self.funnel + "import deals from \"d.csv\" into F (id = id)\n", source: source)
        #expect(r.diagnostics == ["I002: d.csv looks like a binary file (a NUL byte outside quotes at line 2) | help: a CSV file is text; a NUL byte is read only inside a quoted cell"])
    }
}

/// Encodings: iconv turns every file into UTF-8 before the CSV reader sees it.
struct DecodingTests {
    func decode(_ bytes: [UInt8], _ encoding: TextEncoding?) throws -> String {
        let input = DecodingInput(MemoryInput(bytes), name: "f.csv", encoding: encoding)
        var out: [UInt8] = []
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 7)
        defer { buffer.deallocate() }
        // Short reads on purpose: a character must never be cut between two reads.
        while true {
            let n = try input.read(into: buffer, count: 7)
            if n == 0 { break }
            out += UnsafeBufferPointer(start: buffer, count: n)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func gbkWindows1252AndLatin1() throws {
        // "客户,金额\n华为,1200\n" in GBK.
        let gbk: [UInt8] = [0xBF, 0xCD, 0xBB, 0xA7, 0x2C, 0xBD, 0xF0, 0xB6, 0xEE, 0x0A, 0xBB, 0xAA, 0xCE, 0xAA, 0x2C, 0x31, 0x32, 0x30, 0x30, 0x0A]
        #expect(try decode(gbk, .gbk) == "客户,金额\n华为,1200\n")
        #expect(try decode(gbk, .gb18030) == "客户,金额\n华为,1200\n")
        #expect(try decode([0x63, 0x61, 0x66, 0xE9, 0x2C, 0x80], .windows1252) == "café,€")
        #expect(try decode([0x63, 0x61, 0x66, 0xE9, 0x2C, 0x80], .latin1) == "café,\u{80}")
    }

    @Test func utf16IsFoundByItsByteOrderMark() throws {
        let le: [UInt8] = [0xFF, 0xFE] + Array("id,名\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try decode(le, nil) == "id,名\n")
        let be: [UInt8] = [0xFE, 0xFF] + Array("id,名\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(try decode(be, .gbk) == "id,名\n")
        let noMark: [UInt8] = Array("id\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try decode(noMark, .utf16) == "id\n")
    }

    @Test func aFileThatDoesNotDecodeNamesItsFirstBadByteAndTheLikelyEncoding() {
        #expect(throws: Diagnostic(.io, "I020", "f.csv:2:6: byte 0xE9 is not UTF-8; the file looks like windows-1252",
                                   help: "add encoding \"windows-1252\" to the import, or export the file as UTF-8")) {
            _ = try decode(Array("id,name\n1,caf".utf8) + [0xE9, 0x0A], nil)
        }
        #expect(throws: Diagnostic(.io, "I020", "f.csv:2:1: byte 0xBB is not UTF-8; the file looks like gbk",
                                   help: "add encoding \"gbk\" to the import, or export the file as UTF-8")) {
            _ = try decode(Array("id\n".utf8) + [0xBB, 0xAA, 0xCE, 0xAA, 0x0A], nil)
        }
        #expect(throws: Diagnostic(.io, "I020", "f.csv:1:3: byte 0x81 is not windows-1252 text",
                                   help: "check the file's encoding; try encoding \"gbk\" (funnel reads utf-8, utf-16, gbk, gb18030, windows-1252, latin-1)")) {
            _ = try decode([0x61, 0x62, 0x81, 0x40, 0x0A], .windows1252)
        }
    }

    @Test func chineseBooleanWords() {
        #expect(["是", "对", "有", "否", "错", "无", " 是 ", "是否"].map(ValueParsing.bool) == [true, true, true, false, false, false, true, nil])
    }
}
