/// How one imported row's dates become a deal's stage history (docs/import.md, "Stage
/// history"). Exports carry a current stage and some dates — a created date, a close date,
/// HubSpot's "Date entered <stage>" columns — and the history is rebuilt from them:
///
/// - The current stage was entered on: for a won or lost deal its `closed` date, else its own
///   `entered` date; for an open deal its own `entered` date; failing those, the latest other
///   date of the row; failing that, the day of the import.
/// - Every other `entered` date is an earlier change, in date order (same day: funnel order).
///   One after the current stage's date contradicts the row and is a row problem; so is a
///   date for the won or lost stage on a deal that is in another stage.
/// - A won or lost deal's closed date is its `closed` cell; an empty one means the deal has no
///   closed date (docs/metrics.md), and then its won or lost stage was entered on its own
///   `entered` date, the latest other date or the import's day. Without a `closed` mapping
///   the closed date is the day it entered that stage. A closed date before `created` is a
///   row problem.
/// - `created` defaults to the first change. A deal created before its first recorded stage,
///   when that stage is not the funnel's first, starts in the first open stage on `created`.
enum ImportHistoryRules {
    struct Entered {
        var stage: Int
        var day: Int32
        var label: String
    }

    struct Dates {
        var created: Int32?
        var createdLabel = "created"
        var closed: Int32?
        var closedLabel = "closed"
        /// `closed` is mapped, so an empty cell means no closed date.
        var closedMapped = false
        var entered: [Entered] = []
    }

    /// A stage (index in the funnel's stages) entered on a day.
    struct Stop: Equatable {
        var stage: Int
        var day: Int32
    }

    /// A new deal's history into `entries` (cleared first, so one buffer serves every row
    /// of a file), and its created and closed days.
    static func newDeal(stage c: Int, funnel: FunnelDef, dates: Dates, today: Int32,
                        into entries: inout [Stop]) throws(RowProblem) -> (created: Int32, closed: Int32?) {
        while !entries.isEmpty { entries.removeLast() }
        let kind = funnel.stages[c].kind
        var own: Int32?
        var latestOther = dates.created
        for e in dates.entered {
            if e.stage == c { own = e.day } else if latestOther.map({ e.day > $0 }) ?? true { latestOther = e.day }
        }
        let current: Int32
        if kind == .open { current = own ?? latestOther ?? today } else { current = dates.closed ?? own ?? latestOther ?? today }
        if kind != .open { try checkClosedAfterCreated(dates) }
        try earlier(dates.entered, after: nil, before: current, current: c, funnel: funnel, into: &entries)
        entries.append(Stop(stage: c, day: current))
        let first = entries[0]
        var created = first.day
        if let given = dates.created {
            if given > first.day {
                throw RowProblem(dates.createdLabel, "\(Calendar.format(given)) is after the deal entered \(funnel.stages[first.stage].name) on \(Calendar.format(first.day))")
            }
            if given < first.day, first.stage != 0 { entries.insert(Stop(stage: 0, day: given), at: 0) }
            created = given
        }
        return (created, kind == .open || (dates.closedMapped && dates.closed == nil) ? nil : current)
    }

    /// The reason a row's closed date before its created date is refused; the importer adds
    /// the row's other dates as alternatives.
    static func checkClosedAfterCreated(_ dates: Dates) throws(RowProblem) {
        guard let closed = dates.closed, let created = dates.created, closed < created else { return }
        throw RowProblem(dates.closedLabel, "closed \(Calendar.format(closed)) (column \(dates.closedLabel)) is before created \(Calendar.format(created)) (column \(dates.createdLabel))")
    }

    /// The changes that bring an existing deal, in `from` since `lastChange`, to stage `c`,
    /// into `entries`: none when it is already there. `from` is nil when its stage is no
    /// longer in the funnel.
    static func update(from: Int?, lastChange: Int32, to c: Int, funnel: FunnelDef, dates: Dates, stageLabel: String,
                       today: Int32, into entries: inout [Stop]) throws(RowProblem) {
        while !entries.isEmpty { entries.removeLast() }
        if from == c { return }
        let kind = funnel.stages[c].kind
        let own = dates.entered.first { $0.stage == c }?.day
        let current = (kind == .open ? own : dates.closed ?? own) ?? today
        if kind != .open { try checkClosedAfterCreated(dates) }
        if current < lastChange {
            throw RowProblem(stageLabel, "the deal last changed stage on \(Calendar.format(lastChange)); the file moves it to \(funnel.stages[c].name) on \(Calendar.format(current))")
        }
        try earlier(dates.entered, after: lastChange, before: current, current: c, funnel: funnel, into: &entries)
        entries.append(Stop(stage: c, day: current))
        // A change to the stage the deal is already in is no change.
        var kept = 0
        var at = from
        for e in entries where e.stage != at {
            entries[kept] = e
            kept += 1
            at = e.stage
        }
        entries.removeLast(entries.count - kept)
    }

    /// The `entered` dates of other stages than `c` (only those after `after`), in date
    /// order, same day in funnel order. One after the current stage's date is a problem.
    static func earlier(_ entered: [Entered], after: Int32?, before current: Int32, current c: Int, funnel: FunnelDef,
                        into entries: inout [Stop]) throws(RowProblem) {
        for e in entered where e.stage != c {
            // A deal enters its won or lost stage only by closing; a date for it on a deal in
            // another stage would record a win or loss that never happened.
            if funnel.stages[e.stage].kind != .open {
                throw RowProblem(e.label, "the deal is in \(funnel.stages[c].name), so it cannot have entered \(funnel.stages[e.stage].name) on \(Calendar.format(e.day))")
            }
            if e.day > current {
                throw RowProblem(e.label, "\(Calendar.format(e.day)) is after the deal entered its current stage \(funnel.stages[c].name) on \(Calendar.format(current))")
            }
            if let after, e.day <= after { continue }
            // Insertion sort: a row has a handful of dates at most.
            var i = entries.count
            entries.append(Stop(stage: e.stage, day: e.day))
            while i > 0, entries[i - 1].day > e.day || (entries[i - 1].day == e.day && entries[i - 1].stage > e.stage) {
                entries.swapAt(i - 1, i)
                i -= 1
            }
        }
    }
}
