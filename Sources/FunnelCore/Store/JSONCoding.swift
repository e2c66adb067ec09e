/// JSON written and read at the byte level. The journal is checksummed over its exact text,
/// so the writer must be deterministic (compact, keys in the given order) and the reader
/// must cope with a million lines and with whatever a damaged disk hands it: every input
/// either decodes or throws, nothing traps.
enum JSONCoding {
    /// Deep enough for any payload funnel writes, shallow enough that the recursive parser
    /// cannot exhaust the stack on hostile input.
    static let maxDepth = 64

    static func encode(_ v: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        append(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes one complete JSON text; errors are `S002` diagnostics.
    static func decode(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        switch parse(bytes) {
        case .success(let v): return v
        case .failure(let e): throw Diagnostic(.io, "S002", e.message)
        }
    }

    /// How deeply `v` nests (a scalar is 0, `[]` is 1), so a writer can refuse a value the
    /// reader would later reject.
    static func depth(of v: JSONValue) -> Int {
        switch v {
        case .array(let a): return 1 + (a.map(depth(of:)).max() ?? 0)
        case .object(let o): return 1 + (o.map { depth(of: $0.1) }.max() ?? 0)
        default: return 0
        }
    }

    // MARK: - Writing

    static func append(_ v: JSONValue, to out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): appendNumber(d, to: &out)
        case .money(let m): appendMoney(m, to: &out)
        case .string(let s): appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (k, pair) in pairs.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendString(pair.0, to: &out)
                out.append(UInt8(ascii: ":"))
                append(pair.1, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Integral values print without a fraction so amounts read as `120000`, not
    /// `120000.0`; ±2^53 is where every integer is still exact. JSON has no NaN or
    /// infinity, and writing them would make the line unreadable, so they become null.
    static func appendNumber<Sink: JSONSink & ~Copyable>(_ d: Double, to out: inout Sink) {
        guard d.isFinite else { out.put("null"); return }
        if d == d.rounded(.towardZero), abs(d) <= 9_007_199_254_740_992 {
            let i = Int64(d)
            if i < 0 { out.put(UInt8(ascii: "-")) }
            appendDecimal(i.magnitude, to: &out)
        } else {
            var text = d.description
            text.withUTF8 { out.put($0) }
        }
    }

    /// `Money.plain`'s text (`-1234.5`, `0.05`, `120000`), written without making it.
    static func appendMoney<Sink: JSONSink & ~Copyable>(_ m: Money, to out: inout Sink) {
        let cents = m.cents
        guard let magnitude = UInt64(exactly: cents.magnitude) else {
            var text = m.plain
            text.withUTF8 { out.put($0) }
            return
        }
        if cents < 0 { out.put(UInt8(ascii: "-")) }
        appendDecimal(magnitude / 100, to: &out)
        let rest = UInt8(magnitude % 100)
        guard rest != 0 else { return }
        out.put(UInt8(ascii: "."))
        out.put(48 + rest / 10)
        if rest % 10 != 0 { out.put(48 + rest % 10) }
    }

    /// The digits of `v` (`String(v)`), written in place.
    static func appendDecimal<Sink: JSONSink & ~Copyable>(_ v: UInt64, to out: inout Sink) {
        // Twenty digits hold any UInt64; filled from the end.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var x = v
            var i = 20
            repeat {
                i -= 1
                digits[i] = 48 + UInt8(x % 10)
                x /= 10
            } while x > 0
            out.put(UnsafeBufferPointer(rebasing: digits[i..<20]))
        }
    }

    /// Non-ASCII stays raw UTF-8 so Chinese names stay readable in the journal; only what
    /// RFC 8259 requires is escaped, control characters uniformly as `\u00XX`.
    static func appendString<Sink: JSONSink & ~Copyable>(_ s: String, to out: inout Sink) {
        out.put(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            for i in 0..<u.count {
                let b = u[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.put(UnsafeBufferPointer(rebasing: u[runStart..<i]))
                runStart = i + 1
                out.put(UInt8(ascii: "\\"))
                if b < 0x20 {
                    out.put("u00")
                    out.put(hexDigit(b >> 4))
                    out.put(hexDigit(b & 0xF))
                } else {
                    out.put(b)
                }
            }
            out.put(UnsafeBufferPointer(rebasing: u[runStart..<u.count]))
        }
        out.put(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }

    // MARK: - Reading

    /// Where and why a text is not JSON; the offset is from the start of the slice.
    struct ParseError: Error, Equatable {
        var offset: Int
        var what: String
        var message: String { "invalid JSON at byte \(offset): \(what)" }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) -> Result<JSONValue, ParseError> {
        bytes.withUnsafeBufferPointer { buf in
            var p = Parser(b: buf)
            do throws(ParseError) { return .success(try p.document()) } catch { return .failure(error) }
        }
    }

    /// Recursive descent over raw bytes. Every read of `b[i]` is preceded by an `i < n`
    /// check: in release builds the buffer is unchecked, and the input may be anything.
    private struct Parser {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        /// Reused for strings with escapes, so only those pay for a copy.
        var scratch: [UInt8] = []

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        var n: Int { b.count }

        mutating func document() throws(ParseError) -> JSONValue {
            skipSpace()
            let v = try value(depth: 0)
            skipSpace()
            if i < n { throw ParseError(offset: i, what: "unexpected \(describe(b[i])) after the value") }
            return v
        }

        mutating func skipSpace() {
            while i < n {
                let c = b[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        func describe(_ c: UInt8) -> String {
            if c > 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
            return "byte 0x" + hex2(c)
        }

        func hex2(_ c: UInt8) -> String {
            let s = String(c, radix: 16, uppercase: true)
            return s.count < 2 ? "0" + s : s
        }

        var endOfInput: ParseError { ParseError(offset: n, what: "unexpected end of input") }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard i < n else { throw endOfInput }
            switch b[i] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw ParseError(offset: i, what: "unexpected \(describe(b[i]))")
            }
        }

        mutating func literal(_ word: StaticString) throws(ParseError) {
            let start = i
            let len = word.utf8CodeUnitCount
            let ok = word.withUTF8Buffer { w in
                guard n - start >= len else { return false }
                for k in 0..<len where b[start + k] != w[k] { return false }
                return true
            }
            guard ok else { throw ParseError(offset: start, what: "invalid literal") }
            i += len
        }

        mutating func array(depth: Int) throws(ParseError) -> JSONValue {
            if depth > JSONCoding.maxDepth {
                throw ParseError(offset: i, what: "nesting deeper than \(JSONCoding.maxDepth) levels")
            }
            i += 1
            skipSpace()
            if i < n, b[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
            var items: [JSONValue] = []
            items.reserveCapacity(4)
            while true {
                skipSpace()
                items.append(try value(depth: depth))
                skipSpace()
                guard i < n else { throw endOfInput }
                switch b[i] {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "]"):
                    i += 1
                    return .array(items)
                default: throw ParseError(offset: i, what: "expected ',' or ']', found \(describe(b[i]))")
                }
            }
        }

        mutating func object(depth: Int) throws(ParseError) -> JSONValue {
            if depth > JSONCoding.maxDepth {
                throw ParseError(offset: i, what: "nesting deeper than \(JSONCoding.maxDepth) levels")
            }
            i += 1
            skipSpace()
            if i < n, b[i] == UInt8(ascii: "}") { i += 1; return .object([]) }
            // Journal objects have up to about eight members: one allocation, not four.
            var pairs: [(String, JSONValue)] = []
            pairs.reserveCapacity(8)
            while true {
                skipSpace()
                guard i < n else { throw endOfInput }
                guard b[i] == UInt8(ascii: "\"") else {
                    throw ParseError(offset: i, what: "expected a string key, found \(describe(b[i]))")
                }
                let key = try string()
                skipSpace()
                guard i < n else { throw endOfInput }
                guard b[i] == UInt8(ascii: ":") else {
                    throw ParseError(offset: i, what: "expected ':', found \(describe(b[i]))")
                }
                i += 1
                skipSpace()
                pairs.append((key, try value(depth: depth)))
                skipSpace()
                guard i < n else { throw endOfInput }
                switch b[i] {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "}"):
                    i += 1
                    return .object(pairs)
                default: throw ParseError(offset: i, what: "expected ',' or '}', found \(describe(b[i]))")
                }
            }
        }

        /// Called at the opening quote. Strings without escapes (nearly all) are made
        /// straight from the input bytes.
        mutating func string() throws(ParseError) -> String {
            let open = i
            i += 1
            let start = i
            var ascii = true
            while i < n {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    let s = try makeString(UnsafeBufferPointer(rebasing: b[start..<i]), ascii: ascii, open: open)
                    i += 1
                    return s
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { break }
                if c >= 0x80 { ascii = false }
                i += 1
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
            while i < n {
                let c = b[i]
                switch c {
                case UInt8(ascii: "\""):
                    i += 1
                    let bytes = scratch
                    return try bytes.withUnsafeBufferPointer { (u) throws(ParseError) -> String in
                        try makeString(u, ascii: false, open: open)
                    }
                case UInt8(ascii: "\\"):
                    try escape()
                case 0..<0x20:
                    throw ParseError(offset: i, what: "unescaped control character 0x\(hex2(c)) in string")
                default:
                    scratch.append(c)
                    i += 1
                }
            }
            throw ParseError(offset: open, what: "unterminated string")
        }

        func makeString(_ u: UnsafeBufferPointer<UInt8>, ascii: Bool, open: Int) throws(ParseError) -> String {
            if ascii { return String(decoding: u, as: UTF8.self) }
            guard let s = String(validating: u, as: UTF8.self) else {
                throw ParseError(offset: open, what: "invalid UTF-8 in string")
            }
            return s
        }

        /// At a backslash: decodes one escape into `scratch`, pairing UTF-16 surrogates
        /// because JSON writes characters outside the BMP as two `\u` escapes.
        mutating func escape() throws(ParseError) {
            let at = i
            i += 1
            guard i < n else { throw ParseError(offset: at, what: "unterminated string") }
            let c = b[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(c)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var cp = try hex4(escapeAt: at)
                if (0xD800...0xDBFF).contains(cp) {
                    guard n - i >= 2, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw ParseError(offset: at, what: "unpaired surrogate \\u\(hex4String(cp))")
                    }
                    i += 2
                    let low = try hex4(escapeAt: at)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw ParseError(offset: at, what: "unpaired surrogate \\u\(hex4String(cp))")
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(cp) {
                    throw ParseError(offset: at, what: "unpaired surrogate \\u\(hex4String(cp))")
                }
                appendUTF8(cp)
            default:
                let shown = c > 0x20 && c < 0x7F ? "'\\\(Character(Unicode.Scalar(c)))'" : "\\ followed by byte 0x\(hex2(c))"
                throw ParseError(offset: at, what: "invalid escape \(shown)")
            }
        }

        mutating func hex4(escapeAt at: Int) throws(ParseError) -> UInt32 {
            guard n - i >= 4 else { throw ParseError(offset: at, what: "invalid \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
                default: throw ParseError(offset: at, what: "invalid \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        func hex4String(_ v: UInt32) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - s.count)) + s
        }

        mutating func appendUTF8(_ cp: UInt32) {
            switch cp {
            case 0..<0x80:
                scratch.append(UInt8(cp))
            case 0x80..<0x800:
                scratch.append(UInt8(0xC0 | cp >> 6))
                scratch.append(UInt8(0x80 | cp & 0x3F))
            case 0x800..<0x10000:
                scratch.append(UInt8(0xE0 | cp >> 12))
                scratch.append(UInt8(0x80 | cp >> 6 & 0x3F))
                scratch.append(UInt8(0x80 | cp & 0x3F))
            default:
                scratch.append(UInt8(0xF0 | cp >> 18))
                scratch.append(UInt8(0x80 | cp >> 12 & 0x3F))
                scratch.append(UInt8(0x80 | cp >> 6 & 0x3F))
                scratch.append(UInt8(0x80 | cp & 0x3F))
            }
        }

        /// Validates the RFC 8259 number grammar itself (Swift's `Double(String)` would also
        /// take `inf`, hex and `+1`); short integers, the common case, skip `strtod`. More than
        /// 15 significant digits (`999999999999999.99`) is more than a Double keeps: such a
        /// number is read exactly as money when it is an amount (at most two fraction digits,
        /// in Money's range).
        mutating func number() throws(ParseError) -> JSONValue {
            let start = i
            let negative = b[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            guard i < n, isDigit(b[i]) else { throw ParseError(offset: start, what: "invalid number") }
            var intValue = 0
            var digits = 0
            if b[i] == UInt8(ascii: "0") {
                i += 1
                digits = 1
            } else {
                while i < n, isDigit(b[i]) {
                    intValue = intValue &* 10 &+ Int(b[i] - 48)
                    digits += 1
                    i += 1
                }
            }
            var simple = true
            if i < n, b[i] == UInt8(ascii: ".") {
                simple = false
                i += 1
                guard i < n, isDigit(b[i]) else { throw ParseError(offset: start, what: "invalid number") }
                while i < n, isDigit(b[i]) { i += 1 }
            }
            if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                simple = false
                i += 1
                if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard i < n, isDigit(b[i]) else { throw ParseError(offset: start, what: "invalid number") }
                while i < n, isDigit(b[i]) { i += 1 }
            }
            if simple, digits <= 15 {
                let d = Double(intValue)
                return .number(negative ? -d : d)
            }
            let bytes = UnsafeBufferPointer(rebasing: b[start..<i])
            if Self.significantDigits(bytes) > 15, let m = Self.exactMoney(bytes) { return .money(m) }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let d = Double(text) else { throw ParseError(offset: start, what: "invalid number") }
            guard d.isFinite else { throw ParseError(offset: start, what: "number out of range") }
            return .number(d)
        }

        /// Digits of the mantissa without leading zeros.
        static func significantDigits(_ b: UnsafeBufferPointer<UInt8>) -> Int {
            var count = 0
            for c in b {
                if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { break }
                if c >= 49 && c <= 57 || (c == 48 && count > 0) { count += 1 }
            }
            return count
        }

        /// Plain decimal text with at most two fraction digits, as money; nil otherwise.
        static func exactMoney(_ b: UnsafeBufferPointer<UInt8>) -> Money? {
            guard !b.contains(UInt8(ascii: "e")), !b.contains(UInt8(ascii: "E")) else { return nil }
            if let dot = b.firstIndex(of: UInt8(ascii: ".")), b.count - dot - 1 > 2 { return nil }
            return Money.parse(bytes: b)
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    }
}
