import Foundation
import Testing
@testable import FunnelShell

/// docs/help.md is the `.help` text, so the docs and the REPL cannot disagree (DocExamplesTests
/// also runs its `funnel -c '.help all'` against the binary).
/// `FUNNEL_UPDATE_GOLDEN=1` rewrites it.
struct HelpDocTests {
    static var expected: String {
        "# funnel `.help`\n\n<!-- doc-examples: today 2026-03-15 -->\n"
            + "Generated from Sources/FunnelShell/HelpText.swift: `.help all` prints all of it, `.help TOPIC` one part\n"
            + "(topics: " + HelpText.topics.joined(separator: ", ") + "). A test runs the command below and compares.\n\n"
            + "```console\n$ funnel -c '.help all'\n"
            + (HelpText.topic("all") ?? "") + "\n```\n"
    }

    @Test func helpDocMatchesHelpText() throws {
        let file = FunnelProcess.packageRoot.appendingPathComponent("docs/help.md")
        if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" {
            try Self.expected.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect((try? String(contentsOf: file, encoding: .utf8)) == Self.expected)
    }

    @Test func everyTopicIsReachable() {
        for t in HelpText.topics { #expect(HelpText.topic(t) != nil) }
        #expect(HelpText.topic("nonsense") == nil)
    }
}
