import Testing
@testable import FunnelCore

/// The shortcuts a large import takes give what the plain way gives: the same text codes in
/// the same order, the same order of changes, memory reserved for the rows a file holds.
struct ImportOrderTests {
    /// A column's own table hands out the import's codes, and the import's table gets its
    /// texts in the order the cells first show them, whichever column they are in; a column
    /// of many values (past the limit) goes on the same way without it.
    @Test func columnCodesAreTheImportTablesCodes() {
        let plain = ByteInterner()
        let shared = ByteInterner()
        let owner = ColumnCodes(), name = ColumnCodes()
        var plainCodes: [Int32] = [], columnCodes: [Int32] = []
        for i in 0..<(ColumnCodes.limit + 500) {
            let cells = ["owner \(i % 7)", "name \(i)", i % 3 == 0 ? "owner 2" : "name \(i / 2)"]
            for (k, cell) in cells.enumerated() {
                plainCodes.append(plain.code(cell))
                var text = cell
                columnCodes.append(text.withUTF8 { (k == 0 ? owner : name).code($0, in: shared) })
            }
        }
        #expect(columnCodes == plainCodes)
        #expect(shared.strings == plain.strings)
        #expect(Array(shared.strings.prefix(4)) == ["owner 0", "name 0", "owner 2", "owner 1"])
        #expect(shared.strings.count == 7 + ColumnCodes.limit + 500)
    }

    struct Change: OrderedChange {
        var row: Int
        var day: Int32
        var time: Int
        var order: Int
    }

    /// The counting sort by row, then by day, time and file order within a row, against
    /// one comparison sort of the same changes.
    @Test func theCountingSortIsTheComparisonSort() {
        var rng = SeededRandom(seed: 11)
        var changes: [Change] = []
        for k in 0..<5000 {
            changes.append(Change(row: Int(rng.next() % 300), day: Int32(rng.next() % 20), time: Int(rng.next() % 3) - 1, order: k))
        }
        var counted = changes
        counted.sortInApplyOrder(rows: 300)
        let compared = changes.sorted { a, b in
            (a.row, a.day, a.time, a.order) < (b.row, b.day, b.time, b.order)
        }
        #expect(counted.map(\.order) == compared.map(\.order))
        #expect(!changes.isInApplyOrder && counted.isInApplyOrder)
        // Already in order: left as it is.
        var again = compared
        again.sortInApplyOrder(rows: 300)
        #expect(again.map(\.order) == compared.map(\.order))
        // A row of one change among rows without any.
        var sparse = [Change(row: 9, day: 1, time: -1, order: 0), Change(row: 2, day: 5, time: -1, order: 1)]
        sparse.sortInApplyOrder(rows: 10)
        #expect(sparse.map(\.row) == [2, 9])
    }

    /// Rows projected from the size of the first records: 3,000 rows of 11 bytes after an
    /// 8-byte header (33,008 bytes: 3,000 rows), then of 21 bytes (63,008 bytes: 3,000 rows),
    /// with 5% and 16 more: 3,000 / 20 × 21 + 16 = 3,166, after 10 rows as after all of them.
    @Test func rowsProjectedFromTheFirstRecords() throws {
        func projected(_ csv: String) throws -> [Int] {
            let source = MemorySource(["f.csv": Array(csv.utf8)])
            let file = try ImportFile(Expr(.string("f.csv"), SourceRange(0, 0)), options: ImportOptions(),
                                      script: SourceFile(name: "t.funnel", text: ""), source: source)
            var seen: [Int] = []
            while try file.next() != nil {
                if file.records == 10 { seen.append(file.projectedRows) }
            }
            return seen + [file.projectedRows]
        }
        var short = "id,name\n"
        for i in 0..<3000 { short += "D-\(1000 + i),abc\n" }
        #expect(try projected(short) == [3166, 3166])
        var wider = "id,name\n"
        for i in 0..<3000 { wider += "D-\(1000 + i),abcdefghijklm\n" }
        #expect(try projected(wider) == [3166, 3166])
    }
}

/// A fixed-seed generator (SplitMix64), so a failing case fails the same way every run.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
