/// The sales organisation beside the deals: people with their team and manager (each
/// change dated, so a rep who moves team on 2026-04-01 still counts for the old team
/// before), quotas, the forecasts managers submit, and the delivery of notifications.
/// Changes arrive only as `PeopleEvent`s through `FunnelState.apply`, like every other.
public struct PeopleBook: Sendable {
    /// Each person's dated changes, in effective-date order (same-day changes in the order
    /// recorded), and the ids in the order first declared.
    public private(set) var changes: [String: [PersonChange]] = [:]
    public private(set) var order: [String] = []
    public private(set) var quotas: [QuotaRecord] = []
    public private(set) var submissions: [SubmittedForecast] = []
    /// `deliver notifications via command "..."`: the store's one delivery program.
    public private(set) var delivery: DeliveryCommand?
    /// (notification, recipient) pairs already delivered: never delivered twice.
    public private(set) var delivered = Set<DeliveryKey>()

    public init() {}

    public var isEmpty: Bool { order.isEmpty }

    public struct PersonChange: Sendable, Equatable {
        /// From when the change holds: `Int32.min` for a person's first record.
        public var day: Int32
        public var fields: [DomainEvent.FieldValue]
    }

    /// One person's fields on `day`: each field as its latest change on or before that day set it.
    public func person(_ id: String, on day: Int32) -> Person? {
        guard let list = changes[id] else { return nil }
        var p = Person(id: id)
        for c in list where c.day <= day {
            for f in c.fields {
                let text: String? = { if case .text(let s) = f.value, !s.isEmpty { return s }; return nil }()
                switch f.name {
                case "name": p.name = text
                case "team": p.team = text
                case "manager": p.manager = text
                case "email": p.email = text
                default: break
                }
            }
        }
        return p
    }

    /// The person as last changed, whatever the day (for names in messages and delivery).
    public func latest(_ id: String) -> Person? { person(id, on: Int32.max) }

    public func isPerson(_ id: String) -> Bool { changes[id] != nil }

    /// Every team any person has ever been in, in the order first seen.
    public var teams: [String] {
        var seen = Set<String>(), out: [String] = []
        for id in order {
            for c in changes[id] ?? [] {
                for f in c.fields where f.name == "team" {
                    if case .text(let t) = f.value, !t.isEmpty, seen.insert(t).inserted { out.append(t) }
                }
            }
        }
        return out
    }

    /// The people in `team` on `day`.
    public func members(of team: String, on day: Int32) -> [Person] {
        order.compactMap { person($0, on: day) }.filter { $0.team == team }
    }

    /// The chain of managers above `id` on `day`, stopping at a repeat: a cycle is refused
    /// when recorded, and this guard keeps a hand-edited journal from looping.
    public func managers(above id: String, on day: Int32) -> [String] {
        var out: [String] = [], seen: Set<String> = [id]
        var current = person(id, on: day)?.manager
        while let m = current, seen.insert(m).inserted {
            out.append(m)
            current = person(m, on: day)?.manager
        }
        return out
    }

    /// A manager cycle through `id` on `day`, as the ids around it (`a → b → a`), if any.
    public func cycle(through id: String, on day: Int32) -> [String]? {
        var path = [id]
        var current = person(id, on: day)?.manager
        while let m = current {
            path.append(m)
            if m == id { return path }
            if path.dropLast().contains(m) { return nil }
            current = person(m, on: day)?.manager
        }
        return nil
    }

    /// The first manager cycle through `id` on `day` or any later day someone changes, with
    /// the day it starts and, when a later change ends it, that change's day. Recording a
    /// change of `id` can only close a cycle through `id`; a person's first record counts from
    /// the start, so the caller passes `Int32.min` for one.
    public func firstCycle(through id: String, from day: Int32) -> (path: [String], day: Int32, until: Int32?)? {
        let days = Set([day] + changes.values.flatMap { $0.map(\.day) }.filter { $0 > day }).sorted()
        for (i, d) in days.enumerated() {
            guard let path = cycle(through: id, on: d) else { continue }
            let until = days[(i + 1)...].first { cycle(through: id, on: $0) == nil }
            return (path, d, until)
        }
        return nil
    }

    /// How a cycle found by `firstCycle` is named in a message: its people, and its days when
    /// it does not hold from `day` on.
    public static func describeCycle(_ c: (path: [String], day: Int32, until: Int32?), recordedOn day: Int32) -> String {
        var text = "a manager cycle: " + c.path.joined(separator: " → ") + " (each reports to the next)"
        if c.day > day { text += " from \(Calendar.format(c.day))" }
        if let until = c.until { text += (c.day < day ? " before " : " until ") + Calendar.format(until) }
        return text
    }

    public func quotas(for holder: QuotaHolder) -> [QuotaRecord] { quotas.filter { $0.holder == holder } }

    mutating func apply(_ e: PeopleEvent, on day: Int32) {
        switch e {
        case let .person(id, fields):
            // The first record of a person describes them from the start, whatever its date (a
            // directory loaded today still says who owned last year's deals); later records
            // change the fields they give from their own day.
            var day = day
            if changes[id] == nil { order.append(id); day = Int32.min }
            var list = changes[id] ?? []
            // After every change dated on or before this one: same-day changes keep their order.
            let at = list.lastIndex(where: { $0.day <= day }).map { $0 + 1 } ?? 0
            list.insert(PersonChange(day: day, fields: fields), at: at)
            changes[id] = list
        case .quota(let q):
            // The same holder and period again is a correction: it replaces the quota.
            if let i = quotas.firstIndex(where: { $0.holder == q.holder && $0.period == q.period }) {
                quotas[i] = q
            } else {
                quotas.append(q)
            }
        case .submitted(let s):
            var s = s
            s.day = day
            submissions.append(s)
        case .deliveryCommand(let d):
            delivery = d
        case .delivered(let key):
            delivered.insert(key)
        }
    }
}

public struct Person: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var team: String?
    public var manager: String?
    public var email: String?
    public init(id: String) { self.id = id }
    /// The fields a `person { }` block may give.
    public static let fieldNames = ["name", "team", "manager", "email"]
}

/// Who a quota or a submitted forecast belongs to.
public struct QuotaHolder: Sendable, Hashable {
    public enum Kind: String, Sendable { case team, person }
    public var kind: Kind
    public var name: String
    public init(_ kind: Kind, _ name: String) { self.kind = kind; self.name = name }
    public var description: String { "\(kind.rawValue) \(name)" }
}

/// A month, a quarter or a year: the periods quotas and submitted forecasts are set for.
public struct QuotaPeriod: Sendable, Hashable {
    public var start: Int32
    /// The first day after the period.
    public var end: Int32
    /// `2026-Q2`, `2026-04`, `2026`.
    public var label: String
    public init(start: Int32, end: Int32, label: String) { self.start = start; self.end = end; self.label = label }
    public func overlaps(_ o: QuotaPeriod) -> Bool { start < o.end && o.start < end }
    public func contains(_ day: Int32) -> Bool { day != Empty.date && day >= start && day < end }
}

public struct QuotaRecord: Sendable, Equatable {
    public var holder: QuotaHolder
    public var period: QuotaPeriod
    public var amount: Double
    public init(holder: QuotaHolder, period: QuotaPeriod, amount: Double) {
        self.holder = holder; self.period = period; self.amount = amount
    }
}

public struct SubmittedForecast: Sendable, Equatable {
    public var holder: QuotaHolder
    public var period: QuotaPeriod
    public var commit: Double
    public var bestCase: Double
    public var reason: String?
    public var submitter: String
    /// The day it was submitted (the event's effective date).
    public var day: Int32
    public init(holder: QuotaHolder, period: QuotaPeriod, commit: Double, bestCase: Double, reason: String?, submitter: String,
                day: Int32) {
        self.holder = holder; self.period = period; self.commit = commit; self.bestCase = bestCase
        self.reason = reason; self.submitter = submitter; self.day = day
    }
}

public struct DeliveryCommand: Sendable, Equatable {
    public var command: String
    /// How long one run may take before it is stopped and counted as failed.
    public var timeoutSeconds: Int
    public static let defaultTimeout = 30
    public init(command: String, timeoutSeconds: Int) { self.command = command; self.timeoutSeconds = timeoutSeconds }
}

public struct DeliveryKey: Sendable, Hashable {
    public var notification: Int
    public var recipient: String
    public init(notification: Int, recipient: String) { self.notification = notification; self.recipient = recipient }
}

/// The changes to the people side, as the journal records them.
public enum PeopleEvent: Sendable, Equatable {
    /// `person "li.wei" { ... }`: the fields given change from the event's day on.
    case person(id: String, fields: [DomainEvent.FieldValue])
    case quota(QuotaRecord)
    case submitted(SubmittedForecast)
    case deliveryCommand(DeliveryCommand)
    case delivered(DeliveryKey)

}

extension FunnelState {
    mutating func applyPeople(_ e: PeopleEvent, on day: Int32) {
        // Interned so `team` and `manager` group and compare by dictionary code like any text field.
        if case let .person(id, fields) = e {
            _ = pool.intern(id)
            for f in fields { if case .text(let s) = f.value, !s.isEmpty { _ = pool.intern(s) } }
        }
        people.apply(e, on: day)
    }

    /// The team a deal counts for on `day`: its own `team` field when set, else its owner's
    /// team that day. Pool codes, one per deal row.
    public func teamColumn(on today: Int32) -> Column<Int32> {
        if people.isEmpty { return deals.team }
        return derivedColumn(on: today) { own, person in own != Empty.text ? own : person?.team.flatMap { pool.code(of: $0) } ?? Empty.text }
    }

    /// The owner's manager: the person the owner reported to on `day`.
    public func managerColumn(on today: Int32) -> Column<Int32> {
        derivedColumn(on: today) { _, person in person?.manager.flatMap { pool.code(of: $0) } ?? Empty.text }
    }

    /// A column from each deal's owner as a person on the day that counts: a closed deal's
    /// closed date (a won deal counts for the team its owner was in when it was won), else today.
    private func derivedColumn(on today: Int32, _ value: (Int32, Person?) -> Int32) -> Column<Int32> {
        var out = [Int32](repeating: Empty.text, count: deals.count)
        var cache: [Int64: Person?] = [:]
        for r in 0..<deals.count {
            let owner = deals.owner[r]
            var person: Person?
            if owner != Empty.text {
                let closed = deals.closed[r]
                let day = deals.status[r] != .open && closed != Empty.date ? closed : today
                let key = Int64(owner) << 32 | Int64(UInt32(bitPattern: day))
                if let p = cache[key] { person = p } else {
                    person = people.person(pool[owner], on: day)
                    cache[key] = person
                }
            }
            out[r] = value(deals.team[r], person)
        }
        return Column(out)
    }
}
