import Foundation
import Testing
@testable import FunnelCore

private let deal = event("deal", [("id", .string("D-9")), ("客户", .string("华东"))])
struct StoreVerifierTests {
    @Test func verifyCountsACleanStore() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            try commit(store, [deal, deal])
            try commit(store, [deal])
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(events: 3, commits: 2, uncommittedTailLines: 0, problems: []))
        }
    }

    @Test func verifyOfAnEmptyStoreDirectoryIsClean() throws {
        try withTemporaryDirectory { dir throws in
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport())
        }
    }

    @Test func verifyReportsEveryDamagedLine() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [deal, deal])          // lines 1-3
            try commit(store, [deal])                // lines 4-5
            try commit(store, [deal, deal])          // lines 6-8
            try commit(store, [deal])                // lines 9-10
            try editLine(journal, 2) { $0.replacingOccurrences(of: "D-9", with: "D-8") }
            try editLine(journal, 4) { _ in "{oops}" }
            try editLine(journal, 7) { $0.replacingOccurrences(of: #"{"seq":5,"#, with: #"{"seq":6,"#) }

            let report = StoreVerifier.verify(directory: dir)
            #expect(report.problems == [
                Diagnostic(.io, "S001", "\(journal):2: damaged journal line: checksum mismatch", help: damageHelp),
                Diagnostic(.io, "S001", "\(journal):4: damaged journal line: invalid JSON at byte 1: expected a string key, found 'o'", help: damageHelp),
                Diagnostic(.io, "S001", "\(journal):7: damaged journal line: checksum mismatch", help: damageHelp),
            ])
            #expect(report.events == 3)
            #expect(report.commits == 4)
            #expect(report.uncommittedTailLines == 0)
            // The reader stops at the first one.
            #expect(thrownDiagnostic { _ = try store.readCommitted(after: 0) }?.message == "\(journal):2: damaged journal line: checksum mismatch")
        }
    }

    @Test func verifyReportsADeletedLine() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [deal])                // lines 1-2
            try commit(store, [deal, deal])          // lines 3-5
            try editLine(journal, 3) { _ in "" }
            try writeFile(journal, try fileText(journal).replacingOccurrences(of: "\n\n", with: "\n"))
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(
                events: 1, commits: 2, uncommittedTailLines: 0,
                problems: [Diagnostic(.io, "S001", "\(journal):3: damaged journal line: expected seq 2, found 3", help: damageHelp)]))
        }
    }

    @Test func verifyCountsTheUncommittedTail() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [deal])
            var orphan = deal
            orphan.seq = 2
            var bytes: [UInt8] = []
            JournalLine.appendEvent(orphan, to: &bytes)
            try appendFile(journal, String(decoding: bytes, as: UTF8.self) + #"{"seq":3,"on""#)
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(events: 1, commits: 1, uncommittedTailLines: 2, problems: []))
        }
    }

    @Test func verifyNotesDamageAfterTheLastCommit() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [deal])                // lines 1-2
            try commit(store, [deal])                // lines 3-4
            try editLine(journal, 4) { $0.replacingOccurrences(of: "sum", with: "sun") }
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(
                events: 1, commits: 1, uncommittedTailLines: 0,
                problems: [Diagnostic(.io, "S001", "\(journal):4: damaged journal line: missing checksum",
                                      notes: [tailNote], help: damageHelp)]))
        }
    }

    /// Issue 17.2: a flipped final newline is damage, not a torn write.
    @Test func verifyReportsAFlippedFinalNewline() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [deal])                // lines 1-2
            try commit(store, [deal])                // lines 3-4
            try flipLastByte(journal)
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(
                events: 1, commits: 1, uncommittedTailLines: 0,
                problems: [Diagnostic(.io, "S001", "\(journal):4: damaged journal line: the commit line ends in byte 0x2a where its newline should be",
                                      notes: [tailNote], help: damageHelp)]))
        }
    }

    @Test func verifyCountsACommitLineMissingOnlyItsNewline() throws {
        try withTemporaryDirectory { dir throws in
            let store = FileStore(directory: dir)
            let journal = dir + "/journal.jsonl"
            try commit(store, [deal])
            try commit(store, [deal])
            try writeFile(journal, String(try fileText(journal).dropLast()))
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(events: 2, commits: 2))
        }
    }

    @Test func verifyReportsWhatCannotBeRead() throws {
        try withTemporaryDirectory { dir throws in
            #expect(StoreVerifier.verify(directory: dir + "/nope").problems
                == [Diagnostic(.io, "S004", "cannot read \(dir)/nope: No such file or directory")])
            try writeFile(dir + "/plain", "")
            #expect(StoreVerifier.verify(directory: dir + "/plain").problems
                == [Diagnostic(.io, "S004", "cannot read \(dir)/plain: Not a directory")])

            try FileManager.default.createDirectory(atPath: dir + "/lock", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: dir + "/journal.jsonl", withIntermediateDirectories: false)
            #expect(StoreVerifier.verify(directory: dir) == VerifyReport(problems: [
                Diagnostic(.io, "S004", "cannot read \(dir)/lock: Is a directory"),
                Diagnostic(.io, "S004", "cannot read \(dir)/journal.jsonl: Is a directory"),
            ]))
        }
    }
}
