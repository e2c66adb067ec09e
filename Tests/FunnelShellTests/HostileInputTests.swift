import Foundation
import Testing

/// Scripts no person writes but a generator, a fuzzer or a damaged file can: each gets a clear,
/// bounded error and its exit code, through the real executable, never a crash.
struct HostileInputTests {
    static func script(_ text: String, in dir: URL, name: String = "big.funnel") throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    static let tooTall = "error[E108]: expression too long or nested too deeply (more than 200 levels)"
    static let listHelp = "help: for many values use a list: id in (\"D-1\", \"D-2\", ...)"

    /// 110,000 `+1` built a tree 110,000 levels deep whose release overflowed the stack
    /// (SIGSEGV, exit 139) in `check`, `run` and from stdin alike.
    @Test func longFlatChainIsRefusedNotACrash() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "count deals where amount > 1" + String(repeating: " +1", count: 110_000) + "\n"
        _ = try Self.script(text, in: dir)
        let store = dir.appendingPathComponent("s.store").path
        let quoted = """
             1 | count deals where amount > 1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1 +1…
               |                            \(String(repeating: "^", count: 50))
            \(Self.listHelp)

            """
        for (arguments, stdin, name) in [(["check", "big.funnel"], nil, "big.funnel"), (["run", "big.funnel"], nil, "big.funnel"),
                                         ([], text, "<stdin>")] as [([String], String?, String)] {
            let r = try FunnelProcess.run(["--store", store] + arguments, stdin: stdin, cwd: dir)
            #expect(r.exitCode == 65, "\(arguments)")
            #expect(r.stderr == "\(name):1:28: \(Self.tooTall)\n" + quoted, "\(arguments)")
            #expect(r.stdout == "")
        }
    }

    @Test func longOrChainAndMemberChainAreRefused() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store").path
        _ = try Self.script("count deals where amount > 1" + String(repeating: " or true", count: 150_000) + "\n", in: dir)
        let r = try FunnelProcess.run(["--store", store, "check", "big.funnel"], cwd: dir)
        #expect(r.exitCode == 65)
        #expect(r.stderr.hasPrefix("big.funnel:1:19: \(Self.tooTall)\n"))
        _ = try Self.script("deals where close_date" + String(repeating: ".month", count: 100_000) + "\n", in: dir, name: "m.funnel")
        let m = try FunnelProcess.run(["--store", store, "check", "m.funnel"], cwd: dir)
        #expect(m.exitCode == 65)
        #expect(m.stderr.hasPrefix("m.funnel:1:13: \(Self.tooTall)\n"))
    }

    /// 200k unresolved statements printed 800,000 lines; now the first 20 errors and a count.
    @Test func manyErrorsAreCappedAtTwentyAndACount() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = ""
        for i in 0..<2_000 { text += "count deals where nosuch\(i) > 1\n" }
        _ = try Self.script(text, in: dir)
        let r = try FunnelProcess.run(["--store", "s.store", "check", "big.funnel"], cwd: dir)
        #expect(r.exitCode == 65)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.contains("error[") }.count == 20)
        #expect(lines.suffix(2) == ["note: and 1980 more errors, not shown", ""])
        #expect(r.stderr.hasPrefix("big.funnel:1:19: error[E201]: unknown field 'nosuch0'\n"))

        var bad = ""
        for _ in 0..<1_000 { bad += "deals wher amount > 1\n" }
        _ = try Self.script(bad, in: dir, name: "bad.funnel")
        let syntax = try FunnelProcess.run(["--store", "s.store", "run", "bad.funnel"], cwd: dir)
        #expect(syntax.exitCode == 65)
        #expect(syntax.stderr.split(separator: "\n").filter { $0.contains("error[E") }.count == 20)
        #expect(syntax.stderr.hasSuffix("\nnote: and 980 more errors, not shown\n"))
    }

    /// A 100 MB word was repeated whole in its error; a word is cut to 40 + 8 characters and
    /// the quoted line to 100 columns.
    @Test func aHugeWordIsShortenedInTheMessage() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.script(String(repeating: "a", count: 2_000_000) + "\n", in: dir)
        let r = try FunnelProcess.run(["--store", "s.store", "check", "big.funnel"], cwd: dir)
        #expect(r.exitCode == 65)
        #expect(r.stderr == """
            big.funnel:1:1: error[E103]: unknown statement '\(String(repeating: "a", count: 39))…\(String(repeating: "a", count: 7))'
             1 | \(String(repeating: "a", count: 100))…
               | \(String(repeating: "^", count: 50))
            help: type .help to see the statements

            """)
    }

    /// Tokens are dropped after each statement: 30 MB of `;` ran in 40 bytes a token (1.2 GB).
    /// Run under a 700 MB address-space limit, it must finish with no error.
    @Test func aScriptOfSeparatorsRunsInBoundedMemory() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.script(String(repeating: ";", count: 30_000_000) + "\ncount deals\n", in: dir)
        let limited = ["/bin/sh", "-c", "ulimit -v 700000 && exec \"$0\" \"$@\""]
        let r = try FunnelProcess.run(["--store", "s.store", "--format", "csv", "run", "big.funnel"], cwd: dir, shell: limited)
        #expect(r.exitCode == 0)
        #expect(r.stdout == "deals\n0\n")
    }
}
