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

    init(path: String, name: String) throws {
        self.name = name
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            throw Diagnostic(.io, "I001", "cannot open \(name): \(FileInput.errorText(errno))")
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            close(fd)
            throw Diagnostic(.io, "I001", "cannot open \(name): \(FileInput.errorText(e))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw Diagnostic(.io, "I001", "\(name) is a directory, not a CSV file")
        }
        self.fd = fd
        self.byteCount = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            let r = Glibc.read(fd, buffer, count)
            if r >= 0 { return r }
            if errno == EINTR { continue }
            let e = errno
            if e == EISDIR { throw Diagnostic(.io, "I001", "\(name) is a directory, not a CSV file") }
            throw Diagnostic(.io, "I001", "cannot read \(name): \(FileInput.errorText(e))")
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
