/// Reading the field history: a field's stored value, and one deal as it stood on a past
/// day, for the gates of a backdated move.
extension FunnelState {
    /// The value a built-in or declared field holds in the deal table (not the derived
    /// fields, and `probability` as the deal's own, without its stage's).
    public func storedValue(_ r: Int, _ name: String) -> Value {
        func text(_ c: Int32) -> Value { c == Empty.text ? .null : .text(pool[c]) }
        func date(_ d: Int32) -> Value { d == Empty.date ? .null : .date(d) }
        func number(_ n: Double) -> Value { n.isNaN ? .null : .number(n) }
        switch name {
        case "name": return text(deals.name[r])
        case "owner": return text(deals.owner[r])
        case "team": return text(deals.team[r])
        case "source": return text(deals.source[r])
        case "product": return text(deals.product[r])
        case "account": return text(deals.account[r])
        case "lost_reason": return text(deals.lostReason[r])
        case "amount": return deals.money(r).map(Value.money) ?? .null
        case "probability": return number(deals.probability[r])
        case "close_date": return date(deals.closeDate[r])
        case "created": return date(deals.created[r])
        case "closed": return date(deals.closed[r])
        default:
            guard let column = deals.custom[name], r < column.count else { return .null }
            return column[r]
        }
    }

    /// The value field `code` of deal row `r` had at the end of `day`, by the journal's
    /// rule: the latest change recorded with a date on or before the day; before every
    /// change, the value the first change replaced. Nil when no change was recorded.
    public func fieldValue(ofRow r: Int, field code: Int32, asOf day: Int32) -> Value? {
        var before: Value?
        for k in fieldHistory.changes(ofRow: r) where fieldHistory.field[k] == code {
            if fieldHistory.day[k] <= day { return fieldHistory.new[k] }
            before = fieldHistory.old[k]
        }
        return before
    }

    /// The changes of deal row `r` dated after `day` that the current state holds, newest
    /// recorded first: the facts a move dated `day` cannot rely on.
    public func laterChanges(ofRow r: Int, after day: Int32) -> [Int] {
        fieldHistory.changes(ofRow: r).filter { fieldHistory.day[$0] > day }
    }

    /// This state with deal row `r` as it stood at the end of `day`: its fields as they were
    /// then, and its tasks open again where they were done after it. The other deals are
    /// untouched; this is what a gate reads for a move dated `day`.
    public func deal(row r: Int, asOf day: Int32) -> FunnelState {
        var s = self
        var seen = Set<Int32>()
        for k in laterChanges(ofRow: r, after: day) where seen.insert(fieldHistory.field[k]).inserted {
            let code = fieldHistory.field[k]
            if let v = fieldValue(ofRow: r, field: code, asOf: day) { s.setField(r, pool[code], v) }
        }
        for t in tasks.byDeal[Int32(r)] ?? [] where tasks.status[Int(t)] == .done && tasks.completed[Int(t)] > day {
            s.tasks.status[Int(t)] = .open
        }
        return s
    }
}

extension DomainEvent {
    /// A change a deal's history lists: its creation, a field change, a stage change.
    public var isDealChange: Bool {
        switch self {
        case .dealCreated, .fieldsSet, .moved, .won, .lost, .reopened, .closedAs: return true
        default: return false
        }
    }

    /// `import FILE`, what the histories name as an import's origin.
    var importOrigin: String? {
        if case let .imported(_, file, _, _, _) = self { return "import \(file)" }
        return nil
    }
}
