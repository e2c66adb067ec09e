/// The journal form of the people events (People.swift): `person`, `quota`,
/// `forecast-submit`, `delivery-command` and `delivered` lines.
extension DomainEvent {
    func peopleStoreEvent(_ e: PeopleEvent, on day: Int32) -> StoreEvent {
        func holder(_ h: QuotaHolder) -> [(String, JSONValue)] { [("holder", .string(h.name)), ("kind", .string(h.kind.rawValue))] }
        func period(_ p: QuotaPeriod) -> [(String, JSONValue)] {
            [("period", .string(p.label)), ("from", .string(Calendar.format(p.start))), ("to", .string(Calendar.format(p.end)))]
        }
        switch e {
        case let .person(id, fields):
            return StoreEvent(on: day, type: type, payload: [("id", .string(id)),
                                                                  ("fields", .object(fields.map { ($0.name, Self.json($0.value)) }))])
        case .quota(let q):
            return StoreEvent(on: day, type: type, payload: holder(q.holder) + period(q.period) + [("amount", .number(q.amount))])
        case .submitted(let s):
            return StoreEvent(on: day, type: type, payload: holder(s.holder) + period(s.period) + [
                ("commit", .number(s.commit)), ("best_case", .number(s.bestCase)),
                ("because", s.reason.map { JSONValue.string($0) } ?? JSONValue.null), ("by", .string(s.submitter)),
            ])
        case .deliveryCommand(let d):
            return StoreEvent(on: day, type: type, payload: [("command", .string(d.command)),
                                                                            ("timeout", .number(Double(d.timeoutSeconds)))])
        case .delivered(let k):
            return StoreEvent(on: day, type: type, payload: [("notification", .number(Double(k.notification))),
                                                                     ("to", .string(k.recipient))])
        }
    }

    /// Decodes a people event; nil for any other type or a malformed one.
    static func peopleEvent(_ e: StoreEvent) -> DomainEvent? {
        func s(_ k: String) -> String? { e[k]?.string }
        func number(_ k: String) -> Double? {
            guard let n = e[k]?.number, n.isFinite else { return nil }
            return n
        }
        func holder() -> QuotaHolder? {
            guard let name = s("holder"), let kind = s("kind").flatMap(QuotaHolder.Kind.init(rawValue:)) else { return nil }
            return QuotaHolder(kind, name)
        }
        func period() -> QuotaPeriod? {
            guard let label = s("period"), let from = s("from").flatMap({ Calendar.parseISO($0) }),
                  let to = s("to").flatMap({ Calendar.parseISO($0) }),
                  from < to else { return nil }
            return QuotaPeriod(start: from, end: to, label: label)
        }
        switch EventType(of: e) {
        case .person:
            guard let id = s("id"), let fields = Self.fields(of: e) else { return nil }
            return .people(.person(id: id, fields: fields))
        case .quota:
            guard let h = holder(), let p = period(), let amount = number("amount") else { return nil }
            return .people(.quota(QuotaRecord(holder: h, period: p, amount: amount)))
        case .forecastSubmit:
            guard let h = holder(), let p = period(), let commit = number("commit"), let best = number("best_case"),
                  let by = s("by") else { return nil }
            let reason: String?
            switch e["because"] {
            case nil, .null?: reason = nil
            case .string(let r)?: reason = r
            default: return nil
            }
            return .people(.submitted(SubmittedForecast(holder: h, period: p, commit: commit, bestCase: best, reason: reason,
                                                        submitter: by, day: e.on)))
        case .deliveryCommand:
            guard let command = s("command"), let t = number("timeout"), t >= 1, t <= 86_400, t == t.rounded() else { return nil }
            return .people(.deliveryCommand(DeliveryCommand(command: command, timeoutSeconds: Int(t))))
        case .delivered:
            guard let n = number("notification"), n >= 1, n < 2_147_483_647, n == n.rounded(), let to = s("to") else { return nil }
            return .people(.delivered(DeliveryKey(notification: Int(n), recipient: to)))
        default:
            return nil
        }
    }
}
