#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An import's file as UTF-8, whatever its encoding: UTF-8 passes through checked, anything
/// else goes through iconv (the C library's converter, not tables of our own).
///
/// A byte order mark decides the encoding over the `encoding` option, since it cannot be
/// mistaken: UTF-8's is dropped, UTF-16's (Excel's "Unicode Text") selects UTF-16 in its byte
/// order. UTF-16 without a mark is read in the byte order its NULs show (ASCII text has a NUL
/// in every other byte).
///
/// Bytes that do not decode stop the import as one error, I020, at the first bad byte's line
/// and column, with the likely encoding: a Windows-1252 file is one wrong encoding, not 200
/// bad rows. Lines and columns are counted in the decoded text, as an editor shows them.
final class DecodingInput: ImportInput {
    private let input: any ImportInput
    let name: String
    private(set) var encoding: TextEncoding
    var byteCount: Int? { input.byteCount }

    /// The undecoded bytes: read from `input`, not yet handed out.
    private var raw: UnsafeMutablePointer<UInt8>
    private let rawCapacity = 1 << 16
    private var rawStart = 0
    private var rawEnd = 0
    /// UTF-8 only: bytes from `rawStart` already checked, ready to hand out.
    private var checked = 0
    private var atEnd = false
    private var started = false
    private var converter: iconv_t?
    /// Converted text waiting to be handed out, so a caller's short read never cuts iconv.
    private var staged: UnsafeMutablePointer<UInt8>
    private var stagedStart = 0
    private var stagedEnd = 0

    /// Where the decoded text is: the line, and the column of the next character.
    private var line = 1
    private var column = 1

    init(_ input: any ImportInput, name: String, encoding: TextEncoding?) {
        self.input = input
        self.name = name
        self.encoding = encoding ?? .utf8
        self.raw = .allocate(capacity: rawCapacity)
        self.staged = .allocate(capacity: rawCapacity)
    }

    deinit {
        raw.deallocate()
        staged.deallocate()
        if let c = converter { iconv_close(c) }
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if !started { try start() }
        guard count > 0 else { return 0 }
        if converter == nil {
            while checked == 0 {
                if rawStart == rawEnd && atEnd { return 0 }
                try check()
            }
            let n = min(count, checked)
            buffer.initialize(from: raw + rawStart, count: n)
            rawStart += n
            checked -= n
            return n
        }
        while stagedStart == stagedEnd {
            if rawStart == rawEnd && atEnd { return 0 }
            try convert()
        }
        let n = min(count, stagedEnd - stagedStart)
        buffer.initialize(from: staged + stagedStart, count: n)
        stagedStart += n
        return n
    }

    /// Reads the first bytes and settles the encoding from a byte order mark.
    private func start() throws {
        started = true
        try fill()
        let avail = rawEnd - rawStart
        var iconvName = encoding == .utf16 ? "UTF-16LE" : encoding.iconvName
        if avail >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            rawStart = 3
            encoding = .utf8
        } else if avail >= 2, raw[0] == 0xFF, raw[1] == 0xFE {
            rawStart = 2; encoding = .utf16; iconvName = "UTF-16LE"
        } else if avail >= 2, raw[0] == 0xFE, raw[1] == 0xFF {
            rawStart = 2; encoding = .utf16; iconvName = "UTF-16BE"
        } else if encoding == .utf16, avail >= 2, raw[0] == 0, raw[1] != 0 {
            iconvName = "UTF-16BE"
        }
        guard encoding != .utf8 else { return }
        let c = iconv_open("UTF-8", iconvName)
        if c == iconv_t(bitPattern: -1) {
            throw Diagnostic(.io, "I020", "cannot read \(encoding.rawValue) text: the system's iconv does not know \(iconvName)")
        }
        converter = c
    }

    /// Moves the unread raw bytes to the front and reads after them.
    private func fill() throws {
        if rawStart > 0 {
            let left = rawEnd - rawStart
            if left > 0 { raw.update(from: raw + rawStart, count: left) }
            rawEnd = left
            rawStart = 0
        }
        while !atEnd && rawEnd < rawCapacity {
            let n = try input.read(into: raw + rawEnd, count: rawCapacity - rawEnd)
            if n == 0 { atEnd = true } else { rawEnd += n }
        }
    }

    /// Checks UTF-8 after the bytes checked so far, up to a sequence the read cut.
    private func check() throws {
        if rawEnd - rawStart < 4 && !atEnd { try fill() }
        let p = raw + rawStart
        let n = rawEnd - rawStart
        var i = checked
        while i < n {
            // Eight bytes at a time while they are ASCII and hold no line break: most of a file.
            if i + 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let t = w ^ 0x0A0A_0A0A_0A0A_0A0A
                let lineBreaks = (t &- 0x0101_0101_0101_0101) & ~t & 0x8080_8080_8080_8080
                if (w | lineBreaks) & 0x8080_8080_8080_8080 == 0 {
                    column += 8
                    i += 8
                    continue
                }
            }
            let b = p[i]
            if b < 0x80 {
                if b == 0x0A { line += 1; column = 1 } else { column += 1 }
                i += 1
                continue
            }
            let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0
            guard length > 0, b <= 0xF4 else { throw undecodable(at: p + i, available: n - i) }
            if i + length > n {
                if atEnd { throw undecodable(at: p + i, available: n - i) }
                break
            }
            guard String(validating: UnsafeBufferPointer(start: p + i, count: length), as: UTF8.self) != nil else {
                throw undecodable(at: p + i, available: n - i)
            }
            column += 1
            i += length
        }
        checked = i
        if checked == 0 && !atEnd { try fill() }
    }

    /// Converts raw bytes into `staged` through iconv.
    private func convert() throws {
        guard let c = converter else { return }
        if rawEnd - rawStart < 8 && !atEnd { try fill() }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(raw + rawStart).assumingMemoryBound(to: CChar.self)
        var inLeft = rawEnd - rawStart
        var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(staged).assumingMemoryBound(to: CChar.self)
        var outLeft = rawCapacity
        let r = iconv(c, &inPtr, &inLeft, &outPtr, &outLeft)
        let failure = r == -1 ? errno : 0
        let produced = rawCapacity - outLeft
        stagedStart = 0
        stagedEnd = produced
        rawStart = rawEnd - inLeft
        switch failure {
        case EILSEQ:
            // Hand out the good text first; the error comes with the next read, at its place.
            if produced > 0 { count(staged, produced); return }
            throw undecodable(at: raw + rawStart, available: rawEnd - rawStart)
        case EINVAL:
            // A character cut by the end of the bytes read: an error only where the file ends.
            if produced == 0 {
                if atEnd { throw undecodable(at: raw + rawStart, available: rawEnd - rawStart) }
                try fill()
            }
        default:
            break
        }
        count(staged, produced)
    }

    private func count(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        for k in 0..<n {
            let b = p[k]
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
    }

    /// I020 at the current line and column, naming the byte and the likely encoding.
    private func undecodable(at p: UnsafeMutablePointer<UInt8>, available: Int) -> Diagnostic {
        let byte: UInt8 = available > 0 ? p[0] : 0
        var hex = String(byte, radix: 16, uppercase: true)
        if hex.count < 2 { hex = "0" + hex }
        let place = "\(name):\(line):\(column)"
        let sample = UnsafeBufferPointer(start: UnsafePointer(p), count: min(available, 4096))
        let likely: TextEncoding = TextEncoding.guess(sample)
        if encoding == .utf8 {
            return Diagnostic(.io, "I020", "\(place): byte 0x\(hex) is not UTF-8; the file looks like \(likely.rawValue)",
                              help: "add encoding \"\(likely.rawValue)\" to the import, or export the file as UTF-8")
        }
        var suggestion: String = likely.rawValue
        if likely == encoding || (likely == .gbk && encoding == .gb18030) { suggestion = TextEncoding.utf8.rawValue }
        let cut: String = available == 0 ? " (the file ends inside a character)" : ""
        let all: String = TextEncoding.documented.joined(separator: ", ")
        return Diagnostic(.io, "I020", "\(place): byte 0x\(hex) is not \(encoding.rawValue) text" + cut,
                          help: "check the file's encoding; try encoding \"\(suggestion)\" (funnel reads \(all))")
    }
}
