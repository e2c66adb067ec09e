/// Group keys to group numbers for the row loop: open addressing with a multiplicative
/// hash. Every deal of a grouped query looks its key up here, and a Dictionary's SipHash
/// made that lookup the loop's largest cost; the keys are small integers (pool codes, day
/// numbers), which need no protection against chosen collisions.
struct GroupKeyTable {
    /// Each group's key, by group number.
    private(set) var keys: [Grouping.Key] = []
    private var slots: [Grouping.Key] = []
    /// Group number + 1 per slot; 0 is a free slot.
    private var groups: [Int32] = []
    private var used = 0
    private var mask = 0

    init() { grow(to: 16) }

    /// The group of `key`, a new one numbered next when it has none.
    mutating func group(of key: Grouping.Key) -> Int {
        var i = Self.hash(key) & mask
        while true {
            let g = groups[i]
            if g == 0 { break }
            if slots[i] == key { return Int(g) - 1 }
            i = (i + 1) & mask
        }
        let newGroup = keys.count
        keys.append(key)
        slots[i] = key
        groups[i] = Int32(truncatingIfNeeded: newGroup + 1)
        used += 1
        if used * 2 > groups.count { grow(to: groups.count * 2) }
        return newGroup
    }

    private mutating func grow(to capacity: Int) {
        let oldSlots = slots, oldGroups = groups
        slots = Array(repeating: Grouping.Key(), count: capacity)
        groups = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        for (k, g) in zip(oldSlots, oldGroups) where g != 0 {
            var i = Self.hash(k) & mask
            while groups[i] != 0 { i = (i + 1) & mask }
            slots[i] = k
            groups[i] = g
        }
    }

    private static func hash(_ k: Grouping.Key) -> Int {
        var h = UInt64(bitPattern: k.a) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ UInt64(bitPattern: k.b)) &* 0xC2B2_AE3D_27D4_EB4F
        h = (h ^ UInt64(bitPattern: k.c)) &* 0x1656_67B1_9E37_79F9
        h = (h ^ UInt64(bitPattern: k.d)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h ^ (h >> 31))
    }
}
