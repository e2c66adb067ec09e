import Foundation
import Testing

/// The command line's statements: what goldens cannot say (bytes that are not UTF-8).
struct CommandLineTests {
    @Test func invalidUTF8InDashCIsAnErrorAsInAScriptFile() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try FunnelProcess.run(["-c", #"exec "$0" --store "$1" -c "$(printf 'count \377 deals')""#,
                                       FunnelProcess.executable.path, dir.appendingPathComponent("s.store").path],
                                      program: URL(fileURLWithPath: "/bin/sh"))
        #expect(r.exitCode == 65)
        #expect(r.stdout == "")
        #expect(r.stderr == "<command line>:1:7: error[E001]: invalid UTF-8 byte 0xFF\n 1 | count \u{FFFD} deals\n   |       ^\nhelp: save the script as UTF-8\n")
    }

    @Test func aPositionalInvalidUTF8StatementIsTheSameError() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try FunnelProcess.run(["-c", #"exec "$0" --store "$1" "$(printf 'count \377 deals')""#,
                                       FunnelProcess.executable.path, dir.appendingPathComponent("s.store").path],
                                      program: URL(fileURLWithPath: "/bin/sh"))
        #expect(r.exitCode == 65)
        #expect(r.stderr == "<command line>:1:7: error[E001]: invalid UTF-8 byte 0xFF\n 1 | count \u{FFFD} deals\n   |       ^\nhelp: save the script as UTF-8\n")
    }
}

/// `funnel run` on a terminal ends with what it kept.
@Suite(.serialized)
struct RunSummaryTests {
    func script(_ dir: URL) throws -> URL {
        let file = dir.appendingPathComponent("s.funnel")
        try Data("""
        funnel F { stage A probability 10%; stage B probability 50%; won W; lost L }
        deal "a" in F { amount: 1k }
        deal "b" in F { amount: 2k }
        move deal "a" to B
        count deals
        """.utf8).write(to: file)
        return file
    }

    @Test func runSaysWhatItKeptOnATerminal() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try PTYProcess(executable: FunnelProcess.executable.path,
                               arguments: ["run", try script(dir).path, "--store", dir.appendingPathComponent("s.store").path],
                               environment: ["TERM": "dumb", "NO_COLOR": "1", "FUNNEL_TODAY": "2026-03-15"])
        let out = PTYProcess.plain(try p.expect("committed"))
        #expect(out == "deals\n-----\n    2\n5 statements, 1 declaration, 2 deals created, 1 move — committed")
        #expect(try p.waitForExit() == .exited(0))
    }

    @Test func aPipeLeavesItOut() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try FunnelProcess.run(["run", try script(dir).path, "--store", dir.appendingPathComponent("s.store").path])
        #expect(r.stdout == "deals\n-----\n    2\n")
        #expect(r.stderr == "")
    }
}
