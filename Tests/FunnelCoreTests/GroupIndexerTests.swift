import Testing
@testable import FunnelCore

/// The group of each deal in the row loop (GroupedTable.swift): small keys through a direct
/// table, others through the hash table, numbered in the order first met either way.
@Test func groupsAreNumberedInTheOrderTheirKeysAreFirstMet() {
    // Keys -1 (no value), small codes, and codes past the direct table.
    let keys: [Int64] = [5, -1, 5, 9000, 4094, 4095, -1, 9000, 0, 4095, 5, 123_456]
    let dim = Grouping.Dimension(name: "k", kind: .text, key: { keys[$0] }, decode: { .number(Double($0)) }, rank: { (0, "\($0)") })
    let indexer = GroupIndexer([dim])
    var reference: [Int64: Int] = [:]
    var order: [Int64] = []
    for r in keys.indices {
        let expected = reference[keys[r]] ?? { reference[keys[r]] = order.count; order.append(keys[r]); return order.count - 1 }()
        #expect(indexer.group(of: r) == expected, "row \(r), key \(keys[r])")
    }
    #expect(indexer.keys.map(\.a) == [5, -1, 9000, 4094, 4095, 0, 123_456])
    // A group seeded before any deal keeps its number when a deal with its key arrives.
    let seeded = GroupIndexer([dim])
    var k = Grouping.Key()
    k.a = 9000
    #expect(seeded.seed(k) == 0)
    k.a = 5
    #expect(seeded.seed(k) == 1)
    #expect(seeded.group(of: 0) == 1)
    #expect(seeded.group(of: 3) == 0)
    #expect(seeded.group(of: 1) == 2)
}
