import Foundation
import Testing

/// Golden script tests: every `Tests/Scripts/**/NAME.funnel` runs through the real
/// executable on a fresh store, and what it prints must equal `NAME.expected`:
///
///     === exit 0
///     === stdout
///     ...
///     === stderr
///     ...
///
/// A first line `-- args: ...` gives extra command-line arguments (the default is
/// `run NAME.funnel`; `-- args: -c ...` style lines replace it when they start with `!`).
/// A line `-- env: NAME=VALUE ...` among the first three sets environment variables. Charts
/// are drawn 80 columns wide in Unicode unless a script says otherwise (`-- env: COLUMNS=40`,
/// `--charset ascii`), whatever the terminal or locale of the machine running the tests.
/// `FUNNEL_UPDATE_GOLDEN=1 scripts/test` rewrites the expectations for review.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let script: URL
    var testDescription: String { script.path.replacingOccurrences(of: FunnelProcess.packageRoot.path + "/Tests/Scripts/", with: "") }
    var expected: URL { script.deletingPathExtension().appendingPathExtension("expected") }

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

    static func render(_ r: FunnelProcess.Result) -> String {
        "=== exit \(r.exitCode)\n=== stdout\n\(r.stdout)=== stderr\n\(r.stderr)"
    }
}

@Test(arguments: GoldenCase.all())
func goldenScript(_ c: GoldenCase) throws {
    let dir = try FunnelProcess.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = dir.appendingPathComponent("test.store")
    let result = try FunnelProcess.run(try c.arguments(store: store), cwd: c.script.deletingLastPathComponent(),
                                       environment: try c.environment())
    let actual = GoldenCase.render(result).replacingOccurrences(of: store.path, with: "$STORE")
    if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: c.expected, atomically: true, encoding: .utf8)
        return
    }
    let expected = (try? String(contentsOf: c.expected, encoding: .utf8)) ?? "(missing \(c.expected.lastPathComponent))"
    #expect(actual == expected)
}

@Test func thereAreGoldenScripts() {
    #expect(GoldenCase.all().count >= 10)
}
