#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the bytes of an imported file come from. The core never opens an import's file by
/// itself: the host hands the interpreter a source (as wren's host callbacks give a VM its
/// modules), so a test can import from memory and a host can read from anywhere.
/// `FileSystemSource` is the one every host uses unless it says otherwise.
public protocol ImportSource: Sendable {
    /// Opens `path` (already resolved against the script's folder, see `ImportPath`).
    /// `name` is the file as the script names it, for messages. Throws I001 as a
    /// `Diagnostic` without a place: the caller points it at the file name in the script.
    func open(_ path: String, name: String) throws -> any ImportInput
}

/// An opened file, read front to back once.
public protocol ImportInput: AnyObject {
    /// Fills up to `count` bytes at `buffer` and returns how many it wrote; 0 only at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int
    /// The size in bytes when known, to reserve memory for the rows.
    var byteCount: Int? { get }
}

/// Files on disk, read with `read(2)`.
public struct FileSystemSource: ImportSource {
    public init() {}

    public func open(_ path: String, name: String) throws -> any ImportInput {
        try FileInput(path: path, name: name)
    }
}

final class FileInput: ImportInput {
    private let fd: Int32
    let name: String
    let byteCount: Int?
    /// The file's size and modification time when it was opened, and the bytes read since:
    /// at the end they must still agree, or the file changed while it was read (another
    /// program still writing it) and its last row may be cut in half.
    private let opened: FileVersion
    private var bytesRead: Int64 = 0

    init(path: String, name: String) throws {
        self.name = name
        // O_NONBLOCK: a FIFO with no writer would block the open for ever, holding the
        // store's writer lock; anything but a regular file is refused below instead.
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else {
            throw Diagnostic(.io, "I001", "cannot open \(name): \(FileInput.errorText(errno))")
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            close(fd)
            throw Diagnostic(.io, "I001", "cannot open \(name): \(FileInput.errorText(e))")
        }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR {
            close(fd)
            throw Diagnostic(.io, "I001", "\(name) is a directory, not a CSV file")
        }
        if type != S_IFREG {
            close(fd)
            throw Diagnostic(.io, "I001", "\(name) is \(FileIO.kindName(type)), not a regular file",
                             help: "save the data to a file first and import that file")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        self.fd = fd
        self.byteCount = Int(st.st_size)
        self.opened = FileVersion(st)
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            let r = Glibc.read(fd, buffer, count)
            if r > 0 { bytesRead += Int64(r); return r }
            if r == 0 { try checkUnchanged(); return 0 }
            if errno == EINTR { continue }
            let e = errno
            if e == EISDIR { throw Diagnostic(.io, "I001", "\(name) is a directory, not a CSV file") }
            throw Diagnostic(.io, "I001", "cannot read \(name): \(FileInput.errorText(e))")
        }
    }

    private func checkUnchanged() throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw Diagnostic(.io, "I001", "cannot read \(name): \(FileInput.errorText(errno))")
        }
        let now = FileVersion(st)
        guard now == opened, bytesRead == now.size else {
            let sizes = now.size == opened.size ? "" : " (\(opened.size) bytes when opened, \(now.size) at the end)"
            throw Diagnostic(.io, "I007", "\(name) changed while it was read\(sizes); another program may still be writing it",
                             help: "import it again once it is complete, or import a copy made after it was written")
        }
    }

    static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "error \(code)" }
        return String(cString: s)
    }
}

/// Bytes already in memory, as a file: for tests and for data that never was a file.
public final class MemoryInput: ImportInput {
    private let bytes: [UInt8]
    private var position = 0
    public var byteCount: Int? { bytes.count }

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        let n = min(count, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.initialize(from: base + position, count: n) }
        }
        position += n
        return n
    }
}

/// The one rule for where an import's (or an export's) relative file name points.
public enum ImportPath {
    /// A relative path in a script is taken from the script's folder; in the REPL and `-c`,
    /// from the current directory.
    public static func resolve(_ path: String, relativeTo file: SourceFile) -> String {
        if path.hasPrefix("/") || path.isEmpty { return path }
        guard let base = file.baseDirectory, !base.isEmpty else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}

/// A file's size and modification time, compared to tell whether it changed while it was read.
struct FileVersion: Equatable {
    var size: Int64
    var seconds: Int
    var nanoseconds: Int

    init(_ st: stat) {
        size = Int64(st.st_size)
        #if canImport(Darwin)
        seconds = Int(st.st_mtimespec.tv_sec); nanoseconds = Int(st.st_mtimespec.tv_nsec)
        #else
        seconds = Int(st.st_mtim.tv_sec); nanoseconds = Int(st.st_mtim.tv_nsec)
        #endif
    }
}
