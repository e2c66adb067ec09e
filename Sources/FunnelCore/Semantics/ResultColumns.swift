/// The result columns of each aggregate query, as `QuerySpec.all` lists them, and how a
/// `where` divides between deals and result rows.
public enum ResultColumns {
    public static func of(_ verb: QueryVerb) -> [ResultColumn] { verb.spec.columns }

    /// Reports with one row per stage name: their `stage` column stands between the `by`
    /// groups and the figures and can be ordered by. A `where` on `stage` still filters
    /// deals (by their current stage), as it does everywhere else.
    public static func stageRowColumn(_ verb: QueryVerb) -> ResultColumn? {
        verb.spec.stageRows ? ResultColumn("stage", .text) : nil
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
