#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads RFC 4180 CSV as found in CRM exports, one record at a time.
///
/// Imports must stream files far larger than memory at close to disk speed, so the reader works
/// on raw bytes read with `read(2)` into one buffer, and a record's fields are offsets into that
/// buffer: nothing is copied, and Strings are made only when a field is asked for. A record cut by
/// the end of the buffer is moved to its front and parsed again once more bytes are in, which
/// keeps the parser a plain loop with no state carried between reads. Memory stays bounded by the
/// buffer (1 MiB, growing only for a record that needs it, never past `maxRecordBytes`).
///
/// Leniencies, chosen because real exports break the RFC in these ways and refusing them helps
/// no one: a quote inside an unquoted field is kept as a literal byte; text after a closing quote
/// is appended to the field (`"ab"c` reads `abc`); blank lines anywhere are skipped, since a
/// blank line never carries a row and exports often end with several.
public final class CSVReader {
    /// The path (or the name given for in-memory bytes), used in every message.
    public let name: String
    public let delimiter: UInt8
    public let maxRecordBytes: Int

    /// Large enough that syscalls cost nothing next to parsing, small enough to stay in cache.
    static let chunkSize = 1 << 20
    /// A record with more fields than this is not a table; the cap bounds the field offsets'
    /// memory (8 bytes a field) for files of nothing but delimiters.
    static let maxFields = 1 << 20

    private let input: (any ImportInput)?
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var pos = 0
    private var end = 0
    private var eof = false

    /// The physical line of the byte at `pos`.
    private var line = 1

    /// Start and end offset in `buffer` of each field of the current record. During a scan bit 31
    /// of an end marks a quoted field that still holds `""` pairs or a closing quote to remove.
    private var spans: UnsafeMutablePointer<UInt32>
    private var spanCapacity: Int
    private(set) var fieldCount = 0

    /// Per-byte flags: bit 0 ends a run of unquoted bytes, bit 1 ends a run of quoted bytes.
    /// One table lookup per byte is cheaper than four comparisons.
    private let classes: UnsafeMutablePointer<UInt8>

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let escapedBit: UInt32 = 1 << 31

    /// Opens `path` on the file system, read as UTF-8. Throws `I001` when the file cannot be
    /// opened or read or is a directory, `I005` for an unusable delimiter, `I020` for bytes
    /// that are not UTF-8. `name` stands for the path in messages.
    public convenience init(path: String, name: String? = nil, delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 16 << 20) throws {
        let name = name ?? path
        try Self.checkDelimiter(delimiter)
        let file = try FileSystemSource().open(path, name: name)
        try self.init(input: DecodingInput(file, name: name, encoding: nil), name: name, delimiter: delimiter, maxRecordBytes: maxRecordBytes)
    }

    /// Reads `input`, which must give UTF-8 (a `DecodingInput` makes any encoding so).
    init(input: any ImportInput, name: String, delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 16 << 20) throws {
        try Self.checkDelimiter(delimiter)
        self.name = name
        self.delimiter = delimiter
        self.maxRecordBytes = Self.clampLimit(maxRecordBytes)
        self.input = input
        self.capacity = Self.chunkSize
        self.buffer = .allocate(capacity: Self.chunkSize)
        (spans, spanCapacity, classes) = Self.allocateTables(delimiter)
        try refill()
        try skipByteOrderMark()
    }

    /// Reads CSV held in memory; `name` stands for the path in messages. Made for tests and for
    /// data that never was a file.
    public init(bytes: [UInt8], name: String, delimiter: UInt8 = UInt8(ascii: ","),
                maxRecordBytes: Int = 16 << 20) throws {
        try Self.checkDelimiter(delimiter)
        self.name = name
        self.delimiter = delimiter
        self.maxRecordBytes = Self.clampLimit(maxRecordBytes)
        self.input = nil
        let capacity = max(bytes.count, 1)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { buffer.initialize(from: base, count: src.count) }
        }
        self.capacity = capacity
        self.buffer = buffer
        self.end = bytes.count
        self.eof = true
        (spans, spanCapacity, classes) = Self.allocateTables(delimiter)
        try skipByteOrderMark()
    }

    deinit {
        buffer.deallocate()
        spans.deallocate()
        classes.deallocate()
    }

    /// The first record's fields, or nil when the file holds no record at all (empty, only a
    /// BOM, or only blank lines), which the importer reports as an empty file.
    public func readHeader() throws -> [String]? {
        try nextRecord()?.fields
    }

    /// The next record, or nil at the end of the file. The record's fields stay valid only until
    /// the next call, so the reader can reuse one buffer for every record.
    public func nextRecord() throws -> CSVRecord? {
        fieldCount = 0
        while true {
            // Blank lines carry no row; skip them, keeping the line count.
            var p = pos
            while p < end {
                let b = buffer[p]
                if b == Self.lf {
                    line += 1; p += 1
                } else if b == Self.cr {
                    if p + 1 < end {
                        line += 1; p += buffer[p + 1] == Self.lf ? 2 : 1
                    } else if eof {
                        line += 1; p += 1
                    } else {
                        break
                    }
                } else {
                    break
                }
            }
            pos = p
            if p == end && eof { return nil }
            if p == end || buffer[p] == Self.cr {
                try refill()
                continue
            }

            let startLine = line
            var scanLine = line
            let next = scanRecord(from: p, line: &scanLine)
            if next >= 0 {
                var length = next - p
                if length > 0 && buffer[next - 1] == Self.lf { length -= 1 }
                if length > 0 && buffer[p + length - 1] == Self.cr { length -= 1 }
                if length > maxRecordBytes { throw tooLong(startLine) }
                line = scanLine
                pos = next
                if fieldsNeedUnescaping { unescapeFields() }
                return CSVRecord(base: UnsafePointer(buffer), spans: UnsafePointer(spans), line: startLine, count: fieldCount)
            }
            fieldCount = 0
            switch next {
            case Self.needMore:
                // A CR at the end may be the first half of the record's CRLF, not its content.
                var have = end - p
                if buffer[end - 1] == Self.cr { have -= 1 }
                if have > maxRecordBytes { throw tooLong(startLine) }
                try refill()
            case Self.unclosedQuote:
                throw Diagnostic(.io, "I004", "\(name):\(startLine): a quoted field is not closed")
            case Self.nulByte:
                let sample = UnsafeBufferPointer(start: buffer + p, count: min(end - p, 4096))
                if TextEncoding.guess(sample) == .utf16 {
                    throw Diagnostic(.io, "I002", "\(name) looks like UTF-16 text without a byte order mark (a NUL byte at line \(scanLine))",
                                     help: "add encoding \"utf-16\" to the import")
                }
                throw Diagnostic(.io, "I002", "\(name) looks like a binary file (a NUL byte outside quotes at line \(scanLine))",
                                 help: "a CSV file is text; a NUL byte is read only inside a quoted cell")
            default:
                throw Diagnostic(.io, "I003", "\(name):\(startLine): a record with more than \(Self.maxFields) fields; is this a CSV file?")
            }
        }
    }

    private static let needMore = -1
    private static let unclosedQuote = -2
    private static let nulByte = -3
    private static let tooManyFields = -4

    private var fieldsNeedUnescaping = false

    /// Finds the fields of the record starting at `start` (not a blank line) and returns where
    /// the next record starts, or a negative code: `needMore` when the record may go on past the
    /// bytes read so far (the caller reads more and scans again from the start). `line` advances
    /// over the line breaks it crosses; on `nulByte` it is the NUL's line.
    private func scanRecord(from start: Int, line: inout Int) -> Int {
        let base = buffer
        let e = end
        let atEOF = eof
        let classes = self.classes
        let d = delimiter
        var spans = self.spans
        var spanCapacity = self.spanCapacity
        var nf = 0
        var p = start
        var escapes = false
        defer { fieldCount = nf; fieldsNeedUnescaping = escapes }

        while true {
            if nf == spanCapacity {
                if nf >= Self.maxFields { return Self.tooManyFields }
                growSpans()
                spans = self.spans
                spanCapacity = self.spanCapacity
            }
            var q: Int
            let fieldStart: Int
            var escaped = false
            if p < e && base[p] == Self.quote {
                fieldStart = p + 1
                q = fieldStart
                while true {
                    while q < e && classes[Int(base[q])] & 2 == 0 { q += 1 }
                    if q == e { return atEOF ? Self.unclosedQuote : Self.needMore }
                    let b = base[q]
                    if b == Self.quote {
                        if q + 1 == e {
                            if !atEOF { return Self.needMore }
                            spans[2 * nf] = UInt32(truncatingIfNeeded: fieldStart)
                            spans[2 * nf + 1] = UInt32(truncatingIfNeeded: q) | (escaped ? Self.escapedBit : 0)
                            nf += 1
                            if escaped { escapes = true }
                            return e
                        }
                        let c = base[q + 1]
                        if c == Self.quote {
                            escaped = true
                            q += 2
                            continue
                        }
                        if c == d || c == Self.lf || c == Self.cr {
                            // The field ends at the closing quote; the terminator follows it.
                            spans[2 * nf] = UInt32(truncatingIfNeeded: fieldStart)
                            spans[2 * nf + 1] = UInt32(truncatingIfNeeded: q) | (escaped ? Self.escapedBit : 0)
                            nf += 1
                            if escaped { escapes = true }
                            q += 1
                            break
                        }
                        if c == 0 { return Self.nulByte }
                        // Text after the closing quote joins the field, as spreadsheets read it.
                        escaped = true
                        q += 1
                        while q < e && classes[Int(base[q])] & 1 == 0 { q += 1 }
                        if q == e && !atEOF { return Self.needMore }
                        spans[2 * nf] = UInt32(truncatingIfNeeded: fieldStart)
                        spans[2 * nf + 1] = UInt32(truncatingIfNeeded: q) | Self.escapedBit
                        nf += 1
                        escapes = true
                        if q == e { return e }
                        break
                    } else if b == Self.lf {
                        line += 1
                        q += 1
                    } else if b == Self.cr {
                        if q + 1 == e && !atEOF { return Self.needMore }
                        line += 1
                        q += q + 1 < e && base[q + 1] == Self.lf ? 2 : 1
                    } else {
                        return Self.nulByte
                    }
                }
            } else {
                fieldStart = p
                q = p
                while q < e && classes[Int(base[q])] & 1 == 0 { q += 1 }
                if q == e && !atEOF { return Self.needMore }
                spans[2 * nf] = UInt32(truncatingIfNeeded: fieldStart)
                spans[2 * nf + 1] = UInt32(truncatingIfNeeded: q)
                nf += 1
                if q == e { return e }
            }

            // `q` is at the byte after the field: a delimiter, a line break or a NUL.
            let b = base[q]
            if b == d {
                p = q + 1
                continue
            }
            if b == Self.lf {
                line += 1
                return q + 1
            }
            if b == Self.cr {
                if q + 1 < e {
                    line += 1
                    return base[q + 1] == Self.lf ? q + 2 : q + 1
                }
                if !atEOF { return Self.needMore }
                line += 1
                return q + 1
            }
            return Self.nulByte
        }
    }

    /// Removes the quotes of quoted fields that had `""` or text after the closing quote, in
    /// place: the result is never longer. Done only once the record is complete, so a record
    /// scanned again after a read still sees its original bytes.
    private func unescapeFields() {
        for i in 0..<fieldCount where spans[2 * i + 1] & Self.escapedBit != 0 {
            let s = Int(spans[2 * i])
            let e = Int(spans[2 * i + 1] & ~Self.escapedBit)
            var r = s
            var w = s
            while r < e {
                let b = buffer[r]
                if b == Self.quote {
                    if r + 1 < e && buffer[r + 1] == Self.quote {
                        buffer[w] = b; w += 1
                        r += 2
                    } else {
                        r += 1
                    }
                } else {
                    buffer[w] = b; w += 1
                    r += 1
                }
            }
            spans[2 * i + 1] = UInt32(truncatingIfNeeded: w)
        }
        fieldsNeedUnescaping = false
    }

    private func tooLong(_ line: Int) -> Diagnostic {
        Diagnostic(.io, "I003", "\(name):\(line): a record longer than \(Self.describe(bytes: maxRecordBytes)); is this a CSV file?")
    }

    // MARK: - Input

    /// Moves the unread bytes to the front of the buffer and reads after them, growing the
    /// buffer when a single record fills it. Reads until the buffer is full so a short read
    /// (a pipe, a signal) never looks like the end of the file.
    private func refill() throws {
        guard let input, !eof else {
            eof = true
            return
        }
        if pos > 0 {
            if end > pos { memmove(buffer, buffer + pos, end - pos) }
            end -= pos
            pos = 0
        }
        if end == capacity {
            // One record fills the buffer: grow it, but never far past the record limit, which
            // the caller checks before asking for more.
            let bigger = min(capacity * 2, max(maxRecordBytes + 1, capacity + 1))
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
            grown.initialize(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = bigger
        }
        while end < capacity {
            let r = try input.read(into: buffer + end, count: capacity - end)
            if r == 0 { eof = true; break }
            end += r
        }
    }


    /// Excel writes a BOM before UTF-8 CSV; left in place it would become part of the first
    /// column's name. A UTF-16 file would otherwise be reported as binary, which hides the fix.
    private func skipByteOrderMark() throws {
        let avail = end - pos
        if avail >= 3, buffer[pos] == 0xEF, buffer[pos + 1] == 0xBB, buffer[pos + 2] == 0xBF {
            pos += 3
        } else if avail >= 2,
                  (buffer[pos] == 0xFF && buffer[pos + 1] == 0xFE) || (buffer[pos] == 0xFE && buffer[pos + 1] == 0xFF) {
            throw Diagnostic(.io, "I002", "\(name) is UTF-16 text; save it as UTF-8 CSV")
        }
    }

    // MARK: - Storage

    private static func allocateTables(_ delimiter: UInt8)
        -> (UnsafeMutablePointer<UInt32>, Int, UnsafeMutablePointer<UInt8>) {
        let spans = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * 64)
        let classes = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        classes.initialize(repeating: 0, count: 256)
        // A NUL ends an unquoted run (a file with NULs outside quotes is binary) but not a
        // quoted one: inside quotes it is data, as in the comment cells of some exports.
        classes[0] = 1
        for b in [cr, lf] { classes[Int(b)] = 3 }
        classes[Int(delimiter)] |= 1
        classes[Int(quote)] |= 2
        return (spans, 64, classes)
    }

    private func growSpans() {
        let bigger = spanCapacity * 2
        let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * bigger)
        grown.initialize(from: spans, count: 2 * spanCapacity)
        spans.deallocate()
        spans = grown
        spanCapacity = bigger
    }

    /// Offsets are 31 bits (bit 31 marks escapes), so the buffer must stay below 2 GiB.
    private static func clampLimit(_ limit: Int) -> Int {
        min(max(limit, 1), 1 << 30)
    }

    private static func checkDelimiter(_ d: UInt8) throws {
        guard d < 0x80, d != 0, d != quote, d != cr, d != lf else {
            throw Diagnostic(.usage, "I005", "a CSV delimiter must be one ASCII character other than a quote or a line break")
        }
    }

    static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}

/// One record of a `CSVReader` (or of a `CSVPrefetcher`'s batch). It reads through the
/// reader's reused buffer, so it is cheap to make but valid only until the next record is
/// asked for.
public struct CSVRecord {
    /// The bytes the fields are in, and each field's start and end offset in them.
    let base: UnsafePointer<UInt8>
    let spans: UnsafePointer<UInt32>
    /// The physical line where the record starts (1-based; a header on the first line is line 1),
    /// counting line breaks inside quoted fields, so messages point where an editor would.
    public let line: Int
    public let count: Int

    init(base: UnsafePointer<UInt8>, spans: UnsafePointer<UInt32>, line: Int, count: Int) {
        self.base = base; self.spans = spans; self.line = line; self.count = count
    }

    /// The field's unescaped bytes, valid until the next `nextRecord()`. Parsers of numbers and
    /// dates read these directly so a million rows make no Strings. Empty past the last field,
    /// since short rows are common and the importer decides whether they are errors.
    @inline(__always)
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i >= 0, i < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let s = Int(spans[2 * i])
        return UnsafeBufferPointer(start: base + s, count: Int(spans[2 * i + 1]) - s)
    }

    /// The field as text; invalid UTF-8 becomes U+FFFD (check `isValidUTF8` to report it).
    /// Empty past the last field.
    public func field(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    public func isEmpty(_ i: Int) -> Bool { bytes(i).isEmpty }

    public func isValidUTF8(_ i: Int) -> Bool {
        let b = bytes(i)
        var ascii = true
        for c in b where c >= 0x80 { ascii = false; break }
        return ascii || String(validating: b, as: UTF8.self) != nil
    }

    public var fields: [String] { (0..<count).map(field) }
}

