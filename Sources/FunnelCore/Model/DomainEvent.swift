/// The changes funnel records, as typed values. `StoreEvent` is their journal form; the
/// codec here is the one place that knows the mapping, so replay and live runs agree.
public enum DomainEvent: Sendable, Equatable {
    case declare(what: String, name: String, source: String)
    case dealCreated(id: String, funnel: String, stage: String, fields: [FieldValue])
    case fieldsSet(id: String, fields: [FieldValue])
    case moved(id: String, to: String, forcedBecause: String?)
    case won(id: String)
    case lost(id: String, reason: String?)
    case reopened(id: String, to: String)
    /// A snapshot import's verdict on the funnel's deals: open deals the file lacked are
    /// removed from the CRM; removed deals the file had again are back.
    case snapshot(funnel: String, removed: [String], returned: [String])
    /// Closed into a named outcome stage other than the funnel's first won / lost stage.
    case closedAs(id: String, stage: String, reason: String?)
    // Automation and leads (AutomationEvents.swift holds their journal form). The records
    // are boxed: inline, the largest case sets the size of every event, and the state keeps
    // every event of a run in its log.
    indirect case taskCreated(TaskRecord)
    case taskDone(id: Int)
    indirect case notified(NotificationRecord)
    case acked(ids: [Int])
    case leadCreated(id: String, fields: [FieldValue])
    case leadUpdated(id: String, fields: [FieldValue])
    case leadQualified(id: String)
    case leadDisqualified(id: String, reason: String)
    case leadConverted(id: String, deal: String)
    // Taking mistakes back and redeclaring safely (HistoryEvents.swift holds their journal form).
    case dealDeleted(id: String, reason: String)
    case dealRestored(id: String)
    /// Takes back the run whose events are at journal positions `first...last`.
    case undone(first: Int64, last: Int64)
    /// A stage renamed in a funnel: its deals and their histories carry the new name.
    case stageRenamed(funnel: String, from: String, to: String)
    /// Open tasks closed because their deal was won or lost.
    case tasksClosed(ids: [Int])
    /// A bulk import: its rows and stage histories are in the segment, named by content.
    indirect case imported(kind: String, file: String, segment: String, checksum: String, rows: Int)
    /// People, quotas, submitted forecasts and deliveries (People.swift, PeopleEvents.swift).
    indirect case people(PeopleEvent)

    public struct FieldValue: Sendable, Equatable {
        public var name: String
        public var value: Value
        public init(_ name: String, _ value: Value) { self.name = name; self.value = value }
    }

    /// The event's journal type (Store/EventType.swift); the codec writes it and reads it back.
    public var type: EventType {
        switch self {
        case .declare: return .declare
        case .dealCreated: return .deal
        case .fieldsSet: return .set
        case .moved: return .move
        case .won: return .win
        case .lost: return .lose
        case .reopened: return .reopen
        case .snapshot: return .snapshot
        case .closedAs: return .close
        case .taskCreated: return .task
        case .taskDone: return .taskDone
        case .notified: return .notify
        case .acked: return .ack
        case .leadCreated: return .lead
        case .leadUpdated: return .leadSet
        case .leadQualified: return .qualify
        case .leadDisqualified: return .disqualify
        case .leadConverted: return .convert
        case .dealDeleted: return .deleteDeal
        case .dealRestored: return .restoreDeal
        case .undone: return .undo
        case .stageRenamed: return .renameStage
        case .tasksClosed: return .tasksClosed
        case .imported: return .import
        case .people(let p):
            switch p {
            case .person: return .person
            case .quota: return .quota
            case .submitted: return .forecastSubmit
            case .deliveryCommand: return .deliveryCommand
            case .delivered: return .delivered
            }
        }
    }

    public func storeEvent(on day: Int32) -> StoreEvent {
        func fieldsJSON(_ fs: [FieldValue]) -> JSONValue { .object(fs.map { ($0.name, Self.json($0.value)) }) }
        switch self {
        case let .declare(what, name, source):
            return StoreEvent(on: day, type: type, payload: [("what", .string(what)), ("name", .string(name)), ("source", .string(source))])
        case let .dealCreated(id, funnel, stage, fields):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("funnel", .string(funnel)),
                                                                ("stage", .string(stage)), ("fields", fieldsJSON(fields))])
        case let .fieldsSet(id, fields):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("fields", fieldsJSON(fields))])
        case let .moved(id, to, forced):
            var p: [(String, JSONValue)] = [("id", .string(id)), ("to", .string(to))]
            if let f = forced { p.append(("forced", .string(f))) }
            return StoreEvent(on: day, type: type, payload: p)
        case let .won(id):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id))])
        case let .lost(id, reason):
            var p: [(String, JSONValue)] = [("id", .string(id))]
            if let r = reason { p.append(("reason", .string(r))) }
            return StoreEvent(on: day, type: type, payload: p)
        case let .reopened(id, to):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("to", .string(to))])
        case let .snapshot(funnel, removed, returned):
            return StoreEvent(on: day, type: type, payload: [("funnel", .string(funnel)),
                                                                    ("removed", .array(removed.map { .string($0) })),
                                                                    ("returned", .array(returned.map { .string($0) }))])
        case let .closedAs(id, stage, reason):
            var p: [(String, JSONValue)] = [("id", .string(id)), ("stage", .string(stage))]
            if let r = reason { p.append(("reason", .string(r))) }
            return StoreEvent(on: day, type: type, payload: p)
        case .taskCreated, .taskDone, .notified, .acked, .leadCreated, .leadUpdated, .leadQualified, .leadDisqualified,
             .leadConverted:
            return automationStoreEvent(on: day)
        case .dealDeleted, .dealRestored, .undone, .stageRenamed, .tasksClosed:
            return historyStoreEvent(on: day)
        case let .imported(kind, file, segment, checksum, rows):
            return StoreEvent(on: day, type: type, payload: [("kind", .string(kind)), ("file", .string(file)),
                                                                  ("segment", .string(segment)), ("checksum", .string(checksum)),
                                                                  ("rows", .number(Double(rows)))])
        case .people(let e):
            return peopleStoreEvent(e, on: day)
        }
    }

    /// Decodes a journal event; nil when it is not a well-formed funnel event.
    public init?(_ event: StoreEvent) {
        let e = event.readable
        func s(_ k: String) -> String? { e[k]?.string }
        func fields() -> [FieldValue]? { Self.fields(of: e) }
        switch EventType(of: e) {
        case .declare:
            guard let w = s("what"), let n = s("name"), let src = s("source") else { return nil }
            self = .declare(what: w, name: n, source: src)
        case .deal:
            guard let id = s("id"), let f = s("funnel"), let st = s("stage"), let fs = fields() else { return nil }
            self = .dealCreated(id: id, funnel: f, stage: st, fields: fs)
        case .set:
            guard let id = s("id"), let fs = fields() else { return nil }
            self = .fieldsSet(id: id, fields: fs)
        case .move:
            guard let id = s("id"), let to = s("to") else { return nil }
            self = .moved(id: id, to: to, forcedBecause: s("forced"))
        case .win:
            guard let id = s("id") else { return nil }
            self = .won(id: id)
        case .lose:
            guard let id = s("id") else { return nil }
            self = .lost(id: id, reason: s("reason"))
        case .reopen:
            guard let id = s("id"), let to = s("to") else { return nil }
            self = .reopened(id: id, to: to)
        case .snapshot:
            func ids(_ k: String) -> [String]? {
                guard case .array(let xs)? = e[k] else { return nil }
                let out = xs.compactMap(\.string)
                return out.count == xs.count ? out : nil
            }
            guard let f = s("funnel"), let removed = ids("removed"), let returned = ids("returned") else { return nil }
            self = .snapshot(funnel: f, removed: removed, returned: returned)
        case .close:
            guard let id = s("id"), let st = s("stage") else { return nil }
            self = .closedAs(id: id, stage: st, reason: s("reason"))
        case .import:
            guard let k = s("kind"), let f = s("file"), let seg = s("segment"), let sum = s("checksum"),
                  case .number(let n)? = e["rows"], n >= 0, n == n.rounded(), n < 1e15 else { return nil }
            self = .imported(kind: k, file: f, segment: seg, checksum: sum, rows: Int(n))
        default:
            guard let a = Self.automationEvent(e) ?? Self.historyEvent(e) ?? Self.peopleEvent(e) else { return nil }
            self = a
        }
    }

    /// The `fields` object of a journal event as field values; nil when malformed.
    static func fields(of e: StoreEvent) -> [FieldValue]? {
        guard case .object(let pairs)? = e["fields"] else { return nil }
        var out: [FieldValue] = []
        for (k, v) in pairs {
            guard let value = value(v) else { return nil }
            out.append(FieldValue(k, value))
        }
        return out
    }

    /// Dates are tagged (`{"date":"2026-01-10"}`) so a text field holding a date-like
    /// string is never mistaken for a date.
    static func json(_ v: Value) -> JSONValue {
        switch v {
        case .null: return .null
        case .number(let n): return .number(n)
        case .money(let m): return .money(m)
        case .text(let t): return .string(t)
        case .bool(let b): return .bool(b)
        case .date(let d): return .object([("date", .string(Calendar.format(d)))])
        case .list(let xs): return .array(xs.map(json))
        }
    }

    static func value(_ j: JSONValue) -> Value? {
        switch j {
        case .null: return .null
        case .number(let n): return .number(n)
        case .money(let m): return .money(m)
        case .string(let s): return .text(s)
        case .bool(let b): return .bool(b)
        case .object:
            guard let d = j["date"]?.string, let day = Calendar.parseISO(d) else { return nil }
            return .date(day)
        case .array(let xs):
            var out: [Value] = []
            for x in xs { guard let v = value(x) else { return nil }; out.append(v) }
            return .list(out)
        }
    }
}
