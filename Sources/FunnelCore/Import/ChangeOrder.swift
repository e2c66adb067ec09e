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
    mutating func sortInApplyOrder() {
        sort { a, b in
            if a.row != b.row { return a.row < b.row }
            if a.day != b.day { return a.day < b.day }
            if a.time != b.time { return a.time < b.time }
            return a.order < b.order
        }
    }
}
