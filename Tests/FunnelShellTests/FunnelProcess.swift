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
        let argv: [String]
        if let program {
            argv = [program.path] + arguments
        } else if !shell.isEmpty {
            argv = shell + [executable.path] + arguments
        } else {
            argv = [executable.path] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["FUNNEL_TODAY"] = "2026-03-15"
        env.removeValue(forKey: "FUNNEL_STORE")
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        // Input and output go through files rather than pipes, so a large output can never
        // block the child and nothing here waits on a pipe.
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inPath = dir.appendingPathComponent("stdin").path
        let outPath = dir.appendingPathComponent("stdout").path, errPath = dir.appendingPathComponent("stderr").path
        FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
        let status = try spawnAndWait(argv, environment: env, cwd: cwd?.path, stdin: inPath, stdout: outPath, stderr: errPath,
                                      timeout: timeout)
        return Result(stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
                      exitCode: status)
    }

    /// Runs `argv` with posix_spawn and reaps it with waitpid: Foundation's Process, with many
    /// children started at once from several threads, now and then never reaped one (a
    /// zombie, and `waitUntilExit` waiting for ever). Returns the exit code, or 128 + the
    /// signal that ended it; past `timeout` seconds the child is sent SIGKILL.
    static func spawnAndWait(_ argv: [String], environment: [String: String], cwd: String?, stdin: String, stdout: String,
                             stderr: String, timeout: Double?, afterStart: ((pid_t) -> Void)? = nil) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        closeInheritedDescriptors(&actions)
        // Glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env -C is the same.
        let argv = cwd.map { ["/usr/bin/env", "-C", $0, "--"] + argv } ?? argv
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for a in args { free(a) }; for e in envp { free(e) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, args, envp)
        guard spawned == 0 else {
            throw CocoaError(.executableNotLoadable, userInfo: [NSFilePathErrorKey: argv[0], NSLocalizedDescriptionKey: String(cString: strerror(spawned))])
        }
        afterStart?(pid)
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var status: Int32 = 0
        var delay: useconds_t = 200
        while true {
            let r = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if r == pid { break }
            if r < 0 {
                if errno == EINTR { continue }
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "waitpid: \(String(cString: strerror(errno)))"])
            }
            if let deadline, Date() > deadline { kill(pid, SIGKILL) }
            usleep(delay)
            delay = min(delay * 2, 20_000)
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Makes a spawned child close every descriptor but 0, 1 and 2. Tests run in parallel:
    /// a child started while another test holds a pipe or a pseudo-terminal open would keep
    /// it open too, and a long-lived one (a PostgreSQL server) would keep that test waiting
    /// for an end of file for ever. glibc's posix_spawn_file_actions_addclosefrom_np is not
    /// visible to Swift's Glibc module, so it is looked up by name.
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    /// A fresh, empty folder for a store or files.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
