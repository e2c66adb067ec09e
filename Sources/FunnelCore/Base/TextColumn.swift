#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A column of texts that keeps a snapshot's texts as the snapshot stores them — one run of
/// UTF-8 bytes and where each text ends — and makes a `String` of one only when it is read.
/// A store of a million deals holds a million ids and more than a million pool texts; a
/// forecast shows a handful of them, so opening the store no longer makes (and, at exit,
/// frees) two million strings (docs/store.md, "The snapshot"). Texts added later are kept as
/// strings after the packed ones.
public struct TextColumn: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    private var packed: PackedTexts
    private var added: [String]

    public init() { packed = .none; added = [] }
    public init(_ strings: [String]) { packed = .none; added = strings }
    public init(arrayLiteral strings: String...) { self.init(strings) }
    public init(packed: PackedTexts) { self.packed = packed; added = [] }

    public var startIndex: Int { 0 }
    public var endIndex: Int { packed.count + added.count }

    public subscript(i: Int) -> String {
        let n = packed.count
        return i < n ? packed[i] : added[i - n]
    }

    public mutating func append(_ s: String) { added.append(s) }
    public mutating func append<S: Sequence>(contentsOf s: S) where S.Element == String { added.append(contentsOf: s) }

    /// The index of the first text equal to `s` among the first `limit` texts, comparing
    /// bytes, so no string is made.
    public func firstIndex(of s: String, within limit: Int) -> Int? {
        var target = s
        return target.withUTF8 { t -> Int? in
            let n = Swift.min(limit, count)
            let inPacked = Swift.min(n, packed.count)
            if let k = packed.firstIndex(of: t, below: inPacked) { return k }
            var k = inPacked
            while k < n {
                if added[k - packed.count] == s { return k }
                k += 1
            }
            return nil
        }
    }

    /// The texts of `rows`, in that order, packed without making a string of any.
    public func gathered(_ rows: [Int32]) -> TextColumn {
        var ends: [UInt32] = []
        ends.reserveCapacity(rows.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 12)
        let n = packed.count
        packed.bytes.withUnsafeBufferPointer { source in
            for r in rows {
                let i = Int(r)
                if i < n {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[packed.range(i)]))
                } else {
                    var s = added[i - n]
                    s.withUTF8 { bytes.append(contentsOf: $0) }
                }
                ends.append(UInt32(truncatingIfNeeded: bytes.count))
            }
        }
        return TextColumn(packed: PackedTexts(ends: ends, bytes: bytes))
    }

    /// Every text packed, as the ends and bytes of `PackedTexts`; nil past 4 GiB of text.
    public func packedArrays() -> (ends: [UInt32], bytes: [UInt8])? {
        var ends = packed.ends.array, bytes = packed.bytes.array
        ends.reserveCapacity(count)
        for var s in added {
            s.withUTF8 { bytes.append(contentsOf: $0) }
            guard bytes.count <= Int(UInt32.max) else { return nil }
            ends.append(UInt32(bytes.count))
        }
        return (ends, bytes)
    }

    /// The packed texts and those added after them, for writing the column out.
    public var parts: (packed: PackedTexts, added: [String]) { (packed, added) }

    public static func == (a: TextColumn, b: TextColumn) -> Bool { a.elementsEqual(b) }
}

/// Texts as one byte run and their end offsets, immutable once made, so copies of a column
/// share them. Either may be a snapshot's, read in place on first use (Column.swift): the
/// deal ids are, so a query that shows no id never reads them.
public final class PackedTexts: Sendable {
    /// `ends[i]` is where text `i` ends in `bytes`; it starts where text `i - 1` ends.
    public let ends: Column<UInt32>
    public let bytes: Column<UInt8>

    public static let none = PackedTexts(ends: [], bytes: [])

    public init(ends: [UInt32], bytes: [UInt8]) {
        self.ends = Column(ends)
        self.bytes = Column(bytes)
    }

    public init(ends: Column<UInt32>, bytes: Column<UInt8>) {
        self.ends = ends
        self.bytes = bytes
    }

    public var count: Int { ends.count }

    @inline(__always) func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }

    public subscript(i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }

    func firstIndex(of target: UnsafeBufferPointer<UInt8>, below n: Int) -> Int? {
        bytes.withUnsafeBufferPointer { b -> Int? in
            var start = 0
            for i in 0..<n {
                let end = Int(ends[i])
                if end - start == target.count && equalBytes(b, from: start, target) { return i }
                start = end
            }
            return nil
        }
    }
}

/// Whether `b[from...]` starts with `target`.
@inline(__always) private func equalBytes(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ target: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = b.baseAddress, let t = target.baseAddress else { return target.isEmpty }
    return memcmp(base + from, t, target.count) == 0
}
