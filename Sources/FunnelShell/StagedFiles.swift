#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files an entry writes (`export`, `... to FILE`, a chart's SVG, the report's HTML), each
/// written first under a temporary name beside its target and moved into place only when the
/// entry commits; when it rolls back they are removed. A run that fails after an export keeps
/// nothing: an old file of that name stays as it was, and no new one appears.
///
/// A target that exists and is not a regular file (`/dev/stdout`, a named pipe) is written
/// directly: there is nothing to replace, and renaming onto it would replace the device.
struct StagedFiles {
    struct Entry {
        var temporary: String
        var target: String
    }

    private(set) var entries: [Entry] = []
    private var counter = 0

    /// Where to write `target` now: a fresh temporary path beside it, or the target itself
    /// when it cannot be staged. A second write to the same target in one entry replaces the
    /// first.
    mutating func path(for target: String) -> String {
        var st = stat()
        if lstat(target, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG { return target }
        if let i = entries.firstIndex(where: { $0.target == target }) {
            unlink(entries[i].temporary)
            entries.remove(at: i)
        }
        counter += 1
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? ""
        let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
        let temporary = "\(folder).\(base).funnel-\(getpid())-\(counter).tmp"
        entries.append(Entry(temporary: temporary, target: target))
        return temporary
    }

    /// A staged file that could not be written: forget it (its writer removed what it wrote).
    mutating func forget(_ temporary: String) {
        entries.removeAll { $0.temporary == temporary }
    }

    /// The entry committed: every staged file takes its target's place. Returns the targets
    /// that could not be moved (the temporary files of those are removed).
    mutating func publish() -> [(target: String, reason: String)] {
        var failures: [(target: String, reason: String)] = []
        for e in entries where rename(e.temporary, e.target) != 0 {
            failures.append((e.target, String(cString: strerror(errno))))
            unlink(e.temporary)
        }
        entries = []
        return failures
    }

    /// The entry (or the part of it after `mark`, for a failed `.read`) rolled back.
    /// Returns how many files were dropped.
    @discardableResult
    mutating func discard(from mark: Int = 0) -> Int {
        guard mark < entries.count else { return 0 }
        for e in entries[mark...] { unlink(e.temporary) }
        let dropped = entries.count - mark
        entries.removeSubrange(mark...)
        return dropped
    }
}
