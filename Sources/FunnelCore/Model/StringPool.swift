/// Dictionary encoding for text columns: each distinct string gets an Int32 code, so
/// grouping and equality run on integers (DESIGN.md, "Speed by design").
public struct StringPool: Sendable {
    public private(set) var strings: [String] = []
    private var codes: [String: Int32] = [:]

    public init() {}

    /// A pool holding `strings` with codes 0, 1, ... in that order (a snapshot's).
    init(strings: [String]) throws {
        self.strings = strings
        codes.reserveCapacity(strings.count)
        for (i, s) in strings.enumerated() {
            guard codes.updateValue(Int32(i), forKey: s) == nil else { throw SnapshotProblem("the text \"\(s)\" is pooled twice") }
        }
    }

    /// The code of `s`, adding it if new.
    public mutating func intern(_ s: String) -> Int32 {
        if let c = codes[s] { return c }
        let c = Int32(strings.count)
        strings.append(s)
        codes[s] = c
        return c
    }

    /// The code of `s` if it was ever interned; a filter on a value nobody has can then
    /// short-circuit to "no match".
    public func code(of s: String) -> Int32? { codes[s] }

    public subscript(code: Int32) -> String { strings[Int(code)] }
}

/// Sentinels for empty cells in typed columns.
public enum Empty {
    public static let text: Int32 = -1
    public static let date: Int32 = Int32.min
    /// Amounts and numbers use NaN for empty.
    public static let number: Double = .nan
}
