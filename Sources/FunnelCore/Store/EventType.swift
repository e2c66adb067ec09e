/// Every kind of journal event, declared once: its name in the journal (`StoreEvent.type`)
/// and what kind of change it is. The codec (Model/DomainEvent.swift and its extensions)
/// writes and reads these names, the verifier reads which events take others back, and the
/// shell reads which ones a snapshot cannot resume from. It lives beside `StoreEvent`, the
/// journal form, rather than beside `DomainEvent`, because the store's verifier reads it and
/// the store comes before the model.
public enum EventType: String, CaseIterable, Sendable {
    case declare, deal, set, move, win, lose, reopen, snapshot, close
    case `import`
    case task, taskDone = "task-done", notify, ack
    case lead, leadSet = "lead-set", qualify, disqualify, convert
    case deleteDeal = "delete-deal", restoreDeal = "restore-deal", undo, renameStage = "rename-stage"
    case tasksClosed = "tasks-closed"
    case person, quota, forecastSubmit = "forecast-submit", deliveryCommand = "delivery-command", delivered

    /// The type of a journal event; nil for a name funnel does not write.
    public init?(of event: StoreEvent) { self.init(rawValue: event.type) }

    /// The name written in the journal's `type` key.
    public var name: String { rawValue }

    /// What the event is about, which decides how a reader that resumes from a snapshot or
    /// reports on a journal treats it.
    public enum Family: Sendable {
        /// Declarations: dated the day they ran, not the day of any deal.
        case declaration
        /// Changes to deals, their stages and fields, imports and snapshot verdicts.
        case deal
        /// Tasks, notifications and leads.
        case automation
        /// Deletions, restores and undos: they take earlier events back.
        case erasure
        /// A rename of a stage and tasks closed with their deal.
        case history
        /// People, quotas, submitted forecasts and deliveries.
        case people
    }

    public var family: Family {
        switch self {
        case .declare: return .declaration
        case .deal, .set, .move, .win, .lose, .reopen, .snapshot, .close, .import: return .deal
        case .task, .taskDone, .notify, .ack, .lead, .leadSet, .qualify, .disqualify, .convert: return .automation
        case .deleteDeal, .restoreDeal, .undo: return .erasure
        case .renameStage, .tasksClosed: return .history
        case .person, .quota, .forecastSubmit, .deliveryCommand, .delivered: return .people
        }
    }

    /// Takes earlier events back (a deletion, a restore, an undo): a snapshot holds no
    /// erasures, so a reader that meets one replays the whole journal, and verify lists it.
    public var erases: Bool { family == .erasure }

    /// People, quotas, submissions and deliveries, which the snapshot does not hold.
    public var isPeople: Bool { family == .people }

    /// Whether the event dates a change to the funnel's data: everything but a declaration,
    /// which is dated the day it ran (a backfill with --today declares today and dates its
    /// deals earlier).
    public var datesAChange: Bool { family != .declaration }

    /// Whether a reader that resumed from a snapshot must replay the whole journal instead
    /// when this event follows it.
    public var needsWholeReplay: Bool { erases || isPeople }

    /// The kept-summary words for one and for many of this event (`3 deals created`), or nil
    /// where the summary names the type itself.
    public var summaryWords: (one: String, many: String)? {
        switch self {
        case .declare: return ("declaration", "declarations")
        case .deal: return ("deal created", "deals created")
        case .set: return ("update", "updates")
        case .move: return ("move", "moves")
        case .win: return ("deal won", "deals won")
        case .lose: return ("deal lost", "deals lost")
        case .reopen: return ("deal reopened", "deals reopened")
        case .import: return ("import", "imports")
        case .close: return ("deal closed", "deals closed")
        case .snapshot: return ("snapshot verdict", "snapshot verdicts")
        default: return nil
        }
    }
}

extension StoreEvent {
    /// The event's type from the registry; nil for a name funnel does not write.
    public var eventType: EventType? { EventType(rawValue: type) }

    public init(seq: Int64 = 0, on: Int32, type: EventType, payload: [(String, JSONValue)]) {
        self.init(seq: seq, on: on, type: type.name, payload: payload)
    }
}
