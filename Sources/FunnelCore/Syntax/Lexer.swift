/// Turns UTF-8 bytes into tokens. Works on bytes rather than Characters for speed, and
/// collects errors instead of stopping, so one run reports every bad token in a file.
///
/// Newlines are tokens because they end statements, except inside `(` and `[`, where a
/// statement always continues (LANGUAGE.md, "Lexical rules"). Inside `{` they stay: funnel
/// bodies are line-oriented.
///
/// NEWLINE := "\n"   (not a token inside "(" or "[")
/// COMMENT := "--" { any character but "\n" }   (ignored; so is a first line starting "#!")
/// WORD := ( LETTER | "_" ) { LETTER | DIGIT | "_" }   (LETTER: any Unicode letter, so 方案呈现 is a word)
/// STRING := '"' { any character but '"', "\" and "\n" | "\" ( '"' | "\" | "n" | "t" | "u{" HEX { HEX } "}" ) } '"'
/// NUMBER := DIGIT { DIGIT | "_" } [ "." DIGIT { DIGIT } ] [ "k" | "K" | "m" | "M" ]
/// PERCENT := DIGIT { DIGIT | "_" } [ "." DIGIT { DIGIT } ] "%"
/// DATE := DIGIT DIGIT DIGIT DIGIT "-" DIGIT DIGIT "-" DIGIT DIGIT   (a real day)
/// MONTH := DIGIT DIGIT DIGIT DIGIT "-" DIGIT DIGIT
/// QUARTER := DIGIT DIGIT DIGIT DIGIT "-" ( "Q" | "q" ) ( "1" | "2" | "3" | "4" )
/// SYMBOL := "{" | "}" | "(" | ")" | "[" | "]" | "," | ";" | ":" | "." | "=" | "==" | "!=" | "<>"
///         | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/"
/// DOT-COMMAND := "." WORD { any character but "\n" }   (only where a statement starts)
public struct Lexer {
    let file: SourceFile
    let bytes: [UInt8]
    var pos = 0
    var tokens: [Token] = []
    var diagnostics: [Diagnostic] = []
    /// Open brackets, innermost last.
    var brackets: [UInt8] = []

    public init(file: SourceFile) { self.file = file; self.bytes = file.bytes }

    /// The kind of the last token made, which decides whether a `.` starts a session command.
    var previous: TokenKind?
    /// Errors found after the first `listedErrors`: counted, not kept, so a file of a hundred
    /// million bad bytes costs no more memory than one of twenty.
    var unlistedErrors = 0
    private(set) var finished = false

    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        while !lexer.finished { lexer.step() }
        return (lexer.tokens, lexer.diagnostics)
    }

    /// Lexes on until at least one token is made (the parser takes them as it goes), or the
    /// input ends, when the EOF token is made.
    mutating func step() {
        if pos == 0, previous == nil {
            // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the script.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
            // A `#!` first line lets scripts be executable.
            if bytes[pos...].starts(with: [35, 33]) { while pos < bytes.count, bytes[pos] != 10 { pos += 1 } }
        }
        let made = tokens.count
        while pos < bytes.count, tokens.count == made {
            let b = bytes[pos]
            switch b {
            case 32, 9, 13, 0x0C: pos += 1
            case 10:
                // A run of blank lines or of `;` is one separator: the parser gives them no
                // meaning, and a file of 100 MB of `;` is then one token, not 100 million.
                if brackets.last != UInt8(ascii: "("), brackets.last != UInt8(ascii: "["), previous != .newline {
                    add(.newline, pos, pos + 1)
                }
                pos += 1
            case UInt8(ascii: ";") where previous == .symbol(";"):
                pos += 1
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while pos < bytes.count, bytes[pos] != 10 { pos += 1 }
            case UInt8(ascii: "\""): lexString()
            case UInt8(ascii: "'"): lexSingleQuoted()
            case UInt8(ascii: "0")...UInt8(ascii: "9"): lexNumber()
            case UInt8(ascii: "."):
                if atStatementStart, let n = peek(1), isWordStart(n) || n == UInt8(ascii: ".") {
                    lexDotCommand()
                } else if let n = peek(1), n >= 48, n <= 57 {
                    lexNumber()
                } else {
                    add(.symbol("."), pos, pos + 1); pos += 1
                }
            default:
                if isWordStart(b) || b >= 0x80 { lexWordOrStray() } else { lexSymbol() }
            }
        }
        if pos >= bytes.count, tokens.count == made, !finished {
            add(.eof, bytes.count, bytes.count)
            finished = true
        }
    }

    var atStatementStart: Bool {
        guard let last = previous else { return true }
        return last == .newline || last == .symbol(";")
    }

    func peek(_ offset: Int) -> UInt8? { pos + offset < bytes.count ? bytes[pos + offset] : nil }

    mutating func add(_ kind: TokenKind, _ start: Int, _ end: Int) {
        tokens.append(Token(kind, SourceRange(start, end)))
        previous = kind
    }

    /// Warnings never stop a script; the first `Parser.listedErrors` are kept, the rest counted.
    var warnings: [Diagnostic] = []
    var unlistedWarnings = 0

    mutating func warn(_ code: String, _ message: String, _ start: Int, _ end: Int, help: String? = nil) {
        guard warnings.count < Parser.listedErrors else { unlistedWarnings += 1; return }
        warnings.append(Diagnostic(.syntax, code, message, file: file, range: SourceRange(start, end), help: help,
                                   severity: .warning))
    }

    mutating func error(_ code: String, _ message: String, _ start: Int, _ end: Int, help: String? = nil) {
        guard diagnostics.count < Parser.listedErrors else { unlistedErrors += 1; return }
        diagnostics.append(Diagnostic(.syntax, code, message, file: file, range: SourceRange(start, end), help: help))
    }

    func isWordStart(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
    }

    mutating func lexDotCommand() {
        let start = pos
        while pos < bytes.count, bytes[pos] != 10, bytes[pos] != 13 { pos += 1 }
        // A trailing comment (" --", outside quotes) is not part of the command, except for
        // the commands whose argument is the rest of the line as written (`.print -- x`,
        // `.shell git log -- file`).
        var end = pos
        var nameEnd = start + 1
        while nameEnd < pos, bytes[nameEnd] != 32, bytes[nameEnd] != 9 { nameEnd += 1 }
        let name = String(decoding: bytes[start..<nameEnd], as: UTF8.self).lowercased()
        if !DotCommand.restOfLine.contains(name) {
            var i = start
            var quoted = false
            while i + 2 < pos {
                if bytes[i] == 34 { quoted.toggle() }
                if !quoted, bytes[i] == 32, bytes[i + 1] == 45, bytes[i + 2] == 45 { end = i; break }
                i += 1
            }
        }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        add(.dotCommand(text), start, pos)
    }

    /// Words are Unicode letters, digits and `_`, so 初步接洽 is one word. Any other non-ASCII
    /// scalar (or invalid UTF-8) is a stray character and reported as such.
    mutating func lexWordOrStray() {
        let start = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if b < 0x80 {
                if isWordStart(b) || (b >= 48 && b <= 57) { pos += 1; continue }
                break
            }
            guard let (scalar, len) = decodeScalar(at: pos) else {
                if pos == start {
                    error("E001", "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true))", pos, pos + 1,
                          help: "save the script as UTF-8")
                    pos += 1
                    return
                }
                break
            }
            if Self.continuesWord(scalar) {
                pos += len
            } else {
                if pos == start, let ascii = Self.fullWidthPunctuation[scalar.value] {
                    // Chinese input methods type these all the time: read as ASCII, with a
                    // warning, so the script runs and the writer learns the ASCII form.
                    warn("W005", "full-width '\(scalar)' read as '\(ascii)'", pos, pos + len,
                         help: "type '\(ascii)' (switch the input method to half-width) to silence this warning")
                    if let b = ascii.asciiValue {
                        if b == 40 || b == 91 || b == 123 { brackets.append(b) }
                        let open: UInt8? = b == 41 ? 40 : b == 93 ? 91 : b == 125 ? 123 : nil
                        if let open, let i = brackets.lastIndex(of: open) { brackets.removeSubrange(i...) }
                    }
                    add(.symbol(String(ascii)), pos, pos + len)
                    pos += len
                    return
                }
                if pos == start, Self.currencySigns.contains(scalar.value), isDigit(peek(len)) {
                    currencySign(len)
                    return
                }
                if pos == start {
                    error("E002", "unexpected character '\(scalar)'", pos, pos + len,
                          help: scalar.value == 0xFF1A || scalar.value == 0xFF0C || scalar.value == 0x201C || scalar.value == 0x201D
                            ? "this is a full-width or typographic character; use its ASCII form (: , \")" : nil)
                    pos += len
                    return
                }
                break
            }
        }
        add(.word(String(decoding: bytes[start..<pos], as: UTF8.self)), start, pos)
    }

    /// `¥120000`, `$120,000`: one error for the sign, then the number is read on by the
    /// number scan itself, so the rest of the line is checked as if the sign were not there;
    /// `¥120,000` is one mistake, not a sign and then a separator: it reads as 120000.
    mutating func currencySign(_ length: Int) {
        let start = pos
        pos += length
        let numberStart = pos
        let literal = scanNumberLiteral(separators: true)
        let written = String(decoding: bytes[numberStart..<pos], as: UTF8.self)
        let plain = written.filter { $0 != "," && $0 != "_" }
        error("E008", "'\(String(decoding: bytes[start..<pos], as: UTF8.self))': amounts are plain numbers, without a currency sign\(literal.separated ? " or thousands separators" : "")",
              start, pos, help: "write \(plain.isEmpty ? "120000" : plain)")
        addNumber(literal, start: literal.separated ? start : numberStart)
    }

    /// `$ ¥ ￥ € £`: signs typed before an amount.
    static let currencySigns: Set<UInt32> = [0x24, 0xA5, 0xFFE5, 0x20AC, 0xA3]

    static let fullWidthPunctuation: [UInt32: Character] = [
        0xFF1A: ":", 0xFF0C: ",", 0xFF1B: ";", 0xFF08: "(", 0xFF09: ")", 0x3001: ",", 0xFF1D: "=",
        0xFF1C: "<", 0xFF1E: ">",
    ]

    func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = bytes[i]
        let len: Int
        var v: UInt32
        switch b0 {
        case 0xC2...0xDF: len = 2; v = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: len = 3; v = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: len = 4; v = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + len <= bytes.count else { return nil }
        for k in 1..<len {
            let c = bytes[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            v = v << 6 | UInt32(c & 0x3F)
        }
        guard let s = Unicode.Scalar(v) else { return nil }
        // Reject overlong encodings.
        if (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) { return nil }
        return (s, len)
    }

    mutating func lexSymbol() {
        let start = pos
        let b = bytes[pos]
        // Compared as bytes: a symbol is lexed for every comma and brace of a script.
        let two: String? = switch (b, peek(1)) {
        case (UInt8(ascii: "<"), UInt8(ascii: "=")?): "<="
        case (UInt8(ascii: ">"), UInt8(ascii: "=")?): ">="
        case (UInt8(ascii: "!"), UInt8(ascii: "=")?), (UInt8(ascii: "<"), UInt8(ascii: ">")?): "!="
        case (UInt8(ascii: "="), UInt8(ascii: "=")?): "="
        default: nil
        }
        if let two {
            pos += 2
            add(.symbol(two), start, pos)
            return
        }
        switch b {
        case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
            brackets.append(b)
        case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"):
            let open: UInt8 = b == UInt8(ascii: "}") ? 123 : b == UInt8(ascii: ")") ? 40 : 91
            if let i = brackets.lastIndex(of: open) { brackets.removeSubrange(i...) }
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"):
            break
        case UInt8(ascii: "$") where isDigit(peek(1)):
            currencySign(1)
            return
        default:
            let c = Character(Unicode.Scalar(b))
            error("E002", "unexpected character '\(c == "\0" ? "\\0" : String(c))'", pos, pos + 1,
                  help: c == "'" ? "strings are written in double quotes: \"...\"" : nil)
            pos += 1
            return
        }
        pos += 1
        add(.symbol(String(Unicode.Scalar(b))), start, pos)
    }

    /// `"..."` with `\"`, `\\`, `\n`, `\t`, `\u{4E2D}`; a string cannot span lines.
    mutating func lexString() {
        let start = pos
        pos += 1
        // Most strings hold no escape and nothing past ASCII: made from their bytes at once.
        var end = pos
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") {
                pos = end + 1
                add(.string(String(decoding: bytes[(start + 1)..<end], as: UTF8.self)), start, pos)
                return
            }
            if b == UInt8(ascii: "\\") || b == 10 || b >= 0x80 { break }
            end += 1
        }
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count, bytes[pos] != 10 else {
                error("E003", "unterminated string", start, pos, help: "close the string with \" before the end of the line")
                add(.string(String(decoding: out, as: UTF8.self)), start, pos)
                return
            }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; break }
            if b == UInt8(ascii: "\\") {
                let escStart = pos
                guard let e = peek(1) else { pos += 1; continue }
                pos += 2
                switch e {
                case UInt8(ascii: "\""): out.append(34)
                case UInt8(ascii: "\\"): out.append(92)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "{") else {
                        error("E004", "bad escape: \\u needs braces, like \\u{4E2D}", escStart, pos); continue
                    }
                    var hexEnd = pos + 1
                    while hexEnd < bytes.count, hexEnd - pos <= 9, bytes[hexEnd] != UInt8(ascii: "}"), bytes[hexEnd] != 10 { hexEnd += 1 }
                    let hex = String(decoding: bytes[(pos + 1)..<min(hexEnd, bytes.count)], as: UTF8.self)
                    if hexEnd < bytes.count, bytes[hexEnd] == UInt8(ascii: "}"), !hex.isEmpty,
                       let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) {
                        out.append(contentsOf: Array(String(Character(s)).utf8))
                        pos = hexEnd + 1
                    } else {
                        pos = min(hexEnd + 1, bytes.count)
                        error("E004", "bad escape: \\u{\(hex)} is not a Unicode scalar", escStart, pos)
                    }
                default:
                    error("E004", "unknown escape \\\(Character(Unicode.Scalar(e)))", escStart, pos,
                          help: "the escapes are \\\" \\\\ \\n \\t \\u{...}")
                }
                continue
            }
            if b >= 0x80 {
                // Copy whole scalars, so a bad byte is reported instead of silently replaced.
                guard let (_, len) = decodeScalar(at: pos) else {
                    error("E001", "invalid UTF-8 byte 0x\(String(b, radix: 16, uppercase: true))", pos, pos + 1,
                          help: "save the script as UTF-8")
                    pos += 1
                    continue
                }
                out.append(contentsOf: bytes[pos..<(pos + len)])
                pos += len
                continue
            }
            out.append(b)
            pos += 1
        }
        add(.string(String(decoding: out, as: UTF8.self)), start, pos)
    }

    /// `'text'` is a common slip from SQL: one error, then read as the string it meant.
    mutating func lexSingleQuoted() {
        let start = pos
        var end = pos + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "'"), bytes[end] != 10 { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "'") else {
            error("E002", "unexpected character \"'\"", pos, pos + 1, help: "strings are written in double quotes: \"...\"")
            pos += 1
            return
        }
        let text = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        pos = end + 1
        error("E009", "strings are written in double quotes", start, pos, help: "write \"\(text)\"")
        add(.string(text), start, pos)
    }

    func isDigit(_ b: UInt8?) -> Bool { b.map { $0 >= 48 && $0 <= 57 } ?? false }

    /// Numbers `120000`, `120_000`, `1.5`, `120k`, `1.2m`, `25%`; dates `2026-03-14`,
    /// months `2026-03`, quarters `2026-Q2`. A date must be a real day.
    mutating func lexNumber() {
        let start = pos
        // Date-like literals start with exactly four digits and a dash.
        if pos + 4 < bytes.count, (0..<4).allSatisfy({ isDigit(bytes[pos + $0]) }), bytes[pos + 4] == UInt8(ascii: "-") {
            let year = Int(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self)) ?? 0
            if let q = peek(5), q == UInt8(ascii: "Q") || q == UInt8(ascii: "q"), isDigit(peek(6)), !continuesWord(7) {
                let quarter = Int(bytes[pos + 6] - 48)
                pos += 7
                if (1...4).contains(quarter) { add(.quarter(year, quarter), start, pos) }
                else {
                    error("E005", "no such quarter Q\(quarter)", start, pos, help: "quarters are Q1 to Q4")
                    add(.quarter(year, 1), start, pos)
                }
                return
            }
            if isDigit(peek(5)), isDigit(peek(6)) {
                let month = Int(bytes[pos + 5] - 48) * 10 + Int(bytes[pos + 6] - 48)
                if peek(7) == UInt8(ascii: "-"), isDigit(peek(8)), isDigit(peek(9)), !continuesWord(10) {
                    let day = Int(bytes[pos + 8] - 48) * 10 + Int(bytes[pos + 9] - 48)
                    pos += 10
                    if let d = Calendar.validDay(year: year, month: month, day: day) { add(.date(d), start, pos) }
                    else {
                        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
                        error("E005", "no such date \(text)", start, pos,
                              help: (1...12).contains(month) ? "\(Calendar.pad(year, 4))-\(Calendar.pad(month, 2)) has \(Calendar.daysInMonth(year: year, month: month)) days" : "months are 01 to 12")
                        add(.date(0), start, pos)
                    }
                    return
                }
                if !isDigit(peek(7)), !continuesWord(7), peek(7) != UInt8(ascii: "-") {
                    pos += 7
                    if (1...12).contains(month) { add(.month(year, month), start, pos) }
                    else {
                        error("E005", "no such month \(String(decoding: bytes[start..<pos], as: UTF8.self))", start, pos, help: "months are 01 to 12")
                        add(.month(year, 1), start, pos)
                    }
                    return
                }
            }
        }
        addNumber(scanNumberLiteral(separators: false), start: start)
    }

    /// A number literal's digits as written, without `_` (and `,` separators), and its suffix.
    struct NumberLiteral {
        /// ASCII digits with at most one `.`.
        var digits: [UInt8] = []
        /// `%`, `k`/`K` or `m`/`M`, nil for none.
        var suffix: UInt8?
        /// Whether `,` separated its thousands (read only after a currency sign).
        var separated = false
    }

    /// Reads `120_000`, `1.5`, `25%`, `120k`, `1.2m` from `pos`; with `separators`, also
    /// `1,200` (after a currency sign). Stops before anything else.
    mutating func scanNumberLiteral(separators: Bool) -> NumberLiteral {
        var literal = NumberLiteral()
        var sawDot = false
        while pos < bytes.count {
            let b = bytes[pos]
            if isDigit(b) { literal.digits.append(b); pos += 1 }
            else if b == UInt8(ascii: "_"), isDigit(peek(1)), !literal.digits.isEmpty { pos += 1 }
            else if separators, b == UInt8(ascii: ","), isDigit(peek(1)), !literal.digits.isEmpty, !sawDot { literal.separated = true; pos += 1 }
            else if b == UInt8(ascii: "."), !sawDot, isDigit(peek(1)) { sawDot = true; literal.digits.append(b); pos += 1 }
            else { break }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "%") {
            literal.suffix = bytes[pos]
            pos += 1
        } else if let s = peek(0), [UInt8(ascii: "k"), UInt8(ascii: "K"), UInt8(ascii: "m"), UInt8(ascii: "M")].contains(s), !continuesWord(1) {
            literal.suffix = s
            pos += 1
        }
        return literal
    }

    /// The token of a scanned literal. A number is read from its digits with the multiplier
    /// as an exponent, so `1.1k` is exactly 1100; one whose digits a Double cannot hold
    /// (more than 15 significant digits, such as `999999999999999.99`) is an exact amount
    /// when it has at most two fraction digits (Money.swift).
    mutating func addNumber(_ literal: NumberLiteral, start: Int) {
        // A whole number of up to 15 digits (nearly every one) is exact as a Double, below
        // the largest allowed, and what reading its text would give.
        if literal.suffix == nil, literal.digits.count <= 15, !literal.digits.contains(UInt8(ascii: ".")), !continuesWord(0) {
            var v = 0
            for d in literal.digits { v = v * 10 + Int(d - 48) }
            add(.number(Double(v)), start, pos)
            return
        }
        let text = String(decoding: literal.digits, as: UTF8.self)
        if literal.suffix == UInt8(ascii: "%") {
            add(.percent((Double(text) ?? 0) / 100), start, pos)
            return
        }
        if continuesWord(0) {
            // `12abc`: report the whole run as one bad number rather than a number and a word.
            while continuesWord(0) { pos += 1 }
            error("E006", "bad number '\(String(decoding: bytes[start..<pos], as: UTF8.self))'", start, pos,
                  help: "numbers look like 120000, 120_000, 1.5, 120k, 1.2m or 25%")
            add(.number(0), start, pos)
            return
        }
        let exponent = literal.suffix.map { $0 == UInt8(ascii: "k") || $0 == UInt8(ascii: "K") ? 3 : 6 } ?? 0
        let value = Double(exponent == 0 ? text : text + "e\(exponent)") ?? 0
        let point = literal.digits.firstIndex(of: UInt8(ascii: ".")) ?? literal.digits.count
        let fractionDigits = max(0, literal.digits.count - point - 1 - exponent)
        let significant = literal.digits.filter { $0 != UInt8(ascii: ".") }.drop { $0 == UInt8(ascii: "0") }.count
        if significant > 15, fractionDigits <= 2, let m = Money.parse(text + "e\(exponent)") {
            add(.amount(m), start, pos)
            return
        }
        guard value.isFinite, value < 1e15 else {
            error("E007", "number too large", start, pos, help: "amounts up to 999 trillion are supported")
            add(.number(0), start, pos)
            return
        }
        add(.number(value), start, pos)
    }

    /// Whether the byte at `pos + offset` goes on a word or number. A non-ASCII scalar does
    /// unless it is punctuation funnel reads as ASCII, so `10k，owner：` is `10k` then `,`.
    func continuesWord(_ offset: Int) -> Bool {
        let i = pos + offset
        guard i < bytes.count else { return false }
        let b = bytes[i]
        if b < 0x80 { return isWordStart(b) || isDigit(b) }
        if let (scalar, _) = decodeScalar(at: i), Self.fullWidthPunctuation[scalar.value] != nil { return false }
        return true
    }
}
