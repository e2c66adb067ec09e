/// A change row of a history file, in the order both history shapes (one row per stage change,
/// or Salesforce's one row per field change) apply them: by deal, then day, then time of day
/// when the file has one, then the file's own order.
protocol OrderedChange {
    var row: Int { get }
    var day: Int32 { get }
    var time: Int { get }
    var order: Int { get }
}

extension Array where Element: OrderedChange {
    /// Sorts into apply order. `rows` bounds the rows (every change's row is below it): a
    /// file already in that order, as exports of one deal's changes after another are, costs
    /// one pass; any other is placed by row first (a counting sort, which keeps file order),
    /// then each deal's few changes are sorted, so millions of changes never go through one
    /// comparison sort.
    mutating func sortInApplyOrder(rows: Int) {
        if isInApplyOrder { return }
        var start = [Int](repeating: 0, count: rows + 1)
        for c in self { start[c.row + 1] += 1 }
        for r in 0..<rows { start[r + 1] += start[r] }
        var next = start
        var placed = self
        for c in self {
            placed[next[c.row]] = c
            next[c.row] += 1
        }
        for r in 0..<rows where start[r + 1] - start[r] > 1 {
            placed[start[r]..<start[r + 1]].sort(by: Self.appliesBefore)
        }
        self = placed
    }

    /// The same without a bound on the rows: one comparison sort.
    mutating func sortInApplyOrder() {
        if isInApplyOrder { return }
        sort(by: Self.appliesBefore)
    }

    var isInApplyOrder: Bool {
        var k = 1
        while k < count {
            if !Self.appliesBefore(self[k - 1], self[k]) { return false }
            k += 1
        }
        return true
    }

    static func appliesBefore(_ a: Element, _ b: Element) -> Bool {
        if a.row != b.row { return a.row < b.row }
        if a.day != b.day { return a.day < b.day }
        if a.time != b.time { return a.time < b.time }
        return a.order < b.order
    }
}
