/// The journal bytes of the changes a script makes by the hundred thousand — deals, field
/// changes, moves, wins and losses, and the tasks and notifications stage automation makes
/// — written straight from the typed event. They are the bytes `storeEvent(on:)`'s payload
/// encodes to (with the origin after it), which the tests hold them to; every other kind is
/// rare and goes through the tree.
extension DomainEvent {
    /// The data object of the journal line, `src` (`origin`) last when given; nil for the
    /// kinds written through `storeEvent(on:)`.
    func journalData(origin: String?) -> JournalData? {
        var w = JSONObjectWriter()
        switch self {
        case let .dealCreated(id, funnel, stage, fields):
            w.key("id"); w.string(id)
            w.key("funnel"); w.string(funnel)
            w.key("stage"); w.string(stage)
            Self.write(fields, to: &w)
        case let .fieldsSet(id, fields):
            w.key("id"); w.string(id)
            Self.write(fields, to: &w)
        case let .moved(id, to, forced):
            w.key("id"); w.string(id)
            w.key("to"); w.string(to)
            if let forced { w.key("forced"); w.string(forced) }
        case let .won(id):
            w.key("id"); w.string(id)
        case let .lost(id, reason):
            w.key("id"); w.string(id)
            if let reason { w.key("reason"); w.string(reason) }
        case .taskCreated(let t):
            w.key("id"); w.number(Double(t.id))
            w.key("deal"); w.string(t.deal)
            w.key("stage"); w.string(t.stage)
            w.key("title"); w.string(t.title)
            w.key("for"); w.string(t.role)
            w.key("due"); w.string(t.due.map(Calendar.format))
            w.key("origin"); w.string(t.origin.rawValue)
            w.key("rule"); w.string(t.rule)
            w.key("visit"); w.string(Calendar.format(t.visit))
        case .notified(let n):
            w.key("id"); w.number(Double(n.id))
            w.key("deal"); w.string(n.deal)
            w.key("rule"); w.string(n.rule)
            w.key("for"); w.string(n.role)
            w.key("message"); w.string(n.message)
            w.key("stage"); w.string(n.stage)
            w.key("visit"); w.string(n.visit.map(Calendar.format))
        default:
            return nil
        }
        // StoreEvent.originKey.
        if let origin { w.key("src"); w.string(origin) }
        return w.finish()
    }

    /// Whether the event reads back from its journal form as itself
    /// (`DomainEvent(storeEvent(on:)) == self`), worked out from its values for the kinds
    /// `journalData` writes; nil for the others, which make the round trip. The reader
    /// refuses a date outside 0001-01-01...9999-12-31 and an id outside what it stores, and
    /// a NaN is not equal to itself; nothing else can fail.
    var readsBackFromJournal: Bool? {
        switch self {
        case .dealCreated(_, _, _, let fields), .fieldsSet(_, let fields):
            return fields.allSatisfy { Self.readsBack($0.value) }
        case .moved, .won, .lost:
            return true
        case .taskCreated(let t):
            return Self.readsBack(id: t.id) && t.due.map(Calendar.isStorable) != false && Calendar.isStorable(t.visit)
        case .notified(let n):
            return Self.readsBack(id: n.id) && n.visit.map(Calendar.isStorable) != false
        default:
            return nil
        }
    }

    /// The `fields` member: each value as `json(_:)` makes it.
    private static func write(_ fields: [FieldValue], to w: inout JSONObjectWriter) {
        w.key("fields")
        w.nested(array: false) { w in
            for f in fields {
                w.key(text: f.name)
                write(f.value, to: &w)
            }
        }
    }

    private static func write(_ v: Value, to w: inout JSONObjectWriter) {
        switch v {
        case .null: w.null()
        case .number(let n): w.number(n)
        case .money(let m): w.money(m)
        case .text(let t): w.string(t)
        case .bool(let b): w.bool(b)
        case .date(let d):
            w.nested(array: false) { w in
                w.key("date")
                w.string(Calendar.format(d))
            }
        case .list(let xs):
            w.nested(array: true) { w in
                for x in xs {
                    w.item()
                    write(x, to: &w)
                }
            }
        }
    }

    private static func readsBack(_ v: Value) -> Bool {
        switch v {
        case .null, .money, .text, .bool: return true
        case .number(let n): return !n.isNaN
        case .date(let d): return Calendar.isStorable(d)
        case .list(let xs): return xs.allSatisfy(readsBack)
        }
    }

    /// Task and notification ids are stored as Int32 (AutomationEvents.swift).
    private static func readsBack(id: Int) -> Bool { id >= 1 && id < 2_147_483_647 }
}
