/// What made a task: a stage's key task, a stage's `on enter` / `on exit` action, or a rule.
public enum TaskOrigin: String, Sendable, Equatable {
    case key, enter, exit, rule
}

/// A task as the journal records it. The id is assigned when it is generated, so replay
/// rebuilds the same numbers.
public struct TaskRecord: Sendable, Equatable {
    public var id: Int
    public var deal: String
    /// The stage the deal was in when the task was made.
    public var stage: String
    public var title: String
    public var role: String?
    public var due: Int32?
    public var origin: TaskOrigin
    /// The rule that made it, for `origin == .rule`.
    public var rule: String?
    /// The day the stage visit it belongs to began (the deal's entry into `stage`).
    public var visit: Int32

    public init(id: Int, deal: String, stage: String, title: String, role: String?, due: Int32?, origin: TaskOrigin,
                rule: String?, visit: Int32) {
        self.id = id; self.deal = deal; self.stage = stage; self.title = title; self.role = role; self.due = due
        self.origin = origin; self.rule = rule; self.visit = visit
    }
}

/// A notification as the journal records it.
public struct NotificationRecord: Sendable, Equatable {
    public var id: Int
    public var deal: String
    /// The rule's name, or `on enter STAGE` / `on exit STAGE` for a stage's own action.
    public var rule: String
    public var role: String
    public var message: String
    /// The stage the deal was in when the notification was made.
    public var stage: String
    /// For a time-based rule: the day the stage visit began, which makes the firing
    /// once-per-visit (rule, deal, stage, visit). Nil for change-driven actions.
    public var visit: Int32?

    public init(id: Int, deal: String, rule: String, role: String, message: String, stage: String, visit: Int32?) {
        self.id = id; self.deal = deal; self.rule = rule; self.role = role; self.message = message
        self.stage = stage; self.visit = visit
    }
}

/// `closed`: the task's deal was won or lost while the task was open; it was not done.
public enum TaskStatus: String, Sendable { case open, done, closed }
public enum NotificationStatus: String, Sendable { case new, acked }
public enum LeadStatus: String, Sendable { case new, qualified, disqualified, converted }

/// Every task, in the order recorded. Text repeats a lot (the same key task for every
/// deal), so stage, title and role are pool codes. Ids are given when a task is made and
/// kept in the journal, so `as of` (which replays part of the log) keeps them too.
public struct TaskTable: Sendable {
    public var id: [Int32] = []
    public var rowOfID: [Int32: Int32] = [:]
    /// The id the next task gets: one more than the highest so far.
    public var nextID = 1
    public var deal: [Int32] = []
    public var stage: [Int32] = []
    public var title: [Int32] = []
    public var role: [Int32] = []
    public var due: [Int32] = []
    public var status: [TaskStatus] = []
    public var created: [Int32] = []
    public var completed: [Int32] = []
    public var origin: [TaskOrigin] = []
    public var rule: [Int32] = []
    public var visit: [Int32] = []
    /// Task rows of each deal row, in id order.
    public var byDeal: [Int32: [Int32]] = [:]
    public init() {}
    public var count: Int { deal.count }
}

/// Every notification, in the order recorded, with ids kept as for tasks.
public struct NotificationTable: Sendable {
    public var id: [Int32] = []
    public var rowOfID: [Int32: Int32] = [:]
    public var nextID = 1
    public var deal: [Int32] = []
    public var rule: [Int32] = []
    public var role: [Int32] = []
    public var message: [String] = []
    public var stage: [Int32] = []
    public var at: [Int32] = []
    public var status: [NotificationStatus] = []
    public var acked: [Int32] = []
    public init() {}
    public var count: Int { deal.count }
}

/// Leads: a few fixed columns and free-form fields, one column per field name.
public struct LeadTable: Sendable {
    public var ids: [String] = []
    public var rowOfID: [String: Int32] = [:]
    public var status: [LeadStatus] = []
    public var created: [Int32] = []
    public var converted: [Int32] = []
    /// The deal a converted lead became.
    public var deal: [String?] = []
    /// Why a lead was disqualified.
    public var reason: [String?] = []
    public var fields: [String: [Value]] = [:]
    /// Field names in the order they first appeared.
    public var fieldOrder: [String] = []
    public init() {}
    public var count: Int { ids.count }

    public func row(of id: String) -> Int? { rowOfID[id].map(Int.init) }

    public func field(_ name: String, _ r: Int) -> Value {
        guard let column = fields[name], r < column.count else { return .null }
        return column[r]
    }

    mutating func append(id: String, on day: Int32) -> Int {
        let r = ids.count
        ids.append(id)
        rowOfID[id] = Int32(r)
        status.append(.new); created.append(day); converted.append(Empty.date)
        deal.append(nil); reason.append(nil)
        for k in fields.keys { fields[k]?.append(.null) }
        return r
    }

    mutating func set(_ r: Int, _ name: String, _ v: Value) {
        if fields[name] == nil {
            fields[name] = [Value](repeating: .null, count: ids.count)
            fieldOrder.append(name)
        }
        fields[name]?[r] = v
    }
}
