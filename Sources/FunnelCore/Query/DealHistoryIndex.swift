/// The stage history grouped by deal, built once per query in one counting pass: deal `r`'s
/// entries are `entries[start[r] ..< start[r + 1]]`, oldest first. Recorded order is date
/// order for every change the interpreter makes (a change cannot take effect before the
/// deal's previous one); a deal whose entries arrived out of date order (an imported
/// history) is sorted by date, keeping recorded order within a day.
struct DealHistoryIndex {
    let start: [Int]
    let entries: [Int32]

    init(_ h: StageHistory, dealCount: Int) {
        var start = [Int](repeating: 0, count: dealCount + 1)
        for d in h.deal where Int(d) < dealCount { start[Int(d) + 1] += 1 }
        for i in 0..<dealCount { start[i + 1] += start[i] }
        var fill = start
        var entries = [Int32](repeating: 0, count: start[dealCount])
        // The deals whose changes are out of date order, each listed once.
        var unordered: [Int] = []
        var listed = [Bool](repeating: false, count: dealCount)
        var lastDay = [Int32](repeating: Int32.min, count: dealCount)
        for i in 0..<h.count {
            let d = Int(h.deal[i])
            guard d < dealCount else { continue }
            entries[fill[d]] = Int32(i)
            fill[d] += 1
            if h.day[i] < lastDay[d] && !listed[d] {
                listed[d] = true
                unordered.append(d)
            }
            lastDay[d] = h.day[i]
        }
        let day = h.day
        for d in unordered {
            let range = start[d]..<start[d + 1]
            if range.count <= Self.insertionSortLimit {
                // A deal has a handful of changes: sorting them where they lie, stably,
                // costs a fraction of a general sort's setup.
                for i in (range.lowerBound + 1)..<range.upperBound {
                    let e = entries[i], key = day[Int(e)]
                    var j = i
                    while j > range.lowerBound && day[Int(entries[j - 1])] > key {
                        entries[j] = entries[j - 1]
                        j -= 1
                    }
                    entries[j] = e
                }
            } else {
                let sorted = stableSorted(Array(entries[range])) { day[Int($0)] < day[Int($1)] }
                entries.replaceSubrange(range, with: sorted)
            }
        }
        self.start = start
        self.entries = entries
    }

    func range(of r: Int) -> Range<Int> { start[r]..<start[r + 1] }

    static let insertionSortLimit = 32
}

/// Each funnel's stage positions (METRICS.md, "Positions"): open stages 1...n, won n + 1,
/// lost none (0 here), keyed by the pool codes of the funnel and stage names — the form
/// the stage history records.
struct StagePositions {
    private var map = FunnelStageTable()

    init(_ state: FunnelState) {
        for name in state.catalog.funnelOrder {
            guard let f = state.catalog.funnels[name], let fc = state.pool.code(of: name) else { continue }
            for s in f.stages {
                guard let p = s.position, let sc = state.pool.code(of: s.name) else { continue }
                map.set(funnel: fc, stage: sc, Int32(p))
            }
        }
    }

    func position(funnel: Int32, stage: Int32) -> Int { map.value(funnel: funnel, stage: stage).map(Int.init) ?? 0 }

    /// The highest position deal `r` ever held; stages it skipped count as passed, since
    /// every position below its furthest counts as reached.
    func furthest(_ r: Int, funnel: Int32, index: DealHistoryIndex, history h: StageHistory) -> Int {
        var best = 0
        for j in index.range(of: r) {
            let p = position(funnel: funnel, stage: h.stage[Int(index.entries[j])])
            if p > best { best = p }
        }
        return best
    }
}

/// Small shared arithmetic of the reports: a ratio that is empty when its denominator is
/// zero (METRICS.md), and medians.
enum ReportMath {
    static func ratio(_ a: Double, _ b: Double) -> Value { b == 0 ? .null : .number(a / b) }
    static func ratio(_ a: Int, _ b: Int) -> Value { ratio(Double(a), Double(b)) }

    /// The middle value; the mean of the two middle values for an even count; empty for none.
    static func median(_ xs: [Int32]) -> Value {
        guard let (below, middle) = middleValues(xs) else { return .null }
        return xs.count % 2 == 1 ? .number(Double(middle)) : .number((Double(below) + Double(middle)) / 2)
    }

    /// The values at places count/2 - 1 and count/2 of `xs` in order (the same one twice for
    /// a single value). Days spread over fewer values than there are of them (days in a stage,
    /// at a million deals) are counted rather than sorted: a sort of each stage's days was a
    /// fifth of `time in stage`.
    static func middleValues(_ xs: [Int32]) -> (Int32, Int32)? {
        guard let lo = xs.min(), let hi = xs.max() else { return nil }
        let m = xs.count / 2
        let span = Int(hi) - Int(lo) + 1
        guard span <= max(4_096, xs.count) else {
            let s = xs.sorted()
            return (s[max(0, m - 1)], s[m])
        }
        var counts = [Int](repeating: 0, count: span)
        for x in xs { counts[Int(x) - Int(lo)] += 1 }
        var seen = 0, below: Int32?
        for (offset, c) in counts.enumerated() where c > 0 {
            seen += c
            let value = Int32(Int(lo) + offset)
            if below == nil && seen > max(0, m - 1) { below = value }
            if seen > m { return (below ?? value, value) }
        }
        return (hi, hi)
    }

    static func mean(_ sum: Double, _ count: Int) -> Value { count == 0 ? .null : .number(sum / Double(count)) }
}
