#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `funnel verify` found. A reader stops at the first damaged line; verify goes on,
/// so one run shows everything that has to be restored.
public struct VerifyReport: Sendable, Equatable {
    /// Events in committed transactions, damaged lines not counted.
    public var events: Int
    public var commits: Int
    /// Lines after the last commit line, including an unterminated last line: an interrupted
    /// write that the next commit cuts off. Zero when a damaged line is among them, since
    /// such a tail is reported as damage and never cut off.
    public var uncommittedTailLines: Int
    public var problems: [Diagnostic]
    /// Import segments the committed journal names, each checked against its checksum.
    public var segments = 0
    /// Temporary segment files (`segments/.tmp-PID-NAME`): left by a writer that was killed
    /// or failed, or being written right now. Harmless; the next writer removes them.
    public var temporaryFiles: [String] = []
    /// Temporary snapshot files (`snapshot.tmp-PID-N`) of a process killed while writing one.
    public var snapshotTemporaryFiles: [String] = []
    /// Why the snapshot cannot be used (damaged, or of another journal), or nil. A note, not a
    /// problem: the snapshot is a cache, and the next command rebuilds it from the journal.
    public var snapshotNote: String?
    /// What committed deletions, restores and undos took back, one line each in journal
    /// order: the journal keeps the deleted facts, and verify says they are deleted.
    public var takenBack: [String] = []

    public init(events: Int = 0, commits: Int = 0, uncommittedTailLines: Int = 0, problems: [Diagnostic] = []) {
        self.events = events; self.commits = commits
        self.uncommittedTailLines = uncommittedTailLines; self.problems = problems
    }
}

/// Checks a store without changing it or taking its lock, so it is safe on a store in use
/// and on a copy under investigation.
///
/// The store is the journal, the lock file and the import segments: every segment a
/// committed import names must be there and match the checksum the journal records. When a
/// snapshot arrives (DESIGN.md), a damaged one is only a note, since it is a cache.
public enum StoreVerifier {
    public static func verify(directory: String) -> VerifyReport {
        let store = FileStore(directory: directory)
        var report = VerifyReport()
        do throws(FileIO.Failure) {
            guard let dir = try FileIO.status(path: store.directoryPath) else {
                throw FileIO.Failure(path: store.directoryPath, code: ENOENT)
            }
            guard dir.isDirectory else { throw FileIO.Failure(path: store.directoryPath, code: ENOTDIR) }
        } catch {
            report.problems.append(unreadable(error.path, error.text))
            return report
        }
        checkLock(store.lockPath, &report)
        let segments = checkJournal(store.journalPath, &report)
        checkSegments(segments, store: store, &report)
        report.temporaryFiles = store.temporaryFiles()
        checkSnapshot(store, &report)
        return report
    }

    private static func unreadable(_ path: String, _ why: String) -> Diagnostic {
        Diagnostic(.io, "S004", "cannot read \(path): \(why)")
    }

    /// The lock file holds no data, but a writer that cannot open it cannot commit.
    private static func checkLock(_ path: String, _ report: inout VerifyReport) {
        do throws(FileIO.Failure) {
            let fd = try FileIO.openRegular(path, O_RDONLY)
            close(fd)
        } catch {
            if error.code != ENOENT { report.problems.append(unreadable(error.path, error.text)) }
        }
    }

    /// Each segment once, with the checksum its first committed import recorded.
    private static func checkSegments(_ segments: [(name: String, checksum: String)], store: FileStore, _ report: inout VerifyReport) {
        var seen = Set<String>()
        for (name, checksum) in segments where seen.insert(name).inserted {
            report.segments += 1
            do {
                let bytes = try store.readSegment(name)
                let actual = Segment.checksum(bytes)
                if actual != checksum {
                    report.problems.append(Diagnostic(.io, "S021", "segment \(store.segmentsPath)/\(name) is damaged: its checksum is \(actual), but the journal recorded \(checksum)"))
                }
            } catch let d as Diagnostic {
                report.problems.append(d)
            } catch {
                report.problems.append(unreadable(store.segmentsPath + "/" + name, "\(error)"))
            }
        }
    }

    /// Checks the journal's lines; returns the segments its committed imports name.
    private static func checkJournal(_ path: String, _ report: inout VerifyReport) -> [(name: String, checksum: String)] {
        var segments: [(name: String, checksum: String)] = []
        var pendingSegments: [(name: String, checksum: String)] = []
        var pendingTakenBack: [String] = []
        let bytes: [UInt8]
        do throws(FileIO.Failure) {
            let fd = try FileIO.openRegular(path, O_RDONLY)
            defer { close(fd) }
            let st = try FileIO.status(fd, path: path)
            bytes = try FileIO.read(fd, path: path, at: 0, count: Int(st.size))
        } catch {
            if error.code != ENOENT { report.problems.append(unreadable(error.path, error.text)) }
            return []
        }

        var sequence = JournalSequence(last: 0)
        var pending = 0
        var committedEnd = 0
        var lineNumber = 0
        var damaged: [(start: Int, diagnostic: Diagnostic)] = []
        func take(_ line: JournalLine, start: Int, end: Int) {
            switch sequence.check(line) {
            case .event(let e):
                pending += 1
                if e.eventType == .import, let name = e["segment"]?.string, let sum = e["checksum"]?.string {
                    pendingSegments.append((name, sum))
                }
                if let line = takenBack(e) { pendingTakenBack.append(line) }
            case .commit:
                report.takenBack += pendingTakenBack
                pendingTakenBack.removeAll()
                report.commits += 1
                report.events += pending
                pending = 0
                segments += pendingSegments
                pendingSegments.removeAll()
                committedEnd = end
            case .damaged(let reason):
                damaged.append((start, JournalLine.damage(path: path, line: lineNumber, reason: reason)))
            }
        }
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            guard let end = FileIO.nextNewline(in: bytes[...], from: start) else {
                if let last = JournalLine.parseUnterminated(bytes[start...]) { take(last, start: start, end: bytes.count) }
                break
            }
            take(JournalLine.parse(bytes[start..<end]), start: start, end: end + 1)
            start = end + 1
        }
        // Damage in the tail is not an interrupted write: the problem says what it is.
        if committedEnd < bytes.count, !damaged.contains(where: { $0.start >= committedEnd }) {
            report.uncommittedTailLines = FileIO.newlines(in: bytes[committedEnd...])
                + (bytes.last == 0x0A ? 0 : 1)
        }
        for (lineStart, var d) in damaged {
            if lineStart >= committedEnd { d.notes.append(JournalLine.damagedTailNote) }
            report.problems.append(d)
        }
        return segments
    }

    /// A deletion, restore or undo in words, with its journal position and day.
    static func takenBack(_ e: StoreEvent) -> String? {
        let day = Calendar.format(e.on)
        switch e.eventType {
        case .deleteDeal?:
            guard let id = e["id"]?.string else { return nil }
            return "event \(e.seq): deal \"\(id)\" deleted on \(day)" + (e["reason"]?.string.map { " because \($0)" } ?? "")
        case .restoreDeal?:
            guard let id = e["id"]?.string else { return nil }
            return "event \(e.seq): deal \"\(id)\" restored on \(day)"
        case .undo?:
            guard let first = e["first"]?.number, let last = e["last"]?.number else { return nil }
            return "event \(e.seq): events \(Int64(first)) to \(Int64(last)) undone on \(day)"
        default:
            // Every erasing type is a case above (EventTypeTests holds them equal).
            return nil
        }
    }
}
