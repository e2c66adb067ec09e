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

/// `--stream`: piped standard input as a coprocess.
struct StreamTests {
    @Test func eachEntryRunsAndATypoLaterDoesNotStopAnEarlierOne() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = """
        funnel F { stage A probability 10%; won W; lost L }
        deal "a" in F {
          amount: 1k
        }
        cuont deals
        count deals
        """
        let r = try FunnelProcess.run(["--store", dir.appendingPathComponent("s.store").path, "--stream"], stdin: input)
        #expect(r.exitCode == 65)
        #expect(r.stdout == "deals\n-----\n    1\n")
        #expect(r.stderr == "<stdin>:5:1: error[E103]: unknown statement 'cuont'\n 5 | cuont deals\n   | ^^^^^\nhelp: did you mean 'count'?\n")
        // Without --stream the script is parsed first: the typo runs nothing.
        let whole = try FunnelProcess.run(["--store", dir.appendingPathComponent("t.store").path], stdin: input)
        #expect(whole.exitCode == 65)
        #expect(whole.stdout == "")
    }

    /// The first entry's result is written before the second entry has been sent.
    @Test func anEntryRunsAsSoonAsItArrives() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = Process()
        p.executableURL = FunnelProcess.executable
        p.arguments = ["--store", dir.appendingPathComponent("s.store").path, "--stream"]
        var env = ProcessInfo.processInfo.environment
        env["FUNNEL_TODAY"] = "2026-03-15"
        p.environment = env
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data("count deals\n".utf8))
        var first = Data()
        while !String(decoding: first, as: UTF8.self).hasSuffix("    0\n") {
            let d = output.fileHandleForReading.availableData
            if d.isEmpty { break }
            first.append(d)
        }
        #expect(String(decoding: first, as: UTF8.self) == "deals\n-----\n    0\n")
        input.fileHandleForWriting.write(Data("count leads\n".utf8))
        try input.fileHandleForWriting.close()
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(String(decoding: rest, as: UTF8.self) == "leads\n-----\n    0\n")
        #expect(p.terminationStatus == 0)
    }
}
