import Foundation
import Testing
@testable import FunnelCore

/// Texts kept packed until read (TextColumn.swift), the pool's lookups without its index,
/// and the snapshot's text sections, which now open without making a string.
struct TextColumnTests {
    static func packed(_ texts: [String]) throws -> TextColumn {
        var w = SnapshotSectionWriter()
        w.strings(texts)
        return try w.bytes.withUnsafeBytes { raw in
            var r = SnapshotSectionReader(raw, tag: "pool")
            let column = try r.texts()
            try r.expectEnd()
            return column
        }
    }

    @Test func packedTextsReadBackAsWrittenAndTakeMoreAfterThem() throws {
        var c = try Self.packed(["D-1", "", "商机漏斗", "Acme, Inc."])
        #expect(c.count == 4)
        #expect(Array(c) == ["D-1", "", "商机漏斗", "Acme, Inc."])
        c.append("D-5")
        c.append(contentsOf: ["D-6", "初步接洽"])
        #expect(Array(c) == ["D-1", "", "商机漏斗", "Acme, Inc.", "D-5", "D-6", "初步接洽"])
        #expect(c == TextColumn(["D-1", "", "商机漏斗", "Acme, Inc.", "D-5", "D-6", "初步接洽"]))
        #expect(c != TextColumn(["D-1", "", "商机漏斗", "Acme, Inc.", "D-5", "D-6"]))
        // Written again (a snapshot rewritten after statements) it is the same column.
        let again = try Self.packed(Array(c))
        #expect(Array(again) == Array(c))
        var w = SnapshotSectionWriter()
        w.texts(c)
        let back = try w.bytes.withUnsafeBytes { raw -> [String] in
            var r = SnapshotSectionReader(raw, tag: "deal")
            return try r.strings()
        }
        #expect(back == Array(c))
    }

    @Test func firstIndexComparesBytesWithinTheLimit() throws {
        var c = try Self.packed(["Sales", "Lead", "Offer", "Lead"])
        c.append("Won")
        #expect(c.firstIndex(of: "Lead", within: 10) == 1)
        #expect(c.firstIndex(of: "Won", within: 10) == 4)
        #expect(c.firstIndex(of: "Won", within: 4) == nil)
        #expect(c.firstIndex(of: "Offer", within: 2) == nil)
        #expect(c.firstIndex(of: "Lea", within: 10) == nil)
        #expect(c.firstIndex(of: "", within: 10) == nil)
        let withEmpty = try Self.packed(["x", ""])
        #expect(withEmpty.firstIndex(of: "", within: 10) == 1)
    }

    @Test func gatheredRowsKeepTheirTextsInTheOrderAsked() throws {
        var c = try Self.packed(["a", "bb", "ccc"])
        c.append("dddd")
        let g = c.gathered([3, 0, 2, 2])
        #expect(Array(g) == ["dddd", "a", "ccc", "ccc"])
        #expect(c.gathered([]).isEmpty)
    }

    @Test func aTextColumnThatDoesNotAddUpIsAProblem() throws {
        // Offsets 0, 5, 3 over a blob of 3 bytes: the second text would end before it starts.
        var w = SnapshotSectionWriter()
        w.column([UInt64(0), 5, 3])
        w.column(Array("abc".utf8))
        w.bytes.withUnsafeBytes { raw in
            var r = SnapshotSectionReader(raw, tag: "pool")
            #expect(throws: SnapshotProblem("section pool: a text column does not add up")) { _ = try r.texts() }
        }
        // The last offset is not the blob's length.
        var short = SnapshotSectionWriter()
        short.column([UInt64(0), 2])
        short.column(Array("abc".utf8))
        short.bytes.withUnsafeBytes { raw in
            var r = SnapshotSectionReader(raw, tag: "deal")
            #expect(throws: SnapshotProblem("section deal: a text column does not add up")) { _ = try r.texts() }
        }
    }

    @Test func thePoolFindsCodesWithAndWithoutItsIndex() throws {
        let early = ["Sales", "Lead", "Offer"]
        let many = early + (0..<2000).map { "Deal \($0)" }
        var pool = StringPool(strings: try Self.packed(many))
        // Among the first texts: found by comparing bytes.
        #expect(pool.code(of: "Offer") == 2)
        // Past them: the index is built and finds it.
        #expect(pool.code(of: "Deal 1999") == 2002)
        #expect(pool.code(of: "nobody") == nil)
        // Interning after that uses the same codes and adds new ones at the end.
        #expect(pool.intern("Lead") == 1)
        #expect(pool.intern("Deal 2000") == 2003)
        #expect(pool[2003] == "Deal 2000")
        #expect(pool.code(of: "Deal 2000") == 2003)
        // A small pool never needs its index for a miss.
        let small = StringPool(strings: try Self.packed(early))
        #expect(small.code(of: "Won") == nil)
        #expect(small.code(of: "Sales") == 0)
    }

    @Test func dealIDsAreFoundAndAddedWithoutBuildingTheIndexAndCopiesKeepTheirOwn() throws {
        var table = DealTable()
        table.setIDs(try Self.packed(["D-1", "D-2", "D-3"]))
        for _ in 0..<3 { table.funnel.append(0); table.stageSlot.append(0); table.status.append(.open) }
        let before = table
        // A new deal while the index is not built: the copy made before does not see it.
        #expect(table.row(of: "D-2") == 1)
        let r = table.appendRow(id: "D-4")
        #expect(r == 3)
        #expect(table.row(of: "D-4") == 3)
        #expect(before.row(of: "D-4") == nil)
        #expect(before.count == 3)
        // Past the scans the index is built, from this table's own ids, and agrees.
        for _ in 0..<DealTable.scansBeforeIndexing { _ = table.row(of: "D-1") }
        #expect(table.row(of: "D-4") == 3)
        #expect(table.row(of: "D-3") == 2)
        #expect(table.row(of: "nobody") == nil)
        #expect(table.appendRow(id: "D-5") == 4)
        #expect(table.row(of: "D-5") == 4)
        for _ in 0..<DealTable.scansBeforeIndexing { _ = before.row(of: "D-1") }
        #expect(before.row(of: "D-4") == nil)
        #expect(before.row(of: "D-3") == 2)
    }
}
