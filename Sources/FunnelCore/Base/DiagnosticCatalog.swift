/// Every diagnostic code funnel uses, each once, with its kind and what it means. The kind
/// decides the exit code (`Diagnostic.exitCode`: syntax, name and type 65, runtime 1, io 74,
/// usage 64); a code is never reused for another meaning or kind. docs/errors.md is generated
/// from this list, and DiagnosticCatalogTests checks that every code the sources raise is here,
/// raised with the kind listed.
///
/// The letter says where a code comes from: E the language (syntax, names, types), R running
/// a statement, I imports, S the store, C the session, F script files, W design warnings.
public struct DiagnosticCode: Sendable, Equatable {
    public let code: String
    public let kind: Diagnostic.Kind
    public let meaning: String

    init(_ code: String, _ kind: Diagnostic.Kind, _ meaning: String) {
        self.code = code; self.kind = kind; self.meaning = meaning
    }
}

public enum DiagnosticCatalog {
    /// Built one statement a code, so the compiler type-checks each on its own (one array
    /// literal of 150 calls takes it minutes).
    public static let all: [DiagnosticCode] = {
        var list: [DiagnosticCode] = []
        func add(_ code: String, _ kind: Diagnostic.Kind, _ meaning: String) { list.append(DiagnosticCode(code, kind, meaning)) }
        // The session (dot-commands, .read, interrupts).
        add("C001", .usage, "a session command cannot be carried out as written (unknown help topic, .explain without one query, ...)")
        add("C002", .io, "the file a session command names cannot be written")
        add("C003", .usage, ".read is nested too deeply")
        add("C004", .runtime, "the script .read names has errors; nothing in it ran")
        add("C005", .runtime, "a statement of the script .read runs failed")
        add("C006", .runtime, "the query .explain names has errors")
        add("C007", .io, ".cd to a folder that cannot be entered")
        add("C008", .io, ".shell or .system cannot start /bin/sh")
        add("C009", .runtime, "the command .shell or .system ran exited with a failure (a warning)")
        add("C010", .runtime, "interrupted (Ctrl-C); nothing from the entry was kept")
        // The lexer.
        add("E001", .syntax, "a byte that is not UTF-8")
        add("E002", .syntax, "a character that starts no token")
        add("E003", .syntax, "a string without its closing quote")
        add("E004", .syntax, "a bad escape in a string")
        add("E005", .syntax, "a date, month or quarter that does not exist")
        add("E006", .syntax, "a malformed number")
        add("E007", .syntax, "a number too large")
        add("E008", .syntax, "a currency sign before a number ($ ¥ ￥ € £)")
        add("E009", .syntax, "a string in single quotes")
        // The parser.
        add("E100", .syntax, "input ended where a statement needed more")
        add("E101", .syntax, "something other than what the grammar expects here")
        add("E102", .syntax, "a duration that is not a whole number or is too long")
        add("E103", .syntax, "an unknown statement or query word")
        add("E104", .syntax, "a list that is not written as a list")
        add("E105", .syntax, "a probability outside 0% to 100%")
        add("E106", .syntax, "an import option with a bad value (delimiter, decimal)")
        add("E107", .syntax, "a query clause given twice")
        add("E108", .syntax, "an expression too long or nested too deeply")
        add("E109", .syntax, "a number that must be a whole number from 1")
        add("E110", .syntax, "an id with '-' that is not quoted")
        add("E111", .syntax, "an empty file name")
        add("E112", .syntax, "a file name that is not in quotes")
        add("E113", .syntax, "a number written with thousands separators (120,000)")
        add("E120", .syntax, "a session command that is malformed or unknown")
        // Names.
        add("E201", .name, "an unknown field")
        add("E202", .name, "an unknown stage")
        add("E203", .name, "an unknown funnel")
        add("E204", .name, "an unknown reference table")
        add("E205", .name, "an unknown function")
        add("E206", .name, "an unknown or misplaced result column")
        add("E207", .name, "a mapping target given twice")
        add("E208", .name, "a field that cannot be set directly")
        add("E209", .name, "an unknown date part (not week, month, quarter or year)")
        add("E210", .name, "a declaration of a built-in field")
        add("E211", .name, "a stage declared twice in one funnel")
        add("E212", .name, "a funnel without open stages, or without its won or lost stage")
        add("E213", .name, "more groups in one by than the query takes")
        add("E214", .name, "a lead field that cannot be set directly")
        add("E215", .name, "a window that ends before it starts")
        add("E216", .name, "a grouping of records that are listed one per row")
        add("E217", .name, "an output file whose extension names no format")
        // Types.
        add("E301", .type, "a value of the wrong type for its field")
        add("E302", .type, "a stage comparison with something that is not a stage")
        add("E303", .type, "sum, avg, min or max of something that is not a number")
        add("E304", .type, "a group by a condition or a list")
        add("E305", .type, "an `on` that is not a date")
        add("E306", .type, "a period that is not a year, month, quarter or date")
        add("E307", .type, "a condition that is not true or false")
        add("E308", .type, "a minus before something that is not a number")
        add("E309", .type, "a date part of something that is not a date")
        add("E310", .type, "a function called with the wrong number or kind of arguments")
        add("E311", .type, "an ordering comparison of values that have no order")
        add("E312", .type, "arithmetic or a comparison on values of kinds that do not mix")
        add("E313", .type, "a condition on result rows that they cannot be filtered by")
        add("E315", .type, "a lead field given a name instead of a value")
        add("E316", .type, "an `as of` that is not a date")
        add("E340", .syntax, "a clause the report does not take")
        // Script files.
        add("F001", .io, "a script file that cannot be read")
        add("F002", .io, "a directory given as a script")
        add("F003", .io, "a script file too large to be a script")
        add("F004", .io, "a binary file given as a script")
        add("F005", .runtime, "a script without statements (a warning)")
        add("F010", .usage, "a store command given a store of the wrong kind")
        // Imports.
        add("I001", .io, "an import file that cannot be opened or read")
        add("I002", .io, "an import file that is binary or not text")
        add("I003", .io, "a CSV record with too many fields")
        add("I004", .io, "a quoted CSV field that is never closed")
        add("I005", .usage, "a CSV delimiter that cannot be one")
        add("I007", .io, "an import file that changed while it was read (another program still writing it)")
        add("I010", .runtime, "an empty import file")
        add("I011", .runtime, "an import file with a header but no rows")
        add("I012", .name, "a column a mapping names that the file does not have, or has twice")
        add("I013", .runtime, "rows that cannot be imported (nothing kept unless skip errors)")
        add("I014", .runtime, "an unknown reference table or column in a lookup")
        add("I015", .syntax, "a date format that is not one")
        add("I016", .name, "a mapping target the import does not take")
        add("I017", .name, "a mapping without the target the import needs (id, deal, stage, at)")
        add("I018", .name, "column(...) outside an import mapping")
        add("I019", .syntax, "an import option or mapping the import does not take")
        add("I020", .io, "an import file that does not decode in its encoding")
        add("I021", .syntax, "an unknown encoding")
        add("I022", .runtime, "a lead field kept as text because of a few cells (a warning)")
        add("I023", .type, "column(...) without a column name in quotes")
        // A field history in the long shape (Salesforce's OpportunityFieldHistory).
        add("I030", .syntax, "fields ( ... ) on an import that is not import history")
        add("I031", .name, "a fields ( ... ) entry naming a field import history cannot record")
        add("I032", .name, "a long-shape import history (field = COLUMN) mapping a target other than deal, at, field, old, new")
        // Running statements.
        add("R101", .runtime, "no deal with that id (or none yet on the as of day)")
        add("R102", .runtime, "a new deal's field given another field instead of a value")
        add("R103", .runtime, "a value out of range for its field (numbers, percentages, dates outside 0001-9999)")
        add("R104", .runtime, "a value not among a field's `one of`")
        add("R105", .runtime, "an empty deal id")
        add("R106", .runtime, "a deal id that already exists")
        add("R107", .runtime, "no funnel, or several, for a new deal")
        add("R108", .runtime, "a required field without a value")
        add("R109", .runtime, "a stage change dated before the deal's last one")
        add("R110", .runtime, "a deal whose funnel no longer exists")
        add("R111", .runtime, "a move of a closed deal")
        add("R112", .runtime, "a move to the stage the deal is in")
        add("R113", .runtime, "a win or loss of a deal already closed")
        add("R114", .runtime, "a reopen of an open deal")
        add("R115", .runtime, "a reopen with no earlier open stage to return to")
        add("R116", .runtime, "a change dated after today")
        add("R117", .runtime, "a change carrying a value the store could not read back")
        add("R120", .runtime, "a window that ends before it starts, once today is known")
        add("R131", .io, "an output file that cannot be written")
        add("R140", .runtime, "a chart of a query without a figure per group")
        add("R141", .runtime, "a chart's show naming more or other than one result column")
        add("R201", .runtime, "a move refused by exit criteria")
        add("R301", .runtime, "no task with that number")
        add("R302", .runtime, "a task already done")
        add("R303", .runtime, "no task with that title on the deal")
        add("R304", .runtime, "several open tasks with that title on the deal")
        add("R305", .runtime, "no notification with that number")
        add("R306", .runtime, "a notification already acknowledged")
        add("R307", .runtime, "done task without a number, or without a title and a deal")
        add("R310", .runtime, "a rule that cannot be evaluated for some deals (a warning)")
        add("R501", .runtime, "an empty lead id")
        add("R502", .runtime, "a lead field no lead has")
        add("R503", .runtime, "no lead with that id")
        add("R504", .runtime, "a lead already converted")
        add("R505", .runtime, "a qualification refused by the lead gate")
        add("R506", .runtime, "a lead already qualified")
        add("R507", .runtime, "a disqualified lead")
        // Dated facts (history that tells the truth).
        add("E400", .name, "history of deal ... fields naming a field that does not exist")
        add("E401", .name, "changes or deals changed without since DATE or during WINDOW")
        add("R601", .runtime, "changes or deals changed since a day after today")
        add("E440", .type, "changes since or deals changed since something that is not a day")
        add("R600", .runtime, "a backdated move whose exit criteria hold only thanks to a fact dated after it")
        add("R508", .runtime, "a conversion refused by the lead gate")
        add("R509", .runtime, "a conversion dated before the lead was created")
        add("R510", .runtime, "a converted deal without a required field")
        // The store.
        add("S000", .io, "an unexpected store failure")
        add("S001", .io, "a damaged journal line, or a journal that no longer fits what was read")
        add("S002", .io, "a journal line that cannot be decoded")
        add("S003", .io, "the store cannot be written (lock, journal, segment, an unstorable event)")
        add("S004", .io, "a store file that cannot be read")
        add("S005", .runtime, "a write without the writer lock (an internal error)")
        add("S010", .io, "an event that cannot be applied to the state it follows")
        add("S011", .io, "a journal event that is not a funnel event")
        add("S012", .io, "a journal event that cannot be replayed")
        add("S013", .io, "a damaged snapshot part, read on first use, that the journal cannot rebuild")
        add("S020", .io, "a segment the journal names that is missing")
        add("S021", .io, "a damaged segment")
        add("S030", .io, "a query on a store that does not exist yet (a warning)")
        add("S031", .runtime, "today before the store's last change (a warning)")
        add("S040", .io, "the PostgreSQL server cannot be reached")
        add("S041", .io, "a PostgreSQL statement or commit failed; the run was rolled back")
        add("S042", .io, "no funnel store in the database")
        add("S043", .io, "a database schema this binary does not know")
        add("S044", .io, "a role that may not write (or read) the store")
        add("S045", .io, "a copy into a store that is not empty")
        // Design warnings (funnel check).
        add("W001", .runtime, "a funnel with fewer than 4 or more than 6 open stages")
        add("W002", .runtime, "stage probabilities that do not rise")
        add("W003", .runtime, "an open stage without exit criteria")
        add("W004", .name, "a rule that can never fire")
        add("W005", .syntax, "full-width punctuation (：，；（）) outside a string, read as its ASCII form")
        // Taking mistakes back and redeclaring safely (history operations).
        add("E430", .syntax, "an empty or blank reason after `because` (force because \"\", delete deal ... because \" \")")
        add("E431", .syntax, "`undo` written where it cannot run: outside the REPL, or with other statements in the entry")
        add("R650", .runtime, "done task on a day before the task was made")
        add("R651", .runtime, "ack notification on a day before the notification was made")
        add("R652", .runtime, "restore deal of a deal that is not deleted")
        add("R653", .runtime, "restore deal while a new deal has the deleted deal's id")
        add("R654", .runtime, "undo with nothing to take back (this session committed nothing, or everything is undone)")
        add("R655", .runtime, "undo refused: another writer committed a run after the one to take back")
        add("R656", .runtime, "undo --last-run refused: the last run is itself an undo")
        add("R658", .runtime, "a funnel declared again without a stage that holds open deals, and no mapping says where they go")
        add("R659", .runtime, "a field declared again with a type some stored values do not convert to")
        add("R660", .runtime, "rename stage / move deals from a stage the funnel still has")
        add("R661", .runtime, "rename stage / move deals to a stage that is not an open stage of the funnel")
        // Charts and the pipeline report.
        add("E490", .name, "a chart written to a file that is not .svg")
        add("E491", .name, "a report without `to` an .html file")
        add("E492", .syntax, "a clause chart funnel or report does not take")
        add("E493", .name, "chart funnel by something other than amount")
        add("E494", .name, "a where of chart funnel or report that names a result column")
        add("E470", .name, "chart changes by amount or by deals (its figure is chosen with show)")
        add("E471", .name, "show in chart changes that names something other than deals or amount")
        add("E472", .syntax, "chart changes with a limit")
        // CRM data as exported: outcome stages, forecast categories, currencies, snapshots.
        add("R700", .runtime, "win or lose as a stage that is not a won (lost) stage of the deal's funnel")
        add("R701", .runtime, "reopen of a deal a snapshot import removed")
        add("R702", .runtime, "a deal in a currency the reporting currency has no rate for")
        add("R710", .runtime, "a deal whose day is before the first dated rate of its currency, or after the last one ends")
        add("R711", .runtime, "a table of dated rates that cannot give one rate per day (a start that is not a date, a rate that is not positive, two rates from one day)")
        // Exact money (Base/Money.swift): a figure never wraps or rounds past 128 bits of cents.
        add("R720", .runtime, "a money figure of a query (a sum, average, weighted amount, forecast) past 128 bits of cents")
        add("R721", .runtime, "an expression whose money result is past 128 bits of cents")
        add("E462", .name, "currency ... rates TABLE.COLUMN with a column the table lacks")
        add("E460", .type, "an import's on needs a date")
        add("E461", .name, "as snapshot with skip errors: a row left out would remove its deal")
        add("E480", .name, "export ... bom or no bom to a file that is not .csv")
        // People, quotas, submitted forecasts and delivery (issue 14).
        add("E520", .syntax, "a delivery command that is empty, or a delivery timeout out of range")
        add("E521", .name, "a person field that does not exist (name, team, manager, email)")
        add("E522", .type, "a quota or forecast period that is not a month, a quarter or a year")
        add("E523", .type, "a person field whose value is not text in quotes")
        add("E524", .name, "a managers' report with a clause it does not take (a group, order, a missing during)")
        add("E526", .type, "a quota or submitted figure that is not an amount")
        add("E530", .name, "show submitted_commit or submitted_best_case in a forecast that is not by team or owner during a period")
        add("R780", .runtime, "a quota, submission or history for an unknown team or person")
        add("R781", .runtime, "a quota whose period overlaps another quota of the same holder")
        add("R782", .runtime, "a manager cycle (A manages B manages A)")
        add("R783", .runtime, "a holder name that is both a person and a team")
        add("R784", .runtime, "deliver notifications without a delivery command declared")
        add("R785", .runtime, "the delivery command failed, hung past its time limit or printed too much")
        add("R788", .runtime, "notifications whose role names no declared person (a warning)")
        add("R789", .runtime, "a person with an empty id")
        add("R790", .runtime, "a quota or submitted figure that is negative or too large")
        add("R791", .runtime, "deliver notifications where no program can be run")
        add("W030", .runtime, "deal owners who are not declared people, once people are declared (check)")
        return list
    }()

    private static let byCode: [String: DiagnosticCode] = Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

    public static func entry(_ code: String) -> DiagnosticCode? { byCode[code] }

    /// docs/errors.md: every code, by where it comes from, with its exit code.
    public static func markdown() -> String {
        func exit(_ k: Diagnostic.Kind) -> Int32 { Diagnostic(k, "", "").exitCode }
        let sections: [(String, String)] = [
            ("E0", "Lexical errors (nothing runs; exit 65)"), ("E1", "Syntax errors (nothing runs; exit 65)"),
            ("E2", "Name errors (nothing runs; exit 65)"), ("E3", "Type errors (nothing runs; exit 65)"),
            ("E4", "History, charts, reports and CRM data: reasons, undo, history and changes queries, chart and report clauses, currencies and snapshot imports (nothing runs; exit 65)"),
            ("E52", "People, quotas and the managers' reports (nothing runs; exit 65)"),
            ("E53", "Submitted forecasts beside the computed ones (nothing runs; exit 65)"),
            ("R", "Statements that fail while running"), ("I", "Imports"), ("S", "The store"),
            ("C", "Session commands"), ("F", "Script files"), ("W", "Design warnings from `funnel check`"),
        ]
        var out = """
        # Error codes

        Every message funnel prints has a code: `error[E202]`, `warning[W003]`. A code always means
        the same thing and always has the same exit code: 65 for syntax, name and type errors
        (nothing ran), 1 for a statement that failed, 74 for a file or store that could not be read
        or written, 64 for bad usage. This page is generated from the list in the source
        (Sources/FunnelCore/Base/DiagnosticCatalog.swift) and a test keeps the two equal.

        """
        for (prefix, title) in sections {
            let codes = all.filter { $0.code.hasPrefix(prefix) }
            guard !codes.isEmpty else { continue }
            out += "\n## \(title)\n\n| code | exit | meaning |\n|------|------|---------|\n"
            for c in codes { out += "| \(c.code) | \(exit(c.kind)) | \(c.meaning) |\n" }
        }
        return out
    }
}
