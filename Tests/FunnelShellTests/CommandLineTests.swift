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
