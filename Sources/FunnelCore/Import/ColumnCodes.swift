/// One text column's cells coded through the import's `ByteInterner`, by way of a small
/// table of the column's own values. A million rows of owners, teams and products are a few
/// hundred texts each, but they share the import's table with a million names: looked up
/// there, each cell costs two cache misses. The column's own table stays in cache; the
/// import's is asked only for a value the column has not had yet, so every text still gets
/// its code there, in the order first seen, as without this table.
final class ColumnCodes {
    /// A column with more distinct values than this (names, accounts) goes straight to the
    /// import's table: its own would be as large and as slow.
    static let limit = 4096
    private let own = ByteInterner()
    /// Per code of `own`: the import's code of that text.
    private var shared: [Int32] = []
    private var small = true

    func code(_ b: UnsafeBufferPointer<UInt8>, in strings: ByteInterner) -> Int32 {
        guard small else { return strings.code(b) }
        let (c, new) = own.insert(b)
        guard new else { return shared[Int(c)] }
        let code = strings.code(b)
        shared.append(code)
        if shared.count > Self.limit { small = false }
        return code
    }
}
