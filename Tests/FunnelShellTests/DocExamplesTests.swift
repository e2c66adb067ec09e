import Foundation
import Testing

/// Every example in README.md and docs/*.md is run, exactly as written, by the real
/// executable. The convention (README.md, "Development", says the same):
///
/// - A document declares its date with a line `<!-- doc-examples: today YYYY-MM-DD -->`. Its examples
///   run in order, in a fresh folder holding a copy of `examples/`, on one fresh store (the
///   default `./funnel.store` of that folder), with `FUNNEL_TODAY` set to that date.
/// - ` ```funnel ` — a script: saved as `example.funnel` (or the name after the tag,
///   ` ```funnel tour.funnel `) and run with `funnel run FILE`. It must exit 0.
/// - ` ```output ` right after a `funnel` block — exactly what that script prints (standard
///   output and standard error, as a terminal shows them).
/// - ` ```console ` — shell commands: a line `$ COMMAND` is run by `/bin/sh` with `funnel` on
///   the PATH; the lines up to the next `$ ` are exactly what it prints. Each block starts in
///   the folder, and its commands run in one shell (a `cd` holds for the rest of the block).
///   Every command must exit 0; to show a failure, write `; echo "exit $?"` after it.
/// - ` ```funnel-syntax ` — a template of the syntax, not a script; not run. Any other block is
///   not run only when the line before it is `<!-- not run: REASON -->`.
/// - Any other fenced block is an error: nobody can add an example that is not run.
///
/// Besides the output the documents show, everything every example prints, and its exit
/// status, is kept in `Tests/FunnelShellTests/DocExamples/DOCUMENT.out`, so a change in any
/// example's output fails the test. `FUNNEL_UPDATE_GOLDEN=1` rewrites those files for review.
struct DocExample: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case script(name: String)
        case console
    }

    var kind: Kind
    var line: Int            // the line of the opening fence, 1-based
    var body: String         // the block's text, ending in a new line when not empty
    var shownOutput: String? // a funnel block's `output` block
}

struct DocExampleDocument: CustomTestStringConvertible, Sendable {
    let path: String  // relative to the package root
    var testDescription: String { path }

    static func all() -> [DocExampleDocument] {
        let root = FunnelProcess.packageRoot
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        return [DocExampleDocument(path: "README.md")]
            + docs.filter { $0.hasSuffix(".md") }.sorted().map { DocExampleDocument(path: "docs/" + $0) }
    }

    var url: URL { FunnelProcess.packageRoot.appendingPathComponent(path) }

    var goldenURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("DocExamples/" + path.replacingOccurrences(of: "/", with: "-") + ".out")
    }

    struct Parsed: Sendable {
        var today: String?
        var examples: [DocExample] = []
        var problems: [String] = []
    }

    /// Splits a document into its examples; `problems` lists every block the convention
    /// does not allow, with its line.
    static func parse(_ text: String, name: String) -> Parsed {
        var parsed = Parsed()
        let lines = text.components(separatedBy: "\n")
        var i = 0
        var previous = ""  // the last line before the current one
        var lastScript: Int?  // index in examples of a funnel block an output block may follow
        while i < lines.count {
            let line = lines[i]
            let directive = "<!-- doc-examples: today "
            if line.hasPrefix(directive) {
                parsed.today = line.dropFirst(directive.count).components(separatedBy: " ").first
            }
            guard line.hasPrefix("```") else {
                if !line.trimmingCharacters(in: .whitespaces).isEmpty { lastScript = nil }
                previous = line.trimmingCharacters(in: .whitespaces).isEmpty ? previous : line
                i += 1
                continue
            }
            let info = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            let start = i + 1
            var end = start
            while end < lines.count && lines[end] != "```" { end += 1 }
            if end == lines.count {
                parsed.problems.append("\(name):\(i + 1): a block that is never closed")
                break
            }
            let body = lines[start..<end].map { $0 + "\n" }.joined()
            let words = info.split(separator: " ").map(String.init)
            let marked = previous.hasPrefix("<!-- not run: ") && previous.hasSuffix(" -->")
            switch words.first {
            case _ where marked:
                lastScript = nil
            case "funnel-syntax"?:
                lastScript = nil
            case "funnel"?:
                parsed.examples.append(DocExample(kind: .script(name: words.count > 1 ? words[1] : "example.funnel"), line: i + 1, body: body))
                lastScript = parsed.examples.count - 1
            case "output"?:
                if let s = lastScript {
                    parsed.examples[s].shownOutput = body
                } else {
                    parsed.problems.append("\(name):\(i + 1): an output block must follow a funnel block")
                }
                lastScript = nil
            case "console"?:
                parsed.examples.append(DocExample(kind: .console, line: i + 1, body: body))
                lastScript = nil
            default:
                parsed.problems.append("\(name):\(i + 1): a block tagged '\(info)' is neither run nor marked; tag it funnel, console, output or funnel-syntax, or put <!-- not run: REASON --> on the line before it")
                lastScript = nil
            }
            previous = line
            i = end + 1
        }
        if parsed.today == nil && !parsed.examples.isEmpty {
            parsed.problems.append("\(name): has examples but no <!-- doc-examples: today YYYY-MM-DD --> line")
        }
        return parsed
    }

    /// A console block as the commands to run and the transcript the block shows.
    static func commands(of body: String) -> [String] {
        body.components(separatedBy: "\n").filter { $0.hasPrefix("$ ") }.map { String($0.dropFirst(2)) }
    }
}

/// Runs a program with standard output and standard error into one file, as a terminal shows them.
func runMerged(_ executable: String, _ arguments: [String], cwd: URL, environment: [String: String]) throws -> (output: String, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.environment = environment
    p.currentDirectoryURL = cwd
    let outURL = cwd.appendingPathComponent("../doc-example-output-\(UUID().uuidString)").standardizedFileURL
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outURL) }
    let out = try FileHandle(forWritingTo: outURL)
    p.standardOutput = out
    p.standardError = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    try out.close()
    return (String(decoding: try Data(contentsOf: outURL), as: UTF8.self), p.terminationStatus)
}

@Test(arguments: DocExampleDocument.all())
func docExamplesRunAsWritten(_ doc: DocExampleDocument) throws {
    let text = try String(contentsOf: doc.url, encoding: .utf8)
    let parsed = DocExampleDocument.parse(text, name: doc.path)
    for p in parsed.problems { Issue.record(Comment(rawValue: p)) }
    guard parsed.problems.isEmpty, let today = parsed.today else { return }

    let base = try FunnelProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: base) }
    let work = base.appendingPathComponent("work")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: FunnelProcess.packageRoot.appendingPathComponent("examples"),
                                     to: work.appendingPathComponent("examples"))
    var env = ProcessInfo.processInfo.environment
    env["FUNNEL_TODAY"] = today
    env["NO_COLOR"] = "1"
    env["HOME"] = base.path
    env["LC_ALL"] = "C.UTF-8"
    for k in ["FUNNEL_STORE", "FUNNEL_HISTORY", "COLUMNS"] { env.removeValue(forKey: k) }
    let bin = FunnelProcess.executable
    env["PATH"] = bin.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")

    var transcript = ""
    for ex in parsed.examples {
        let place = "\(doc.path):\(ex.line)"
        switch ex.kind {
        case .script(let name):
            let file = work.appendingPathComponent(name)
            try ex.body.write(to: file, atomically: true, encoding: .utf8)
            let r = try runMerged(bin.path, ["run", name], cwd: work, environment: env)
            transcript += "=== \(place) funnel run \(name): exit \(r.status)\n" + r.output
            #expect(r.status == 0, "\(place): the script exited \(r.status):\n\(r.output)")
            if let shown = ex.shownOutput {
                #expect(r.output == shown, "\(place): the output block differs from what the script prints")
            }
        case .console:
            // One shell per block; each command's line is echoed as the block shows it, so
            // the whole transcript must equal the block.
            var script = ""
            for c in DocExampleDocument.commands(of: ex.body) {
                let quoted = "'" + ("$ " + c).replacingOccurrences(of: "'", with: "'\\''") + "'"
                script += "printf '%s\\n' \(quoted)\n\(c)\n"
                    + "st=$?; [ $st -eq 0 ] || { echo \"the command exited $st\"; exit $st; }\n"
            }
            let r = try runMerged("/bin/sh", ["-c", script], cwd: work, environment: env)
            transcript += "=== \(place) console: exit \(r.status)\n" + r.output
            #expect(r.status == 0, "\(place): a command exited \(r.status):\n\(r.output)")
            #expect(r.output == ex.body, "\(place): the console block differs from what its commands print")
        }
    }
    transcript = transcript.replacingOccurrences(of: work.path, with: "$WORK")
    if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
        try FileManager.default.createDirectory(at: doc.goldenURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try transcript.write(to: doc.goldenURL, atomically: true, encoding: .utf8)
        return
    }
    let expected = (try? String(contentsOf: doc.goldenURL, encoding: .utf8)) ?? "(missing \(doc.goldenURL.lastPathComponent))"
    #expect(transcript == expected, "\(doc.path): an example's output or exit status changed (FUNNEL_UPDATE_GOLDEN=1 rewrites \(doc.goldenURL.lastPathComponent))")
}

struct DocExampleConventionTests {
    @Test func everyDocumentIsChecked() {
        let paths = DocExampleDocument.all().map(\.path)
        #expect(paths.first == "README.md")
        #expect(paths.contains("docs/metrics.md"))
        #expect(paths.contains("docs/store.md"))
        #expect(paths.count >= 7)
    }

    @Test func anUnmarkedBlockIsAnError() {
        let text = "<!-- doc-examples: today 2026-03-15 -->\n```\npipeline\n```\n\n```sql\nselect 1\n```\n"
        let p = DocExampleDocument.parse(text, name: "x.md")
        #expect(p.problems == [
            "x.md:2: a block tagged '' is neither run nor marked; tag it funnel, console, output or funnel-syntax, or put <!-- not run: REASON --> on the line before it",
            "x.md:6: a block tagged 'sql' is neither run nor marked; tag it funnel, console, output or funnel-syntax, or put <!-- not run: REASON --> on the line before it",
        ])
        #expect(p.examples.isEmpty)
    }

    @Test func blocksAreReadInOrder() {
        let text = """
            <!-- doc-examples: today 2026-03-15 -->
            ```funnel
            pipeline
            ```
            ```output
            stage
            ```
            <!-- not run: a cron line -->
            ```
            15 7 * * * funnel -c 'check rules'
            ```
            ```funnel-syntax
            deals [where C]
            ```
            ```funnel tour.funnel
            forecast
            ```
            ```console
            $ funnel -c 'count deals'
            deals
            ```

            """
        let p = DocExampleDocument.parse(text, name: "x.md")
        #expect(p.problems.isEmpty)
        #expect(p.today == "2026-03-15")
        #expect(p.examples == [
            DocExample(kind: .script(name: "example.funnel"), line: 2, body: "pipeline\n", shownOutput: "stage\n"),
            DocExample(kind: .script(name: "tour.funnel"), line: 15, body: "forecast\n"),
            DocExample(kind: .console, line: 18, body: "$ funnel -c 'count deals'\ndeals\n"),
        ])
        #expect(DocExampleDocument.commands(of: p.examples[2].body) == ["funnel -c 'count deals'"])
    }

    @Test func anOutputBlockNeedsAScriptAndADocumentNeedsADate() {
        let p = DocExampleDocument.parse("```console\n$ funnel -c pipeline\n```\n```output\nx\n```\n", name: "y.md")
        #expect(p.problems == ["y.md:4: an output block must follow a funnel block",
                               "y.md: has examples but no <!-- doc-examples: today YYYY-MM-DD --> line"])
    }
}
