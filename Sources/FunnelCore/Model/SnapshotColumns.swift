/// The deal columns a snapshot keeps in sections of their own, each read where it lies in
/// the file on its first use (Column.swift), so a query copies, checks and touches only the
/// columns it reads. Each entry: its section's tag, the column, and what its values are,
/// which says how they are checked and how a column rebuilt from the journal is recoded
/// into the snapshot's text codes and stage slots.
enum SnapshotDealColumns {
    enum Meaning: Sendable {
        /// `StringPool` codes, or `Empty.text`.
        case text
        /// A `StageSlots` index.
        case slot
        /// Day numbers, or `Empty.date`.
        case day
    }

    typealias Codes = SnapshotColumn<DealTable, Meaning>

    /// The columns of 32-bit values, in the order written.
    static let codes: [Codes] = [
        Codes(tag: "dfun", column: \.funnel, meaning: .text),
        Codes(tag: "dslt", column: \.stageSlot, meaning: .slot),
        Codes(tag: "dnam", column: \.name, meaning: .text),
        Codes(tag: "down", column: \.owner, meaning: .text),
        Codes(tag: "dtea", column: \.team, meaning: .text),
        Codes(tag: "dsrc", column: \.source, meaning: .text),
        Codes(tag: "dprd", column: \.product, meaning: .text),
        Codes(tag: "dacc", column: \.account, meaning: .text),
        Codes(tag: "dlos", column: \.lostReason, meaning: .text),
        Codes(tag: "dcre", column: \.created, meaning: .day),
        Codes(tag: "dclo", column: \.closeDate, meaning: .day),
        Codes(tag: "dcld", column: \.closed, meaning: .day),
        Codes(tag: "dent", column: \.stageEntered, meaning: .day),
    ]

    /// Amounts in cents (`Empty.money` when none).
    static let amountTag = "damt"
    /// Probability overrides (NaN when none).
    static let probabilityTag = "dprb"

    /// The deal ids as `PackedTexts`: where each ends, and their bytes.
    static let idEndsTag = "dide"
    static let idBytesTag = "didb"

    static var tags: [String] { [idEndsTag, idBytesTag] + codes.map(\.tag) + [amountTag, probabilityTag] }
}

/// The stage history's columns, each a section of its own like the deal columns: time in
/// stage reads four of the seven. The `hist` section holds their length.
enum SnapshotHistoryColumns {
    enum Meaning: Sendable {
        /// A deal row.
        case deal
        /// `StringPool` codes, or `Empty.text`.
        case text
        /// Day numbers and event positions.
        case plain
    }

    typealias Entry = SnapshotColumn<StageHistory, Meaning>

    static let all: [Entry] = [
        Entry(tag: "hdea", column: \.deal, meaning: .deal),
        Entry(tag: "hday", column: \.day, meaning: .plain),
        Entry(tag: "hstg", column: \.stage, meaning: .text),
        Entry(tag: "hfrm", column: \.fromStage, meaning: .text),
        Entry(tag: "hfor", column: \.forcedReason, meaning: .text),
        Entry(tag: "hori", column: \.origin, meaning: .text),
        Entry(tag: "hord", column: \.order, meaning: .plain),
    ]

    static var tags: [String] { all.map(\.tag) }
}

/// One column of 32-bit values a snapshot keeps in a section of its own: its tag, where it
/// is in its table, and what its values are (which says how they are checked and recoded).
struct SnapshotColumn<Table, Meaning: Sendable>: Sendable {
    let tag: String
    let column: WritableKeyPath<Table, Column<Int32>> & Sendable
    let meaning: Meaning
}
