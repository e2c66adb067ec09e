import FunnelCore
#if canImport(Glibc)
import Glibc
#endif

/// Loads a script from disk with errors that say what is wrong with the path.
public enum ScriptFile {
    /// Scripts larger than this are refused rather than read into memory.
    static let maxBytes = 256 << 20

    public static func load(_ path: String) throws -> SourceFile {
        let bytes = try readAll(path)
        return SourceFile(name: path, bytes: bytes, baseDirectory: directory(of: path))
    }

    public static func readAll(_ path: String) throws -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw Diagnostic(.io, "F001", "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw Diagnostic(.io, "F002", "\(path) is a directory, not a script")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Diagnostic(.io, "F001", "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try readDescriptor(fd, name: path)
    }

    public static func readDescriptor(_ fd: Int32, name: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic(.io, "F001", "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes {
                throw Diagnostic(.io, "F003", "\(name) is larger than 256 MiB; is it a script?")
            }
        }
        if bytes.contains(0) {
            throw Diagnostic(.io, "F004", "\(name) looks like a binary file (it contains a NUL byte), not a script")
        }
        return bytes
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
    }
}
