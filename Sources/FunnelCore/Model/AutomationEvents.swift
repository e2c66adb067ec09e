/// The journal form of the automation and lead events. Generated records (tasks,
/// notifications) are written whole, ids included, so replay never generates anything: it
/// only rebuilds what a run generated.
extension DomainEvent {
    func automationStoreEvent(on day: Int32) -> StoreEvent {
        func fieldsJSON(_ fs: [FieldValue]) -> JSONValue { .object(fs.map { ($0.name, Self.json($0.value)) }) }
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        switch self {
        case .taskCreated(let t):
            return StoreEvent(on: day, type: type, payload: [
                ("id", .number(Double(t.id))), ("deal", .string(t.deal)), ("stage", .string(t.stage)),
                ("title", .string(t.title)), ("for", optional(t.role)),
                ("due", t.due.map { .string(Calendar.format($0)) } ?? .null),
                ("origin", .string(t.origin.rawValue)), ("rule", optional(t.rule)),
                ("visit", .string(Calendar.format(t.visit))),
            ])
        case .taskDone(let id):
            return StoreEvent(on: day, type: type, payload: [("id", .number(Double(id)))])
        case .notified(let n):
            return StoreEvent(on: day, type: type, payload: [
                ("id", .number(Double(n.id))), ("deal", .string(n.deal)), ("rule", .string(n.rule)),
                ("for", .string(n.role)), ("message", .string(n.message)), ("stage", .string(n.stage)),
                ("visit", n.visit.map { .string(Calendar.format($0)) } ?? .null),
            ])
        case .acked(let ids):
            return StoreEvent(on: day, type: type, payload: [("ids", .array(ids.map { .number(Double($0)) }))])
        case let .leadCreated(id, fields):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("fields", fieldsJSON(fields))])
        case let .leadUpdated(id, fields):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("fields", fieldsJSON(fields))])
        case .leadQualified(let id):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id))])
        case let .leadDisqualified(id, reason):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("reason", .string(reason))])
        case let .leadConverted(id, deal):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)), ("deal", .string(deal))])
        default:
            // Only the cases above are sent here (DomainEvent.storeEvent); this keeps the
            // function total without trapping.
            return StoreEvent(on: day, type: type, payload: [])
        }
    }

    /// Decodes an automation or lead event; nil for anything else or a malformed one.
    static func automationEvent(_ e: StoreEvent) -> DomainEvent? {
        func s(_ k: String) -> String? { e[k]?.string }
        /// Ids are stored as Int32, so larger numbers are a damaged journal.
        func int(_ k: String) -> Int? {
            guard let n = e[k]?.number, n == n.rounded(), n >= 1, n < 2_147_483_647 else { return nil }
            return Int(n)
        }
        func day(_ k: String) -> Int32? { s(k).flatMap { Calendar.parseISO($0) } }
        /// An optional string: absent or null is nil, anything else must be a string.
        func optional(_ k: String) -> String?? {
            switch e[k] {
            case nil, .null?: return .some(nil)
            case .string(let v)?: return .some(v)
            default: return nil
            }
        }
        func fields() -> [FieldValue]? { Self.fields(of: e) }
        switch EventType(of: e) {
        case .task:
            guard let id = int("id"), let deal = s("deal"), let stage = s("stage"), let title = s("title"),
                  let role = optional("for"), let rule = optional("rule"),
                  let origin = s("origin").flatMap(TaskOrigin.init(rawValue:)), let visit = day("visit") else { return nil }
            var due: Int32?
            if case .string? = e["due"] {
                guard let d = day("due") else { return nil }
                due = d
            }
            return .taskCreated(TaskRecord(id: id, deal: deal, stage: stage, title: title, role: role, due: due,
                                           origin: origin, rule: rule, visit: visit))
        case .taskDone:
            guard let id = int("id") else { return nil }
            return .taskDone(id: id)
        case .notify:
            guard let id = int("id"), let deal = s("deal"), let rule = s("rule"), let role = s("for"),
                  let message = s("message"), let stage = s("stage") else { return nil }
            var visit: Int32?
            if case .string? = e["visit"] {
                guard let d = day("visit") else { return nil }
                visit = d
            }
            return .notified(NotificationRecord(id: id, deal: deal, rule: rule, role: role, message: message, stage: stage, visit: visit))
        case .ack:
            guard let items = e["ids"]?.array else { return nil }
            var ids: [Int] = []
            for i in items {
                guard let n = i.number, n == n.rounded(), n >= 1, n < 2_147_483_647 else { return nil }
                ids.append(Int(n))
            }
            return .acked(ids: ids)
        case .lead:
            guard let id = s("id"), let fs = fields() else { return nil }
            return .leadCreated(id: id, fields: fs)
        case .leadSet:
            guard let id = s("id"), let fs = fields() else { return nil }
            return .leadUpdated(id: id, fields: fs)
        case .qualify:
            guard let id = s("id") else { return nil }
            return .leadQualified(id: id)
        case .disqualify:
            guard let id = s("id"), let reason = s("reason") else { return nil }
            return .leadDisqualified(id: id, reason: reason)
        case .convert:
            guard let id = s("id"), let deal = s("deal") else { return nil }
            return .leadConverted(id: id, deal: deal)
        default:
            return nil
        }
    }
}
