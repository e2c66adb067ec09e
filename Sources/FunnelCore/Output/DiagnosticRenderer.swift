/// Renders a diagnostic the way compilers users know do:
/// ```
/// setup.funnel:3:25: error[E201]: unknown stage "Propsal"
///   3 | forecast where stage >= Propsal by team
///     |                         ^^^^^^^
/// help: did you mean "Proposal"?
/// ```
public enum DiagnosticRenderer {
    /// Lines wider than this are shortened around the caret.
    static let maxQuoted = 100

    /// A quoted word in a message (`'...'` or `"..."`: text from the script) longer than this
    /// many characters is shortened to its first 40 and last 8 around "…", so a 100 MB word
    /// in a script is not repeated whole in the error. Unquoted runs (paths) are shortened
    /// only past `maxRun`.
    static let maxWord = 60
    static let maxRun = 1000

    public static func render(_ d: Diagnostic) -> String {
        var out = ""
        let head = "\(d.severity.rawValue)[\(d.code)]: \(clipWords(d.message))"
        // A help line often holds a command to copy (a store's URL, a path): its quoted words
        // are cut only past `maxRun`, like paths, so a huge word is still never repeated whole.
        let notes = d.notes.map { clipWords($0) }, help = d.help.map { clipWords($0, quotedLimit: maxRun) }
        guard let file = d.file, let range = d.range else {
            out = d.file.map { "\($0.name): " + head } ?? head
            for n in notes { out += "\nnote: \(n)" }
            if let h = help { out += "\nhelp: \(h)" }
            return out
        }
        let line = file.line(of: range.start)
        let col = file.column(of: range.start)
        out = "\(file.name):\(line):\(col): \(head)"
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        // Only the bytes near the caret are decoded: a line of 100 MB is quoted as a window
        // of it, and decoding it whole took gigabytes.
        let lineStart = file.lineStarts[line - 1]
        var lineEnd = line < file.lineStarts.count ? file.lineStarts[line] : file.bytes.count
        while lineEnd > lineStart, file.bytes[lineEnd - 1] == 0x0A || file.bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let start = min(max(range.start, lineStart), lineEnd)
        let reach = maxQuoted * 4  // bytes: a character is at most 4
        let windowStart = characterStart(file.bytes, max(lineStart, start - reach), floor: lineStart)
        let windowEnd = characterStart(file.bytes, min(lineEnd, start + reach), floor: start)
        let clippedBefore = windowStart > lineStart, clippedAfter = windowEnd < lineEnd
        var text = file.text(SourceRange(windowStart, windowEnd)).replacingTabs()
        // Caret under the span, measured in terminal columns; a span running past the line
        // end (or an empty span at end of input) still gets one caret.
        var prefix = file.text(SourceRange(windowStart, start)).replacingTabs()
        let spanEnd = min(max(range.end, range.start), lineEnd, start + reach)
        let span = file.text(SourceRange(start, max(start, spanEnd))).replacingTabs()
        let caretCount = max(1, min(DisplayWidth.of(span), maxQuoted / 2))
        // A very long line is quoted as a window around the caret.
        if clippedBefore || clippedAfter || DisplayWidth.of(text) > maxQuoted {
            let chars = Array(text)
            let caret = min(prefix.count, chars.count)
            var lo = caret, width = 0
            while lo > 0, width + DisplayWidth.of(String(chars[lo - 1])) <= maxQuoted / 2 {
                lo -= 1
                width += DisplayWidth.of(String(chars[lo]))
            }
            var hi = caret
            while hi < chars.count, width + DisplayWidth.of(String(chars[hi])) <= maxQuoted {
                width += DisplayWidth.of(String(chars[hi]))
                hi += 1
            }
            let lead = lo > 0 || clippedBefore ? "…" : ""
            text = lead + String(chars[lo..<hi]) + (hi < chars.count || clippedAfter ? "…" : "")
            prefix = lead + String(chars[lo..<caret])
        }
        out += "\n \(gutter) | \(text)"
        out += "\n \(pad) | " + String(repeating: " ", count: DisplayWidth.of(prefix))
            + String(repeating: "^", count: caretCount)
        for n in notes { out += "\nnote: \(n)" }
        if let h = help { out += "\nhelp: \(h)" }
        return out
    }

    /// `at`, moved back to the first byte of its UTF-8 character (not before `floor`).
    static func characterStart(_ bytes: [UInt8], _ at: Int, floor: Int) -> Int {
        var i = at
        while i > floor, i < bytes.count, bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return i
    }

    static func clipWords(_ text: String, quotedLimit: Int = maxWord) -> String {
        guard text.utf8.count > quotedLimit else { return text }
        var out = ""
        var word = Substring()
        var changed = false
        func flush() {
            let quoted = word.first == "'" || word.first == "\""
            if word.count > (quoted ? quotedLimit : maxRun) {
                out += word.prefix(40) + "…" + word.suffix(8)
                changed = true
            } else {
                out += word
            }
        }
        var rest = Substring(text)
        while let space = rest.firstIndex(where: { $0 == " " || $0 == "\n" }) {
            word = rest[..<space]
            flush()
            out.append(rest[space])
            rest = rest[rest.index(after: space)...]
        }
        word = rest
        flush()
        return changed ? out : text
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        contains("\t") ? split(separator: "\t", omittingEmptySubsequences: false).joined(separator: " ") : self
    }
}
