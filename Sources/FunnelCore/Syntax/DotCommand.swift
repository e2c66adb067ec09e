/// Session commands (`.format json`, `.read setup.funnel`, ...). They are parsed here, in
/// the core, so a script with a bad one is rejected before anything runs; the shell
/// carries them out.
public enum DotCommand: Equatable, Sendable {
    case help(String?)
    case format(OutputFormat)
    case once(String)
    case output(String?)
    case read(String)
    case open(String)
    case today(Int32)
    case timer(Bool)
    case bail(Bool)
    case schema
    case quit
    /// `.explain QUERY`: the query's plan instead of its result.
    case explain(String)
    /// `.headers on|off`: the header line of table, box, csv and tsv output.
    case headers(Bool)
    /// `.tables`: the same as the statement `show tables`.
    case tables
    /// `.print TEXT`: the rest of the line, as written.
    case print(String)
    /// `.echo on|off`: print each statement before running it.
    case echo(Bool)
    /// `.shell CMD` / `.system CMD`: the rest of the line, run by /bin/sh.
    case shell(String)
    /// `.cd DIR`: the working directory, for relative paths typed in the REPL and -c.
    case cd(String)
    /// `.nullvalue TEXT`: what an empty value shows as; `.nullvalue` alone restores the default.
    case nullValue(String?)
    /// `.width N ...`: widths of the first columns of table and box output; `.width` alone resets.
    case width([Int])

    /// One row of `.help commands` and of completion's list: the one list of session commands.
    public struct Spec: Sendable {
        public let name: String
        public let aliases: [String]
        public let usage: String
        public let summary: String
    }

    public static let specs: [Spec] = [
        Spec(name: ".help", aliases: [], usage: ".help [TOPIC]", summary: "this help; topics: statements, queries, metrics, commands"),
        Spec(name: ".mode", aliases: [".format"], usage: ".mode FMT  (.format FMT)",
             summary: OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")),
        Spec(name: ".headers", aliases: [], usage: ".headers on|off", summary: "the header line of table, box, csv and tsv output"),
        Spec(name: ".nullvalue", aliases: [], usage: ".nullvalue [TEXT]", summary: "show empty values as TEXT (table: -, csv: nothing)"),
        Spec(name: ".width", aliases: [], usage: ".width [N ...]", summary: "widths of the first columns of table and box output (0: as wide as needed)"),
        Spec(name: ".once", aliases: [], usage: ".once FILE", summary: "send the next result to FILE (.csv, .tsv, .json, .md: that format)"),
        Spec(name: ".output", aliases: [], usage: ".output [FILE]", summary: "send results to FILE until .output with no file"),
        Spec(name: ".read", aliases: [], usage: ".read FILE", summary: "run a script; a failing statement in it keeps nothing of it"),
        Spec(name: ".open", aliases: [], usage: ".open STORE", summary: "switch to another store directory"),
        Spec(name: ".tables", aliases: [], usage: ".tables", summary: "the same as show tables"),
        Spec(name: ".schema", aliases: [], usage: ".schema", summary: "the declarations of this store"),
        Spec(name: ".explain", aliases: [], usage: ".explain QUERY", summary: "how the query would run, without running it"),
        Spec(name: ".today", aliases: [], usage: ".today DATE", summary: "set today's date for this session"),
        Spec(name: ".timer", aliases: [], usage: ".timer on|off", summary: "print each statement's time"),
        Spec(name: ".bail", aliases: [], usage: ".bail on|off", summary: "stop at the first error (on for scripts)"),
        Spec(name: ".echo", aliases: [], usage: ".echo on|off", summary: "print each statement before it runs"),
        Spec(name: ".print", aliases: [], usage: ".print TEXT", summary: "print the rest of the line"),
        Spec(name: ".shell", aliases: [".system"], usage: ".shell CMD  (.system CMD)", summary: "run the rest of the line with /bin/sh"),
        Spec(name: ".cd", aliases: [], usage: ".cd DIR", summary: "change the working directory"),
        Spec(name: ".quit", aliases: [".exit"], usage: ".quit  (.exit)", summary: "leave"),
    ]

    public static let names: [String] = specs.flatMap { [$0.name] + $0.aliases }

    /// Commands whose argument is the rest of the line, `;` and all.
    static let restOfLine: Set<String> = [".explain", ".print", ".shell", ".system"]

    /// `.read FILE` runs a script, so an entry that has one may write; no other
    /// session command changes the store.
    public static func writes(_ text: String) -> Bool { text.hasPrefix(".read") }

    /// dot-command := "." WORD { argument }   (one line; an argument may be "quoted")
    public static func parse(_ text: String) throws -> DotCommand {
        let words = arguments(text)
        guard let name = words.first?.lowercased() else { throw problem("empty session command", text) }
        let args = Array(words.dropFirst())
        // `-c '.format csv; pipeline'`: the `;` and what follows are the command's arguments.
        if let semicolon = words.dropFirst().first(where: { $0.contains(";") }), !restOfLine.contains(name) {
            let after = String(text[text.index(after: text.firstIndex(of: ";") ?? text.startIndex)...].drop { $0 == " " || $0 == "\t" })
            throw problem("a session command takes the rest of its line, so '\(semicolon)' is part of \(name)", text,
                          help: after.isEmpty ? "remove the ';'" : "put `\(after)` on a line of its own (or in another -c)")
        }
        func one(_ what: String, _ usage: String) throws -> String {
            guard args.count == 1 else { throw problem("\(name) takes \(what)", text, help: "usage: \(name) \(usage)") }
            return args[0]
        }
        func onOff() throws -> Bool {
            let a = try one("on or off", "on|off").lowercased()
            guard a == "on" || a == "off" else { throw problem("\(name) takes on or off", text) }
            return a == "on"
        }
        switch name {
        case ".help": return .help(args.first)
        case ".format", ".mode":
            let f = try one("a format", OutputFormat.allCases.map(\.rawValue).joined(separator: "|"))
            guard let format = OutputFormat(rawValue: f.lowercased()) else {
                throw problem("unknown format '\(f)'", text,
                              help: "the formats are " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return .format(format)
        case ".once": return .once(try one("a file name", "FILE"))
        case ".output":
            if args.isEmpty { return .output(nil) }
            return .output(try one("a file name", "[FILE]"))
        case ".read": return .read(try one("a file name", "FILE"))
        case ".open": return .open(try one("a store directory", "STORE"))
        case ".today":
            let d = try one("a date", "YYYY-MM-DD")
            guard let day = Calendar.parseISO(d) else { throw problem("'\(d)' is not a date", text, help: dateHelp(d)) }
            return .today(day)
        case ".timer": return .timer(try onOff())
        case ".bail": return .bail(try onOff())
        case ".schema": return .schema
        case ".explain":
            // The rest of the line is a query, quotes and all.
            let rest = restOfLineText(text)
            guard !rest.isEmpty else { throw problem(".explain takes a query", text, help: "usage: .explain forecast by team") }
            return .explain(String(rest))
        case ".quit", ".exit": return .quit
        case ".headers": return .headers(try onOff())
        case ".echo": return .echo(try onOff())
        case ".tables":
            guard args.isEmpty else { throw problem(".tables takes nothing", text, help: "usage: .tables") }
            return .tables
        case ".cd": return .cd(try one("a directory", "DIR"))
        case ".nullvalue":
            guard args.count <= 1 else {
                throw problem(".nullvalue takes one text", text, help: "quote a text with spaces: .nullvalue \"(none)\"")
            }
            return .nullValue(args.first)
        case ".width":
            var widths: [Int] = []
            for a in args {
                guard let n = Int(a), (0...1000).contains(n) else {
                    throw problem("'\(a)' is not a column width", text, help: "widths are whole numbers from 0 to 1000, e.g. .width 12 0 8")
                }
                widths.append(n)
            }
            return .width(widths)
        case ".print": return .print(String(restOfLineText(text)))
        case ".shell", ".system":
            let command = restOfLineText(text)
            guard !command.isEmpty else { throw problem("\(name) takes a command", text, help: "usage: \(name) ls -l") }
            return .shell(String(command))
        default:
            throw problem("unknown session command '\(name)'", text,
                          help: Suggest.closest(to: name, in: names).map { "did you mean '\($0)'?" } ?? "type .help for the list")
        }
    }

    /// What is wrong with a date that `Calendar.parseISO` refused: the day past the month's
    /// end (as the language says for a date literal), a month past 12, or the shape.
    public static func dateHelp(_ d: String) -> String {
        let u = Array(d.utf8)
        if u.count == 10, u[4] == 45, u[7] == 45,
           let y = Calendar.digits(u[0..<4]), let m = Calendar.digits(u[5..<7]), Calendar.digits(u[8..<10]) != nil {
            guard (1...12).contains(m) else { return "months are 01 to 12" }
            return "\(Calendar.pad(y, 4))-\(Calendar.pad(m, 2)) has \(Calendar.daysInMonth(year: y, month: m)) days"
        }
        return "write it as YYYY-MM-DD"
    }

    /// What follows the command's name, quotes and all.
    static func restOfLineText(_ text: String) -> Substring {
        text.drop { $0 != " " && $0 != "\t" }.drop { $0 == " " || $0 == "\t" }
    }

    static func problem(_ message: String, _ text: String, help: String? = nil) -> Diagnostic {
        Diagnostic(.syntax, "E120", message, help: help)
    }

    /// Splits on spaces, keeping "quoted arguments" whole.
    static func arguments(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var any = false
        for c in text {
            if c == "\"" { quoted.toggle(); any = true; continue }
            if (c == " " || c == "\t") && !quoted {
                if any { out.append(current); current = ""; any = false }
                continue
            }
            current.append(c)
            any = true
        }
        if any { out.append(current) }
        return out
    }
}
