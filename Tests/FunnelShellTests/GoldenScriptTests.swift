import Foundation
import Testing

/// Golden script tests: every `Tests/Scripts/**/NAME.funnel` runs through the real
/// executable on a fresh store, and what each statement prints is written right under it in
/// the script, as comments funnel itself ignores:
///
///     count deals by stage
///     --> stage  deals
///     --> -----  -----
///     --> A          2
///     set deal "X" amount = "a lot"
///     --! NAME.funnel:5:23: error[E304]: ...
///     -- exit: 1
///
/// `-->` lines are standard output, `--!` lines standard error, and the last line is the
/// exit code. funnel marks each statement's output (`FUNNEL_STATEMENT_MARKS=1`, see
/// Session.markStatement), so output lands under the statement that printed it; an error
/// found before anything runs lands under the line it names; what belongs to no statement
/// (a store warning, `funnel check`'s summary) comes after the script's opening comments.
///
/// A first line `-- args: ...` gives extra command-line arguments (the default is
/// `run NAME.funnel`; `-- args: ! ...` replaces it). A line `-- env: NAME=VALUE ...` among the
/// first three sets environment variables. Charts are drawn 80 columns wide in Unicode unless
/// a script says otherwise (`-- env: COLUMNS=40`, `--charset ascii`), whatever the terminal or
/// locale of the machine running the tests. `FUNNEL_UPDATE_GOLDEN=1 scripts/test` rewrites
/// the expectations in place for review (`git diff Tests/Scripts`).
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let script: URL
    var testDescription: String { script.path.replacingOccurrences(of: FunnelProcess.packageRoot.path + "/Tests/Scripts/", with: "") }

    static func all() -> [GoldenCase] {
        let root = FunnelProcess.packageRoot.appendingPathComponent("Tests/Scripts")
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "funnel" }
            .sorted { $0.path < $1.path }.map(GoldenCase.init)
    }

    /// The arguments from the script's first line, split on spaces ('single quotes' keep spaces).
    func arguments(store: URL) throws -> [String] {
        let text = String(decoding: try Data(contentsOf: script), as: UTF8.self)
        let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var args: [String] = []
        var replace = false
        if first.hasPrefix("-- args:") {
            var rest = String(first.dropFirst("-- args:".count)).trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix("!") { replace = true; rest.removeFirst() }
            args = Self.split(rest)
        }
        let base = ["--store", store.path]
        return replace ? base + args : ["run", script.lastPathComponent] + base + args
    }

    /// The environment the script runs in: the chart defaults, then its `-- env:` line.
    func environment() throws -> [String: String] {
        var env = ["COLUMNS": "", "FUNNEL_CHARSET": "unicode"]
        let text = String(decoding: try Data(contentsOf: script), as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(3) where line.hasPrefix("-- env:") {
            for pair in Self.split(String(line.dropFirst("-- env:".count))) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { env[String(parts[0])] = String(parts[1]) }
            }
        }
        return env
    }

    static func split(_ s: String) -> [String] {
        var out: [String] = [], current = "", quoted = false, any = false
        for c in s {
            if c == "'" { quoted.toggle(); any = true; continue }
            if c == " " && !quoted { if any { out.append(current); current = ""; any = false }; continue }
            current.append(c); any = true
        }
        if any { out.append(current) }
        return out
    }
}

@Test(arguments: GoldenCase.all())
func goldenScript(_ c: GoldenCase) throws {
    let update = ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1"
    // Bytes, not a String: some scripts hold bytes that are not UTF-8 on purpose.
    var text = [UInt8](try Data(contentsOf: c.script))
    // Output names lines of the script as it is, expectations included, so an update runs
    // until the file no longer changes (the second pass only renumbers).
    for _ in 0..<(update ? 4 : 1) {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("test.store")
        let result = try FunnelProcess.run(try c.arguments(store: store), cwd: c.script.deletingLastPathComponent(),
                                           environment: try c.environment().merging(["FUNNEL_STATEMENT_MARKS": "1"]) { $1 })
        let clean = { (s: String) in s.replacingOccurrences(of: store.path, with: "$STORE") }
        let annotated = GoldenTranscript.annotate(text, name: c.script.lastPathComponent,
                                                  stdout: clean(result.stdout), stderr: clean(result.stderr),
                                                  exitCode: result.exitCode)
        if !update {
            #expect(annotated == text, "\(c.testDescription): output differs from the expectations in the script (FUNNEL_UPDATE_GOLDEN=1 rewrites them)")
            return
        }
        if annotated == text { return }
        text = annotated
        try Data(text).write(to: c.script, options: .atomic)
    }
}

/// Puts a run's output into its script as `-->` / `--!` lines under the statements that
/// printed it (GoldenScriptTests' format).
enum GoldenTranscript {
    static let outPrefix = "-->", errPrefix = "--!", exitPrefix = "-- exit: "

    static func isExpectation(_ line: ArraySlice<UInt8>) -> Bool {
        [outPrefix, errPrefix, exitPrefix].contains { line.starts(with: Array($0.utf8)) }
    }

    /// Where a piece of output goes: under a line of the script (1-based, as the file is
    /// now), at the top, or at the end.
    enum Place: Hashable { case top, after(Int), end }

    static func annotate(_ script: [UInt8], name: String, stdout: String, stderr: String, exitCode: Int32) -> [UInt8] {
        var lines = script.split(separator: 10, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var blocks: [Place: [String]] = [:]
        var order: [Place] = []
        func add(_ place: Place, _ text: String) {
            if blocks[place] == nil { order.append(place) }
            blocks[place, default: []].append(text)
        }
        for (stream, prefix) in [(stdout, outPrefix), (stderr, errPrefix)] {
            for (place, chunk) in split(stream, name: name, diagnosticsByLine: prefix == errPrefix) {
                for line in chunk { add(place, line.isEmpty ? prefix : prefix + " " + line) }
            }
        }
        // The top block goes after the script's opening comment lines.
        var topAfter = 0
        while topAfter < lines.count, lines[topAfter].starts(with: Array("--".utf8)) || lines[topAfter].starts(with: [0xEF, 0xBB, 0xBF, 45, 45]),
              !isExpectation(lines[topAfter]) { topAfter += 1 }
        var out: [UInt8] = []
        func emit(_ texts: [String]?) { for t in texts ?? [] { out += Array(t.utf8); out.append(10) } }
        if topAfter == 0 { emit(blocks[.top]) }
        for (i, line) in lines.enumerated() where !isExpectation(line) {
            out += line
            out.append(10)
            if i + 1 == topAfter { emit(blocks[.top]) }
            emit(blocks[.after(i + 1)])
        }
        // Output placed under a line that is itself an expectation (it cannot be, unless the
        // script changed under the run) or past the end still shows, at the end.
        for p in order {
            if case .after(let n) = p, n > lines.count || n < 1 || isExpectation(lines[n - 1]) { emit(blocks[p]) }
        }
        emit(blocks[.end])
        emit([exitPrefix + "\(exitCode)"])
        return out
    }

    /// Splits a stream at the statement marks. Before the first mark (errors found before
    /// anything runs), a diagnostic that names a line of this script goes under that line.
    static func split(_ stream: String, name: String, diagnosticsByLine: Bool) -> [(Place, [String])] {
        var parts: [(Place, [String])] = []
        var place = Place.top
        var current: [String] = []
        var marked = false
        func flush() { if !current.isEmpty { parts.append((place, current)); current = [] } }
        var lines = stream.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            if line.hasPrefix("\u{1E}") {
                flush()
                marked = true
                let mark = line.dropFirst()
                if mark == "end" { place = .end; continue }
                // FILE:FIRST-LAST; output goes under the statement's last line.
                if let colon = mark.lastIndex(of: ":"), mark[..<colon] == name,
                   let dash = mark[colon...].firstIndex(of: "-"), let last = Int(mark[mark.index(after: dash)...]) {
                    place = .after(last)
                } else {
                    place = .top
                }
                continue
            }
            if !marked, diagnosticsByLine, let n = diagnosticLine(line, name: name) {
                flush()
                place = .after(n)
            }
            current.append(line)
        }
        flush()
        return parts
    }

    /// The line a diagnostic's first line names in this script (`NAME:12:5: error[...]`).
    static func diagnosticLine(_ line: String, name: String) -> Int? {
        guard line.hasPrefix(name + ":") else { return nil }
        let rest = line.dropFirst(name.count + 1)
        let digits = rest.prefix { $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).first == ":" else { return nil }
        return Int(digits)
    }
}

@Test func thereAreGoldenScripts() {
    #expect(GoldenCase.all().count >= 10)
}
