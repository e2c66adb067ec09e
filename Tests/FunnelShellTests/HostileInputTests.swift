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
}
