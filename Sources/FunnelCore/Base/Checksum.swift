/// CRC-32 (IEEE 802.3, the polynomial zlib and PNG use) so every journal line carries a
/// check any tool can recompute (`python3 -c 'import zlib; ...'`). It catches flipped and
/// torn bytes, not tampering. Slicing-by-8 tables keep a 100 MB journal's check to a small
/// fraction of the time spent parsing it.
enum Checksum {
    /// Eight 256-entry tables laid out flat: table k advances the CRC over a byte that is
    /// k positions further ahead, so the main loop consumes 8 bytes per step.
    static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC of `bytes`; pass a previous result as `continuing` to extend it, so
    /// `crc32(b, continuing: crc32(a))` equals the CRC of `a` followed by `b`.
    static func crc32<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ crc32(buffer: $0, continuing: crc) }) { return r }
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { crc32(buffer: $0, continuing: crc) }
    }

    static func crc32(buffer p: UnsafeBufferPointer<UInt8>, continuing crc: UInt32) -> UInt32 {
        var c = ~crc
        table.withUnsafeBufferPointer { t in
            let n = p.count
            var i = 0
            while n - i >= 8 {
                let one = (UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24) ^ c
                let two = UInt32(p[i + 4]) | UInt32(p[i + 5]) << 8 | UInt32(p[i + 6]) << 16 | UInt32(p[i + 7]) << 24
                c = t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xFF)] ^ t[2 * 256 + Int((two >> 8) & 0xFF)]
                    ^ t[256 + Int((two >> 16) & 0xFF)] ^ t[Int(two >> 24)]
                i += 8
            }
            while i < n {
                c = t[Int((c ^ UInt32(p[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        return ~c
    }

    /// Extends a CRC by one byte without going through a collection.
    static func crc32(byte: UInt8, continuing crc: UInt32) -> UInt32 {
        table.withUnsafeBufferPointer { t in ~(t[Int((~crc ^ UInt32(byte)) & 0xFF)] ^ (~crc >> 8)) }
    }

    /// Whether `digits` are `v` as eight lowercase hex digits, compared in place because
    /// every journal line read does this.
    static func matches(_ v: UInt32, hex digits: ArraySlice<UInt8>) -> Bool {
        guard digits.count == 8 else { return false }
        var k = 0
        for c in digits {
            let nibble = UInt8((v >> UInt32(28 - 4 * k)) & 0xF)
            guard c == (nibble < 10 ? 48 + nibble : 87 + nibble) else { return false }
            k += 1
        }
        return true
    }

    /// Eight lowercase hex digits, the form stored in the journal's `sum` field.
    static func hex(_ v: UInt32) -> String {
        String(decoding: hexBytes(v), as: UTF8.self)
    }

    static func hexBytes(_ v: UInt32) -> [UInt8] {
        let digits: StaticString = "0123456789abcdef"
        var out = [UInt8](repeating: 0, count: 8)
        digits.withUTF8Buffer { d in
            for k in 0..<8 { out[k] = d[Int((v >> UInt32(28 - 4 * k)) & 0xF)] }
        }
        return out
    }

    /// The checksum of `bytes` as stored: `crc32Hex(Array("123456789".utf8)) == "cbf43926"`.
    static func crc32Hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hex(crc32(bytes))
    }
}
