/// The result columns of each aggregate query (METRICS.md), shared by the resolver, the
/// planner and the reports so a column has one name everywhere.
public enum ResultColumns {
    public static func of(_ verb: QueryVerb) -> [ResultColumn] {
        switch verb {
        case .count(let of): return [ResultColumn(of, .integer)]
        case .aggregate(let f, _): return [ResultColumn(f, f == "avg" ? .number : .money)]
        case .pipeline: return [ResultColumn("deals", .integer), ResultColumn("amount", .money), ResultColumn("weighted", .money)]
        case .forecast:
            return [ResultColumn("deals", .integer), ResultColumn("amount", .money), ResultColumn("weighted", .money),
                    ResultColumn("commit", .money), ResultColumn("best_case", .money), ResultColumn("closed", .money),
                    ResultColumn("forecast", .money)]
        case .conversion:
            return [ResultColumn("reached", .integer), ResultColumn("next_rate", .rate), ResultColumn("cumulative_rate", .rate),
                    ResultColumn("lost", .integer), ResultColumn("open", .integer)]
        case .winRate:
            return [ResultColumn("won", .integer), ResultColumn("lost", .integer), ResultColumn("win_rate", .rate),
                    ResultColumn("won_amount", .money)]
        case .timeInStage:
            return [ResultColumn("exits", .integer), ResultColumn("avg_days", .days), ResultColumn("median_days", .days),
                    ResultColumn("current", .integer), ResultColumn("current_avg_days", .days)]
        case .cycle: return [ResultColumn("won", .integer), ResultColumn("avg_days", .days), ResultColumn("median_days", .days)]
        case .velocity:
            return [ResultColumn("open_deals", .integer), ResultColumn("avg_won_amount", .money), ResultColumn("win_rate", .rate),
                    ResultColumn("avg_cycle_days", .days), ResultColumn("velocity", .money)]
        case .calibration:
            return [ResultColumn("stated", .rate), ResultColumn("observed", .rate), ResultColumn("closed", .integer),
                    ResultColumn("gap", .rate)]
        case .leadConversion:
            return [ResultColumn("leads", .integer), ResultColumn("converted", .integer), ResultColumn("rate", .rate),
                    ResultColumn("avg_days_to_deal", .days)]
        case .stale:
            return [ResultColumn("id", .text), ResultColumn("name", .text), ResultColumn("owner", .text), ResultColumn("stage", .text),
                    ResultColumn("days_in_stage", .integer), ResultColumn("limit_days", .integer)]
        case .bottlenecks:
            return [ResultColumn("next_rate", .rate), ResultColumn("avg_days", .days), ResultColumn("stale_deals", .integer),
                    ResultColumn("stale_ids", .text)]
        case .history:
            return [ResultColumn("at", .date), ResultColumn("from_stage", .text), ResultColumn("to_stage", .text),
                    ResultColumn("days_in_previous", .integer), ResultColumn("forced_reason", .text)]
        case .deals, .leads, .tasks, .notifications:
            return []
        }
    }

    /// Reports with one row per stage name: their `stage` column stands between the `by`
    /// groups and the figures and can be ordered by. A `where` on `stage` still filters
    /// deals (by their current stage), as it does everywhere else.
    public static func stageRowColumn(_ verb: QueryVerb) -> ResultColumn? {
        switch verb {
        case .conversion, .timeInStage, .calibration, .bottlenecks: return ResultColumn("stage", .text)
        default: return nil
        }
    }

    /// Splits a `where` at its top-level `and`s: conditions naming a result column filter
    /// groups after aggregation, the rest filter deals before. `amount` always means the
    /// deal's amount, since every analyst writes `where amount > 100k` to mean deals.
    public static func splitWhere(_ e: Expr?, verb: QueryVerb) -> (deals: Expr?, groups: Expr?) {
        guard let e else { return (nil, nil) }
        switch verb {
        // Stale rows are deals, so every condition is about deals (`stale where stage = X`).
        case .stale: return (e, nil)
        // A deal's history rows are its stage changes: a where can only be about them.
        case .history: return (nil, e)
        default: break
        }
        let resultNames = Set(of(verb).map(\.name)).subtracting(["amount"])
        if resultNames.isEmpty { return (e, nil) }
        var dealParts: [Expr] = [], groupParts: [Expr] = []
        for c in conjuncts(e) {
            if !names(in: c).isDisjoint(with: resultNames) { groupParts.append(c) } else { dealParts.append(c) }
        }
        return (join(dealParts), join(groupParts))
    }

    public static func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let l, let r) = e.kind { return conjuncts(l) + conjuncts(r) }
        return [e]
    }

    static func join(_ parts: [Expr]) -> Expr? {
        guard var acc = parts.first else { return nil }
        for p in parts.dropFirst() { acc = Expr(.binary(.and, acc, p), acc.range.union(p.range)) }
        return acc
    }

    /// Every bare name an expression mentions.
    public static func names(in e: Expr) -> Set<String> {
        var out = Set<String>()
        func walk(_ e: Expr) {
            switch e.kind {
            case .name(let n): out.insert(n)
            case .not(let x), .negate(let x), .isEmpty(let x, _): walk(x)
            case .member(let x, _): walk(x)
            case .binary(_, let a, let b): walk(a); walk(b)
            case .inList(let x, let xs, _): walk(x); xs.forEach(walk)
            case .list(let xs): xs.forEach(walk)
            case .call(_, let xs): xs.forEach(walk)
            case .lookup(_, let k, _): walk(k)
            default: break
            }
        }
        walk(e)
        return out
    }
}
