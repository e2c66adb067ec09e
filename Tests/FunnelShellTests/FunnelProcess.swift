import Foundation

/// Runs the real `funnel` executable, as a user would, and captures what it printed.
struct FunnelProcess {
    struct Result: Equatable {
        var stdout: String
        var stderr: String
        var exitCode: Int32
    }

    /// The executable built next to the test bundle (`swift build` puts both in one folder).
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test binary may sit inside a .xctest folder.
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("funnel")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return dir.appendingPathComponent("funnel")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `timeout`: seconds after which the process is killed (SIGKILL), so a test of something
    /// that must not hang fails instead of hanging; a killed run's exit code is 128 + 9.
    /// `shell`: a command that runs the executable, given its path and `arguments` after its own
    /// (`["/bin/sh", "-c", "ulimit -f 10 && exec \"$0\" \"$@\""]`). `program` runs another
    /// executable in the same environment (`/bin/sh` to pass bytes that are not UTF-8 to funnel).
    static func run(_ arguments: [String], stdin: String? = nil, cwd: URL? = nil, environment: [String: String] = [:],
                    timeout: Double? = nil, shell: [String] = [], program: URL? = nil) throws -> Result {
        let p = Process()
        if let program {
            p.executableURL = program
            p.arguments = arguments
        } else if let program = shell.first {
            p.executableURL = URL(fileURLWithPath: program)
            p.arguments = Array(shell.dropFirst()) + [executable.path] + arguments
        } else {
            p.executableURL = executable
            p.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["FUNNEL_TODAY"] = "2026-03-15"
        env.removeValue(forKey: "FUNNEL_STORE")
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let cwd { p.currentDirectoryURL = cwd }
        // Output goes to files rather than pipes, so a large output can never block the child.
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let timeout {
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if p.isRunning { kill(pid, SIGKILL) } }
        }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        try out.close(); try err.close()
        return Result(stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                      exitCode: p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus)
    }

    /// A fresh, empty folder for a store or files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
