#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FunnelCore

/// The names completion can offer. The session implements this over its catalog and store.
public protocol CompletionCatalog {
    /// Every field a query can name: the built-in ones (`id`, `stage`, `amount`, ...) and the
    /// declared ones.
    var fieldNames: [String] { get }
    /// The stages of every funnel, won and lost stages included.
    var stageNames: [String] { get }
    var funnelNames: [String] { get }
    var dealIDs: [String] { get }
    var tableNames: [String] { get }
    func tableColumns(_ table: String) -> [String]
    /// Paths starting with `prefix` as typed (relative to the current directory); directories
    /// end in `/`. `Completion.paths(matching:)` implements this over the file system.
    func files(matching prefix: String) -> [String]
    /// The values a text field holds in the store, for completing inside `owner = "`; empty
    /// when there are too many to list or the field is not text.
    func values(of field: String) -> [String]
}

extension CompletionCatalog {
    public func values(of field: String) -> [String] { [] }
}

/// Tab completion as a pure function of the text, the cursor and the catalog.
///
/// Contract with the line editor: every candidate replaces the end of the text before the
/// cursor; `replacementStart(line:cursor:candidate:)` says from where. A candidate either
/// extends that text (ASCII case-insensitively, so `WH` → `where`) or, for a name that must be
/// quoted, extends it after an added opening quote (`Clo` → `"Closed Won"`).
public enum Completion {
    /// What can start a statement, from the language's registries: the statements' words,
    /// and each query's phrase (a multi-word one whole, unless its first word is already a
    /// query of its own: `count`, then `leads` after it).
    public static let statementKeywords: [String] = finish(StatementCatalog.statementWords + QuerySpec.all.map(completionPhrase))

    static func completionPhrase(_ spec: QuerySpec) -> String {
        let phrase = spec.phrases[0]
        let firstAlone = QuerySpec.all.contains { $0.phrases.contains([phrase[0]]) }
        return firstAlone ? phrase[0] : phrase.joined(separator: " ")
    }

    /// From `DotCommand.specs`, the list the parser and `.help commands` use too.
    public static let dotCommands: [String] = DotCommand.names.sorted()
    public static let clauseKeywords: [String] = ["where", "by", "order by", "limit", "during", "as of", "show"]
    /// The queries `chart` can draw: those with a headline figure.
    static let queryVerbs: [String] = finish(QuerySpec.all.filter { $0.chartHeadline != nil }.map(completionPhrase))
    static let outputFormats = OutputFormat.allCases.map(\.rawValue).sorted()
    static let fieldTypes = ["bool", "date", "money", "number", "percent", "text"]

    /// Candidates for the text before `cursor`, a UTF-8 byte offset into `line` (readline's
    /// `rl_point`). Without duplicates, and sorted — except stage names, which come in funnel
    /// order (the order a deal moves through them), as `stageNames` lists them.
    public static func candidates(line: String, cursor: Int, catalog: any CompletionCatalog) -> [String] {
        let prefix = textBefore(line, cursor: cursor)
        if let dot = dotCommandCandidates(prefix, catalog: catalog) { return finish(dot) }
        let lexed = lex(prefix)
        if lexed.inComment { return [] }
        var tokens = lexed.tokens
        var partial = Partial.empty
        if let last = tokens.last, last.end == prefix.utf8.count {
            switch last.kind {
            case .word:
                partial = .word(last.text)
                tokens.removeLast()
            case .string where !last.terminated:
                partial = .string(String(last.text.dropFirst()))
                tokens.removeLast()
            case .string, .number:
                // Touching a finished literal: the user has not started the next word yet.
                return []
            case .punct:
                break
            }
        }
        let statement = currentStatement(tokens)
        let items = Context(t: statement, catalog: catalog).items()
        let inOrder = !items.isEmpty && items.allSatisfy { if case .stage = $0 { return true } else { return false } }
        let rendered = render(items, partial: partial, catalog: catalog)
        return inOrder ? distinct(rendered) : finish(rendered)
    }

    /// Where `candidate` starts replacing the text before `cursor` (a UTF-8 byte offset): the
    /// start of the longest suffix it extends that does not begin inside a word. `cursor` when
    /// it extends none (pure insertion).
    public static func replacementStart(line: String, cursor: Int, candidate: String) -> Int {
        let prefix = textBefore(line, cursor: cursor)
        let bytes = Array(prefix.utf8)
        let cand = Array(candidate.utf8)
        var offsets: [Int] = []
        var wordEnds: Set<Int> = []
        var offset = 0
        for scalar in prefix.unicodeScalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
            if Lexer.continuesWord(scalar) { wordEnds.insert(offset) }
        }
        offsets.append(bytes.count)
        for start in offsets {
            if start > 0 && wordEnds.contains(start) { continue }
            let typed = bytes[start...]
            if asciiCaseInsensitiveHasPrefix(cand[...], typed) { return start }
            if let first = typed.first, first != UInt8(ascii: "\""), cand.first == UInt8(ascii: "\""),
               asciiCaseInsensitiveHasPrefix(cand.dropFirst(), typed) {
                return start
            }
        }
        return bytes.count
    }

    /// Files and directories starting with `prefix`, for `CompletionCatalog.files(matching:)`.
    /// Relative prefixes are taken from `directory` (default: the current directory). Hidden
    /// entries are listed only when the typed name starts with a dot.
    public static func paths(matching prefix: String, in directory: String? = nil) -> [String] {
        let dirPart: String
        let base: String
        if let slash = prefix.lastIndex(of: "/") {
            dirPart = String(prefix[...slash])
            base = String(prefix[prefix.index(after: slash)...])
        } else {
            dirPart = ""
            base = prefix
        }
        var listed = dirPart.isEmpty ? "." : dirPart
        if let directory, !listed.hasPrefix("/") { listed = directory + "/" + listed }
        guard let dir = opendir(listed) else { return [] }
        defer { closedir(dir) }
        var result: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix(".") && !base.hasPrefix(".") { continue }
            guard name.hasPrefix(base) else { continue }
            var info = stat()
            let isDir = stat(listed + "/" + name, &info) == 0 && (info.st_mode & 0o170000) == 0o040000
            result.append(dirPart + name + (isDir ? "/" : ""))
        }
        return result.sorted()
    }

    // MARK: Names and quoting

    /// Whether `name` can be written bare: the lexer reads it as one word.
    public static func isBareName(_ name: String) -> Bool { Lexer.isWord(name) }

    /// `name` as a string literal of the language.
    public static func quote(_ name: String) -> String {
        var out = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func unescape(_ raw: Substring) -> String {
        var out = ""
        var escaped = false
        for scalar in raw.unicodeScalars {
            if escaped {
                switch scalar {
                case "n": out += "\n"
                case "t": out += "\t"
                default: out.unicodeScalars.append(scalar)
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Internals

    enum Partial: Equatable {
        case empty
        case word(String)
        /// Inside an unterminated string: the raw text after the opening quote.
        case string(String)
    }

    enum Item: Hashable {
        case keyword(String)
        /// Written bare when it can be, else quoted.
        case name(String)
        /// A stage: written as a name, and listed in funnel order.
        case stage(String)
        /// A field or a table where an operand goes: written bare, and never offered inside a
        /// string (`owner = "` wants a value, not `"owner"`).
        case operand(String)
        /// A value a field holds, written as a string.
        case value(String)
        /// Always written as a string (deal ids).
        case quoted(String)
        /// A file path inside a string.
        case file
    }

    /// The text before the cursor, with the cursor moved back onto a character boundary.
    static func textBefore(_ line: String, cursor: Int) -> String {
        let utf8 = Array(line.utf8)
        var c = max(0, min(cursor, utf8.count))
        while c > 0 && c < utf8.count && (utf8[c] & 0xC0) == 0x80 { c -= 1 }
        return String(decoding: utf8[..<c], as: UTF8.self)
    }

    static func finish(_ candidates: [String]) -> [String] {
        Array(Set(candidates)).sorted()
    }

    /// Without duplicates, in the order given.
    static func distinct(_ candidates: [String]) -> [String] {
        var seen = Set<String>()
        return candidates.filter { seen.insert($0).inserted }
    }

    static func asciiLower(_ s: some StringProtocol) -> String {
        String(decoding: s.utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    static func asciiCaseInsensitiveHasPrefix(_ s: ArraySlice<UInt8>, _ prefix: ArraySlice<UInt8>) -> Bool {
        guard prefix.count <= s.count else { return false }
        for (a, b) in zip(s, prefix) where a != b {
            let la = (a >= 65 && a <= 90) ? a + 32 : a
            let lb = (b >= 65 && b <= 90) ? b + 32 : b
            if la != lb { return false }
        }
        return true
    }

    static func keywordMatches(_ keyword: String, _ typed: String) -> Bool {
        asciiLower(keyword).hasPrefix(asciiLower(typed))
    }

    static func fileForm(_ path: String) -> String {
        let q = quote(path)
        return path.hasSuffix("/") ? String(q.dropLast()) : q
    }

    /// The tokens of the statement the cursor is in: everything after the last top-level `;`.
    static func currentStatement(_ tokens: [Token]) -> [Token] {
        var depth = 0
        var start = 0
        for (i, token) in tokens.enumerated() where token.kind == .punct {
            switch token.text {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth = max(0, depth - 1)
            case ";" where depth == 0: start = i + 1
            default: break
            }
        }
        return Array(tokens[start...])
    }

    static func render(_ items: [Item], partial: Partial, catalog: any CompletionCatalog) -> [String] {
        var out: [String] = []
        for item in items {
            switch item {
            case .keyword(let k):
                switch partial {
                case .empty: out.append(k)
                case .word(let w): if keywordMatches(k, w) { out.append(k) }
                case .string: break
                }
            case .operand(let n):
                switch partial {
                case .empty: out.append(n)
                case .word(let w): if n.hasPrefix(w) { out.append(n) }
                case .string: break
                }
            case .name(let n), .stage(let n), .quoted(let n), .value(let n):
                var alwaysQuoted = false
                if case .quoted = item { alwaysQuoted = true }
                if case .value = item { alwaysQuoted = true }
                let quoted = quote(n)
                let form = alwaysQuoted || !isBareName(n) ? quoted : n
                switch partial {
                case .empty: out.append(form)
                case .word(let w): if n.hasPrefix(w) { out.append(form) }
                case .string(let s): if quoted.hasPrefix("\"" + s) { out.append(quoted) }
                }
            case .file:
                let typed: String
                switch partial {
                case .empty: typed = ""
                case .word(let w): typed = w
                case .string(let s): typed = unescape(Substring(s))
                }
                for path in catalog.files(matching: typed) where path.hasPrefix(typed) {
                    let form = fileForm(path)
                    if case .string(let s) = partial, !form.hasPrefix("\"" + s) { continue }
                    out.append(form)
                }
            }
        }
        return out
    }

    static func dotCommandCandidates(_ prefix: String, catalog: any CompletionCatalog) -> [String]? {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let trimmed = prefix.drop(while: isSpace)
        guard trimmed.hasPrefix(".") else { return nil }
        guard let space = trimmed.firstIndex(where: isSpace) else {
            return dotCommands.filter { keywordMatches($0, String(trimmed)) }
        }
        let command = asciiLower(trimmed[..<space])
        let arg = trimmed[space...].drop(while: isSpace)
        let oneWord = !arg.contains(where: isSpace)
        switch command {
        case ".format", ".mode":
            return oneWord ? outputFormats.filter { keywordMatches($0, String(arg)) } : []
        case ".timer", ".bail", ".headers", ".echo":
            return oneWord ? ["off", "on"].filter { keywordMatches($0, String(arg)) } : []
        case ".read", ".once", ".output", ".open":
            if arg.hasPrefix("\"") {
                let raw = arg.dropFirst()
                let typed = unescape(raw)
                return catalog.files(matching: typed).filter { $0.hasPrefix(typed) }.map(fileForm)
                    .filter { $0.hasPrefix("\"" + raw) }
            }
            guard oneWord else { return [] }
            let typed = String(arg)
            return catalog.files(matching: typed).filter { $0.hasPrefix(typed) }.map { path in
                path.contains(where: { isSpace($0) || $0 == "\"" || $0 == "\\" }) ? fileForm(path) : path
            }
        default:
            return []
        }
    }
}

// MARK: - Tokens

extension Completion {
    /// A token of the language's lexer (FunnelCore's `Lexer`) as completion reads it: its
    /// class, its text as written (a string with its quotes and escapes) and where it ends.
    struct Token {
        enum Kind { case word, string, number, punct }
        var kind: Kind
        var text: String
        /// Byte offset just past the token.
        var end: Int
        var terminated = true
        var newlineBefore = false

        var lower: String { Completion.asciiLower(text) }
        func isWord(_ w: String) -> Bool { kind == .word && lower == w }
        func isPunct(_ p: String) -> Bool { kind == .punct && text == p }
    }

    /// The text before the cursor as the parser's lexer reads it. Unterminated strings and
    /// comments are normal here (the cursor is inside them), and the lexer's errors are not
    /// completion's business: they are dropped, and the tokens the lexer made are used.
    static func lex(_ text: String) -> (tokens: [Token], inComment: Bool) {
        let file = SourceFile(name: "completion", text: text)
        let (lexed, diagnostics) = Lexer.tokenize(file)
        let unterminated = Set(diagnostics.filter { $0.code == "E003" }.compactMap { $0.range?.start })
        var tokens: [Token] = []
        var newline = false
        var lastEnd = 0
        for t in lexed {
            let raw = String(decoding: file.bytes[t.range.start..<t.range.end], as: UTF8.self)
            let kind: Token.Kind
            switch t.kind {
            case .newline: newline = true; lastEnd = t.range.end; continue
            case .eof: continue
            case .word: kind = .word
            case .string: kind = .string
            case .number, .amount, .percent, .date, .month, .quarter: kind = .number
            case .symbol(let s): kind = .punct; tokens.append(Token(kind: kind, text: s, end: t.range.end, newlineBefore: newline))
                newline = false; lastEnd = t.range.end; continue
            case .dotCommand: kind = .punct
            }
            tokens.append(Token(kind: kind, text: raw, end: t.range.end, terminated: !unterminated.contains(t.range.start),
                                newlineBefore: newline))
            newline = false
            lastEnd = t.range.end
        }
        // After the last token there are only blanks and comments: the cursor is in one when
        // the last line of them opens it.
        let rest = file.bytes[lastEnd...]
        let lastLine = rest.lastIndex(of: 10).map { rest[($0 + 1)...] } ?? rest
        let inComment = zip(lastLine, lastLine.dropFirst()).contains { $0 == 45 && $1 == 45 }
        return (tokens, inComment)
    }
}

// MARK: - Context

extension Completion {
    /// Decides what may come next after the complete tokens `t` of the current statement.
    struct Context {
        let t: [Token]
        let catalog: any CompletionCatalog

        func kw(_ words: [String]) -> [Item] { words.map(Item.keyword) }
        var fields: [Item] { catalog.fieldNames.map(Item.operand) }
        var stages: [Item] { catalog.stageNames.map(Item.stage) }
        var funnels: [Item] { catalog.funnelNames.map(Item.name) }
        var dealIDs: [Item] { catalog.dealIDs.map(Item.quoted) }
        /// What can start an operand: a field, or a reference table for `TABLE[KEY].COLUMN`.
        var operandStart: [Item] { fields + catalog.tableNames.map(Item.operand) }
        func isField(_ name: String) -> Bool { catalog.fieldNames.contains(name) }

        func items() -> [Item] {
            guard let first = t.first else { return kw(Completion.statementKeywords) }
            let verb = first.kind == .word ? first.lower : ""
            if let local = afterLastToken(verb: verb) { return local }
            return afterVerb(verb)
        }

        /// Rules decided by the last token alone, wherever it is.
        func afterLastToken(verb: String) -> [Item]? {
            guard let last = t.last else { return nil }
            let n = t.count
            let prev: Token? = n >= 2 ? t[n - 2] : nil
            if last.isPunct(".") {
                guard let prev else { return [] }
                if prev.isPunct("]") {
                    if let open = unmatchedOpen(Array(t[..<(n - 2)]), "[", "]"), open > 0, t[open - 1].kind == .word {
                        return catalog.tableColumns(t[open - 1].text).map(Item.name)
                    }
                    return []
                }
                if prev.kind == .word { return kw(["month", "quarter", "week", "year"]) }
                return []
            }
            guard last.kind == .word else { return nil }
            let p = prev?.kind == .word ? prev?.lower : nil
            switch last.lower {
            case "deal":
                let introducers: Set<String> = ["set", "move", "win", "lose", "reopen", "why", "of", "for", "to", "delete", "restore"]
                if n == 1 || (p.map(introducers.contains) ?? false) { return dealIDs }
            case "in":
                if verb == "time" && n == 2 { return kw(["stage"]) }
                // `team in (...)` takes a list, not a funnel.
                if let prev, prev.kind == .word, isField(prev.text) { return [] }
                return funnels
            case "into", "like":
                return funnels
            case "funnel":
                if n == 1 || p == "show" || p == "chart" { return funnels }
            case "to":
                switch verb {
                case "move", "reopen", "why": return stages
                case "export": return [.file]
                case "convert": return kw(["deal"])
                default: break
                }
            case "from":
                if verb == "import" { return [.file] }
            case "enter":
                if p == "on" { return stages }
            case "exit":
                return p == "on" ? stages : kw(["when"])
            case "entered":
                return stages
            case "category":
                return kw(["best_case", "commit", "pipeline"])
            case "of":
                switch p {
                case "history": return kw(["deal"])
                case "conversion": return kw(["leads"])
                default: return []
                }
            case "because", "notify", "limit":
                return []
            case "on":
                if verb == "rule" || verb == "funnel" { return kw(["enter", "exit"]) }
                return []  // a date
            case "do":
                return kw(["notify", "task"])
            case "force":
                return kw(["because"])
            case "one", "as":
                return kw(["of"])
            case "order":
                return kw(["by"])
            case "for":
                if verb == "done" { return kw(["deal"]) }
            default:
                break
            }
            return nil
        }

        func afterVerb(_ verb: String) -> [Item] {
            let n = t.count
            func word(_ i: Int, _ w: String) -> Bool { i < n && t[i].isWord(w) }
            let last = t[n - 1]
            switch verb {
            case "win":
                if n == 1 { return kw(["deal", "rate"]) }
                if word(1, "rate") { return query(from: 2) }
                return n == 3 ? kw(["on"]) : []
            case "time":
                if n == 1 { return kw(["in"]) }
                if word(1, "in") && word(2, "stage") { return query(from: 3) }
                return []
            case "set":
                return setStatement()
            case "move":
                if n == 1 { return kw(["deal", "deals"]) }
                if word(1, "deals") {
                    // move deals from STAGE to STAGE [in FUNNEL] [on DATE]
                    if n == 2 { return kw(["from"]) }
                    if n == 3 || n == 5 { return stages }
                    if n == 4 { return kw(["to"]) }
                    return n == 6 ? kw(["in", "on"]) : []
                }
                if n == 3 { return kw(["to"]) }
                if n == 5 && word(3, "to") { return kw(["force", "on"]) }
                if last.kind == .string && n >= 2 && t[n - 2].isWord("because") { return kw(["on"]) }
                return []
            case "lose":
                if n == 1 { return kw(["deal"]) }
                if n == 3 { return kw(["because", "on"]) }
                if last.kind == .string && t[n - 2].isWord("because") { return kw(["on"]) }
                return []
            case "reopen":
                if n == 1 { return kw(["deal"]) }
                if n == 3 { return kw(["to"]) }
                if n == 5 && word(3, "to") { return kw(["on"]) }
                return []
            case "why":
                if n == 1 { return kw(["deal"]) }
                return n == 3 ? kw(["to"]) : []
            // Taking mistakes back and redeclaring (docs/language.md).
            case "delete":
                if n == 1 { return kw(["deal"]) }
                return n == 3 ? kw(["because"]) : []
            case "restore":
                return n == 1 ? kw(["deal"]) : []
            case "rename":
                if n == 1 { return kw(["stage"]) }
                if n == 2 || n == 4 { return stages }
                if n == 3 { return kw(["to"]) }
                return n == 5 ? kw(["in", "on"]) : []
            case "history":
                return n == 1 ? kw(["of"]) : []
            case "qualify":
                return n == 1 ? kw(["lead"]) : []
            case "disqualify":
                if n == 1 { return kw(["lead"]) }
                return n == 3 ? kw(["because"]) : []
            case "convert":
                if n == 1 { return kw(["lead"]) }
                if n == 3 { return kw(["to"]) }
                if n == 6 && word(4, "deal") { return kw(["in"]) }
                return []
            case "deal", "lead":
                if unmatchedOpen(t, "{", "}") != nil {
                    return last.isPunct("{") || last.isPunct(",") ? fields : []
                }
                if last.isPunct("}") { return kw(["on"]) }
                return verb == "deal" && n == 2 ? kw(["in"]) : []
            case "import":
                return importStatement()
            case "export":
                if n == 1 { return kw(ExportKind.allCases.map(\.rawValue)) }
                if word(1, "deals") { return query(from: 2, allowTo: true) }
                return n == 2 ? kw(["show", "to", "where"]) : []
            case "field":
                if n == 2 { return kw(Completion.fieldTypes) }
                if n == 3 || last.isPunct(")") { return kw(["one of", "required"]) }
                return []
            case "funnel":
                if n == 2 { return kw(["like"]) }
                return conditionAfterWhen(connectors: ["and", "or"]) ?? []
            case "rule":
                return ruleStatement()
            case "done":
                if n == 1 { return kw(["task"]) }
                return n == 3 ? kw(["for"]) : []
            case "ack":
                if n == 1 { return kw(["notifications"]) }
                return word(1, "notifications") ? query(from: 2) : []
            case "check":
                return n == 1 ? kw(["rules"]) : []
            case "submit":
                if n == 1 { return kw(["forecast"]) }
                return n == 2 ? kw(["for"]) : []
            case "deliver":
                if n == 1 { return kw(["notifications"]) }
                return n == 2 ? kw(["via"]) : []
            case "show":
                return n == 1 ? kw(StatementCatalog.showObjects) : []
            case "chart":
                if n == 1 { return kw(["funnel"] + Completion.queryVerbs) }
                return Context(t: Array(t.dropFirst()), catalog: catalog).items()
            case "leads":
                if word(1, "qualify") {
                    if n == 2 { return kw(["when"]) }
                    return conditionAfterWhen(connectors: ["and", "or"]) ?? []
                }
                return (n == 1 ? kw(["qualify"]) : []) + query(from: 1)
            case "count":
                if n == 1 { return kw(["deals", "leads"]) }
                return query(from: 2)
            case "sum", "avg", "min", "max":
                if n == 1 { return operandStart }
                return query(from: 2)
            case "conversion":
                if n == 1 { return kw(["of"]) + query(from: 1) }
                return word(1, "of") ? query(from: 3) : query(from: 1)
            case "forecast":
                // The managers' reports: forecast rollup, accuracy, history for HOLDER.
                if n == 1 { return kw(["accuracy", "history", "rollup"]) + query(from: 1) }
                if word(1, "rollup") || word(1, "accuracy") { return query(from: 2) }
                if word(1, "history") { return n == 2 ? kw(["for"]) : n == 3 ? [] : query(from: 4) }
                return query(from: 1)
            case "deals":
                // deals changed since DATE (or during WINDOW, a clause): every deal's changes.
                if n == 1 { return kw(["changed"]) + query(from: 1) }
                guard word(1, "changed") else { return query(from: 1) }
                if n == 2 { return kw(["since"]) + query(from: 2) }
                return word(2, "since") ? (n == 3 ? [] : query(from: 4)) : query(from: 2)
            case "attainment":
                if n == 1 { return kw(["rollup"]) + query(from: 1) }
                return word(1, "rollup") ? query(from: 2) : query(from: 1)
            case "pipeline", "cycle", "velocity", "stale", "calibration", "bottlenecks",
                 "tasks", "notifications":
                return query(from: 1)
            case "where", "by", "order", "limit", "during", "as":
                // A continuation line handed over on its own.
                return query(from: 0)
            default:
                return []
            }
        }

        func setStatement() -> [Item] {
            let n = t.count
            if n == 1 { return kw(["deal"]) }
            guard n >= 3, t[1].isWord("deal") else { return [] }
            if n == 3 { return fields }
            let last = t[n - 1]
            if last.isPunct(",") { return fields }
            if last.isPunct("=") { return specialValues(t[n - 2]) ?? storedValues(t[n - 2]) }
            if last.kind == .word && (t[n - 2].isPunct(",") || n == 4) { return [] }  // wants `=`
            return kw(["on"])
        }

        func importStatement() -> [Item] {
            let n = t.count
            if n == 1 { return kw(StatementCatalog.importKinds) }
            let last = t[n - 1]
            if unmatchedOpen(t, "(", ")") != nil {
                return last.isPunct("(") || last.isPunct(",") ? fields + kw(["entered"]) : []
            }
            if last.isWord("skip") { return kw(["errors"]) }
            switch t[1].lower {
            case "deals":
                if n == 2 { return kw(["from"]) }
                if n == 4 { return kw(["into"]) }
                if n == 6 { return kw(["skip"]) }
            case "history", "people", "quotas":
                if n == 2 { return kw(["from"]) }
            case "table":
                if n == 3 { return kw(["from"]) }
                if n == 5 { return kw(["key"]) }
            default:
                break
            }
            return []
        }

        func ruleStatement() -> [Item] {
            let n = t.count
            if n == 2 { return kw(["on", "when"]) }
            if t.contains(where: { $0.isWord("do") }) { return [] }
            if let condition = conditionAfterWhen(connectors: ["and", "or", "do"]) { return condition }
            guard n >= 2, t[n - 1].kind == .word else { return [] }
            if t[n - 2].isWord("enter") || t[n - 2].isWord("exit") { return kw(["do", "in", "where"]) }
            if t[n - 2].isWord("in") { return kw(["do", "where"]) }
            return []
        }

        /// The condition after the last `when`/`where` of a declaration, if the cursor is still
        /// in it (a declaration body ends a condition at the end of its line).
        func conditionAfterWhen(connectors: [String]) -> [Item]? {
            guard let i = t.lastIndex(where: { $0.isWord("when") || $0.isWord("where") }) else { return nil }
            let condition = Array(t[(i + 1)...])
            if condition.contains(where: { $0.newlineBefore }) { return nil }
            return expression(condition, afterOperand: kw(connectors))
        }

        /// Clauses of a query whose verb ends before index `q`.
        func query(from q: Int, allowTo: Bool = false) -> [Item] {
            var used: Set<String> = []
            var current: String?
            var start = q
            var depth = 0
            var i = q
            while i < t.count {
                let token = t[i]
                if token.kind == .punct {
                    switch token.text {
                    case "(", "[", "{": depth += 1
                    case ")", "]", "}": depth = max(0, depth - 1)
                    default: break
                    }
                } else if depth == 0 && token.kind == .word {
                    let w = token.lower
                    var starts = false
                    var skip = 0
                    switch w {
                    case "where", "by", "limit", "during", "show":
                        starts = true
                    case "order":
                        starts = true
                        if i + 1 < t.count && t[i + 1].isWord("by") { skip = 1 }
                    case "as":
                        starts = true
                        if i + 1 < t.count && t[i + 1].isWord("of") { skip = 1 }
                    case "to":
                        starts = allowTo && current != "during"
                    default:
                        break
                    }
                    if starts {
                        used.insert(w)
                        current = w
                        start = i + 1 + skip
                        i += skip
                    }
                }
                i += 1
            }
            var available = Completion.clauseKeywords.filter { keyword in
                !used.contains(String(keyword.prefix { $0 != " " }))
            }
            if allowTo && !used.contains("to") { available.append("to") }
            let more = kw(available)
            let rest = Array(t[min(start, t.count)...])
            switch current {
            case nil:
                return more
            case "where":
                return expression(rest, afterOperand: kw(["and", "or"]) + more)
            case "by", "show":
                return expression(rest, afterOperand: more)
            case "order":
                return expression(rest, afterOperand: kw(["asc", "desc"]) + more)
            case "limit", "as":
                return rest.isEmpty ? [] : more
            case "during":
                return window(rest, more: more)
            case "to":
                return rest.isEmpty ? [.file] : []
            default:
                return more
            }
        }

        /// What may follow the tokens `e` of an expression (or a list of them).
        func expression(_ e: [Token], afterOperand: [Item]) -> [Item] {
            guard let last = e.last else { return operandStart }
            let prev: Token? = e.count >= 2 ? e[e.count - 2] : nil
            switch last.kind {
            case .punct:
                switch last.text {
                case "=", "==", "!=", "<>", "<", "<=", ">", ">=":
                    guard let prev else { return operandStart }
                    return specialValues(prev) ?? storedValues(prev) + operandStart
                case "(", ",":
                    if let open = unmatchedOpen(e, "(", ")") {
                        if open >= 2 && e[open - 1].isWord("in") {
                            return specialValues(e[open - 2]) ?? []
                        }
                    }
                    return operandStart
                case "+", "-", "*", "/", "[":
                    return operandStart
                case ")", "]", "%":
                    return afterOperand
                default:
                    return []
                }
            case .word:
                switch last.lower {
                case "and", "or":
                    return operandStart
                case "not":
                    return prev?.isWord("is") == true ? kw(["empty"]) : operandStart
                case "is":
                    return kw(["empty", "not"])
                case "asc", "desc":
                    return afterOperand.filter { $0 != .keyword("asc") && $0 != .keyword("desc") }
                default:
                    return afterOperand
                }
            case .string, .number:
                return afterOperand
            }
        }

        /// What a text field holds in the store, offered inside a string only (outside one,
        /// an operand may be another field).
        func storedValues(_ subject: Token) -> [Item] {
            guard subject.kind == .word, isField(subject.text) else { return [] }
            return catalog.values(of: subject.text).map(Item.value)
        }

        /// Values compared with a field that has a known set of them.
        func specialValues(_ subject: Token) -> [Item]? {
            guard subject.kind == .word else { return nil }
            switch subject.text {
            case "stage": return stages
            case "funnel": return funnels
            case "status": return kw(["lost", "open", "removed", "won"])
            case "id", "deal": return dealIDs
            default: return nil
            }
        }

        func window(_ w: [Token], more: [Item]) -> [Item] {
            guard let last = w.last else { return kw(["last", "next", "this"]) }
            if last.isWord("this") || last.isWord("next") || last.isWord("last") {
                return kw(["month", "quarter", "week", "year"])
            }
            if last.kind == .number, w.count >= 2, w[w.count - 2].isWord("last") { return kw(["days"]) }
            if last.isWord("to") || last.kind == .punct { return [] }
            return more
        }

        /// Index of the last `open` in `tokens` that is not closed.
        func unmatchedOpen(_ tokens: [Token], _ open: String, _ close: String) -> Int? {
            var depth = 0
            for i in tokens.indices.reversed() where tokens[i].kind == .punct {
                if tokens[i].text == close {
                    depth += 1
                } else if tokens[i].text == open {
                    if depth == 0 { return i }
                    depth -= 1
                }
            }
            return nil
        }
    }
}
