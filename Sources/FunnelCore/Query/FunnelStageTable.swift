/// A number per (funnel, stage) pair of pool codes — a report row, a stage position — read
/// for every stage change by conversion, time in stage and bottlenecks, where hashing the
/// pair into a dictionary was a seventh of their time. Stage names are interned by their
/// declarations, before any deal's texts, so their codes are small: those are kept in one
/// array per funnel indexed by the stage code; a larger code (a funnel declared after an
/// import) falls back to the dictionary.
struct FunnelStageTable {
    private var funnels: [Int32] = []
    /// Per funnel in `funnels`: value + 1 by stage code, 0 for none.
    private var dense: [[Int32]] = []
    private var others: [Int64: Int32] = [:]
    static let denseCodes: Int32 = 4096

    init() {}

    mutating func set(funnel: Int32, stage: Int32, _ value: Int32) {
        guard stage >= 0 && stage < Self.denseCodes else {
            others[Self.key(funnel, stage)] = value
            return
        }
        let k: Int
        if let known = funnels.firstIndex(of: funnel) { k = known } else {
            k = funnels.count
            funnels.append(funnel)
            dense.append([Int32](repeating: 0, count: Int(Self.denseCodes)))
        }
        dense[k][Int(stage)] = value + 1
    }

    @inline(__always) func value(funnel: Int32, stage: Int32) -> Int32? {
        if stage >= 0 && stage < Self.denseCodes {
            guard let k = funnels.firstIndex(of: funnel) else { return nil }
            let v = dense[k][Int(stage)]
            return v == 0 ? nil : v - 1
        }
        return others[Self.key(funnel, stage)]
    }

    static func key(_ funnel: Int32, _ stage: Int32) -> Int64 { Int64(funnel) << 32 | Int64(UInt32(bitPattern: stage)) }
}
