import Foundation
import Testing
@testable import FunnelCore

/// The store's promises, checked the same way against both implementations: the file store
/// (a directory) and the team store (a PostgreSQL database on a private test server).
enum StoreKind: String, CustomTestStringConvertible, Sendable {
    case file, postgres
    var testDescription: String { rawValue }

    /// Both kinds, or only the file store when PostgreSQL is not installed (one line says so).
    static var all: [StoreKind] { PostgresCluster.enabled ? [.file, .postgres] : [.file] }
}

/// A fresh, empty store of one kind, and a way to open more instances on it (as other
/// processes would).
struct FreshStore {
    let kind: StoreKind
    let address: String
    let scratch: URL

    init(_ kind: StoreKind) throws {
        self.kind = kind
        scratch = try FunnelProcess.temporaryDirectory()
        switch kind {
        case .file:
            address = scratch.appendingPathComponent("funnel.store").path
        case .postgres:
            address = try PostgresCluster.sharedCluster().newDatabase()
            _ = try PostgresSchema.install(url: address, creating: true)
        }
    }

    /// Each instance is another client; for the database, each with its own cache (as on
    /// another machine), or none.
    func open(cache: String? = nil) -> Store {
        StoreAddress(address).open(cacheRoot: cache.map { scratch.appendingPathComponent($0).path })
    }

    func remove() { try? FileManager.default.removeItem(at: scratch) }
}

private func day(_ iso: String) -> Int32 { Calendar.parseISO(iso) ?? Int32.min }

private func move(_ id: String, _ to: String, on: String = "2026-01-10") -> StoreEvent {
    StoreEvent(on: day(on), type: "move", payload: [("deal", .string(id)), ("to", .string(to)), ("note", .string("报价 \"A\"\n\\ok"))])
}

private func diagnostic(_ body: () throws -> Void) -> Diagnostic? {
    do { try body(); return nil } catch let d as Diagnostic { return d } catch { return Diagnostic(.runtime, "?", "\(error)") }
}

struct StoreConformanceTests {
    @Test(arguments: StoreKind.all)
    func commitsAreReadBackWithSeqsFromAnyPosition(_ kind: StoreKind) throws {
        let fresh = try FreshStore(kind)
        defer { fresh.remove() }
        let writer = fresh.open()
        #expect(try writer.readCommitted(after: 0).events.isEmpty)
        let first = try writer.withWriterLock { try writer.commit(events: [move("D-1", "B"), move("D-2", "C", on: "2026-02-01")], segments: []) }
        #expect(first.map(\.seq) == [1, 2])
        let reader = fresh.open()
        let all = try reader.readCommitted(after: 0)
        #expect(all.events == first)
        #expect(all.events[0]["note"] == .string("报价 \"A\"\n\\ok"))
        #expect(all.events[1].on == day("2026-02-01"))
        let second = try writer.withWriterLock { try writer.commit(events: [move("D-1", "C")], segments: []) }
        #expect(second.map(\.seq) == [3])
        let tail = try reader.readCommitted(after: all.position)
        #expect(tail.events == second)
        let nothing = try reader.readCommitted(after: tail.position)
        #expect(nothing.events.isEmpty)
        #expect(nothing.position == tail.position)
        #expect(try reader.readRuns() == [first, second])
    }

    @Test(arguments: StoreKind.all)
    func aRunThatFailsBeforeItsCommitLeavesNothing(_ kind: StoreKind) throws {
        let fresh = try FreshStore(kind)
        defer { fresh.remove() }
        let store = fresh.open()
        struct Stop: Error {}
        #expect(throws: Stop.self) { try store.withWriterLock { throw Stop() } }
        #expect(try fresh.open().readCommitted(after: 0).events.isEmpty)
        let d = diagnostic { _ = try store.commit(events: [move("D-1", "B")], segments: []) }
        #expect(d?.code == "S005")
        #expect(d?.message == "internal error: commit to \(store.location) without holding its writer lock")
        #expect(try fresh.open().readCommitted(after: 0).events.isEmpty)
    }

    @Test(arguments: StoreKind.all)
    func segmentsAreStoredBeforeTheRunThatNamesThem(_ kind: StoreKind) throws {
        let fresh = try FreshStore(kind)
        defer { fresh.remove() }
        let store = fresh.open()
        let bytes: [UInt8] = Array("FUNSEG1\n".utf8) + (0..<5000).map { UInt8($0 % 251) }
        let name = Segment.name(of: bytes)
        let event = StoreEvent(on: day("2026-01-10"), type: "import", payload: [("segment", .string(name)), ("checksum", .string(Segment.checksum(bytes)))])
        // Twice: a segment already there is harmless.
        _ = try store.withWriterLock { try store.commit(events: [event], segments: [bytes, bytes]) }
        let other = fresh.open()
        #expect(try other.readSegment(name) == bytes)
        let missing = "00000000-10"
        let d = diagnostic { _ = try other.readSegment(missing) }
        #expect(d?.code == "S020")
        switch kind {
        case .file: #expect(d?.message == "segment \(fresh.address)/segments/\(missing) is missing")
        case .postgres: #expect(d?.message == "segment \(missing) is missing from \(fresh.address)")
        }
        let bad = diagnostic { _ = try other.readSegment("../../etc/passwd") }
        #expect(bad?.message == "the journal names a segment '../../etc/passwd', which is not a segment name")
    }

    /// Four writers (threads, each its own instance) committing 25 two-event runs each: every
    /// run arrives whole, none lost or doubled, seqs without gaps.
    @Test(arguments: StoreKind.all)
    func concurrentWritersTakeTurns(_ kind: StoreKind) throws {
        let fresh = try FreshStore(kind)
        defer { fresh.remove() }
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            let store = fresh.open()
            for i in 0..<25 {
                do {
                    _ = try store.withWriterLock {
                        _ = try store.readCommitted(after: 0)
                        return try store.commit(events: [move("w\(writer)-\(i)", "B"), move("w\(writer)-\(i)", "C")], segments: [])
                    }
                } catch {
                    failures.increment()
                }
            }
        }
        #expect(failures.value == 0)
        let runs = try fresh.open().readRuns()
        #expect(runs.count == 100)
        #expect(runs.joined().map(\.seq) == Array(1...200))
        for run in runs {
            #expect(run.count == 2)
            #expect(run[0]["deal"] == run[1]["deal"])
        }
        #expect(Set(runs.map { $0[0]["deal"]?.string ?? "" }).count == 100)
    }

    /// Copying into the other kind of store and back gives the same journal, byte for byte.
    @Test func copyToADatabaseAndBackKeepsTheJournalByteForByte() throws {
        guard StoreKind.all.contains(.postgres) else { return }
        let file = try FreshStore(.file)
        defer { file.remove() }
        let database = try FreshStore(.postgres)
        defer { database.remove() }
        let source = file.open()
        let bytes: [UInt8] = Array("FUNSEG1\n".utf8) + [1, 2, 3]
        let name = Segment.name(of: bytes)
        _ = try source.withWriterLock { try source.commit(events: [move("D-1", "B")], segments: []) }
        _ = try source.withWriterLock {
            try source.commit(events: [StoreEvent(on: day("2026-01-11"), type: "import", payload: [("segment", .string(name)), ("checksum", .string(Segment.checksum(bytes)))]),
                                       move("D-2", "C")], segments: [bytes])
        }
        let there = try StoreCopy.copy(from: source, to: database.open())
        #expect(there == StoreCopy.Summary(events: 3, runs: 2, segments: 1))
        #expect(PostgresVerifier.verify(url: database.address) == { var r = VerifyReport(events: 3, commits: 2); r.segments = 1; return r }())
        let back = file.scratch.appendingPathComponent("back.store").path
        _ = try StoreCopy.copy(from: database.open(), to: FileStore(directory: back))
        #expect(try Data(contentsOf: URL(fileURLWithPath: back + "/journal.jsonl")) == Data(contentsOf: URL(fileURLWithPath: file.address + "/journal.jsonl")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: back + "/segments/" + name)) == Data(bytes))
        let again = diagnostic { _ = try StoreCopy.copy(from: source, to: database.open()) }
        #expect(again?.message == "\(database.address) already holds 3 events; funnel copy only fills an empty store")
    }
}
