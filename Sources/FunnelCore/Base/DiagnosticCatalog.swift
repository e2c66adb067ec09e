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
    public static let all: [DiagnosticCode] = [
        // The session (dot-commands, .read, interrupts).
        DiagnosticCode("C001", .usage, "a session command cannot be carried out as written (unknown help topic, .explain without one query, ...)"),
        DiagnosticCode("C002", .io, "the file a session command names cannot be written"),
        DiagnosticCode("C003", .usage, ".read is nested too deeply"),
        DiagnosticCode("C004", .runtime, "the script .read names has errors; nothing in it ran"),
        DiagnosticCode("C005", .runtime, "a statement of the script .read runs failed"),
        DiagnosticCode("C006", .runtime, "the query .explain names has errors"),
        DiagnosticCode("C010", .runtime, "interrupted (Ctrl-C); nothing from the entry was kept"),
        // The lexer.
        DiagnosticCode("E001", .syntax, "a byte that is not UTF-8"),
        DiagnosticCode("E002", .syntax, "a character that starts no token"),
        DiagnosticCode("E003", .syntax, "a string without its closing quote"),
        DiagnosticCode("E004", .syntax, "a bad escape in a string"),
        DiagnosticCode("E005", .syntax, "a date, month or quarter that does not exist"),
        DiagnosticCode("E006", .syntax, "a malformed number"),
        DiagnosticCode("E007", .syntax, "a number too large"),
        DiagnosticCode("E009", .syntax, "a string in single quotes"),
        // The parser.
        DiagnosticCode("E100", .syntax, "input ended where a statement needed more"),
        DiagnosticCode("E101", .syntax, "something other than what the grammar expects here"),
        DiagnosticCode("E102", .syntax, "a duration that is not a whole number or is too long"),
        DiagnosticCode("E103", .syntax, "an unknown statement or query word"),
        DiagnosticCode("E104", .syntax, "a list that is not written as a list"),
        DiagnosticCode("E105", .syntax, "a probability outside 0% to 100%"),
        DiagnosticCode("E106", .syntax, "an import option with a bad value (delimiter, decimal)"),
        DiagnosticCode("E107", .syntax, "a query clause given twice"),
        DiagnosticCode("E108", .syntax, "an expression too long or nested too deeply"),
        DiagnosticCode("E109", .syntax, "a number that must be a whole number from 1"),
        DiagnosticCode("E110", .syntax, "an id with '-' that is not quoted"),
        DiagnosticCode("E111", .syntax, "an empty file name"),
        DiagnosticCode("E112", .syntax, "a file name that is not in quotes"),
        DiagnosticCode("E120", .syntax, "a session command that is malformed or unknown"),
        // Names.
        DiagnosticCode("E201", .name, "an unknown field"),
        DiagnosticCode("E202", .name, "an unknown stage"),
        DiagnosticCode("E203", .name, "an unknown funnel"),
        DiagnosticCode("E204", .name, "an unknown reference table"),
        DiagnosticCode("E205", .name, "an unknown function"),
        DiagnosticCode("E206", .name, "an unknown or misplaced result column"),
        DiagnosticCode("E207", .name, "a mapping target given twice"),
        DiagnosticCode("E208", .name, "a field that cannot be set directly"),
        DiagnosticCode("E209", .name, "an unknown date part (not week, month, quarter or year)"),
        DiagnosticCode("E210", .name, "a declaration of a built-in field"),
        DiagnosticCode("E211", .name, "a stage declared twice in one funnel"),
        DiagnosticCode("E212", .name, "a funnel without open stages, or without its won or lost stage"),
        DiagnosticCode("E213", .name, "more groups in one by than the query takes"),
        DiagnosticCode("E214", .name, "a lead field that cannot be set directly"),
        DiagnosticCode("E215", .name, "a window that ends before it starts"),
        DiagnosticCode("E216", .name, "a grouping of records that are listed one per row"),
        DiagnosticCode("E217", .name, "an output file whose extension names no format"),
        // Types.
        DiagnosticCode("E301", .type, "a value of the wrong type for its field"),
        DiagnosticCode("E302", .type, "a stage comparison with something that is not a stage"),
        DiagnosticCode("E303", .type, "sum, avg, min or max of something that is not a number"),
        DiagnosticCode("E304", .type, "a group by a condition or a list"),
        DiagnosticCode("E305", .type, "an `on` that is not a date"),
        DiagnosticCode("E306", .type, "a period that is not a year, month, quarter or date"),
        DiagnosticCode("E307", .type, "a condition that is not true or false"),
        DiagnosticCode("E308", .type, "a minus before something that is not a number"),
        DiagnosticCode("E309", .type, "a date part of something that is not a date"),
        DiagnosticCode("E310", .type, "a function called with the wrong number or kind of arguments"),
        DiagnosticCode("E311", .type, "an ordering comparison of values that have no order"),
        DiagnosticCode("E312", .type, "arithmetic or a comparison on values of kinds that do not mix"),
        DiagnosticCode("E313", .type, "a condition on result rows that they cannot be filtered by"),
        DiagnosticCode("E315", .type, "a lead field given a name instead of a value"),
        DiagnosticCode("E316", .type, "an `as of` that is not a date"),
        DiagnosticCode("E340", .syntax, "a clause the report does not take"),
        // Script files.
        DiagnosticCode("F001", .io, "a script file that cannot be read"),
        DiagnosticCode("F002", .io, "a directory given as a script"),
        DiagnosticCode("F003", .io, "a script file too large to be a script"),
        DiagnosticCode("F004", .io, "a binary file given as a script"),
        DiagnosticCode("F005", .runtime, "a script without statements (a warning)"),
        DiagnosticCode("F010", .usage, "a store command given a store of the wrong kind"),
        // Imports.
        DiagnosticCode("I001", .io, "an import file that cannot be opened or read"),
        DiagnosticCode("I002", .io, "an import file that is binary or not text"),
        DiagnosticCode("I003", .io, "a CSV record with too many fields"),
        DiagnosticCode("I004", .io, "a quoted CSV field that is never closed"),
        DiagnosticCode("I005", .usage, "a CSV delimiter that cannot be one"),
        DiagnosticCode("I006", .io, "an import file without a header row"),
        DiagnosticCode("I010", .runtime, "an empty import file"),
        DiagnosticCode("I011", .runtime, "an import file with a header but no rows"),
        DiagnosticCode("I012", .name, "a column a mapping names that the file does not have, or has twice"),
        DiagnosticCode("I013", .runtime, "rows that cannot be imported (nothing kept unless skip errors)"),
        DiagnosticCode("I014", .runtime, "an unknown reference table or column in a lookup"),
        DiagnosticCode("I015", .syntax, "a date format that is not one"),
        DiagnosticCode("I016", .name, "a mapping target the import does not take"),
        DiagnosticCode("I017", .name, "a mapping without the target the import needs (id, deal, stage, at)"),
        DiagnosticCode("I018", .name, "column(...) outside an import mapping"),
        DiagnosticCode("I019", .syntax, "an import option or mapping the import does not take"),
        DiagnosticCode("I020", .io, "an import file that does not decode in its encoding"),
        DiagnosticCode("I021", .syntax, "an unknown encoding"),
        DiagnosticCode("I022", .runtime, "a lead field kept as text because of a few cells (a warning)"),
        DiagnosticCode("I023", .type, "column(...) without a column name in quotes"),
        // Running statements.
        DiagnosticCode("R101", .runtime, "no deal with that id (or none yet on the as of day)"),
        DiagnosticCode("R102", .runtime, "a new deal's field given another field instead of a value"),
        DiagnosticCode("R103", .runtime, "a value out of range for its field (numbers, percentages, dates outside 0001-9999)"),
        DiagnosticCode("R104", .runtime, "a value not among a field's `one of`"),
        DiagnosticCode("R105", .runtime, "an empty deal id"),
        DiagnosticCode("R106", .runtime, "a deal id that already exists"),
        DiagnosticCode("R107", .runtime, "no funnel, or several, for a new deal"),
        DiagnosticCode("R108", .runtime, "a required field without a value"),
        DiagnosticCode("R109", .runtime, "a stage change dated before the deal's last one"),
        DiagnosticCode("R110", .runtime, "a deal whose funnel no longer exists"),
        DiagnosticCode("R111", .runtime, "a move of a closed deal"),
        DiagnosticCode("R112", .runtime, "a move to the stage the deal is in"),
        DiagnosticCode("R113", .runtime, "a win or loss of a deal already closed"),
        DiagnosticCode("R114", .runtime, "a reopen of an open deal"),
        DiagnosticCode("R115", .runtime, "a reopen with no earlier open stage to return to"),
        DiagnosticCode("R116", .runtime, "a change dated after today"),
        DiagnosticCode("R117", .runtime, "a change carrying a value the store could not read back"),
        DiagnosticCode("R120", .runtime, "a window that ends before it starts, once today is known"),
        DiagnosticCode("R131", .io, "an output file that cannot be written"),
        DiagnosticCode("R140", .runtime, "a chart of a query without a figure per group"),
        DiagnosticCode("R141", .runtime, "a chart's show naming more or other than one result column"),
        DiagnosticCode("R201", .runtime, "a move refused by exit criteria"),
        DiagnosticCode("R301", .runtime, "no task with that number"),
        DiagnosticCode("R302", .runtime, "a task already done"),
        DiagnosticCode("R303", .runtime, "no task with that title on the deal"),
        DiagnosticCode("R304", .runtime, "several open tasks with that title on the deal"),
        DiagnosticCode("R305", .runtime, "no notification with that number"),
        DiagnosticCode("R306", .runtime, "a notification already acknowledged"),
        DiagnosticCode("R307", .runtime, "done task without a number, or without a title and a deal"),
        DiagnosticCode("R310", .runtime, "a rule that cannot be evaluated for some deals (a warning)"),
        DiagnosticCode("R501", .runtime, "an empty lead id"),
        DiagnosticCode("R502", .runtime, "a lead field no lead has"),
        DiagnosticCode("R503", .runtime, "no lead with that id"),
        DiagnosticCode("R504", .runtime, "a lead already converted"),
        DiagnosticCode("R505", .runtime, "a qualification refused by the lead gate"),
        DiagnosticCode("R506", .runtime, "a lead already qualified"),
        DiagnosticCode("R507", .runtime, "a disqualified lead"),
        DiagnosticCode("R508", .runtime, "a conversion refused by the lead gate"),
        DiagnosticCode("R509", .runtime, "a conversion dated before the lead was created"),
        DiagnosticCode("R510", .runtime, "a converted deal without a required field"),
        // The store.
        DiagnosticCode("S000", .io, "an unexpected store failure"),
        DiagnosticCode("S001", .io, "a damaged journal line, or a journal that no longer fits what was read"),
        DiagnosticCode("S002", .io, "a journal line that cannot be decoded"),
        DiagnosticCode("S003", .io, "the store cannot be written (lock, journal, segment, an unstorable event)"),
        DiagnosticCode("S004", .io, "a store file that cannot be read"),
        DiagnosticCode("S005", .runtime, "a write without the writer lock (an internal error)"),
        DiagnosticCode("S010", .io, "an event that cannot be applied to the state it follows"),
        DiagnosticCode("S011", .io, "a journal event that is not a funnel event"),
        DiagnosticCode("S012", .io, "a journal event that cannot be replayed"),
        DiagnosticCode("S020", .io, "a segment the journal names that is missing"),
        DiagnosticCode("S021", .io, "a damaged segment"),
        DiagnosticCode("S030", .io, "a query on a store that does not exist yet (a warning)"),
        DiagnosticCode("S031", .runtime, "today before the store's last change (a warning)"),
        DiagnosticCode("S040", .io, "the PostgreSQL server cannot be reached"),
        DiagnosticCode("S041", .io, "a PostgreSQL statement or commit failed; the run was rolled back"),
        DiagnosticCode("S042", .io, "no funnel store in the database"),
        DiagnosticCode("S043", .io, "a database schema this binary does not know"),
        DiagnosticCode("S044", .io, "a role that may not write (or read) the store"),
        DiagnosticCode("S045", .io, "a copy into a store that is not empty"),
        // Design warnings (funnel check).
        DiagnosticCode("W001", .runtime, "a funnel with fewer than 4 or more than 6 open stages"),
        DiagnosticCode("W002", .runtime, "stage probabilities that do not rise"),
        DiagnosticCode("W003", .runtime, "an open stage without exit criteria"),
        DiagnosticCode("W004", .name, "a rule that can never fire"),
    ]

    private static let byCode: [String: DiagnosticCode] = Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

    public static func entry(_ code: String) -> DiagnosticCode? { byCode[code] }

    /// docs/errors.md: every code, by where it comes from, with its exit code.
    public static func markdown() -> String {
        func exit(_ k: Diagnostic.Kind) -> Int32 { Diagnostic(k, "", "").exitCode }
        let sections: [(String, String)] = [
            ("E0", "Lexical errors (nothing runs; exit 65)"), ("E1", "Syntax errors (nothing runs; exit 65)"),
            ("E2", "Name errors (nothing runs; exit 65)"), ("E3", "Type errors (nothing runs; exit 65)"),
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
