import Foundation
import Testing
@testable import FunnelCore

/// The snapshot's format and codec (docs/store.md, "The snapshot"): a round trip keeps every
/// figure, the section list can grow, and a reader racing a writer only ever sees a whole file.
struct SnapshotFileTests {
    static let today = Calendar.day(year: 2026, month: 4, day: 1)

    static func run(_ text: String, _ interpreter: Interpreter) throws -> [StatementOutput] {
        let file = SourceFile(name: "test", text: text)
        let program = try Compiler.compile(file, catalog: interpreter.state.catalog).get()
        return try program.statements.map { try interpreter.execute($0, file: file) }
    }

    /// A state with declared fields of every type, tasks, notifications (one of them acked),
    /// a lost reason, a forced move, and `count` deals.
    static func state(deals count: Int) throws -> FunnelState {
        let interpreter = Interpreter(state: FunnelState(), today: today)
        var text = """
            field segment text
            field seats number
            field signed date
            field strategic bool
            funnel Sales {
              stage Lead probability 10% { on enter task "Call {name}" for "{owner}" due 2 days }
              stage Offer probability 50% { on enter notify "{owner}" "{id} has an offer" }
              won Won
              lost Lost
            }

            """
        for i in 1...count {
            text += "deal \"D-\(i)\" { name: \"Deal \(i)\", amount: \(1000 + i * 7), owner: \"o\(i % 5)\", segment: \"s\(i % 3)\", seats: \(i % 40), strategic: \(i % 2 == 0) } on 2026-03-0\(1 + i % 5)\n"
            if i % 3 == 0 { text += "move deal \"D-\(i)\" to Offer on 2026-03-10\n" }
            if i % 7 == 0 { text += "set deal \"D-\(i)\" signed = 2026-03-12, segment = empty on 2026-03-12\n" }
            if i % 11 == 0 { text += "lose deal \"D-\(i)\" because \"price\" on 2026-03-20\n" }
            if i % 13 == 0, i % 11 != 0 { text += "win deal \"D-\(i)\" on 2026-03-21\n" }
        }
        text += "ack notification 1\n"
        _ = try run(text, interpreter)
        return interpreter.state
    }

    static let queries = [
        "count deals by segment, owner", "count deals where strategic", "sum amount by owner", "pipeline", "forecast by segment", "conversion",
        "time in stage", "deals where seats > 30 order by id limit 5 show id, seats, signed, strategic, segment",
        "tasks order by id limit 5", "notifications order by id limit 5", "history of deal \"D-33\"", "velocity", "bottlenecks",
    ]

    static func figures(_ s: FunnelState) throws -> [String] {
        let interpreter = Interpreter(state: s, today: today)
        return try queries.map { q in
            guard case .table(let t)? = try run(q, interpreter).first else { return "no table for \(q)" }
            return Renderer.render(t, as: .csv)
        }
    }

    static let header = SnapshotHeader(seq: 42, journalPosition: 4096, latestChange: today, journalMark: Array("{\"commit\":42}".utf8))

    static func decode(_ bytes: [UInt8]) throws -> (FunnelState, SnapshotHeader) {
        try bytes.withUnsafeBytes { raw in
            let file = try SnapshotFileReader(raw)
            return (try SnapshotCodec.decode(file), file.header)
        }
    }

    @Test func roundTripKeepsEveryFigure() throws {
        let s = try Self.state(deals: 300)
        let bytes = try #require(SnapshotCodec.encode(s, header: Self.header))
        let (back, header) = try Self.decode(bytes)
        #expect(header == Self.header)
        #expect(back.lastSeq == 42)
        #expect(back.deals.count == 300)
        #expect(back.tasks.count == s.tasks.count)
        #expect(back.notifications.status.filter { $0 == .acked }.count == 1)
        #expect(back.deals.custom == s.deals.custom)
        #expect(back.pool.strings == s.pool.strings)
        // The dated field changes, every column of them (as of and dated gates read them).
        #expect(s.fieldHistory.count > 0)
        #expect(back.fieldHistory.deal == s.fieldHistory.deal && back.fieldHistory.day == s.fieldHistory.day)
        #expect(back.fieldHistory.old == s.fieldHistory.old && back.fieldHistory.new == s.fieldHistory.new)
        #expect(back.fieldHistory.latest == s.fieldHistory.latest && back.fieldHistory.previous == s.fieldHistory.previous)
        #expect(back.history.order == s.history.order && back.history.origin == s.history.origin)
        #expect(try Self.figures(back) == Self.figures(s))
        // The next statement numbers tasks and notifications on from where the original would.
        #expect(back.tasks.nextID == s.tasks.nextID)
        #expect(back.notifications.nextID == s.notifications.nextID)
    }

    @Test func anUnknownOptionalSectionIsSkippedAnUnknownRequiredOneRefused() throws {
        let s = try Self.state(deals: 40)
        let plain = try #require(SnapshotCodec.encode(s, header: Self.header))
        // A section added by a later version (field history, say): marked optional, an
        // older reader skips it; marked required, it refuses the file and rebuilds.
        func withExtra(flags: UInt32) -> [UInt8] {
            var extra = SnapshotSectionWriter()
            extra.column([Int32(1), 2, 3])
            return Self.appendSection(to: s, tag: "fhst", flags: flags, extra)
        }
        let optional = try withExtra(flags: 0)
        #expect(try Self.figures(Self.decode(optional).0) == Self.figures(s))
        let required = try withExtra(flags: SnapshotFormat.required)
        #expect(throws: SnapshotProblem("a required section fhst this version does not know")) { try Self.decode(required) }

        // Another version is refused whole.
        var newer = plain
        newer[8] = UInt8(SnapshotFormat.version + 1)
        #expect(throws: SnapshotProblem("version \(SnapshotFormat.version + 1), not \(SnapshotFormat.version)")) { try Self.decode(newer) }
        // Versions 1 (Double amounts) and 2 (a checksum of one lane): refused, so the store replays and rebuilds it.
        for old in [UInt8(1), 2] {
            var older = plain
            older[8] = old
            #expect(throws: SnapshotProblem("version \(old), not \(SnapshotFormat.version)")) { try Self.decode(older) }
        }
    }

    /// The state's own sections plus one more, as a later version would write them.
    static func appendSection(to s: FunnelState, tag: String, flags: UInt32, _ body: SnapshotSectionWriter) -> [UInt8] {
        SnapshotCodec.encode(s, header: header, extra: [(tag, flags, body)]) ?? []
    }

    @Test func damageAnywhereIsFound() throws {
        let s = try Self.state(deals: 50)
        let bytes = try #require(SnapshotCodec.encode(s, header: Self.header))
        // Every 97th byte, and each of the first 64 (magic, header, table), flipped alone.
        for offset in Array(0..<64) + Array(stride(from: 64, to: bytes.count, by: 97)) {
            var bad = bytes
            bad[offset] ^= 0x01
            #expect(throws: SnapshotProblem.self, "byte \(offset)") { try Self.decode(bad) }
        }
        for length in [0, 7, 47, 100, bytes.count - 1] {
            #expect(throws: SnapshotProblem.self, "length \(length)") { try Self.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func theNextWriterRemovesATemporarySnapshotAKilledProcessLeft() throws {
        try withTemporaryDirectory { dir in
            try writeFile(dir + "/snapshot.tmp-4242-17", "half a snapshot")
            try writeFile(dir + "/snapshotted-notes", "not ours")
            let store = FileStore(directory: dir)
            try store.withWriterLock {}
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            #expect(names == ["lock", "snapshotted-notes"])
        }
    }

    /// A writer replacing the snapshot over and over while a reader maps and decodes it: the
    /// reader sees one whole snapshot or the other, never a mixture or a torn file.
    @Test func aReaderRacingAWriterSeesOnlyWholeSnapshots() throws {
        let small = try Self.state(deals: 200), large = try Self.state(deals: 1200)
        let a = try #require(SnapshotCodec.encode(small, header: Self.header))
        let b = try #require(SnapshotCodec.encode(large, header: Self.header))
        try withTemporaryDirectory { dir in
            let store = FileStore(directory: dir)
            try store.writeSnapshot(a)
            let rounds = 150
            let writer = Thread {
                let own = FileStore(directory: dir)
                for k in 0..<rounds { try? own.writeSnapshot(k % 2 == 0 ? b : a) }
            }
            writer.start()
            var seen: Set<Int> = []
            var reads = 0
            let reader = FileStore(directory: dir)
            while !writer.isFinished || reads < 20 {
                guard let mapped = reader.mapSnapshot() else {
                    Issue.record("no snapshot to read at read \(reads)")
                    break
                }
                let count = try withExtendedLifetime(mapped) { try SnapshotCodec.decode(SnapshotFileReader(mapped.bytes)).deals.count }
                seen.insert(count)
                reads += 1
                if reads > 100_000 { break }
            }
            #expect(seen.isSubset(of: [200, 1200]))
            #expect(!seen.isEmpty)
            // No temporary file is left behind.
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(names == ["snapshot"])
        }
    }
}

/// The snapshot must hold the whole state. Each part of the state the codec stores is listed
/// here; a stored property added to the state (field history, say) fails this test until
/// SnapshotCodec stores it in a section of its own (docs/store.md, "Format") and it is added
/// to the list.
@Test func theSnapshotCodecCoversEveryStoredPartOfTheState() {
    func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
    // log: not stored, read from the journal (logPrefix); loadSegment and partialReplay: set by whoever opens the state;
    // erasure: a state with erasures is never snapshotted (Session.writeSnapshotIfDue), and a snapshot is not used when
    // the journal after it erases (Session.refresh).
    // origin and importDay: what is applying an event, set only while it applies; people: a state with people,
    // quotas or deliveries is never snapshotted, as for erasure. asOfFacts: the optional section asof; asOfByReplay: a
    // switch for tests; asOfSource: set only on a state made for a past day.
    #expect(labels(FunnelState()) == ["catalog", "pool", "slots", "deals", "deferredHistory", "asOfSource", "fieldHistory", "tasks", "notifications", "leads",
                                      "firedRules", "people", "asOfFacts", "asOfByReplay", "partialReplay", "origin", "importDay", "tables", "loadSegment", "lastSeq", "log",
                                      "erasure", "logPrefix", "declarations"])
    #expect(labels(DealTable()) == ["ids", "idIndex", "funnel", "stageSlot", "status", "amount", "probability", "name", "owner", "team",
                                    "source", "product", "account", "lostReason", "created", "closeDate", "closed", "stageEntered", "custom"])
    #expect(labels(StageHistory()) == ["deal", "day", "stage", "fromStage", "forcedReason", "origin", "order"])
    #expect(labels(FieldHistory()) == ["deal", "day", "field", "old", "new", "origin", "order", "latest", "previous"])
    #expect(labels(TaskTable()) == ["id", "rowOfID", "nextID", "deal", "stage", "title", "role", "due", "status", "created", "completed",
                                    "origin", "rule", "visit", "byDeal"])
    #expect(labels(NotificationTable()) == ["id", "rowOfID", "nextID", "deal", "rule", "role", "message", "stage", "at", "status", "acked"])
    #expect(labels(LeadTable()) == ["ids", "rowOfID", "status", "created", "converted", "deal", "reason", "fields", "fieldOrder"])
}

/// The codec's shared routines: a run of Int32 columns comes back as written, a column shorter
/// than the first is refused, and a status byte outside its list is named.
@Test func snapshotColumnRoutinesRoundTripAndRefuse() throws {
    var t = TaskTable()
    t.id = [1, 2]; t.deal = [0, 1]; t.stage = [3, 4]; t.title = [5, 6]; t.role = [-1, 7]; t.due = [10, 11]
    t.created = [9, 9]; t.completed = [-1, 12]; t.rule = [-1, -1]; t.visit = [1, 2]
    var w = SnapshotSectionWriter()
    SnapshotCodec.int32Columns(t, SnapshotCodec.taskColumns, into: &w)
    #expect(SnapshotCodec.codes([TaskStatus.done, .closed, .open], SnapshotCodec.taskStatusCodes, into: &w))
    try w.bytes.withUnsafeBytes { raw in
        var r = SnapshotSectionReader(raw, tag: "task")
        var back = TaskTable()
        #expect(try SnapshotCodec.int32Columns(&back, SnapshotCodec.taskColumns, count: nil, from: &r) == 2)
        for c in SnapshotCodec.taskColumns { #expect(back[keyPath: c] == t[keyPath: c]) }
        #expect(try SnapshotCodec.codes(&r, count: 3, SnapshotCodec.taskStatusCodes, "a task status") == [.done, .closed, .open])
        try r.expectEnd()
    }
    // A status byte past the list.
    var bad = SnapshotSectionWriter()
    bad.column([UInt8(1), 7])
    bad.bytes.withUnsafeBytes { raw in
        var r = SnapshotSectionReader(raw, tag: "lead")
        #expect(throws: SnapshotProblem("a lead status 7")) {
            try SnapshotCodec.codes(&r, count: 2, SnapshotCodec.leadStatusCodes, "a lead status")
        }
    }
    // Columns of different lengths.
    var short = SnapshotSectionWriter()
    short.column([Int32(1), 2])
    short.column([Int32(3)])
    short.bytes.withUnsafeBytes { raw in
        var r = SnapshotSectionReader(raw, tag: "note")
        var t = TaskTable()
        #expect(throws: SnapshotProblem("section note: a column has 1 values for 2 rows")) {
            _ = try SnapshotCodec.int32Columns(&t, [\TaskTable.id, \TaskTable.deal], count: nil, from: &r)
        }
    }
}
