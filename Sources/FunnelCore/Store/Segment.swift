#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Segments are the immutable binary files a bulk import writes (DESIGN.md, "The store"), so a
/// million imported rows are one journal line, not a million. A segment is named by its
/// content: the CRC-32 of its bytes and their count, both hex (`1a2b3c4d-3f2e10`), so the
/// name alone lets a reader check the file, and writing the same content twice is harmless.
public enum Segment {
    /// Every segment starts with this, so a stray file is never decoded as one.
    static let magic: [UInt8] = Array("FUNSEG1\n".utf8)

    public static func checksum(_ bytes: [UInt8]) -> String { Checksum.crc32Hex(bytes) }

    public static func name(of bytes: [UInt8]) -> String { name(checksum: checksum(bytes), count: bytes.count) }

    static func name(checksum: String, count: Int) -> String { checksum + "-" + String(count, radix: 16) }

    /// The checksum and length a name promises, or nil for a name no segment has (a journal
    /// edited by hand must not make the store read `../../etc/passwd`).
    static func parse(name: String) -> (checksum: String, count: Int)? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, !parts[1].isEmpty, parts[1].count <= 16,
              parts.allSatisfy({ $0.allSatisfy { $0.isHexDigit && !$0.isUppercase } }),
              let count = Int(parts[1], radix: 16) else { return nil }
        return (String(parts[0]), count)
    }

    /// Why `bytes` are not the segment `name` promises, or nil when they are.
    static func problem(name: String, bytes: [UInt8]) -> String? {
        guard let expected = parse(name: name) else { return "'\(name)' is not a segment name" }
        if bytes.count != expected.count { return "it has \(bytes.count) bytes, not \(expected.count)" }
        let actual = checksum(bytes)
        if actual != expected.checksum { return "its checksum is \(actual), not \(expected.checksum)" }
        return nil
    }
}

/// Appends little-endian values and whole columns to a byte buffer. Columns are copied in one
/// `memcpy` on little-endian machines (all the platforms Swift ships for), so encoding a
/// million-row column costs about as much as copying it.
struct SegmentWriter {
    var bytes: [UInt8] = []

    /// `capacity`: the expected size, so a large segment is built without regrowing.
    init(kind: UInt8, capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: Segment.magic)
        bytes.append(kind)
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u64(_ v: UInt64) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { b in
            int(b.count)
            bytes.append(contentsOf: b)
        }
    }

    mutating func raw<T: FixedWidthInteger>(_ column: [T]) {
        int(column.count)
        #if _endian(little)
        column.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in column { var x = v.littleEndian; withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) } }
        #endif
    }

    mutating func doubles(_ column: [Double]) { raw(column.map(\.bitPattern)) }

    /// Strings as one offsets column and one blob, so a million ids are two copies.
    mutating func strings(_ column: [String]) {
        var offsets: [UInt32] = []
        offsets.reserveCapacity(column.count + 1)
        var blob: [UInt8] = []
        blob.reserveCapacity(column.count * 12)
        offsets.append(0)
        for var s in column {
            s.withUTF8 { blob.append(contentsOf: $0) }
            offsets.append(UInt32(truncatingIfNeeded: blob.count))
        }
        raw(offsets)
        raw(blob)
    }
}

/// Reads what `SegmentWriter` wrote, bounds-checked: a truncated or damaged segment throws
/// instead of trapping.
struct SegmentReader {
    let bytes: [UInt8]
    let name: String
    var at = 0

    init(_ bytes: [UInt8], name: String, kind: UInt8) throws {
        self.bytes = bytes
        self.name = name
        guard bytes.count > Segment.magic.count, Array(bytes[0..<Segment.magic.count]) == Segment.magic else {
            throw damaged("it does not start like a segment")
        }
        at = Segment.magic.count
        let k = try u8()
        guard k == kind else { throw damaged("it holds data of kind \(k), not \(kind)") }
    }

    func damaged(_ why: String) -> Diagnostic {
        Diagnostic(.io, "S021", "segment \(name) is damaged: \(why)", help: "run `funnel verify`; restore the store's segments folder from a backup")
    }

    mutating func take(_ n: Int) throws -> Range<Int> {
        guard n >= 0, n <= bytes.count - at else { throw damaged("it ends early") }
        defer { at += n }
        return at..<(at + n)
    }

    mutating func u8() throws -> UInt8 { bytes[try take(1).lowerBound] }

    mutating func u64() throws -> UInt64 {
        let r = try take(8)
        var v: UInt64 = 0
        for k in (0..<8).reversed() { v = v << 8 | UInt64(bytes[r.lowerBound + k]) }
        return v
    }

    mutating func int() throws -> Int {
        let v = Int64(bitPattern: try u64())
        guard v >= 0 else { throw damaged("a count of \(v) is impossible") }
        return Int(v)
    }

    mutating func string() throws -> String {
        let n = try int()
        return String(decoding: bytes[try take(n)], as: UTF8.self)
    }

    mutating func raw<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
        let n = try int()
        let size = MemoryLayout<T>.size
        guard n <= (bytes.count - at) / size else { throw damaged("it ends early") }
        let r = try take(n * size)
        return bytes.withUnsafeBytes { src in
            [T](unsafeUninitializedCapacity: n) { dst, initialized in
                if n > 0, let d = dst.baseAddress, let s = src.baseAddress {
                    memcpy(d, s + r.lowerBound, n * size)
                }
                initialized = n
                #if !_endian(little)
                for i in 0..<n { dst[i] = T(littleEndian: dst[i]) }
                #endif
            }
        }
    }

    mutating func doubles() throws -> [Double] { try raw(UInt64.self).map(Double.init(bitPattern:)) }

    mutating func strings() throws -> [String] {
        let offsets = try raw(UInt32.self)
        let blob = try raw(UInt8.self)
        guard let first = offsets.first, first == 0, let last = offsets.last, Int(last) == blob.count else {
            throw damaged("a text column does not add up")
        }
        var out: [String] = []
        out.reserveCapacity(offsets.count - 1)
        var ok = true
        blob.withUnsafeBufferPointer { b in
            for i in 1..<offsets.count {
                let lo = Int(offsets[i - 1]), hi = Int(offsets[i])
                guard lo <= hi, hi <= b.count else { ok = false; return }
                out.append(String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self))
            }
        }
        guard ok else { throw damaged("a text column does not add up") }
        return out
    }

    /// A column that must have one entry per row.
    mutating func column<T: FixedWidthInteger>(_: T.Type, count: Int) throws -> [T] {
        let c = try raw(T.self)
        guard c.count == count else { throw damaged("a column has \(c.count) values for \(count) rows") }
        return c
    }

    func expectEnd() throws {
        guard at == bytes.count else { throw damaged("\(bytes.count - at) bytes follow its data") }
    }
}
