import FunnelCore

/// What Tab completion may offer, read from the session's current state.
struct SessionCatalog: CompletionCatalog {
    let state: FunnelState

    var fieldNames: [String] { BuiltinFields.names + state.catalog.fieldOrder }
    var stageNames: [String] { state.catalog.allStageNames }
    var funnelNames: [String] { state.catalog.funnelOrder }
    /// Deal ids only while there are few enough to list usefully.
    var dealIDs: [String] { state.deals.count <= 10_000 ? Array(state.deals.ids) : [] }
    var tableNames: [String] { state.catalog.tables.keys.sorted() }
    func tableColumns(_ table: String) -> [String] { state.catalog.tables[table] ?? [] }
    func files(matching prefix: String) -> [String] { Completion.paths(matching: prefix) }

    /// At most this many distinct values are listed; a field with more (deal names, say) gets
    /// none, as a list of thousands helps nobody.
    static let valueLimit = 200

    /// The distinct values of a text field over every deal, sorted; built-in text fields read
    /// their pooled column, declared ones their values.
    func values(of field: String) -> [String] {
        let d = state.deals
        let pooled: Column<Int32>?
        switch field {
        case "owner": pooled = d.owner
        case "team": pooled = d.team
        case "source": pooled = d.source
        case "product": pooled = d.product
        case "account": pooled = d.account
        case "lost_reason": pooled = d.lostReason
        default: pooled = nil
        }
        var seen = Set<String>()
        if let pooled {
            var codes = Set<Int32>()
            for code in pooled where code != Empty.text && codes.insert(code).inserted {
                if codes.count > Self.valueLimit { return [] }
            }
            for code in codes { seen.insert(state.pool[code]) }
        } else if state.catalog.fields[field]?.type == .text, let column = d.custom[field] {
            for case .text(let s) in column where !s.isEmpty && seen.insert(s).inserted {
                if seen.count > Self.valueLimit { return [] }
            }
        }
        return seen.sorted()
    }
}
