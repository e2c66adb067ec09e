#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Dictionary encoding straight from CSV bytes: the same cell text always gets the same code,
/// and a String is made only the first time a text is seen. A million rows of owners, teams
/// and products are a few hundred distinct texts, so most cells cost one hash and one
/// `memcmp` instead of a String and a Dictionary lookup. Storage is raw memory the interner
/// owns, so the probing loop has no bounds or uniqueness checks.
final class ByteInterner {
    private(set) var strings: [String] = []
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity = 4096
    /// Per code: where its bytes are in the arena, side by side so a match costs one read.
    private var places: UnsafeMutablePointer<Place>
    /// Per code: its hash, read only when the table grows.
    private var hashes: UnsafeMutablePointer<UInt64>
    private var codeCapacity = 64
    /// Open addressing, kept at most half full: 0 for a free slot, else the upper half of
    /// the text's hash and its code + 1 in the lower half. A million distinct names do not
    /// fit in any cache, so a probe compares that half of the hash in the slot itself and
    /// reads the text only when it matches.
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount = 128

    struct Place {
        var start: Int
        var count: Int
    }

    init() {
        arena = .allocate(capacity: arenaCapacity)
        places = .allocate(capacity: codeCapacity)
        hashes = .allocate(capacity: codeCapacity)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
    }

    deinit {
        arena.deallocate(); places.deallocate(); hashes.deallocate(); slots.deallocate()
    }

    var count: Int { strings.count }

    /// The code of `b`, and whether it was new.
    func insert(_ b: UnsafeBufferPointer<UInt8>) -> (code: Int32, inserted: Bool) {
        let h = Self.hash(b)
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = slotCount - 1
        var i = Int(truncatingIfNeeded: h) & mask
        // An empty buffer may have no address; it compares by length alone.
        let base = b.baseAddress
        let n = base == nil ? 0 : b.count
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let k = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                let place = places[k]
                if place.count == n {
                    if n == 0 { return (Int32(k), false) }
                    if let base, memcmp(arena + place.start, base, n) == 0 { return (Int32(k), false) }
                }
            }
            i = (i + 1) & mask
        }
        let code = strings.count
        if code == codeCapacity { growCodes() }
        if arenaCount + n > arenaCapacity { growArena(arenaCount + n) }
        if let base, n > 0 { (arena + arenaCount).update(from: base, count: n) }
        places[code] = Place(start: arenaCount, count: n)
        hashes[code] = h
        arenaCount += n
        strings.append(String(decoding: b, as: UTF8.self))
        slots[i] = tag | UInt64(code + 1)
        if (code + 1) * 2 > slotCount { growSlots() }
        return (Int32(code), true)
    }

    func code(_ b: UnsafeBufferPointer<UInt8>) -> Int32 { insert(b).code }

    func code(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { code($0) }
    }

    private func growCodes() {
        let bigger = codeCapacity * 2
        func moved<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: bigger)
            q.moveInitialize(from: p, count: codeCapacity)
            p.deallocate()
            return q
        }
        places = moved(places); hashes = moved(hashes)
        codeCapacity = bigger
    }

    private func growArena(_ needed: Int) {
        var bigger = arenaCapacity * 2
        while bigger < needed { bigger *= 2 }
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        q.moveInitialize(from: arena, count: arenaCount)
        arena.deallocate()
        arena = q
        arenaCapacity = bigger
    }

    private func growSlots() {
        let bigger = slotCount * 2
        let fresh = UnsafeMutablePointer<UInt64>.allocate(capacity: bigger)
        fresh.initialize(repeating: 0, count: bigger)
        let mask = bigger - 1
        for c in 0..<strings.count {
            let h = hashes[c]
            var i = Int(truncatingIfNeeded: h) & mask
            while fresh[i] != 0 { i = (i + 1) & mask }
            fresh[i] = h & 0xFFFF_FFFF_0000_0000 | UInt64(c + 1)
        }
        slots.deallocate()
        slots = fresh
        slotCount = bigger
    }

    /// A multiply-xorshift hash over 8-byte words: cells are short, so speed matters more
    /// than the last bit of distribution, and the table's probing absorbs the rest.
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
        guard let base = b.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        let n = b.count
        var i = 0
        while n - i >= 8 {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(base[i]) << shift
            shift &+= 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h
    }
}
