import Testing
@testable import FunnelCore
struct ChecksumTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(Checksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksum.crc32Hex(Array("123456789".utf8)) == "cbf43926")
        #expect(Checksum.crc32Hex([UInt8]()) == "00000000")
        #expect(Checksum.hex(0x0000_00AB) == "000000ab")
    }

    @Test func crc32ContinuesAcrossPieces() {
        let all = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(Checksum.crc32(all) == 0x414F_A339)
        for cut in 0...all.count {
            #expect(Checksum.crc32(all[cut...], continuing: Checksum.crc32(all[..<cut])) == 0x414F_A339)
        }
    }

    /// The 8-bytes-at-a-time loop must agree with the textbook bit-by-bit definition at every
    /// length and alignment.
    @Test func crc32SlicedLoopMatchesBitwiseDefinition() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            return ~c
        }
        var state: UInt64 = 42
        let data = (0..<300).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                #expect(Checksum.crc32(data[start..<end]) == bitwise(data[start..<end]))
            }
        }
    }
}
