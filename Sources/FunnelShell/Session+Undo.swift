import FunnelCore

/// `undo` in the REPL and `funnel undo --last-run`: both record an undo event that takes a
/// run back (Model/Erasure.swift); neither edits the journal. Each shows what it will take
/// back and asks first, and refuses when another writer committed a run after the one to
/// take back, naming that run: undoing under someone else's later work could pull facts
/// from under it.
extension Session {
    /// Whether an answer to "(y/N)" says yes.
    public static func isYes(_ answer: String) -> Bool {
        ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The REPL's `undo`: takes back this session's last entry that is not undone yet.
    func undo(_ statements: [CheckedStatement], file: SourceFile) -> Int32 {
        guard statements.count == 1, let confirm else {
            let s = statements.first(where: { $0.statement.kind == .undo }) ?? statements[0]
            report([Diagnostic(.syntax, "E431", confirm == nil ? "undo takes back an entry of the REPL and is typed there on its own; nothing ran"
                                    : "undo is an entry of its own; this one has \(statements.count) statements, and none of them ran",
                               file: file, range: s.statement.range,
                               help: "to take back the last run on a store: funnel undo --last-run")])
            return ExitStatus.syntax
        }
        do {
            try refresh()
            guard let target = undoable.last else {
                throw Diagnostic(.runtime, "R654", ownRuns.isEmpty ? "nothing to undo: this session has not committed anything yet"
                                    : "nothing to undo: everything this session committed is undone already", file: file,
                                 range: statements[0].statement.range)
            }
            try refuseForeignRun(after: target, file: file, range: statements[0].statement.range)
            guard confirm(describe(target, as: "this session's last entry")) else {
                writeLine("nothing was undone")
                return ExitStatus.success
            }
            return try store.withWriterLock {
                try refresh()
                try refuseForeignRun(after: target, file: file, range: statements[0].statement.range)
                try interpreter.recordUndo(first: target.lowerBound, last: target.upperBound,
                                           origin: "\(file.name):\(file.line(of: statements[0].statement.range.start))")
                try commitPending()
                undoable.removeAll { $0 == target }
                writeLine("undone: \(Self.events(target)) taken back")
                return ExitStatus.success
            }
        } catch let d as Diagnostic {
            report([d])
            interpreter.reset(to: committed)
            return d.exitCode
        } catch {
            report([Diagnostic(.io, "S000", "\(error)")])
            return ExitStatus.io
        }
    }

    /// `funnel undo --last-run`: takes back the last run committed on the store, whoever
    /// committed it, unless that run is itself an undo (undo does not redo).
    public func undoLastRun() -> Int32 {
        do {
            try refresh()
            let (target, events) = try lastRun()
            if events.count == 1, case .undone(let first, let last)? = DomainEvent(events[0]) {
                throw Diagnostic(.runtime, "R656", "the last run on \(store.location) is itself an undo (event \(target.lowerBound), which took back \(Self.events(first...last)))",
                                 help: "funnel undo does not redo; to keep what it took back, run its statements again")
            }
            guard let confirm, confirm(describe(target, as: "the last run on \(store.location)")) else {
                writeLine("nothing was undone")
                return ExitStatus.success
            }
            return try store.withWriterLock {
                try refresh()
                let (now, _) = try lastRun()
                if now != target {
                    throw Diagnostic(.runtime, "R655", "another writer committed \(Self.events(now)) while you were asked: \(summary(of: now)); nothing was undone",
                                     help: "run funnel undo --last-run again to see what the last run is now")
                }
                try interpreter.recordUndo(first: target.lowerBound, last: target.upperBound, origin: "funnel undo --last-run")
                try commitPending()
                writeLine("undone: \(Self.events(target)) taken back")
                return ExitStatus.success
            }
        } catch let d as Diagnostic {
            report([d])
            interpreter.reset(to: committed)
            return d.exitCode
        } catch {
            report([Diagnostic(.io, "S000", "\(error)")])
            return ExitStatus.io
        }
    }

    /// The last committed run: its journal positions and events.
    func lastRun() throws -> (ClosedRange<Int64>, [StoreEvent]) {
        guard let run = try store.readRuns().last, let first = run.first?.seq, let last = run.last?.seq else {
            throw Diagnostic(.runtime, "R654", "nothing to undo: \(store.location) has no runs")
        }
        return (first...last, run)
    }

    /// Refuses when the store has events after `target` that this session did not commit.
    func refuseForeignRun(after target: ClosedRange<Int64>, file: SourceFile, range: SourceRange) throws {
        var seq = target.upperBound + 1
        while seq <= committed.lastSeq {
            if let own = ownRuns.first(where: { $0.contains(seq) }) { seq = own.upperBound + 1; continue }
            var end = seq
            while end < committed.lastSeq, !ownRuns.contains(where: { $0.contains(end + 1) }) { end += 1 }
            throw Diagnostic(.runtime, "R655", "cannot undo \(Self.events(target)): another writer committed \(Self.events(seq...end)) after it (\(summary(of: seq...end)))",
                             file: file, range: range,
                             help: "undo never takes back under someone else's later work; change what is wrong with new statements instead")
        }
    }

    /// "events 4 to 6" / "event 4".
    static func events(_ r: ClosedRange<Int64>) -> String {
        r.lowerBound == r.upperBound ? "event \(r.lowerBound)" : "events \(r.lowerBound) to \(r.upperBound)"
    }

    /// The first few events of a run, in words.
    func summary(of r: ClosedRange<Int64>) -> String {
        let events = committed.loggedEvents(first: r.lowerBound, last: r.upperBound)
        let shown = events.prefix(3).map(\.event.summary)
        return shown.joined(separator: "; ") + (events.count > shown.count ? "; and \(events.count - shown.count) more" : "")
    }

    /// The question undo asks: what the run did, one line an event (the first 20).
    func describe(_ r: ClosedRange<Int64>, as what: String) -> String {
        let events = committed.loggedEvents(first: r.lowerBound, last: r.upperBound)
        var lines = ["undo takes back \(what), \(Self.events(r)):"]
        lines += events.prefix(20).map { "  \(Calendar.format($0.day))  \($0.event.summary)" }
        if events.count > 20 { lines.append("  … and \(events.count - 20) more") }
        return lines.joined(separator: "\n")
    }

    /// A store read from its start whose journal deletes or undoes: replayed once, with
    /// what it takes back left out. False when the events are for the ordinary path.
    func loadErasingJournal(_ events: [StoreEvent]) throws -> Bool {
        guard committed.log.isEmpty, committed.lastSeq == 0,
              events.contains(where: { $0.eventType?.erases ?? false }) else { return false }
        var logged: [FunnelState.LoggedEvent] = []
        logged.reserveCapacity(events.count)
        for e in events {
            guard let event = DomainEvent(e) else {
                throw Diagnostic(.io, "S011", "\(store.location): event \(e.seq) (\(e.type)) is not a funnel event",
                                 help: "run `funnel verify`; the journal may have been edited by hand")
            }
            logged.append(FunnelState.LoggedEvent(event, on: e.on, origin: e.origin))
            if e.eventType?.datesAChange ?? true { latestChange = max(latestChange, e.on) }
        }
        do {
            try committed.replayJournal(logged)
        } catch let d as Diagnostic {
            throw Diagnostic(.io, "S012", "\(store.location): the journal cannot be replayed: \(d.message)",
                             help: "run `funnel verify`; the journal may have been edited by hand")
        }
        committed.lastSeq = events.last?.seq ?? 0
        return true
    }
}
