/// The columns of the records automation keeps beside deals — tasks, notifications and
/// leads — so the resolver can check a `where` on them before anything runs and the
/// queries name their columns the same way.
public struct RecordSchema: Sendable {
    /// What the records are called in messages ("tasks").
    public var plural: String
    /// Columns in their default display order, with their types.
    public var columns: [(name: String, type: ValueType)]
    /// Columns a list shows when there is no `show`.
    public var defaultColumns: [String]
    /// Bare words that stand for a status value (`status = open`), not a column.
    public var statusWords: [String]
    /// Whether bare stage names are text values here (`tasks where stage = Negotiation`).
    public var stageNamesAreValues: Bool
    /// Leads carry free-form fields, unknown until the data is read: unknown names are
    /// checked when the query runs instead.
    public var openEnded: Bool

    public func type(of name: String) -> ValueType? { columns.first(where: { $0.name == name })?.type }
    public var names: [String] { columns.map(\.name) }

    public static let tasks = RecordSchema(
        plural: "tasks",
        columns: [("id", .number), ("deal", .text), ("stage", .text), ("title", .text), ("for", .text), ("due", .date),
                  ("status", .text), ("overdue", .bool), ("created", .date), ("done_on", .date), ("origin", .text)],
        defaultColumns: ["id", "deal", "stage", "title", "for", "due", "status", "overdue"],
        statusWords: ["open", "done", "closed"], stageNamesAreValues: true, openEnded: false)

    public static let notifications = RecordSchema(
        plural: "notifications",
        columns: [("id", .number), ("at", .date), ("for", .text), ("deal", .text), ("rule", .text), ("message", .text),
                  ("status", .text), ("stage", .text), ("acked_on", .date)],
        defaultColumns: ["id", "at", "for", "deal", "rule", "message", "status"],
        statusWords: ["new", "acked"], stageNamesAreValues: true, openEnded: false)

    /// The fixed columns of a lead; `company`, `source` and any other field are the lead's own.
    public static let leads = RecordSchema(
        plural: "leads",
        columns: [("id", .text), ("company", .text), ("source", .text), ("status", .text), ("created", .date),
                  ("deal", .text), ("converted_on", .date), ("reason", .text)],
        defaultColumns: ["id", "company", "source", "status", "created", "deal"],
        statusWords: ["new", "qualified", "disqualified", "converted"], stageNamesAreValues: false, openEnded: true)

    /// Lead columns the system keeps; a `lead` statement or an import cannot set them.
    public static let leadSystemColumns: Set<String> = ["id", "status", "created", "deal", "converted_on", "reason"]
}
