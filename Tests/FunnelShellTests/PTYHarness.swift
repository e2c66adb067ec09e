#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program on a pseudo-terminal, as a user at a terminal would, for REPL tests.
///
/// The child is started with `posix_spawn` (fork is unsafe in a multi-threaded test process)
/// with `POSIX_SPAWN_SETSID`; it then opens the terminal's slave side without `O_NOCTTY`,
/// which makes it the session's controlling terminal, so Ctrl-C typed into the terminal
/// really sends SIGINT and readline sees a real tty. Foundation's `Process` cannot do this.
/// Every wait is bounded: a broken test fails with the output so far instead of hanging.
final class PTYProcess {
    enum ExitStatus: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        var description: String {
            switch self {
            case .exited(let code): "exited(\(code))"
            case .signaled(let signal): "signaled(\(signal))"
            }
        }
    }

    typealias Failure = PTYTerminal.Failure

    let pid: pid_t
    let terminal: PTYTerminal
    private var status: ExitStatus?

    /// Output decoded as UTF-8.
    var text: String { terminal.text }

    init(executable: String, arguments: [String] = [], environment: [String: String] = ["TERM": "dumb"],
         columns: UInt16 = 80, rows: UInt16 = 24) throws {
        let terminal = try PTYTerminal(columns: columns, rows: rows)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Runs after setsid() in the child, so opening the slave acquires it as the
        // controlling terminal. The master is O_CLOEXEC and does not leak into the child.
        posix_spawn_file_actions_addopen(&actions, 0, terminal.slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test process may ignore or block signals (SIGPIPE, SIGINT from a reader test);
        // the child must start with the defaults a shell would give it.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGWINCH] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc), not exported to Swift
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        FunnelProcess.closeInheritedDescriptors(&actions)
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw Failure(description: "posix_spawn \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.terminal = terminal
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            _ = waitpid(pid, &raw, 0)
        }
    }

    /// Types `text` (e.g. "\t", "\u{03}" Ctrl-C, "\u{04}" Ctrl-D, "\r" Enter).
    func send(_ text: String) throws { try terminal.send(text) }

    /// Waits until `pattern` appears after the previous match; returns the output from there up
    /// to and including it.
    @discardableResult
    func expect(_ pattern: String, timeout: Double = 10) throws -> String {
        try terminal.expect(pattern, timeout: timeout)
    }

    /// Waits for the program to end, reading its output meanwhile.
    func waitForExit(timeout: Double = 10) throws -> ExitStatus {
        if let status { return status }
        let deadline = PTYTerminal.now() + timeout
        while true {
            var raw: Int32 = 0
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid {
                let s: ExitStatus = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
                status = s
                terminal.pump(timeout: 0)
                return s
            }
            if r < 0 && errno != EINTR { throw Failure(description: "waitpid: \(PTYTerminal.errorText())") }
            if PTYTerminal.now() >= deadline {
                throw Failure(description: "timed out waiting for exit; output: \(text.debugDescription)")
            }
            terminal.pump(timeout: 0.02)
        }
    }

    static func now() -> Double { PTYTerminal.now() }
    static func plain(_ text: String) -> String { PTYTerminal.plain(text) }
}

/// The test's side of a pseudo-terminal: what was written to the slave side, and typing into it.
final class PTYTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let master: Int32
    let slavePath: String
    /// Everything written to the terminal so far.
    private(set) var output: [UInt8] = []
    /// Where the next `expect` starts searching.
    private var searchFrom = 0
    private var reachedEOF = false

    /// Output decoded as UTF-8.
    var text: String { String(decoding: output, as: UTF8.self) }

    init(columns: UInt16 = 80, rows: UInt16 = 24) throws {
        (master, slavePath) = try Self.openMaster()
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    deinit { close(master) }

    /// Types `text` (e.g. "\t", "\u{03}" Ctrl-C, "\u{04}" Ctrl-D, "\r" Enter).
    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(master, base, raw.count)
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(description: "write to terminal: \(Self.errorText())")
            }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Waits until `pattern` appears after the previous match; returns the output from there up
    /// to and including it.
    @discardableResult
    func expect(_ pattern: String, timeout: Double = 10) throws -> String {
        let needle = Array(pattern.utf8)
        let deadline = Self.now() + timeout
        while true {
            if let range = Self.find(needle, in: output, from: searchFrom) {
                let seen = String(decoding: output[searchFrom..<range.upperBound], as: UTF8.self)
                searchFrom = range.upperBound
                return seen
            }
            let remaining = deadline - Self.now()
            if remaining <= 0 || reachedEOF {
                throw Failure(description: "\(reachedEOF ? "output ended" : "timed out") waiting for \(pattern.debugDescription); output since last match: \(String(decoding: output[searchFrom...], as: UTF8.self).debugDescription)")
            }
            pump(timeout: remaining)
        }
    }

    /// Reads whatever arrives within `timeout` seconds.
    func pump(timeout: Double) {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(0, min(timeout, 60)) * 1000)
        let n = poll(&pfd, 1, ms)
        guard n > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if count > 0 {
            output.append(contentsOf: buffer[0..<count])
        } else if count == 0 || errno == EIO {
            // Linux reports EIO on the master once no process holds the slave open.
            reachedEOF = true
        }
    }

    /// `text` without ANSI escape sequences and carriage returns.
    static func plain(_ text: String) -> String {
        var out = ""
        var it = text.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\u{1B}" {
                guard let next = it.next() else { break }
                if next == "[" {
                    while let d = it.next(), !(d.value >= 0x40 && d.value <= 0x7E) {}
                }
            } else if c != "\r" {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return start..<start }
        guard haystack.count - start >= needle.count else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
                return i..<(i + needle.count)
            }
            i += 1
        }
        return nil
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A new terminal's master side (close-on-exec, so no other child inherits it) and the
    /// path of its slave side. Swift's Glibc module hides posix_openpt/unlockpt/ptsname_r,
    /// so this does what they do on Linux.
    static func openMaster() throws -> (Int32, String) {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw Failure(description: "open /dev/ptmx: \(errorText())") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431  // _IOW('T', 0x31, int)
        let TIOCGPTN: UInt = 0x8004_5430  // _IOR('T', 0x30, unsigned int)
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            let message = errorText()
            close(master)
            throw Failure(description: "unlock pty: \(message)")
        }
        return (master, "/dev/pts/\(number)")
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
