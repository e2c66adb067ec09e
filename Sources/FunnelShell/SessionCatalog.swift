import FunnelCore

/// What Tab completion may offer, read from the session's current state.
struct SessionCatalog: CompletionCatalog {
    let state: FunnelState

    var fieldNames: [String] { BuiltinFields.names + state.catalog.fieldOrder }
    var stageNames: [String] { state.catalog.allStageNames }
    var funnelNames: [String] { state.catalog.funnelOrder }
    /// Deal ids only while there are few enough to list usefully.
    var dealIDs: [String] { state.deals.count <= 10_000 ? state.deals.ids : [] }
    var tableNames: [String] { state.catalog.tables.keys.sorted() }
    func tableColumns(_ table: String) -> [String] { state.catalog.tables[table] ?? [] }
    func files(matching prefix: String) -> [String] { Completion.paths(matching: prefix) }
}
