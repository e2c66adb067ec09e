#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer over a file descriptor. Swift 6 rejects the C `stdout` global, and
/// writing through one buffer keeps a million-row export fast.
public final class OutputSink {
    let fd: Int32
    let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    public private(set) var failed = false
    /// Asked between chunks of output: true (Ctrl-C) drops the rest, so a long listing
    /// stops at once rather than after it has all been written.
    public var isInterrupted: (() -> Bool)?
    /// Set when output was dropped for an interrupt; the session clears it.
    public var interrupted = false

    public init(fd: Int32, ownsDescriptor: Bool = false) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
        buffer.reserveCapacity(1 << 16)
    }

    /// Opens (creating or truncating) a file for writing.
    public static func file(_ path: String) -> OutputSink? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        return fd < 0 ? nil : OutputSink(fd: fd, ownsDescriptor: true)
    }

    /// Fresh sinks on descriptors 1 and 2; the executable makes one of each and passes them on.
    public static var standardOutput: OutputSink { OutputSink(fd: 1) }
    public static var standardError: OutputSink { OutputSink(fd: 2) }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func line(_ s: String) { write(s); write("\n") }

    public func flush() {
        var offset = 0
        while offset < buffer.count {
            if let stop = isInterrupted, stop() {
                interrupted = true
                break
            }
            // Chunks a terminal takes in one go, so an interrupt is seen between them.
            let end = isInterrupted == nil ? buffer.count : min(buffer.count, offset + 4096)
            let n = buffer[offset..<end].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failed = true
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        flush()
        if ownsDescriptor { _ = Glibc.close(fd) }
    }

    deinit { flush() }
}
