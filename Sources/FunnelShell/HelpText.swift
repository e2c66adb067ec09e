import FunnelCore

/// The text of `.help`. It is the one source of the reference: docs/help.md is generated
/// from it (scripts/gen-docs), and a test keeps the two equal.
public enum HelpText {
    public static let topics = ["statements", "queries", "metrics", "commands"]

    public static func topic(_ name: String?) -> String? {
        switch name?.lowercased() {
        case nil: return overview
        case "statements"?, "statement"?: return statements + "\n" + peopleStatements
        case "queries"?, "query"?: return queries
        case "metrics"?, "metric"?: return metrics + "\n" + managerMetrics
        case "commands"?, "dot-commands"?, "dot"?: return commands
        case "all"?: return [overview, statements + "\n" + peopleStatements, queries, metrics + "\n" + managerMetrics, commands].joined(separator: "\n\n")
        default: return nil
        }
    }

    static let overview = """
    funnel — a small language for sales-opportunity funnels.
    A statement ends at a new line or ';' and continues while a bracket is open, a line ends
    with an operator, a comma or a word that needs more, or the next line starts with a
    clause (where, by, order, limit, during, as of, show, to). Comments start with --.

    .help statements   declaring fields and funnels, recording deals, automation, leads
    .help queries      deals, count, sum, pipeline, forecast, the reports, their clauses
    .help metrics      what every figure means
    .help commands     session commands (.format, .read, .open, ...)
    """

    static let statements = """
    Declarations (re-running one with the same name replaces it):
      field NAME text|number|money|percent|date|bool [one of ("A", "B")] [required]
      funnel NAME [like OTHER] {
        stage NAME probability 10% [stale after 14 days] [category pipeline|best_case|commit] {
          task "..." [for ROLE] [due 3 days]
          exit when CONDITION          -- the gate a deal must pass to move forward
          on enter task "..." [for ROLE] [due 3 days]
          on enter notify ROLE "message with {field}"
        }
        won "Closed Won"               -- any number of won and lost stages; the first of
        lost "Closed Lost"             -- each is where win and lose go by default
        lost Abandoned
      }
      currency USD [rates TABLE.COLUMN] -- report money in USD; rates: units per USD
      currency USD rates T.Rate for IsoCode from StartDate [until NextStartDate]  -- dated rates
      rule NAME on enter|exit STAGE [in FUNNEL] [where CONDITION] do ACTION
      rule NAME when CONDITION do ACTION     -- checked by `check rules`
      leads qualify when CONDITION           -- the lead qualification gate (one, replaced)
    Actions: task "..." [for ROLE] [due DURATION] | notify ROLE "message". {field} in a
    message, a task title or a role is replaced by the deal's value, written plainly
    ({amount} → 120000, {probability} → 25%, {close_date} → 2026-04-30, empty → nothing).

    Deals (every one accepts: on DATE — when the change took effect, default today):
      deal "D-1" [in FUNNEL] { name: "Acme", amount: 120k, owner: "li.wei", stage: Discovery }
      set deal "D-1" budget_confirmed = true, amount = 150k
      move deal "D-1" to Proposal [force because "reason"]
      win deal "D-1" [as STAGE]
      lose deal "D-1" [as STAGE] [because "price"]
      reopen deal "D-1" [to STAGE]
      why deal "D-1" to Negotiation   -- every gate on the way and whether it holds

    Import and export (see docs/import.md):
      import table NAME from "file.csv" key COLUMN      -- then NAME[KEY].COLUMN anywhere
      import deals from "file.csv" into FUNNEL [as snapshot] [OPTIONS] (
        id = COLUMN, stage = COLUMN, amount = COLUMN, owner = "Column With Spaces",
        team = teams[sales_agent].manager, amount = coalesce(close_value, 0),
        created = COLUMN, closed = COLUMN, entered STAGE = COLUMN, FIELD = EXPR, ...)
      import history from "file.csv" [OPTIONS] (deal = COLUMN, stage = COLUMN, at = COLUMN [, forced = COLUMN])
      import history from "file.csv" [OPTIONS] (deal = COLUMN, at = COLUMN, field = COLUMN, old = COLUMN,
        new = COLUMN) fields ("StageName" = stage, "CloseDate" = close_date, ...)
                                      -- one row per change (Salesforce's OpportunityFieldHistory)
      export deals|history|leads|tasks|notifications [where C] [show E, ...] to "file.csv"
    Options: skip errors, without rules, delimiter ";" (or "\t"), decimal ",",
    date format "MM/dd/yyyy", encoding "gbk" (utf-16, gb18030, windows-1252, latin-1),
    where EXPR (rows to import), stages ("Closed Won" = Won, ...), on DATE (the export's day).
    as snapshot: open deals of the funnel missing from the file become removed on that day;
    removed deals in the file come back.
    In a mapping a bare name or a string alone is a column of the file; in an expression,
    column("Any Header") is one, "text" is text. Functions for mappings: coalesce if lower
    upper trim text number(text) date(text[, "dd.MM.yyyy"]). A row that cannot be imported
    is reported as file:line: column: reason and nothing from the file is kept, unless
    skip errors keeps the other rows. Importing a known id updates the deal and appends a
    changed stage to its history. export deals without show writes every stored field;
    a .csv file gets CRLF lines and, with non-ASCII text, a UTF-8 BOM for Excel
    (`to "x.csv" bom` always writes the BOM, `no bom` never); a run that fails writes no file.

    Taking mistakes back (the journal is never edited; docs/language.md):
      delete deal "D-1" because "entered twice"   -- in no report on any day; the id is free
      restore deal "D-1"              -- the most recent deletion (refused while the id is taken)
      undo                            -- REPL: take back this session's last entry, after asking
      funnel undo --last-run [--yes]  -- the command line: the last run on the store
    Redeclaring: a funnel declared again without a stage that holds open deals is refused
    unless the run then says where they go (written after the declaration):
      rename stage Trial to Evaluation [in FUNNEL]          -- same stage, new name
      move deals from Demo to Evaluation [in FUNNEL] [on DATE]  -- forced moves, with why
    A field declared again with another type is refused while a stored value does not
    convert; values that convert are converted and recorded. funnel check says both first.

    Rules of moves: a forward move needs the exit criteria of every stage it leaves or
    skips; `force because "reason"` overrides them and is recorded (the reason cannot be
    empty); moving back needs none; win and lose close a deal from any open stage. A
    change cannot take effect before the deal's last stage change. A deal with no `in FUNNEL` goes to the only funnel there is.

    Field types: money and number take 120000, 120_000, 120k, 1.2m; money is exact to the
    cent (1234.56; more digits round half away from zero) up to 999999999999999.99, and
    money figures add up exactly; percent takes 25%; dates are 2026-03-14; booleans true/false, 是/否, 对/错, 有/无. Built-in fields: id name
    funnel stage status amount probability category currency owner team source product
    account created close_date closed lost_reason, and the
    derived days_in_stage age stale weighted; lead is the lead a converted deal came from.

    Automation (docs/automation.md):
      a stage's task items become tasks for each deal entering it (due = entry day + due);
      on every stage change — a statement, a script or an import — the left stage's on exit
      actions and on exit rules run, then the entered stage's tasks, on enter actions and
      on enter rules; a rule's where sees the deal after the change.
      exit when tasks done ...        -- the current stage's tasks (task items and on enter
                                         tasks of this visit) must all be done
      tasks [where ...]               -- id deal stage title for due status overdue
      done task 17 | done task "title" for deal "D-1"   [on DATE]
      notifications [where ...]       -- id at for deal rule message status
      ack notification 3 | ack notifications [where deal = "D-1"]   [on DATE]
      check rules                     -- time-based rules against today, for every deal
                                         open today, as it stood today (a backfill with
                                         --today D sees day D); a rule fires once per
                                         deal per stage visit (cron: funnel -c 'check rules')
      a deal won or lost closes its open tasks (status closed), on the day it closed
      show rules | check              -- the rules; the design warnings of the store

    Leads (status new, qualified, disqualified, converted):
      lead "L-1" { company: "Globex", source: "Webinar", budget: true } [on DATE]
                                      -- an existing id updates the fields given
      qualify lead "L-1" | disqualify lead "L-1" because "no budget"
      convert lead "L-1" to deal "D-9" [in FUNNEL]
                                      -- the deal gets lead, source, account (= company)
                                         and the lead fields named like deal fields
      import leads from "leads.csv" [(id = lead_id, company = Company, ...)] [skip errors]
      qualify and convert need the lead gate to hold; a refusal names each unmet criterion.
    """

    /// The queries' usages come from `QuerySpec.all`, so help lists exactly what parses.
    static var queries: String {
        "Queries — a verb, then clauses in any order, each at most once:\n"
            + QuerySpec.all.map { "  " + $0.usage + "\n" }.joined()
            + queryNotes
    }

    static let queryNotes = """
      show funnel NAME | show funnels | show fields | show tables | show rules
      chart funnel [F] [where C] [during W] [as of D] [by amount]
                                      one centred bar per stage, as wide as the deals
                                      (or amount) that reached it; reached, amount,
                                      next_rate; marked: the lowest next_rate of the
                                      stages that lost a deal (open deals have not dropped)
      chart QUERY [show COLUMN]       the query's figures as bars: forecast stacked
                                      (closed, commit, best case, the rest), conversion
                                      as the share reached, time in stage avg and median,
                                      by DATE.week|month|quarter a trend, empty periods kept
      chart changes since D | during W [by ...] [show deals]
                                      the pipeline waterfall: opening and closing bars,
                                      each movement a step up (in) or down (out) from the
                                      running total, with its deals and amount; by amount
                                      unless show deals; movements with no deal left out
      chart ... to "file.svg"         the chart as a standalone SVG file
      report [F] [where C] [during W] [as of D] to "pipeline.html"
                                      one HTML file: funnel, forecast by team, conversion,
                                      time in stage, bottlenecks, pipeline changes (the
                                      waterfall of W; without during, of the quarter so
                                      far), stale deals
      Charts fit COLUMNS (else the terminal, else 80); --charset ascii|unicode
    Tasks, notifications and leads: during keeps tasks due, notifications made, leads
    created in W; status = open/done/new/acked/...
    Clauses:
      where C        filters deals; a condition naming a result column (weighted, deals,
                     commit, ...) filters groups after grouping; amount always means the
                     deal's amount
      by E, ...      fields, or date buckets FIELD.week|month|quarter|year (at most 4)
      order by       result columns for grouped queries, any expression for deals
      show E, ...    columns of deals; in a grouped query, which result columns to keep
      during W       2026-Q1, 2026-03, 2026, a date, A to B (from the start of A up to the
                     start of B), this|last|next week|month|quarter|year, last 90 days
                     (ending today, today included)
      as of DATE     the query on the store as it stood at the end of DATE, with
                     today = DATE (any query: pipeline as of 2026-02-28)
      to "file.csv"  write the result to a file (.csv .tsv .json .md .txt)
    Reports with a row per stage (conversion, time in stage, calibration, bottlenecks)
    put the by groups first, then stage; `by stage` is their default. Rates show as
    percentages in tables and fractions in JSON; see .help metrics for each figure.
    Stage comparisons use each deal's own funnel: open stages in order, then won; a lost
    deal is neither before nor after any stage: stage >= Proposal, stage in (A, B).
    = and ordering comparisons with an empty value are false and != is true ("not East"
    includes deals with no team); test for empty with `is empty` / `is not empty`.
    Conditions: = != < <= > >= and or not, is [not] empty, [not] in (...), + - * /,
    functions coalesce if lower upper trim number date text round abs.
    """

    static let metrics = """
    count deals      deals: every deal the where keeps, open or closed (during: created in it)
    sum/avg/min/max  over the deals kept, ignoring empty values
    pipeline         open deals per group (default by stage, with a total row):
                     deals, amount, weighted = Σ amount × probability; during keeps open
                     deals whose close_date falls in the window
    forecast         open deals whose close_date falls in the window (all open deals with
                     no window), plus deals won in the window (all won deals with no window):
                     deals, amount, weighted, commit (amount in commit stages), best_case
                     (commit plus best_case stages), closed (amount won), forecast = closed
                     + weighted
    probability      the deal's own probability if set, else its stage's; won counts 100%,
                     lost 0%
    days_in_stage    today − the day the deal entered its current stage
    age              today − created
    stale            an open deal whose days_in_stage exceeds its stage's `stale after`
    Totals are computed from the rows shown; ratios are never summed. A division by
    zero, or a figure over no deals, is empty (-).

    Positions: a funnel's open stages are 1..n in order, won is n+1, lost has none. A
    deal's furthest position is the highest it ever held; stages it skipped count as
    passed, and moving back does not lower it. With several funnels, rows are stage
    names in funnel order and each deal is placed by its own funnel.
    conversion       cohort: deals created in the window (default all). Per open stage,
                     then won: reached = deals whose furthest position >= the stage's;
                     next_rate = reached(next) / reached(this), none on the won row;
                     cumulative_rate = reached(this) / reached(first); lost = deals now
                     lost whose stage before losing was this one; open = deals now open
                     in this stage. Layout: by groups, stage, the figures.
    win rate         deals now won or lost whose closed date is in the window (default
                     all): won, lost, win_rate = won / (won + lost), won_amount = sum of
                     the won amounts. A reopened deal counts by its status now.
    time in stage    per open stage: exits = deals that entered it and later left it;
                     avg_days, median_days over those deals of the total days each spent
                     in it (every finished visit of a deal that came back; the median of
                     an even count is the mean of the two middle values); current = open
                     deals now in it; current_avg_days = their mean days_in_stage. With a
                     window, only visits that ended in it count.
    cycle            won deals closed in the window: won, avg_days and median_days of
                     closed - created.
    velocity         open_deals (open now) x avg_won_amount x win_rate / avg_cycle_days,
                     the last three from deals closed in the window (avg_won_amount over
                     won deals with an amount); money per day, empty if a factor is or
                     avg_cycle_days is 0.
    stale (report)   open stale deals now, longest stuck first: id, name, owner, stage,
                     days_in_stage, limit_days (the stage's stale after, in days).
    calibration      per open stage: stated = the stage's probability (a deal's own
                     probability plays no part); observed = won / (won + lost) among
                     deals now closed (in the window) whose furthest position reached
                     the stage; closed = how many; gap = observed - stated.
    bottlenecks      open stages, lowest next_rate first (as in conversion), ties by the
                     highest avg_days (as in time in stage), empty figures last: stage,
                     next_rate, avg_days, stale_deals, stale_ids (longest stuck first).
    history of deal  one row per change, oldest first: at (its date), field (stage or
                     the field), old, new, days_in_previous (stage rows: days since the
                     stage change before), forced_reason, recorded_by (script:line or
                     import FILE); `fields F, ...` keeps those fields' rows. Without
                     fields, a restored deal's deletion (new: the reason) and restore
                     are rows too, and each undo of its changes (old: what it took back).
    deals changed    since D (D to today) / during W: the rows of history of deal, for
                     every deal the where keeps (its fields at the end of the period),
                     dated in the period, in date order: at, id, field, old, new,
                     recorded_by. A deleted deal's changes are not listed.
    changes          the pipeline waterfall of a period (since D: D to today; during W:
                     W, which then also limits close dates): per group, movement rows
                     opening, created, moved_in (from an earlier stage), moved_back_in
                     (from a later one), pulled_in (close date moved into W), changed_in,
                     increased, decreased (amount), moved_on, moved_back, pushed_out
                     (close date moved out of W), changed_out, won, lost, closing; each
                     with deals and amount, signed, so opening + the movements = closing.
                     The pipeline = open deals the where keeps (and close_date in W) on a
                     day; opening on the day before the period, closing on its last day.
                     Each deal counts once, in the first movement that explains it; a
                     deal created and closed in the period counts in created and won/lost.
                     increased/decreased count deals that stay, so their deals do not
                     move the count.
    as of D          every query on the events effective on or before D, today = D:
                     stages, fields, amounts, close dates, owners as they were on D.
    conversion of leads  leads created in the window (default all) that the where keeps:
                     leads, converted, rate = converted / leads, avg_days_to_deal =
                     average days from the lead's date to its conversion (converted only)
    overdue          an open task whose due date is before today
    """

    /// From `DotCommand.specs`, the list the parser and completion use too.
    static let commands: String = DotCommand.specs.map { spec in
        spec.usage + String(repeating: " ", count: max(1, 27 - spec.usage.count)) + spec.summary
    }.joined(separator: "\n")
}
