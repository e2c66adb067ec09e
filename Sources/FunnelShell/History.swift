#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The REPL's history file (`$FUNNEL_HISTORY`, else `~/.funnel_history`).
///
/// Format: UTF-8 text, one entry per line, each line ending in `\n`. A multi-line entry stays
/// one entry: inside a line, `\n` stands for a newline, `\r` for a carriage return and `\\` for
/// a backslash; any other backslash is kept as it is. Blank lines are skipped when reading.
/// The format is line-oriented so that `grep` and `tail` work on it and so that appending one
/// entry is appending one line.
///
/// Several sessions may share the file. Each entry is appended as soon as it is entered, with
/// one `write` on a descriptor opened with `O_APPEND`, under an exclusive `flock`, so writers
/// never interleave or overwrite each other. The file is capped when a session starts: if it
/// holds more than `limit` entries, the newest `limit` are written to a temporary file that is
/// renamed over it, under the same lock; a writer that then finds the path pointing at another
/// file (it waited on the old one) reopens it, so no entry lands in the replaced file.
public final class HistoryFile: @unchecked Sendable {
    public let path: String
    public let limit: Int

    public init(path: String, limit: Int = 10_000) {
        self.path = path
        self.limit = max(1, limit)
    }

    /// `$FUNNEL_HISTORY` when set and not empty, else `$HOME/.funnel_history`; nil when neither
    /// is known (no history is kept).
    public static func defaultPath(environment: [String: String]) -> String? {
        if let p = environment["FUNNEL_HISTORY"], !p.isEmpty { return p }
        if let home = environment["HOME"], !home.isEmpty {
            return home.hasSuffix("/") ? home + ".funnel_history" : home + "/.funnel_history"
        }
        return nil
    }

    public struct IOError: Error, Equatable, CustomStringConvertible {
        public let path: String
        public let operation: String
        public let code: Int32
        public var description: String {
            "cannot \(operation) history file \(path): \(String(cString: strerror(code)))"
        }
    }

    // MARK: Encoding

    public static func encode(_ entry: String) -> String {
        var out = ""
        out.reserveCapacity(entry.utf8.count)
        for scalar in entry.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public static func decode(_ line: String) -> String {
        var out = ""
        var escaped = false
        for scalar in line.unicodeScalars {
            if escaped {
                switch scalar {
                case "n": out += "\n"
                case "r": out += "\r"
                case "\\": out += "\\"
                default:
                    out += "\\"
                    out.unicodeScalars.append(scalar)
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if escaped { out += "\\" }
        return out
    }

    /// Entries in file text, oldest first.
    public static func parse(_ text: String) -> [String] {
        var entries: [String] = []
        // "\r\n" (a file edited on Windows) is one Character, so it is a separator of its own;
        // a real \r inside an entry is always escaped.
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            entries.append(decode(String(line)))
        }
        return entries
    }

    // MARK: File operations

    /// The newest `limit` entries, oldest first; [] when the file does not exist. Caps the file
    /// on disk when it holds more.
    public func load() throws(IOError) -> [String] {
        guard let text = try readWhole() else { return [] }
        let entries = Self.parse(text)
        if entries.count <= limit { return entries }
        try compact()
        return Array(entries.suffix(limit))
    }

    /// Appends one entry. Blank entries are not recorded.
    public func append(_ entry: String) throws(IOError) {
        if entry.allSatisfy({ $0.isWhitespace }) { return }
        let bytes = Array((Self.encode(entry) + "\n").utf8)
        // Bounded: each retry means the file was just replaced by a compaction.
        for _ in 0..<5 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            if fd < 0 { throw IOError(path: path, operation: "open", code: errno) }
            defer { close(fd) }
            try lock(fd)
            guard try isCurrent(fd) else { continue }
            try writeAll(fd, bytes)
            return
        }
        throw IOError(path: path, operation: "write", code: EAGAIN)
    }

    private func readWhole() throws(IOError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw IOError(path: path, operation: "open", code: errno)
        }
        defer { close(fd) }
        return try Self.readAll(fd, path: path)
    }

    private static func readAll(_ fd: Int32, path: String) throws(IOError) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "read", code: errno)
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Rewrites the file with its newest `limit` entries.
    private func compact() throws(IOError) {
        for _ in 0..<5 {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw IOError(path: path, operation: "open", code: errno) }
            defer { close(fd) }
            try lock(fd)
            guard try isCurrent(fd) else { continue }
            // Re-read under the lock: entries appended since load() must survive.
            let entries = Self.parse(try Self.readAll(fd, path: path))
            if entries.count <= limit { return }
            let text = entries.suffix(limit).map { Self.encode($0) + "\n" }.joined()
            let temp = path + ".tmp-\(getpid())"
            let out = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            if out < 0 { throw IOError(path: temp, operation: "create", code: errno) }
            do throws(IOError) {
                try writeAll(out, Array(text.utf8))
                if fsync(out) != 0 { throw IOError(path: temp, operation: "sync", code: errno) }
            } catch {
                close(out)
                unlink(temp)
                throw error
            }
            close(out)
            if rename(temp, path) != 0 {
                let code = errno
                unlink(temp)
                throw IOError(path: path, operation: "replace", code: code)
            }
            return
        }
    }

    private func lock(_ fd: Int32) throws(IOError) {
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw IOError(path: path, operation: "lock", code: errno) }
        }
    }

    /// Whether `fd` is still the file at `path` (a compaction may have replaced it).
    private func isCurrent(_ fd: Int32) throws(IOError) -> Bool {
        var a = stat()
        var b = stat()
        if fstat(fd, &a) != 0 { throw IOError(path: path, operation: "stat", code: errno) }
        if stat(path, &b) != 0 {
            if errno == ENOENT { return false }
            throw IOError(path: path, operation: "stat", code: errno)
        }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(IOError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw IOError(path: path, operation: "write", code: errno)
            }
            offset += n
        }
    }
}
