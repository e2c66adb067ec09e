/// The last check before a change joins the pending transaction: every value it carries
/// must read back from the journal exactly as it was written. A value the reader rejects
/// (a date past 9999-12-31, a number that is not finite) would otherwise be committed and
/// make every later command on the store fail, with no command left to repair it.
///
/// The changes a script makes by the hundred thousand are written straight into their
/// journal bytes (DomainEvent+JournalData.swift), and whether they read back is worked out
/// from their values, which is the same answer without making the tree and reading it.
extension Interpreter {
    /// The event as it joins the pending transaction, `origin` (`src`) last.
    func storable(_ event: DomainEvent, on day: Int32, origin: String?) throws -> StoreEvent {
        if let readsBack = event.readsBackFromJournal, let data = event.journalData(origin: origin) {
            guard readsBack else { throw unstorable(event) }
            return StoreEvent(on: day, type: event.type.name, encoded: data)
        }
        var stored = event.storeEvent(on: day)
        try checkStorable(event, stored)
        if let origin { stored.payload.append((StoreEvent.originKey, .string(origin))) }
        return stored
    }

    func checkStorable(_ event: DomainEvent, _ stored: StoreEvent) throws {
        if let back = DomainEvent(stored), back == event { return }
        throw unstorable(event)
    }

    private func unstorable(_ event: DomainEvent) -> Diagnostic {
        Diagnostic(.runtime, "R117", "this change cannot be stored: " + Self.unstorableValue(in: event),
                   file: executing?.file, range: executing?.range,
                   help: "dates must lie between 0001-01-01 and 9999-12-31, and numbers must be finite")
    }

    /// Names the first value of `event` that would not survive the journal's round trip.
    static func unstorableValue(in event: DomainEvent) -> String {
        func describe(_ fields: [DomainEvent.FieldValue]) -> String? {
            for f in fields { if let why = problem(f.value) { return "\(f.name) \(why)" } }
            return nil
        }
        switch event {
        case .dealCreated(_, _, _, let fields), .fieldsSet(_, let fields), .leadCreated(_, let fields), .leadUpdated(_, let fields):
            if let d = describe(fields) { return d }
        case .taskCreated(let t):
            if let due = t.due, !Calendar.isStorable(due) { return "task \"\(t.title)\" would be due on \(Calendar.format(due)), outside 0001-01-01 to 9999-12-31" }
        default:
            break
        }
        return "one of its values does not read back as it was written"
    }

    private static func problem(_ v: Value) -> String? {
        switch v {
        case .date(let d) where !Calendar.isStorable(d):
            return "would be \(Calendar.format(d)), outside 0001-01-01 to 9999-12-31"
        case .number(let n) where !n.isFinite:
            return "is not a finite number"
        case .money(let m) where m.storableCents == nil:
            return "would be \(m.plain), outside ±999,999,999,999,999.99"
        case .list(let xs):
            return xs.lazy.compactMap(problem).first
        default:
            return nil
        }
    }
}
