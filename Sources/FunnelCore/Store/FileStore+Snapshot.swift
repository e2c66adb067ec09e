#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot file mapped into memory, unmapped when the last reference goes.
public final class MappedSnapshot: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
    deinit {
        if let base = bytes.baseAddress, bytes.count > 0 { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Drops the whole pages inside `part` (bytes of this mapping) from the process's
    /// memory: they are read from the file again if touched, and the file never changes
    /// in place. Opening a store copies the columns it keeps out of the mapping; without
    /// this the mapped pages would count in its memory as much again.
    public func release(_ part: UnsafeRawBufferPointer) {
        guard let start = part.baseAddress, let base = bytes.baseAddress, start >= base, start + part.count <= base + bytes.count else { return }
        let page = Self.pageSize
        let lo = (Int(bitPattern: start) + page - 1) / page * page
        let hi = (Int(bitPattern: start) + part.count) / page * page
        guard hi > lo, let p = UnsafeMutableRawPointer(bitPattern: lo) else { return }
        _ = madvise(p, hi - lo, Int32(MADV_DONTNEED))
    }

    private static let pageSize = max(4096, sysconf(Int32(_SC_PAGESIZE)))
}

/// A snapshot file held open, so that a part of it read later (Deferred.swift) comes from
/// the very file the rest came from: a writer replaces the snapshot by renaming a new file
/// over it and never changes one in place, so the open file keeps its bytes.
public final class SnapshotFile: @unchecked Sendable {
    private let fd: Int32
    private let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// The whole file mapped read-only, or nil when it cannot be.
    public func map() -> MappedSnapshot? {
        guard let st = try? FileIO.status(fd, path: path), st.size > 0, st.size < Int64(Int.max) else { return nil }
        let count = Int(st.size)
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        return MappedSnapshot(UnsafeRawBufferPointer(start: p, count: count))
    }
}

/// The `snapshot` file of a store directory (docs/store.md, "The snapshot"): a cache of the
/// state at one commit. It is written to a temporary file renamed into place, so a reader
/// sees the old file or the new one, never a half-written one; it is not fsynced, because
/// a snapshot torn by a crash fails its checksums and is rebuilt from the journal.
extension FileStore {
    var snapshotPath: String { (directoryPath == "/" ? "" : directoryPath) + "/snapshot" }

    /// The snapshot mapped read-only, or nil when there is none or it cannot be read.
    public func mapSnapshot() -> MappedSnapshot? { openSnapshot()?.map() }

    /// The snapshot file held open, or nil when there is none.
    public func openSnapshot() -> SnapshotFile? {
        guard let fd = try? FileIO.openRegular(snapshotPath, O_RDONLY) else { return nil }
        return SnapshotFile(fd: fd, path: snapshotPath)
    }

    /// Replaces the snapshot with `bytes`. Any process may call it, writer or reader: each
    /// snapshot is whole and says which commit it is of, so whichever rename lands last
    /// leaves a usable file.
    public func writeSnapshot(_ bytes: [UInt8]) throws {
        let temporary = snapshotPath + Self.temporaryPrefix + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do throws(FileIO.Failure) {
            let fd = try FileIO.open(temporary, O_WRONLY | O_CREAT | O_EXCL)
            do throws(FileIO.Failure) {
                try CrashPoint.write(.snapshotHalfWritten, fd, path: temporary, bytes, at: 0)
                close(fd)
            } catch {
                close(fd)
                _ = unlink(temporary)
                throw error
            }
            guard rename(temporary, snapshotPath) == 0 else {
                let e = errno
                _ = unlink(temporary)
                throw FileIO.Failure(path: snapshotPath, code: e)
            }
        } catch {
            throw Diagnostic(.io, "S003", "cannot write \(error.path): \(error.text)")
        }
    }

    /// The temporary snapshot files (`snapshot.tmp-PID-N`) in the store: left by a process
    /// killed while writing one, or being written right now. `funnel verify` lists them.
    public func snapshotTemporaryFiles() -> [String] {
        guard let dir = opendir(directoryPath) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("snapshot" + Self.temporaryPrefix) { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes the temporary snapshot files a killed process left. Readers write snapshots
    /// too, without the lock: removing one a reader is still writing only makes its rename
    /// fail, which it ignores.
    func removeSnapshotTemporaries() {
        let prefix = directoryPath == "/" ? "" : directoryPath
        for name in snapshotTemporaryFiles() { _ = unlink(prefix + "/" + name) }
    }

    /// The journal's commit line that ends at `position` (without its newline), or nil when
    /// no commit line ends there: what a snapshot records to recognise its journal.
    public func journalMark(endingAt position: Int64) -> [UInt8]? {
        guard position > 0, let fd = try? FileIO.openRegular(journalPath, O_RDONLY) else { return nil }
        defer { close(fd) }
        let window = min(position, 256)
        guard let bytes = try? FileIO.read(fd, path: journalPath, at: position - window, count: Int(window)),
              bytes.count == Int(window), bytes.last == 0x0A else { return nil }
        let end = bytes.count - 1
        let start = FileIO.previousNewline(in: bytes[...], before: end).map { $0 + 1 } ?? (window == position ? 0 : -1)
        guard start >= 0, case .commit(_) = JournalLine.parse(bytes[start..<end]) else { return nil }
        return Array(bytes[start..<end])
    }
}

extension FileStore {
    /// The offset just after the last committed run and its seq, or nil when the journal
    /// cannot be read (or ends in a commit line without its newline, which a snapshot does
    /// not record).
    public func committedEndOfJournal() -> (position: Int64, seq: Int64)? {
        guard let fd = try? FileIO.openRegular(journalPath, O_RDONLY) else { return nil }
        defer { close(fd) }
        guard let size = try? FileIO.status(fd, path: journalPath).size,
              let end = try? committedEnd(fd, size: size), end.terminated, end.end > 0 else { return nil }
        return (end.end, end.seq)
    }
}
