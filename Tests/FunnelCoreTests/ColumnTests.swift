import Testing
@testable import FunnelCore

/// Column: an array of its own, or values a source gives on first read (a snapshot's section
/// read in place), with the value semantics of an array either way.
struct ColumnTests {
    /// A source that counts its loads and gives values of its own or a run it owns.
    final class Source: @unchecked Sendable {
        var loads = 0
        let run: UnsafeMutableBufferPointer<Int32>
        init(_ values: [Int32]) {
            run = .allocate(capacity: values.count)
            _ = run.initialize(from: values)
        }
        deinit { run.deallocate() }

        func mapped() -> ColumnSource<Int32> {
            ColumnSource { [self] in
                loads += 1
                return .mapped(UnsafeBufferPointer(run), owner: self)
            }
        }

        func values(_ v: [Int32]) -> ColumnSource<Int32> {
            ColumnSource { [self] in
                loads += 1
                return .values(v)
            }
        }
    }

    @Test func anOwnedColumnIsAnArray() {
        var c: Column<Int32> = [3, 1, 2]
        c.append(7)
        c[0] = 9
        c.replaceSubrange(1..<3, with: [5])
        #expect(c.array == [9, 5, 7] && c.count == 3 && !c.isMapped && !c.isUnread)
        let copy = c
        c.append(contentsOf: [4, 4])
        #expect(copy.array == [9, 5, 7] && c.array == [9, 5, 7, 4, 4])
        #expect(Column(repeating: Int32(-1), count: 2) == [-1, -1])
        #expect(c.withUnsafeBufferPointer { Array($0) } == [9, 5, 7, 4, 4])
        #expect(Array(c.reversed()) == [4, 4, 7, 5, 9] && c.description == "[9, 5, 7, 4, 4]")
    }

    @Test func aMappedColumnIsReadOnceInPlaceAndCopiedOnlyWhenChanged() {
        let source = Source([10, 20, 30, 40])
        let c = Column<Int32>(count: 4, source: source.mapped())
        #expect(c.count == 4 && c.isUnread && source.loads == 0)
        #expect(c[2] == 30 && source.loads == 1 && c.isMapped && !c.isUnread)
        #expect(c.array == [10, 20, 30, 40] && c.reduce(0, +) == 100 && source.loads == 1)
        #expect(c.withUnsafeBufferPointer { $0.baseAddress } == UnsafePointer(source.run.baseAddress))
        // A change copies the run: the source's memory and the first column keep their values.
        var changed = c
        changed[1] = -5
        changed.append(50)
        #expect(changed.array == [10, -5, 30, 40, 50] && !changed.isMapped)
        #expect(c.array == [10, 20, 30, 40] && c.isMapped && source.run[1] == 20)
    }

    @Test func aSourceThatGivesValuesIsReadOnceByEveryCopy() {
        let source = Source([])
        let c = Column<Int32>(count: 3, source: source.values([7, 8, 9]))
        let copy = c
        #expect(copy[0] == 7 && c[2] == 9 && source.loads == 1)
        #expect(!c.isMapped && !c.isUnread && c == [7, 8, 9])
        // Read before a change, not after: the change starts from the source's values.
        let other = Column<Int32>(count: 3, source: source.values([1, 2, 3]))
        var grown = other
        grown.append(4)
        #expect(grown.array == [1, 2, 3, 4] && other.array == [1, 2, 3] && source.loads == 2)
    }
}
