import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct PTYHarnessTests {
    static let env = ["TERM": "dumb", "PATH": "/usr/bin:/bin", "HOME": "/tmp", "PS1": "$ "]

    @Test func bashRunsInteractivelyAndReportsItsExitStatus() throws {
        let term = try PTYProcess(executable: "/bin/bash", arguments: ["--norc", "--noprofile"], environment: Self.env)
        try term.expect("$ ")
        try term.send("echo $((40+2))\n")
        try term.expect("42\r\n")
        try term.expect("$ ")
        try term.send("exit 3\n")
        #expect(try term.waitForExit() == .exited(3))
        // bash says "no job control" when the terminal is not its controlling terminal.
        #expect(!term.text.contains("job control"))
    }

    @Test func catEchoesAndEndsOnCtrlD() throws {
        let term = try PTYProcess(executable: "/bin/cat", environment: Self.env)
        try term.send("abc\n")
        try term.expect("abc\r\nabc\r\n")
        try term.send("\u{04}")
        #expect(try term.waitForExit() == .exited(0))
    }

    @Test func ctrlCReachesTheChildAsSIGINT() throws {
        let term = try PTYProcess(executable: "/bin/cat", environment: Self.env)
        try term.send("x\n")
        try term.expect("x\r\nx\r\n")
        try term.send("\u{03}")
        #expect(try term.waitForExit() == .signaled(SIGINT))
    }

    @Test func waitsAreBounded() throws {
        let term = try PTYProcess(executable: "/bin/cat", environment: Self.env)
        let start = PTYProcess.now()
        #expect(throws: PTYProcess.Failure.self) { try term.expect("never printed", timeout: 0.3) }
        #expect(PTYProcess.now() - start < 5)
    }

    @Test func plainStripsEscapes() {
        #expect(PTYProcess.plain("\u{1B}[?2004ha\r\nb\u{1B}[K") == "a\nb")
    }
}
