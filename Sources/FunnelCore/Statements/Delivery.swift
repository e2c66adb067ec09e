/// Runs the store's delivery command once per new notification and recipient. The core
/// starts no programs: the host hands it a courier (FunnelShell's runs `/bin/sh -c`).
public protocol NotificationCourier {
    /// Runs `command` with `input` on its standard input; stops it after `timeoutSeconds`
    /// or once it has printed more than `outputLimit` bytes.
    func run(command: String, input: [UInt8], timeoutSeconds: Int, outputLimit: Int) -> CourierOutcome
}

public enum CourierOutcome: Sendable, Equatable {
    case delivered
    /// Exited with a status other than 0 (or was killed by a signal, as 128 + the signal).
    case failed(status: Int32, stderr: String)
    case timedOut(seconds: Int, stderr: String)
    case tooMuchOutput(limit: Int)
    case cannotStart(String)
}

extension Interpreter {
    /// Standard output and error together, per run: a program printing more is stopped.
    public static let deliveryOutputLimit = 1_048_576

    /// One delivery to make: a notification and one of the people it is for.
    struct DeliveryJob {
        let notification: Int
        let row: Int
        let recipient: Person
    }

    /// `deliver notifications` (and the end of `check rules` when a command is declared):
    /// every new notification, to every person its role names, that has not been delivered
    /// to them. A run that exits 0 is marked delivered and committed at once; the others
    /// are retried next time and reported with what the program wrote on stderr.
    func deliverNotifications(file: SourceFile, range: SourceRange?) throws -> StatementOutput {
        guard let command = state.people.delivery else {
            throw Diagnostic(.runtime, "R784", "no delivery command is declared for this store", file: file, range: range,
                             help: "declare one once: deliver notifications via command \"/usr/sbin/sendmail -t\"")
        }
        guard let courier else {
            throw Diagnostic(.runtime, "R791", "notifications cannot be delivered from here: no program runner", file: file, range: range)
        }
        let (jobs, unaddressed) = deliveryJobs()
        // What came before (the notifications `check rules` just made) is kept whatever happens next.
        if !jobs.isEmpty { try commitNow?() }
        var failures: [String] = []
        var delivered = 0
        for job in jobs {
            let document = deliveryDocument(job)
            let outcome = courier.run(command: command.command, input: Array(JSONCoding.encode(document).utf8) + [10],
                                      timeoutSeconds: command.timeoutSeconds, outputLimit: Self.deliveryOutputLimit)
            guard outcome == .delivered else {
                failures.append("notification \(job.notification) to \(job.recipient.id): " + Self.describe(outcome))
                continue
            }
            try record(.people(.delivered(DeliveryKey(notification: job.notification, recipient: job.recipient.id))), on: today)
            try commitNow?()
            delivered += 1
        }
        var warnings: [Diagnostic] = []
        if let waiting = waitingWarning(unaddressed) { warnings.append(waiting) }
        let summary = "delivered \(delivered) notification\(delivered == 1 ? "" : "s")"
            + (failures.isEmpty ? "" : "; \(failures.count) failed and will be retried")
        if !failures.isEmpty {
            let failure = Diagnostic(.runtime, "R785",
                                     "the delivery command failed for \(failures.count) of \(jobs.count) notification\(jobs.count == 1 ? "" : "s"); "
                                        + "\(delivered) delivered",
                                     file: file, range: range, notes: Array(failures.prefix(20)) + (failures.count > 20 ? ["… and \(failures.count - 20) more"] : []),
                                     help: "the failed ones are retried by the next deliver notifications or check rules")
            // The delivered ones are committed already, so failing the statement loses nothing;
            // without a host that commits at once, failing would roll their marks back.
            if commitNow != nil {
                var f = failure
                f.notes += warnings.map { "also: " + $0.message }
                throw f
            }
            warnings.append(failure)
        }
        return warnings.isEmpty ? .message(summary) : .withWarnings(.message(summary), warnings)
    }

    /// R788 for the notifications no declared person answers to: one note per role, with
    /// its count. A session says it once per role, and again only when more wait on that
    /// role, however often it checks rules or delivers.
    func waitingWarning(_ unaddressed: [(id: Int, role: String)]) -> Diagnostic? {
        var roles: [String] = [], counts: [String: Int] = [:]
        for u in unaddressed {
            if counts[u.role] == nil { roles.append(u.role) }
            counts[u.role, default: 0] += 1
        }
        let news = roles.filter { counts[$0, default: 0] > reportedWaiting[$0, default: 0] }
        for r in roles { reportedWaiting[r] = max(reportedWaiting[r, default: 0], counts[r, default: 0]) }
        guard !news.isEmpty else { return nil }
        let total = unaddressed.count
        let before = total - news.reduce(0) { $0 + counts[$1, default: 0] }
        let notes = news.prefix(20).map { role -> String in
            let n = counts[role, default: 0]
            return n == 1 ? "1 notification is for '\(role)'" : "\(n) notifications are for '\(role)'"
        } + (news.count > 20 ? ["… and \(news.count - 20) more roles"] : [])
            + (before > 0 ? ["\(before) more for roles named before"] : [])
        return Diagnostic(.runtime, "R788",
                          "\(total) notification\(total == 1 ? " names" : "s name") no declared person; " + (total == 1 ? "it waits" : "they wait"),
                          notes: notes,
                          help: "notify owner, manager of owner, a team or a person declared with person \"id\" { ... }",
                          severity: .warning)
    }

    static func describe(_ o: CourierOutcome) -> String {
        func tail(_ s: String) -> String {
            // The last lines say why; one line each, at most 400 characters in all.
            let lines = s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.drop(while: { $0 == " " || $0 == "\t" }) }
                .filter { !$0.isEmpty }
            if lines.isEmpty { return "" }
            let joined = lines.joined(separator: " / ")
            return ": " + (joined.count > 400 ? "…" + joined.suffix(400) : joined)
        }
        switch o {
        case .delivered: return "delivered"
        case let .failed(status, stderr): return "exited with status \(status)" + tail(stderr)
        case let .timedOut(seconds, stderr): return "still running after \(seconds) second\(seconds == 1 ? "" : "s"), stopped" + tail(stderr)
        case .tooMuchOutput(let limit): return "printed more than \(limit) bytes, stopped"
        case .cannotStart(let why): return "could not start: \(why)"
        }
    }

    /// Every (new notification, recipient) not delivered yet, in notification order, and
    /// the notifications whose role names no declared person.
    func deliveryJobs() -> ([DeliveryJob], [(id: Int, role: String)]) {
        let n = state.notifications
        var jobs: [DeliveryJob] = []
        var unaddressed: [(id: Int, role: String)] = []
        for i in 0..<n.count where n.status[i] == .new {
            let id = Int(n.id[i]), row = Int(n.deal[i]), role = state.pool[n.role[i]]
            let people = recipients(role: role, row: row)
            if people.isEmpty { unaddressed.append((id: id, role: role)); continue }
            for p in people where !state.people.delivered.contains(DeliveryKey(notification: id, recipient: p.id)) {
                jobs.append(DeliveryJob(notification: id, row: row, recipient: p))
            }
        }
        return (jobs, unaddressed)
    }

    /// Who a notify role names today: `owner`, `manager of owner`, `team NAME`, a person's
    /// id, or a team's name (every person in it).
    func recipients(role: String, row: Int) -> [Person] {
        let people = state.people
        let owner = state.deals.owner[row] == Empty.text ? nil : state.pool[state.deals.owner[row]]
        switch role {
        case "owner":
            return owner.flatMap { people.person($0, on: today) }.map { [$0] } ?? []
        case "manager of owner":
            guard let m = owner.flatMap({ people.person($0, on: today)?.manager }) else { return [] }
            return people.person(m, on: today).map { [$0] } ?? []
        default:
            if role.hasPrefix("team ") { return people.members(of: String(role.dropFirst(5)), on: today) }
            if let p = people.person(role, on: today) { return [p] }
            return people.members(of: role, on: today)
        }
    }

    /// The JSON document the delivery command reads on stdin.
    func deliveryDocument(_ job: DeliveryJob) -> JSONValue {
        let n = state.notifications
        let i = Int(n.rowOfID[Int32(job.notification)] ?? 0)
        let d = state.deals, r = job.row
        func text(_ code: Int32) -> JSONValue { code == Empty.text ? .null : .string(state.pool[code]) }
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        return .object([
            ("notification", .number(Double(job.notification))),
            ("date", .string(Calendar.format(n.at[i]))),
            ("rule", .string(state.pool[n.rule[i]])),
            ("role", .string(state.pool[n.role[i]])),
            ("message", .string(n.message[i])),
            ("recipient", .object([("id", .string(job.recipient.id)), ("name", optional(job.recipient.name)),
                                   ("email", optional(job.recipient.email)), ("team", optional(job.recipient.team))])),
            ("deal", .object([("id", .string(d.ids[r])), ("name", text(d.name[r])), ("stage", .string(state.stageName(ofRow: r))),
                              ("owner", text(d.owner[r])), ("amount", d.money(r).map(JSONValue.money) ?? JSONValue.null)])),
        ])
    }
}
