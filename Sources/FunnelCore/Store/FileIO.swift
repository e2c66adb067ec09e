#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls the store needs. The store uses them directly rather
/// than FileManager because it needs exact control over what reaches the disk and when
/// (pwrite, ftruncate, fsync, flock) and because reading a 100 MB journal must not copy it
/// through intermediate objects.
enum FileIO {
    private static func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
        #if canImport(Glibc)
        return Glibc.open(path, flags, mode)
        #else
        return Darwin.open(path, flags, mode)
        #endif
    }

    /// A failed system call: which path, and `errno`; `reason` replaces errno's text when
    /// the call worked but the file is not what it must be.
    struct Failure: Error {
        var path: String
        var code: Int32
        var reason: String? = nil
        var text: String { reason ?? FileIO.describe(code) }
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// `open`, retried when a signal interrupts it; returns the fd or throws with errno.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(Failure) -> Int32 {
        while true {
            let fd = path.withCString { systemOpen($0, flags | O_CLOEXEC, mode) }
            if fd >= 0 { return fd }
            if errno != EINTR { throw Failure(path: path, code: errno) }
        }
    }

    /// Opens a file that must be a regular file (the journal, a segment, the lock). A FIFO in
    /// its place would block `open` and then every read for ever, and a device such as
    /// /dev/full reads as empty, so the open does not block (O_NONBLOCK) and anything but a
    /// regular file is refused before a byte is read.
    static func openRegular(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(Failure) -> Int32 {
        let fd = try open(path, flags | O_NONBLOCK, mode: mode)
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw Failure(path: path, code: e)
        }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(fd)
            throw Failure(path: path, code: type == S_IFDIR ? EISDIR : EINVAL,
                          reason: type == S_IFDIR ? nil : "it is \(kindName(type)), not a regular file")
        }
        // Regular files ignore O_NONBLOCK, but the descriptor must not keep it for later calls.
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    /// What a file of type `type` (`st_mode & S_IFMT`) is, for messages.
    static func kindName(_ type: mode_t) -> String {
        switch type {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    struct Status {
        var size: Int64
        var isDirectory: Bool
        var isRegular: Bool
    }

    static func status(_ fd: Int32, path: String) throws(Failure) -> Status {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(path: path, code: errno) }
        let type = st.st_mode & S_IFMT
        return Status(size: Int64(st.st_size), isDirectory: type == S_IFDIR, isRegular: type == S_IFREG)
    }

    /// Status of a path without opening it; nil when it does not exist.
    static func status(path: String) throws(Failure) -> Status? {
        var st = stat()
        let r = path.withCString { stat($0, &st) }
        if r != 0 {
            if errno == ENOENT { return nil }
            throw Failure(path: path, code: errno)
        }
        let type = st.st_mode & S_IFMT
        return Status(size: Int64(st.st_size), isDirectory: type == S_IFDIR, isRegular: type == S_IFREG)
    }

    /// Up to `count` bytes at `offset` in as few calls as the kernel allows; shorter only
    /// when the file ends first.
    static func read(_ fd: Int32, path: String, at offset: Int64, count: Int) throws(Failure) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: max(count, 0)) { buf, initialized in
            initialized = 0
            guard let base = buf.baseAddress else { return }
            while initialized < count {
                let r = pread(fd, base + initialized, count - initialized, off_t(offset) + off_t(initialized))
                if r > 0 { initialized += r; continue }
                if r == 0 { return }
                if errno == EINTR { continue }
                failure = errno
                return
            }
        }
        if failure != 0 { throw Failure(path: path, code: failure) }
        return bytes
    }

    /// The first bytes of a small file (at most `count`), or nil when it cannot be read.
    static func read(_ fd: Int32, path: String, upTo count: Int) -> [UInt8]? {
        try? read(fd, path: path, at: 0, count: count)
    }

    /// Seconds on a clock that never jumps, for timeouts.
    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Writes all of `bytes` at `offset`. One call does it unless the kernel writes short
    /// (a full disk, a signal); the loop then either finishes or reports why it cannot.
    static func write(_ fd: Int32, path: String, _ bytes: [UInt8], at offset: Int64) throws(Failure) {
        var failure: Int32 = 0
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var done = 0
            while done < buf.count {
                let r = pwrite(fd, base + done, buf.count - done, off_t(offset) + off_t(done))
                if r > 0 { done += r; continue }
                if r < 0, errno == EINTR { continue }
                failure = r < 0 ? errno : EIO
                return
            }
        }
        if failure != 0 { throw Failure(path: path, code: failure) }
    }

    static func truncate(_ fd: Int32, path: String, to size: Int64) throws(Failure) {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw Failure(path: path, code: errno) }
        }
    }

    static func sync(_ fd: Int32, path: String) throws(Failure) {
        while fsync(fd) != 0 {
            if errno != EINTR { throw Failure(path: path, code: errno) }
        }
    }

    /// Makes a new directory entry durable: fsync on a file does not cover its name.
    /// Some file systems refuse fsync on directories (EINVAL); nothing more can be done there.
    static func syncDirectory(_ path: String) throws(Failure) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            if errno == EINVAL || errno == EROFS { return }
            throw Failure(path: path, code: errno)
        }
    }

    /// `mkdir -p`, syncing each parent whose new entry it created.
    static func makeDirectories(_ path: String) throws(Failure) {
        if let st = try status(path: path) {
            if st.isDirectory { return }
            throw Failure(path: path, code: ENOTDIR)
        }
        let parent = parentDirectory(path)
        if parent != path { try makeDirectories(parent) }
        let r = path.withCString { mkdir($0, 0o755) }
        if r != 0 {
            if errno == EEXIST, try status(path: path)?.isDirectory == true { return }
            throw Failure(path: path, code: errno)
        }
        try syncDirectory(parent)
    }

    static func parentDirectory(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[p.startIndex..<slash])
    }

    /// Newlines before `offset`, read in chunks so a huge prefix never sits in memory. Only
    /// needed for line numbers in error messages, so it is never on the hot path.
    static func countNewlines(_ fd: Int32, path: String, before offset: Int64) throws(Failure) -> Int {
        var count = 0
        var at: Int64 = 0
        let chunk = 1 << 20
        while at < offset {
            let want = Int(min(Int64(chunk), offset - at))
            let bytes = try read(fd, path: path, at: at, count: want)
            count += newlines(in: bytes[...])
            if bytes.count < want { break }
            at += Int64(want)
        }
        return count
    }

    static func newlines(in bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        var i = bytes.startIndex
        while let nl = nextNewline(in: bytes, from: i) {
            count += 1
            i = nl + 1
        }
        return count
    }

    /// Index of the next `\n` at or after `from`, found with memchr since journals are
    /// mostly long lines.
    static func nextNewline(in bytes: ArraySlice<UInt8>, from: Int) -> Int? {
        guard from >= bytes.startIndex, from < bytes.endIndex else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> Int? in
            guard let base = buf.baseAddress else { return nil }
            let local = from - bytes.startIndex
            guard let hit = memchr(base + local, 0x0A, buf.count - local) else { return nil }
            return bytes.startIndex + (UnsafeRawPointer(hit) - UnsafeRawPointer(base))
        }
    }

    /// Index of the last `\n` before `end` (exclusive).
    static func previousNewline(in bytes: ArraySlice<UInt8>, before end: Int) -> Int? {
        var i = min(end, bytes.endIndex) - 1
        while i >= bytes.startIndex {
            if bytes[i] == 0x0A { return i }
            i -= 1
        }
        return nil
    }
}
