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

    public static func render(_ d: Diagnostic) -> String {
        var out = ""
        let head = "\(d.severity.rawValue)[\(d.code)]: \(d.message)"
        guard let file = d.file, let range = d.range else {
            out = d.file.map { "\($0.name): " + head } ?? head
            for n in d.notes { out += "\nnote: \(n)" }
            if let h = d.help { out += "\nhelp: \(h)" }
            return out
        }
        let line = file.line(of: range.start)
        let col = file.column(of: range.start)
        out = "\(file.name):\(line):\(col): \(head)"
        var text = file.lineText(line).replacingTabs()
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        // Caret under the span, measured in terminal columns; a span running past the line
        // end (or an empty span at end of input) still gets one caret.
        let lineStart = file.lineStarts[line - 1]
        var prefix = file.text(SourceRange(lineStart, range.start)).replacingTabs()
        let lineEnd = lineStart + Array(file.lineText(line).utf8).count
        let spanEnd = min(max(range.end, range.start), lineEnd)
        let span = file.text(SourceRange(range.start, spanEnd)).replacingTabs()
        let caretCount = max(1, min(DisplayWidth.of(span), maxQuoted / 2))
        // A very long line is quoted as a window around the caret.
        if DisplayWidth.of(text) > maxQuoted {
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
            let lead = lo > 0 ? "…" : ""
            text = lead + String(chars[lo..<hi]) + (hi < chars.count ? "…" : "")
            prefix = lead + String(chars[lo..<caret])
        }
        out += "\n \(gutter) | \(text)"
        out += "\n \(pad) | " + String(repeating: " ", count: DisplayWidth.of(prefix))
            + String(repeating: "^", count: caretCount)
        for n in d.notes { out += "\nnote: \(n)" }
        if let h = d.help { out += "\nhelp: \(h)" }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        contains("\t") ? split(separator: "\t", omittingEmptySubsequences: false).joined(separator: " ") : self
    }
}
