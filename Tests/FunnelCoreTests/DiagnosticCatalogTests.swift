import Foundation
import Testing
@testable import FunnelCore

/// Every code the sources raise is in `DiagnosticCatalog.all`, raised with the kind listed
/// there (so one code never means two things or exits two ways), every listed code is still
/// raised somewhere, and docs/errors.md is the catalog's own text.
struct DiagnosticCatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// (code, kind or nil, place) for every code literal the sources raise.
    static func raised() -> [(code: String, kind: String?, place: String)] {
        var out: [(String, String?, String)] = []
        let sources = root.appendingPathComponent("Sources")
        guard let e = FileManager.default.enumerator(atPath: sources.path) else { return [] }
        let withKind = try? NSRegularExpression(pattern: #"Diagnostic\(\s*\.(\w+)\s*,\s*"([A-Z][0-9]{3})""#)
        let bare = try? NSRegularExpression(pattern: #"(?:error|warn|code:)\s*\(?\s*"([A-Z][0-9]{3})""#)
        for case let path as String in e where path.hasSuffix(".swift") && !path.hasSuffix("DiagnosticCatalog.swift") {
            guard let text = try? String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8) else { continue }
            let ns = text as NSString
            for m in withKind?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
                out.append((ns.substring(with: m.range(at: 2)), ns.substring(with: m.range(at: 1)), path))
            }
            for m in bare?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
                out.append((ns.substring(with: m.range(at: 1)), nil, path))
            }
        }
        return out
    }

    static func kindName(_ k: Diagnostic.Kind) -> String { "\(k)" }

    @Test func everyRaisedCodeIsListedWithItsKind() {
        let uses = Self.raised()
        #expect(uses.count > 200)
        var problems: [String] = []
        for u in uses {
            guard let entry = DiagnosticCatalog.entry(u.code) else { problems.append("\(u.place): \(u.code) is not in the catalog"); continue }
            if let k = u.kind, k != Self.kindName(entry.kind) {
                problems.append("\(u.place): \(u.code) is raised as .\(k) but listed as .\(Self.kindName(entry.kind))")
            }
        }
        #expect(problems == [])
    }

    @Test func everyListedCodeIsRaisedAndListedOnce() {
        let raised = Set(Self.raised().map(\.code))
        let listed = DiagnosticCatalog.all.map(\.code)
        #expect(listed.count == Set(listed).count)
        #expect(listed.filter { !raised.contains($0) } == [])
    }

    @Test func errorsDocIsTheCatalog() throws {
        let url = Self.root.appendingPathComponent("docs/errors.md")
        let expected = DiagnosticCatalog.markdown()
        if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
            try expected.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect((try? String(contentsOf: url, encoding: .utf8)) == expected)
    }

    @Test func theKindDecidesTheExitCode() {
        #expect(DiagnosticCatalog.entry("E202").map { Diagnostic($0.kind, $0.code, "").exitCode } == 65)
        #expect(DiagnosticCatalog.entry("R101").map { Diagnostic($0.kind, $0.code, "").exitCode } == 1)
        #expect(DiagnosticCatalog.entry("S001").map { Diagnostic($0.kind, $0.code, "").exitCode } == 74)
        #expect(DiagnosticCatalog.entry("C003").map { Diagnostic($0.kind, $0.code, "").exitCode } == 64)
    }
}
