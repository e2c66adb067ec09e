import Foundation
import Testing
@testable import FunnelCore

/// A fresh directory under /tmp for one test, removed afterwards.
func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
    var template = Array("/tmp/funnel-store-test-XXXXXX".utf8CString)
    let dir = template.withUnsafeMutableBufferPointer { buf -> String? in
        guard let base = buf.baseAddress, mkdtemp(base) != nil else { return nil }
        return String(cString: base)
    }
    guard let dir else {
        Issue.record("mkdtemp failed")
        return
    }
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
}

func fileText(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}

func writeFile(_ path: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func appendFile(_ path: String, _ text: String) throws {
    try writeFile(path, try fileText(path) + text)
}

/// Rewrites 1-based line `n` of a file.
func editLine(_ path: String, _ n: Int, _ change: (String) -> String) throws {
    var lines = try fileText(path).components(separatedBy: "\n")
    lines[n - 1] = change(lines[n - 1])
    try writeFile(path, lines.joined(separator: "\n"))
}

func day(_ iso: String) -> Int32 { Calendar.parseISO(iso) ?? Int32.min }

func event(_ type: String, on: String = "2026-01-10", _ payload: [(String, JSONValue)]) -> StoreEvent {
    StoreEvent(on: day(on), type: type, payload: payload)
}

/// Runs one transaction the way the interpreter will: commit inside the writer lock.
@discardableResult
func commit(_ store: FileStore, _ events: [StoreEvent]) throws -> [StoreEvent] {
    try store.withWriterLock { try store.commit(events) }
}

/// The diagnostic thrown by `body`, so tests can compare every field.
func thrownDiagnostic(_ body: () throws -> Void) -> Diagnostic? {
    do {
        try body()
        return nil
    } catch let d as Diagnostic {
        return d
    } catch {
        return Diagnostic(.runtime, "?", "\(error)")
    }
}

let tailNote = "it follows the last commit line, but a complete line is not an interrupted write, so it is neither skipped nor cut off"

/// Flips bit 5 of a file's last byte: a newline (0x0a) becomes `*` (0x2a).
func flipLastByte(_ path: String) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    if let last = bytes.indices.last { bytes[last] ^= 0x20 }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

let damageHelp = "run `funnel verify` to see every damaged line; the journal is the source of truth, restore it from a backup"

private let move = event("move", [
    ("deal", .string("D-1")), ("to", .string("Proposal")), ("amount", .number(120000)), ("note", .string("报价 \"A\"")),
])
struct FileStoreTests {
    @Test func commitThenReadReturnsTheEventsWithSeqs() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir + "/funnel.store")
            let events = [
                move,
                event("deal", on: "2026-01-11", [("id", .string("D-2")), ("owner", .string("李雷")), ("amount", .number(0.25))]),
                event("won", on: "2026-02-28", [("deal", .string("D-1")), ("tags", .array([.string("a"), .null, .bool(true)]))]),
            ]
            let written = try commit(store, events)
            #expect(written.map(\.seq) == [1, 2, 3])
            #expect(written.map(\.type) == ["move", "deal", "won"])
            let (read, position) = try store.readCommitted(after: 0)
            #expect(read == written)
            #expect(read[1].payload[1].1 == .string("李雷"))
            #expect(position == Int64(try fileText(dir + "/funnel.store/journal.jsonl").utf8.count))
            #expect(try commit(store, [events[0]]).map(\.seq) == [4])
        }
    }

    @Test func journalLinesHaveAnExactFormat() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            try commit(store, [move])
            #expect(try fileText(dir + "/journal.jsonl") == """
                {"seq":1,"on":"2026-01-10","type":"move","data":{"deal":"D-1","to":"Proposal","amount":120000,"note":"报价 \\"A\\""},"sum":"447a2d56"}
                {"commit":1,"sum":"00ffa997"}

                """)
            #expect(FileManager.default.fileExists(atPath: dir + "/lock"))
        }
    }

    @Test func readingAStoreThatDoesNotExistGivesNothingAndCreatesNothing() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir + "/a/b/funnel.store")
            let (events, position) = try store.readCommitted(after: 0)
            #expect(events.isEmpty)
            #expect(position == 0)
            #expect(!FileManager.default.fileExists(atPath: dir + "/a"))
            try commit(store, [move])
            #expect(try store.readCommitted(after: 0).events.count == 1)
        }
    }

    @Test func anEmptyCommitWritesNothing() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            #expect(try commit(store, []).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir + "/journal.jsonl"))
        }
    }

    @Test func commitOutsideTheWriterLockIsRefused() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let d = thrownDiagnostic { _ = try store.commit([move]) }
            #expect(d == Diagnostic(.runtime, "S005", "internal error: commit to \(dir) without holding its writer lock"))
            // Nested use of the lock must not deadlock on its own flock.
            let seqs = try store.withWriterLock { try store.withWriterLock { try store.commit([move]) } }.map(\.seq)
            #expect(seqs == [1])
        }
    }

    @Test func eventsTheReaderWouldRejectAreNotWritten() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let d = thrownDiagnostic { try commit(store, [StoreEvent(on: Calendar.day(year: 10000, month: 1, day: 1), type: "x", payload: [])]) }
            #expect(d == Diagnostic(.io, "S003", "cannot write \(dir)/journal.jsonl: event date (day 2932897) is outside the years 1-9999"))
            var deep = JSONValue.null
            for _ in 0..<64 { deep = .array([deep]) }
            let d2 = thrownDiagnostic { try commit(store, [StoreEvent(on: 0, type: "x", payload: [("v", deep)])]) }
            #expect(d2 == Diagnostic(.io, "S003", "cannot write \(dir)/journal.jsonl: event data nests deeper than 63 levels"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/journal.jsonl"))
        }
    }

    @Test func anUncommittedPartialLineIsIgnoredAndCutOffByTheNextCommit() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            let first = try commit(store, [move, move])
            let committedText = try fileText(journal)
            try appendFile(journal, #"{"seq":3,"on":"2026-01-"#)

            let (events, position) = try store.readCommitted(after: 0)
            #expect(events == first)
            #expect(position == Int64(committedText.utf8.count))

            let second = try commit(store, [move])
            #expect(second.map(\.seq) == [3])
            let text = try fileText(journal)
            #expect(text.hasPrefix(committedText))
            #expect(!text.contains(#""on":"2026-01-{"#))
            #expect(text.split(separator: "\n").count == 5)
            #expect(try store.readCommitted(after: 0).events == first + second)
        }
    }

    @Test func completeButUncommittedEventLinesAreIgnoredAndCutOff() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            let first = try commit(store, [move])
            var orphan = move
            orphan.seq = 2
            var bytes: [UInt8] = []
            JournalLine.appendEvent(orphan, to: &bytes)
            JournalLine.appendEvent(orphan, to: &bytes)
            bytes.removeLast()  // the second copy is the unterminated end of an interrupted write
            try appendFile(journal, String(decoding: bytes, as: UTF8.self))

            #expect(try store.readCommitted(after: 0).events == first)
            let second = try commit(store, [move, move])
            #expect(second.map(\.seq) == [2, 3])
            #expect(try store.readCommitted(after: 0).events == first + second)
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(events: 3, commits: 2))
        }
    }

    @Test func aFlippedByteInACommittedLineIsReportedWithItsLineNumber() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [move, move])         // lines 1-3
            let after = try store.readCommitted(after: 0).position
            try commit(store, [move])               // lines 4-5
            try editLine(journal, 4) { $0.replacingOccurrences(of: "Proposal", with: "Proposam") }

            let expected = Diagnostic(.io, "S001", "\(journal):4: damaged journal line: checksum mismatch", help: damageHelp)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 0) } == expected)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: after) } == expected)

            try editLine(journal, 4) { _ in "garbage" }
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: after) }?.message
                == "\(journal):4: damaged journal line: invalid JSON at byte 0: unexpected 'g'")
        }
    }

    @Test func damagedFieldsAreNamed() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            func damage(_ line: String, commit: Int64 = 1) throws -> String? {
                try writeFile(journal, line + "\n")
                var bytes: [UInt8] = []
                JournalLine.appendCommit(commit, to: &bytes)
                try appendFile(journal, String(decoding: bytes, as: UTF8.self))
                return thrownDiagnostic { _ = try store.readCommitted(after: 0) }?.message
            }
            func sealed(_ body: String) -> String {
                body + #","sum":""# + Checksum.crc32Hex(Array((body + "}").utf8)) + #""}"#
            }
            let prefix = "\(journal):1: damaged journal line: "
            #expect(try damage(sealed(#"{"seq":1,"on":"2026-02-30","type":"move","data":{}"#)) == prefix + #"bad date "2026-02-30""#)
            #expect(try damage(sealed(#"{"seq":1,"type":"move","data":{}"#)) == prefix + #"missing field "on""#)
            #expect(try damage(sealed(#"{"seq":1,"on":"2026-02-03","data":{}"#)) == prefix + #"missing field "type""#)
            #expect(try damage(sealed(#"{"seq":1,"on":"2026-02-03","type":"move""#)) == prefix + #"missing field "data""#)
            #expect(try damage(sealed(#"{"seq":1,"on":"2026-02-03","type":"move","data":[]"#)) == prefix + #""data" is not an object"#)
            #expect(try damage(sealed(#"{"seq":1.5,"on":"2026-02-03","type":"move","data":{}"#)) == prefix + #""seq" is not a positive integer"#)
            #expect(try damage(sealed(#"{"hello":1"#)) == prefix + "neither an event nor a commit")
            #expect(try damage(#"{"seq":1,"on":"2026-02-03","type":"move","data":{}}"#) == prefix + "missing checksum")
            #expect(try damage("") == prefix + "empty line")
            #expect(try damage(sealed(#"{"seq":2,"on":"2026-02-03","type":"move","data":{}"#), commit: 2) == prefix + "expected seq 1, found 2")
            #expect(try damage(sealed(#"{"seq":1,"on":"2026-02-03","type":"move","data":{}"#)) == nil)
        }
    }

    @Test func aDeletedLineIsASeqGap() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [move, move, move])
            try editLine(journal, 2) { _ in "" }
            try writeFile(journal, try fileText(journal).replacingOccurrences(of: "\n\n", with: "\n"))
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 0) }?.message
                == "\(journal):2: damaged journal line: expected seq 2, found 3")
        }
    }

    @Test func aDamagedLastCommitLineStopsReadersAndWriters() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [move])               // lines 1-2
            let after = try store.readCommitted(after: 0).position
            try commit(store, [move])               // lines 3-4
            try editLine(journal, 4) { $0.replacingOccurrences(of: #""commit":2"#, with: #""commit":3"#) }
            let before = try fileText(journal)

            let expected = Diagnostic(.io, "S001", "\(journal):4: damaged journal line: checksum mismatch",
                                      notes: [tailNote], help: damageHelp)
            // Issue 17.2: readers stop too, rather than give figures without the last run.
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 0) } == expected)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: after) } == expected)
            #expect(thrownDiagnostic { try commit(store, [move]) } == expected)
            #expect(try fileText(journal) == before)
        }
    }

    /// Issue 17.2: flipping the journal's final newline used to drop the last run from
    /// queries and let the next writer cut it off for good.
    @Test func aFlippedFinalNewlineStopsReadersAndWriters() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [move])               // lines 1-2
            let after = try store.readCommitted(after: 0).position
            try commit(store, [move])               // lines 3-4
            try flipLastByte(journal)
            let before = try fileText(journal)
            let expected = Diagnostic(.io, "S001", "\(journal):4: damaged journal line: the commit line ends in byte 0x2a where its newline should be",
                                      notes: [tailNote], help: damageHelp)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 0) } == expected)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: after) } == expected)
            #expect(thrownDiagnostic { try commit(store, [move]) } == expected)
            #expect(try fileText(journal) == before)
        }
    }

    /// A whole checksummed commit line that lacks only its newline is committed: the reader
    /// counts it, and the next writer supplies the newline instead of cutting the run off.
    @Test func aCommitLineMissingOnlyItsNewlineIsKept() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let reader = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            let first = try commit(store, [move])
            let second = try commit(store, [move, move])
            try writeFile(journal, String(try fileText(journal).dropLast()))
            let (events, position) = try reader.readCommitted(after: 0)
            #expect(events == first + second)
            #expect(position == Int64(try fileText(journal).utf8.count))

            let third = try commit(store, [move])
            #expect(third.map(\.seq) == [4])
            #expect(try reader.readCommitted(after: position).events == third)
            #expect(try store.readCommitted(after: 0).events == first + second + third)
            #expect(try fileText(journal).split(separator: "\n", omittingEmptySubsequences: false).count == 8)
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(events: 4, commits: 3))
        }
    }

    @Test func readingAfterAPositionReturnsOnlyNewEvents() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let reader = FileStore(directory: dir)
            try commit(store, [move, move])
            let (firstRead, p1) = try reader.readCommitted(after: 0)
            #expect(firstRead.map(\.seq) == [1, 2])
            let again = try reader.readCommitted(after: p1)
            #expect(again.events.isEmpty)
            #expect(again.position == p1)

            let more = try commit(store, [event("lost", on: "2026-03-01", [("deal", .string("D-1"))])])
            try appendFile(dir + "/journal.jsonl", #"{"seq":4"#)
            let (secondRead, p2) = try reader.readCommitted(after: p1)
            #expect(secondRead == more)
            #expect(secondRead[0].seq == 3)
            #expect(p2 > p1)
            #expect(try reader.readCommitted(after: p2).events.isEmpty)
        }
    }

    @Test func aPositionThatNoLongerFitsIsReported() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [move])
            let end = try store.readCommitted(after: 0).position
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 10) } == Diagnostic(
                .io, "S001",
                "\(journal): cannot continue reading at byte 10: it does not follow a commit line; the journal was changed or replaced",
                help: damageHelp))
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: end + 5) } == Diagnostic(
                .io, "S001",
                "\(journal): the journal has \(end) bytes, fewer than the \(end + 5) already read; it was truncated or replaced",
                help: damageHelp))
            try FileManager.default.removeItem(atPath: journal)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: end) }?.message
                == "\(journal): the journal is missing, but \(end) bytes of it were read before")
        }
    }

    @Test func ioFailuresNameThePath() throws {
        try withTemporaryDirectory { dir throws in
            try FileManager.default.createDirectory(atPath: dir + "/journal.jsonl", withIntermediateDirectories: false)
            let store = FileStore(directory: dir)
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 0) }
                == Diagnostic(.io, "S004", "cannot read \(dir)/journal.jsonl: Is a directory"))
            #expect(thrownDiagnostic { try commit(store, [move]) }
                == Diagnostic(.io, "S003", "cannot write \(dir)/journal.jsonl: Is a directory"))
            try writeFile(dir + "/file", "")
            let inFile = FileStore(directory: dir + "/file/store")
            #expect(thrownDiagnostic { try commit(inFile, [move]) }
                == Diagnostic(.io, "S003", "cannot write \(dir)/file/store: Not a directory"))
        }
    }

    /// Two writers on one directory, as two processes would be: each transaction must land
    /// whole, after the other's, with seqs continuing.
    @Test func concurrentWritersInterleaveWholeTransactions() throws {
        try withTemporaryDirectory { dir throws in
            final class Failures: @unchecked Sendable {
                let lock = NSLock()
                var messages: [String] = []
                func add(_ m: String) { lock.lock(); messages.append(m); lock.unlock() }
            }
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                let store = FileStore(directory: dir)
                for k in 0..<200 {
                    let size = 1 + k % 3
                    let events = (0..<size).map { i in
                        event("set", [("worker", .number(Double(worker))), ("tx", .number(Double(k))), ("i", .number(Double(i))),
                                      ("text", .string(String(repeating: "长", count: 50 * (k % 4))))])
                    }
                    do {
                        let written = try store.withWriterLock { try store.commit(events) }
                        let seqs = written.map(\.seq)
                        if seqs != Array(seqs[0]..<(seqs[0] + Int64(size))) { failures.add("seqs \(seqs)") }
                    } catch {
                        failures.add("\(error)")
                    }
                }
            }
            #expect(failures.messages.isEmpty)
            let events = try FileStore(directory: dir).readCommitted(after: 0).events
            #expect(events.map(\.seq) == Array(1...Int64(events.count)))
            // Each transaction's events are consecutive: (worker, tx) changes only between them.
            var seen = Set<String>()
            var previous = ""
            for e in events {
                let key = "\(e["worker"]?.number ?? -1)/\(e["tx"]?.number ?? -1)"
                if key != previous {
                    #expect(!seen.contains(key), "transaction \(key) is split")
                    seen.insert(key)
                    previous = key
                }
            }
            #expect(seen.count == 400)
            let report = StoreVerifier.verify(directory: dir)
            #expect(report == VerifyReport(events: events.count, commits: 400))
        }
    }
}
