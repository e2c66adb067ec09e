/// Dictionary encoding for text columns: each distinct string gets an Int32 code, so
/// grouping and equality run on integers (DESIGN.md, "Speed by design").
public struct StringPool: Sendable {
    public private(set) var strings = TextColumn()
    /// Text to code, built when first needed: a store opened from its snapshot may answer
    /// a query without interning or looking up any text.
    private var codes = LazyIndex<String>([:])

    public init() {}

    /// A pool holding `strings` with codes 0, 1, ... in that order (a snapshot's), each
    /// distinct.
    init(strings: TextColumn) {
        self.strings = strings
        codes = LazyIndex(nil)
    }

    /// The code of `s`, adding it if new.
    public mutating func intern(_ s: String) -> Int32 {
        if !isKnownUniquelyReferenced(&codes) || !codes.isBuiltAndOwned {
            let table = codes.table(keys: { strings })
            codes = LazyIndex(table)
        }
        let next = Int32(strings.count)
        let c = codes.rowOrInsert(s, row: next)
        if c == next { strings.append(s) }
        return c
    }

    /// The code of `s` if it was ever interned; a filter on a value nobody has can then
    /// short-circuit to "no match".
    /// Without the index, the first texts are searched byte by byte first: the names a query
    /// looks up (funnels, stages, fields) were interned by their declarations, before any
    /// deal's texts, so a report never builds the index of a million names to find them.
    public func code(of s: String) -> Int32? {
        if let built = codes.ifBuilt { return built[s] }
        if let k = strings.firstIndex(of: s, within: Self.searchedBeforeIndexing) { return Int32(k) }
        if strings.count <= Self.searchedBeforeIndexing { return nil }
        return codes.table(keys: { strings })[s]
    }

    /// How many texts `code(of:)` compares before it builds the index instead.
    static let searchedBeforeIndexing = 512

    public subscript(code: Int32) -> String { strings[Int(code)] }
}

/// Sentinels for empty cells in typed columns.
public enum Empty {
    public static let text: Int32 = -1
    public static let date: Int32 = Int32.min
    /// Numbers use NaN for empty.
    public static let number: Double = .nan
    /// Amounts (cents, `DealTable.amount`) use the one Int64 outside Money's range.
    public static let money: Int64 = Int64.min
}
