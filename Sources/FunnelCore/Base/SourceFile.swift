/// A script's text with a line table, so diagnostics can turn byte offsets into
/// `line:col` and quote the line. Ranges everywhere are byte offsets into `bytes`.
public final class SourceFile: Sendable {
    public let name: String
    public let bytes: [UInt8]
    /// Byte offset where each line starts; line 1 starts at 0.
    public let lineStarts: [Int]
    /// The folder relative file paths in the script are taken from (nil: the current directory).
    public let baseDirectory: String?

    public convenience init(name: String, text: String, baseDirectory: String? = nil) {
        self.init(name: name, bytes: Array(text.utf8), baseDirectory: baseDirectory)
    }

    public init(name: String, bytes: [UInt8], baseDirectory: String? = nil) {
        self.name = name
        self.bytes = bytes
        self.baseDirectory = baseDirectory
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line number of a byte offset.
    public func line(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The text of a 1-based line without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// 1-based column, counted in characters (Unicode scalars) rather than bytes, so a
    /// Chinese stage name counts as one column per character.
    public func column(of offset: Int) -> Int {
        let l = line(of: offset)
        let start = lineStarts[l - 1]
        let end = min(max(offset, start), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars.count + 1
    }

    public func text(_ range: SourceRange) -> String {
        let lo = max(0, min(range.start, bytes.count)), hi = max(lo, min(range.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A half-open byte range in a `SourceFile`.
public struct SourceRange: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }
}
