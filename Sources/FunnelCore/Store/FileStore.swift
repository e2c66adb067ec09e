#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store on disk (DESIGN.md, "The store"): a directory holding `journal.jsonl`, the
/// source of truth, and `lock`, which writers `flock`. Readers take no lock: a transaction
/// becomes visible only when its commit line is complete, so whatever a concurrent writer
/// has half-written is simply not committed yet.
///
/// Positions are byte offsets just after a commit line. An instance keeps no state between
/// calls except whether it holds the lock, so several processes (or instances) can share a
/// directory; that flag is unsynchronised, so give each thread its own instance.
public final class FileStore: Store {
    public let location: String
    let journalPath: String
    let lockPath: String
    /// Where import segments live: `segments/NAME`.
    let segmentsPath: String
    /// The directory without trailing slashes, as the journal and lock paths use it.
    let directoryPath: String
    /// Lets `commit` refuse to write unlocked, and lets nested `withWriterLock` calls run
    /// instead of deadlocking on a second flock of the same file.
    private var holdsLock = false
    var holdsWriterLock: Bool { holdsLock }

    /// Whether the directory is there; a query on a store that does not exist yet warns.
    public var exists: Bool { (try? FileIO.status(path: directoryPath)) != nil }

    /// How long a writer waits for another writer's lock before giving up (S003 naming the
    /// holder's pid): a hung writer must not make every later writer wait without a word.
    public static let defaultLockTimeout = 10.0
    public let lockTimeout: Double

    public init(directory: String, lockTimeout: Double = FileStore.defaultLockTimeout) {
        self.lockTimeout = lockTimeout
        location = directory
        var dir = Substring(directory.isEmpty ? "." : directory)
        while dir.count > 1, dir.hasSuffix("/") { dir = dir.dropLast() }
        directoryPath = String(dir)
        let prefix = directoryPath == "/" ? "" : directoryPath
        journalPath = prefix + "/journal.jsonl"
        lockPath = prefix + "/lock"
        segmentsPath = prefix + "/segments"
    }

    // MARK: - Reading

    public func readCommitted(after position: Int64) throws -> (events: [StoreEvent], position: Int64) {
        let fd: Int32
        do throws(FileIO.Failure) {
            fd = try FileIO.openRegular(journalPath, O_RDONLY)
        } catch {
            if error.code == ENOENT {
                if position == 0 { return ([], 0) }
                if position < 0 { throw staleCursor(position) }
                throw Diagnostic(.io, "S001", "\(journalPath): the journal is missing, but \(position) bytes of it were read before",
                                 help: JournalLine.damageHelp)
            }
            throw readFailure(error)
        }
        defer { close(fd) }
        do {
            let read = try read(fd, after: position, runEnds: nil)
            return (read.events, read.position)
        } catch let failure as FileIO.Failure {
            throw readFailure(failure)
        }
    }

    public func readRuns() throws -> [[StoreEvent]] {
        let fd: Int32
        do throws(FileIO.Failure) {
            fd = try FileIO.open(journalPath, O_RDONLY)
        } catch {
            if error.code == ENOENT { return [] }
            throw readFailure(error)
        }
        defer { close(fd) }
        var ends: [Int] = []
        let events: [StoreEvent]
        do {
            events = try read(fd, after: 0, runEnds: &ends).events
        } catch let failure as FileIO.Failure {
            throw readFailure(failure)
        }
        var runs: [[StoreEvent]] = []
        var start = 0
        for end in ends where end > start {
            runs.append(Array(events[start..<end]))
            start = end
        }
        return runs
    }

    /// `runEnds`, when given, collects the event count at each commit line, so a copy can
    /// keep the runs as they were committed.
    private func read(_ fd: Int32, after position: Int64, runEnds: UnsafeMutablePointer<[Int]>?) throws -> (events: [StoreEvent], position: Int64) {
        let size = try FileIO.status(fd, path: journalPath).size
        guard position >= 0 else { throw staleCursor(position) }
        guard position <= size else {
            throw Diagnostic(.io, "S001",
                             "\(journalPath): the journal has \(size) bytes, fewer than the \(position) already read; it was truncated or replaced",
                             help: JournalLine.damageHelp)
        }
        var sequence = JournalSequence(last: 0)
        var afterUnterminatedCommit = false
        if position > 0 {
            let previous = try commitSeq(endingAt: position, fd)
            sequence.last = previous.seq
            afterUnterminatedCommit = !previous.terminated
        }
        if size == position { return ([], position) }

        let bytes = try FileIO.read(fd, path: journalPath, at: position, count: Int(size - position))
        // Events go straight into the result; those of an unfinished transaction are
        // dropped at the end, which saves copying every event once more.
        var events: [StoreEvent] = []
        var committedCount = 0
        var committedEnd = 0
        var firstDamage: (start: Int, reason: String)?
        func damage(_ d: (start: Int, reason: String), notes: [String] = []) throws -> Diagnostic {
            let line = try FileIO.countNewlines(fd, path: journalPath, before: position + Int64(d.start)) + 1
            return JournalLine.damage(path: journalPath, line: line, reason: d.reason, notes: notes)
        }
        // A writer that found the last commit line without its newline supplies it first.
        var start = afterUnterminatedCommit && bytes.first == 0x0A ? 1 : 0
        while let end = FileIO.nextNewline(in: bytes[...], from: start) {
            defer { start = end + 1 }
            switch sequence.check(JournalLine.parse(bytes[start..<end])) {
            case .event(let e):
                events.append(e)
            case .commit:
                if let d = firstDamage { throw try damage(d) }
                committedCount = events.count
                committedEnd = end + 1
                runEnds?.pointee.append(committedCount)
            case .damaged(let reason):
                if firstDamage == nil { firstDamage = (start, reason) }
            }
        }
        if start < bytes.count, let last = JournalLine.parseUnterminated(bytes[start...]) {
            switch sequence.check(last) {
            case .commit:
                if let d = firstDamage { throw try damage(d) }
                committedCount = events.count
                committedEnd = bytes.count
                runEnds?.pointee.append(committedCount)
            case .damaged(let reason):
                if firstDamage == nil { firstDamage = (start, reason) }
            case .event:
                break
            }
        }
        // Damage after the last commit line may be a committed run whose commit line was hit:
        // giving figures without it would drop that run without a word.
        if let d = firstDamage { throw try damage(d, notes: [JournalLine.damagedTailNote]) }
        events.removeLast(events.count - committedCount)
        return (events, position + Int64(committedEnd))
    }

    /// The seq in the commit line that ends just before `position`. Reading on from there
    /// must continue that seq; and a position that does not follow a commit line means the
    /// caller's cursor no longer fits this journal.
    private func commitSeq(endingAt position: Int64, _ fd: Int32) throws -> (seq: Int64, terminated: Bool) {
        let stale = staleCursor(position)
        // A commit line is at most 45 bytes: `{"commit":` + 16 digits + `,"sum":"…"}` + `\n`.
        let window = min(position, 256)
        let bytes = try FileIO.read(fd, path: journalPath, at: position - window, count: Int(window))
        guard bytes.count == Int(window), let last = bytes.last, last == 0x0A || last == UInt8(ascii: "}") else { throw stale }
        let terminated = last == 0x0A
        let end = terminated ? bytes.count - 1 : bytes.count
        let start: Int
        if let nl = FileIO.previousNewline(in: bytes[...], before: end) {
            start = nl + 1
        } else if window == position {
            start = 0
        } else {
            throw stale
        }
        guard case .commit(let seq) = JournalLine.parse(bytes[start..<end]) else { throw stale }
        return (seq, terminated)
    }

    private func staleCursor(_ position: Int64) -> Diagnostic {
        Diagnostic(.io, "S001",
                   "\(journalPath): cannot continue reading at byte \(position): it does not follow a commit line; the journal was changed or replaced",
                   help: JournalLine.damageHelp)
    }

    private func readFailure(_ f: FileIO.Failure) -> Diagnostic {
        Diagnostic(.io, "S004", "cannot read \(f.path): \(f.text)")
    }

    // MARK: - Writing

    public func withWriterLock<T>(_ body: () throws -> T) throws -> T {
        if holdsLock { return try body() }
        let fd: Int32
        do throws(FileIO.Failure) {
            try FileIO.makeDirectories(directoryPath)
            fd = try FileIO.openRegular(lockPath, O_RDWR | O_CREAT)
        } catch {
            throw writeFailure(error)
        }
        defer { close(fd) }
        try lock(fd)
        holdsLock = true
        defer { holdsLock = false }
        recordHolder(fd)
        removeTemporaryFiles()
        removeSnapshotTemporaries()
        return try body()
    }

    /// Takes the lock, waiting at most `lockTimeout` seconds. flock has no timed form, so a
    /// busy lock is polled, every millisecond at first and every 20 ms at most.
    private func lock(_ fd: Int32) throws {
        let deadline = FileIO.monotonicSeconds() + lockTimeout
        var pause: UInt32 = 1000
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            guard e == EWOULDBLOCK || e == EAGAIN else {
                throw Diagnostic(.io, "S003", "cannot lock \(lockPath): \(FileIO.describe(e))")
            }
            guard FileIO.monotonicSeconds() < deadline else { throw lockTimedOut(fd) }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    private func lockTimedOut(_ fd: Int32) -> Diagnostic {
        let waited = lockTimeout == lockTimeout.rounded() ? String(Int(lockTimeout)) : String(lockTimeout)
        let seconds = waited == "1" ? "1 second" : "\(waited) seconds"
        let holder = FileIO.read(fd, path: lockPath, upTo: 32).flatMap { Int32(String(decoding: $0.prefix { $0 != 0x0A }, as: UTF8.self)) }
        // The pid is the last holder's; it is the current one only while that process lives.
        if let pid = holder, pid > 0, kill(pid, 0) == 0 || errno == EPERM {
            return Diagnostic(.io, "S003", "cannot lock \(lockPath): process \(pid) has held the writer lock for more than \(seconds)",
                              help: "wait for that run to finish and try again; if process \(pid) is hung, stop it (kill \(pid)). FUNNEL_LOCK_TIMEOUT sets how many seconds a writer waits")
        }
        return Diagnostic(.io, "S003", "cannot lock \(lockPath): another process has held the writer lock for more than \(seconds)",
                          help: "wait for it to finish and try again. FUNNEL_LOCK_TIMEOUT sets how many seconds a writer waits")
    }

    /// Writes this process's pid into the lock file, so a writer that times out can name the
    /// holder. Only a message depends on it, so a failure (a full disk) is ignored.
    private func recordHolder(_ fd: Int32) {
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0 else { return }
        _ = text.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    public func commit(_ events: [StoreEvent]) throws -> [StoreEvent] {
        try commit(runs: [events], segments: [])
    }

    /// Segments first, each durable before the journal line that names it; then every run
    /// with its own commit line, in one write and one fsync.
    public func commit(runs: [[StoreEvent]], segments: [[UInt8]]) throws -> [StoreEvent] {
        guard holdsLock else {
            throw Diagnostic(.runtime, "S005", "internal error: commit to \(location) without holding its writer lock")
        }
        let runs = runs.filter { !$0.isEmpty }
        for segment in segments { _ = try writeSegment(segment) }
        if runs.isEmpty { return [] }
        for e in runs.joined() {
            // A value the reader would reject must never reach the journal: it would make
            // the whole store unreadable from that line on.
            guard Calendar.parseISO(Calendar.format(e.on)) == e.on else {
                throw Diagnostic(.io, "S003", "cannot write \(journalPath): event date (day \(e.on)) is outside the years 1-9999")
            }
            guard e.dataDepth < JSONCoding.maxDepth else {
                throw Diagnostic(.io, "S003", "cannot write \(journalPath): event data nests deeper than \(JSONCoding.maxDepth - 1) levels")
            }
        }
        do {
            return try append(runs)
        } catch let failure as FileIO.Failure {
            throw writeFailure(failure)
        }
    }

    private func append(_ runs: [[StoreEvent]]) throws -> [StoreEvent] {
        let created: Bool
        let fd: Int32
        do throws(FileIO.Failure) {
            fd = try FileIO.openRegular(journalPath, O_RDWR)
            created = false
        } catch {
            guard error.code == ENOENT else { throw error }
            fd = try FileIO.open(journalPath, O_RDWR | O_CREAT | O_EXCL)
            created = true
        }
        defer { close(fd) }
        // The new name must be durable before anything in the file is acknowledged; doing
        // it first means a failure here leaves no transaction behind.
        if created { try FileIO.syncDirectory(directoryPath) }
        let size = try FileIO.status(fd, path: journalPath).size
        let (end, lastSeq, terminated) = try committedEnd(fd, size: size)
        if size > end { try FileIO.truncate(fd, path: journalPath, to: end) }

        var written: [StoreEvent] = []
        written.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        var out: [UInt8] = []
        // Generously: a line of a script's change with its origin is about 200-300 bytes, and
        // growing a buffer of a large run copies it (the old and the new one both resident);
        // what is reserved and never written is never touched, so it takes no memory.
        out.reserveCapacity(written.capacity * 512 + 48 * runs.count)
        if !terminated { out.append(0x0A) }
        var seq = lastSeq
        for run in runs {
            for var e in run {
                seq += 1
                e.seq = seq
                JournalLine.appendEvent(e, to: &out)
                written.append(e)
            }
            JournalLine.appendCommit(seq, to: &out)
        }
        do {
            try CrashPoint.write(.journalHalfWritten, fd, path: journalPath, out, at: end)
            try FileIO.sync(fd, path: journalPath)
        } catch {
            // Not acknowledged, so not committed: take it back rather than leave a
            // transaction a later reader might count.
            _ = ftruncate(fd, off_t(end))
            throw error
        }
        return written
    }

    /// The offset just after the last valid commit line and that commit's seq, found by
    /// walking back from the end so a commit costs the size of the uncommitted tail, not
    /// of the journal. The tail may hold complete event lines and one unterminated line
    /// (an interrupted write); any other damaged line there is refused rather than cut off,
    /// because it may be a committed transaction whose commit line was damaged. A last
    /// commit line that only lacks its newline is committed (`terminated` false): the
    /// next commit writes the newline first.
    func committedEnd(_ fd: Int32, size: Int64) throws -> (end: Int64, seq: Int64, terminated: Bool) {
        var window = min(size, 64 * 1024)
        while true {
            let from = size - window
            let bytes = try FileIO.read(fd, path: journalPath, at: from, count: Int(window))
            var lineEnd: Int?
            if bytes.last == 0x0A {
                lineEnd = bytes.count - 1
            } else {
                lineEnd = FileIO.previousNewline(in: bytes[...], before: bytes.count)
                let start = lineEnd.map { $0 + 1 } ?? 0
                if lineEnd != nil || from == 0 {
                    switch JournalLine.parseUnterminated(bytes[start...]) {
                    case .commit(let seq)?:
                        return (size, seq, false)
                    case .damaged(let reason)?:
                        let line = try FileIO.countNewlines(fd, path: journalPath, before: from + Int64(start)) + 1
                        throw JournalLine.damage(path: journalPath, line: line, reason: reason, notes: [JournalLine.damagedTailNote])
                    default:
                        break
                    }
                }
            }
            while let end = lineEnd {
                let previous = FileIO.previousNewline(in: bytes[...], before: end)
                if previous == nil, from > 0 { break }  // the line starts before the window
                let start = previous.map { $0 + 1 } ?? 0
                switch JournalLine.parse(bytes[start..<end]) {
                case .commit(let seq):
                    return (from + Int64(end) + 1, seq, true)
                case .event:
                    lineEnd = previous
                case .damaged(let reason):
                    let line = try FileIO.countNewlines(fd, path: journalPath, before: from + Int64(start)) + 1
                    throw JournalLine.damage(path: journalPath, line: line, reason: reason, notes: [JournalLine.damagedTailNote])
                }
            }
            // No commit line in the window: final only when the window is the whole file.
            if from == 0 { return (0, 0, true) }
            window = min(size, window * 2)
        }
    }

    /// The seq of the last commit (0 for an empty or missing journal), read from the end.
    func lastCommittedSeq() throws -> Int64 {
        do {
            let fd: Int32
            do throws(FileIO.Failure) {
                fd = try FileIO.open(journalPath, O_RDONLY)
            } catch {
                if error.code == ENOENT { return 0 }
                throw error
            }
            defer { close(fd) }
            let size = try FileIO.status(fd, path: journalPath).size
            return try committedEnd(fd, size: size).seq
        } catch let failure as FileIO.Failure {
            throw readFailure(failure)
        }
    }

    private func writeFailure(_ f: FileIO.Failure) -> Diagnostic {
        Diagnostic(.io, "S003", "cannot write \(f.path): \(f.text)")
    }
}
