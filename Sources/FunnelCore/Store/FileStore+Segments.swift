#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Segments on disk: `segments/NAME`, written once and never changed. A segment becomes
/// durable before the journal line that names it, so a committed import can always find
/// its rows; a segment whose commit never happened is an orphan, harmless and unread.
extension FileStore {
    public func writeSegment(_ bytes: [UInt8]) throws -> String {
        guard holdsWriterLock else {
            throw Diagnostic(.runtime, "S005", "internal error: segment written to \(location) without holding its writer lock")
        }
        let name = Segment.name(of: bytes)
        let path = segmentsPath + "/" + name
        do throws(FileIO.Failure) {
            try FileIO.makeDirectories(segmentsPath)
            if let existing = try FileIO.status(path: path), existing.isRegular, existing.size == Int64(bytes.count) {
                // Same name, same length, same checksum: the same content, already durable.
                if (try? readSegment(name)) != nil { return name }
            }
            let temporary = segmentsPath + "/" + Self.temporaryPrefix + "\(getpid())-" + name
            let fd = try FileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
            do throws(FileIO.Failure) {
                try CrashPoint.write(.segmentHalfWritten, fd, path: temporary, bytes, at: 0)
                try FileIO.sync(fd, path: temporary)
                close(fd)
            } catch {
                close(fd)
                _ = unlink(temporary)
                throw error
            }
            guard rename(temporary, path) == 0 else {
                let e = errno
                _ = unlink(temporary)
                throw FileIO.Failure(path: path, code: e)
            }
            try FileIO.syncDirectory(segmentsPath)
        } catch {
            throw Diagnostic(.io, "S003", "cannot write \(error.path): \(error.text)")
        }
        return name
    }

    static let temporaryPrefix = ".tmp-"

    /// The temporary segment files in `segments/`: a writer's file lives only while that writer
    /// holds the lock, so any found under the lock were left by a writer that was killed or
    /// stopped by a full disk or `ulimit -f`.
    func temporaryFiles() -> [String] {
        guard let dir = opendir(segmentsPath) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(Self.temporaryPrefix) { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes what interrupted writers left; called with the lock held. A file that cannot be
    /// removed (a read-only store) stays, and `funnel verify` reports it.
    func removeTemporaryFiles() {
        for name in temporaryFiles() { _ = unlink(segmentsPath + "/" + name) }
    }

    public func readSegment(_ name: String) throws -> [UInt8] {
        guard Segment.parse(name: name) != nil else {
            throw Diagnostic(.io, "S021", "the journal names a segment '\(name)', which is not a segment name",
                             help: "run `funnel verify`; the journal may have been edited by hand")
        }
        let path = segmentsPath + "/" + name
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            let fd = try FileIO.openRegular(path, O_RDONLY)
            defer { close(fd) }
            let st = try FileIO.status(fd, path: path)
            bytes = try FileIO.read(fd, path: path, at: 0, count: Int(st.size))
        } catch {
            if error.code == ENOENT {
                throw Diagnostic(.io, "S020", "segment \(path) is missing",
                                 help: "the journal records an import whose rows are in that file; restore the store's segments folder from a backup")
            }
            throw Diagnostic(.io, "S004", "cannot read \(error.path): \(error.text)")
        }
        if let why = Segment.problem(name: name, bytes: bytes) {
            throw Diagnostic(.io, "S021", "segment \(path) is damaged: \(why)",
                             help: "run `funnel verify`; restore the store's segments folder from a backup")
        }
        return bytes
    }
}
