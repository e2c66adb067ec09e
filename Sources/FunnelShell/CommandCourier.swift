import FunnelCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the store's delivery command (`deliver notifications via command "..."`) for one
/// notification: `/bin/sh -c COMMAND` in its own process group, the JSON document on its
/// standard input, its standard output and error read (not shown) so a full pipe never
/// blocks it. Past the time limit, or once it has printed more than the output limit, the
/// whole group is killed — a `sh -c "sleep 100"` leaves no sleeping child behind. Once the
/// program itself has exited, its status is the answer, whatever it left running.
struct CommandCourier: NotificationCourier {
    func run(command: String, input: [UInt8], timeoutSeconds: Int, outputLimit: Int) -> CourierOutcome {
        var toChild: [Int32] = [0, 0], fromOut: [Int32] = [0, 0], fromErr: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { return .cannotStart(String(cString: strerror(errno))) }
        guard pipe(&fromOut) == 0 else { closeAll(toChild); return .cannotStart(String(cString: strerror(errno))) }
        guard pipe(&fromErr) == 0 else { closeAll(toChild + fromOut); return .cannotStart(String(cString: strerror(errno))) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromOut[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fromErr[1], 2)
        for fd in toChild + fromOut + fromErr { posix_spawn_file_actions_addclose(&actions, fd) }
        // Nothing else of funnel's reaches the program: not the journal, not the writer lock
        // (a child it leaves running would otherwise hold the store's lock).
        let ours = Set(toChild + fromOut + fromErr)
        for fd in Int32(3)..<Int32(min(getdtablesize(), 4096)) where !ours.contains(fd) && fcntl(fd, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for a in argv { free(a) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(toChild[0]); close(fromOut[1]); close(fromErr[1])
        guard spawned == 0 else {
            closeAll([toChild[1], fromOut[0], fromErr[0]])
            return .cannotStart(String(cString: strerror(spawned)))
        }
        // Writes must not block on a program that never reads, nor kill funnel with SIGPIPE.
        _ = fcntl(toChild[1], F_SETFL, fcntl(toChild[1], F_GETFL) | O_NONBLOCK)
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { _ = signal(SIGPIPE, previous) }

        let deadline = monotonicSeconds() + Double(timeoutSeconds)
        var written = 0, printed = 0
        var stderrTail: [UInt8] = []
        var inFD: Int32 = toChild[1]
        var open: [Int32] = [fromOut[0], fromErr[0]]
        var stopped: CourierOutcome?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        if input.isEmpty { close(inFD); inFD = -1 }
        var status: Int32 = 0
        var exited = false
        while !open.isEmpty || inFD >= 0 {
            // The program's own exit decides, not the end of its output: a child it left in the
            // background may hold the pipes open long after the delivery is done.
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; break }
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 {
                stopped = .timedOut(seconds: timeoutSeconds, stderr: String(decoding: stderrTail, as: UTF8.self))
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inFD >= 0 { fds.append(pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 { if errno == EINTR { continue }; break }
            for p in fds where p.revents != 0 {
                if p.fd == inFD {
                    let n = input.withUnsafeBufferPointer { b -> Int in
                        guard let base = b.baseAddress else { return -1 }
                        return write(inFD, base + written, input.count - written)
                    }
                    if n > 0 { written += n }
                    if n < 0 && errno != EAGAIN && errno != EINTR || written >= input.count { close(inFD); inFD = -1 }
                    continue
                }
                let n = read(p.fd, &buffer, buffer.count)
                if n <= 0 {
                    if n < 0, errno == EINTR || errno == EAGAIN { continue }
                    close(p.fd)
                    open.removeAll { $0 == p.fd }
                    continue
                }
                printed += n
                if p.fd == fromErr[0] {
                    stderrTail.append(contentsOf: buffer[0..<n])
                    if stderrTail.count > 4096 { stderrTail.removeFirst(stderrTail.count - 4096) }
                }
            }
            if printed > outputLimit { stopped = .tooMuchOutput(limit: outputLimit); break }
        }
        if exited {
            // What it wrote before exiting is still in the pipes: read it without waiting.
            for fd in open where fd == fromErr[0] {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                while stderrTail.count < 65_536 {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    stderrTail.append(contentsOf: buffer[0..<n])
                }
                if stderrTail.count > 4096 { stderrTail.removeFirst(stderrTail.count - 4096) }
            }
        }
        if stopped != nil { _ = kill(-pid, SIGKILL) }
        if inFD >= 0 { close(inFD) }
        for fd in open { close(fd) }
        if !exited { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        if let stopped { return stopped }
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return exit == 0 ? .delivered : .failed(status: exit, stderr: String(decoding: stderrTail, as: UTF8.self))
    }

    private func closeAll(_ fds: [Int32]) { for fd in fds { close(fd) } }
}
