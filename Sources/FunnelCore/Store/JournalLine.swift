/// The journal's line format (DESIGN.md, "The store"). Each line is one JSON object:
///
///     {"seq":12,"on":"2026-01-10","type":"move","data":{...},"sum":"1a2b3c4d"}
///     {"commit":12,"sum":"..."}
///
/// `sum` comes last and is the CRC-32 of the line as it would read without it (the bytes
/// before `,"sum":` followed by `}`), so a line is checked on its own, before and
/// independently of being parsed, and the text stays greppable.
enum JournalLine: Equatable {
    case event(StoreEvent)
    /// The seq of the last event of the transaction it closes.
    case commit(Int64)
    /// Why the line cannot be trusted, phrased to follow "damaged journal line: ".
    case damaged(String)

    static let damageHelp =
        "run `funnel verify` to see every damaged line; the journal is the source of truth, restore it from a backup"

    /// The S001 diagnostic for a damaged line, so the reader, the writer and `verify` word it
    /// the same way.
    static func damage(path: String, line: Int, reason: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.io, "S001", "\(path):\(line): damaged journal line: \(reason)", notes: notes, help: damageHelp)
    }

    /// The largest seq that survives the round trip through a JSON number exactly.
    static let maxSeq: Int64 = 9_007_199_254_740_992

    // MARK: - Writing

    static func appendEvent(_ e: StoreEvent, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: #"{"seq":"#.utf8)
        appendInteger(e.seq, to: &out)
        out.append(contentsOf: #","on":""#.utf8)
        out.append(contentsOf: Calendar.format(e.on).utf8)
        out.append(contentsOf: #"","type":"#.utf8)
        JSONCoding.appendString(e.type, to: &out)
        out.append(contentsOf: #","data":"#.utf8)
        e.appendData(to: &out)
        seal(&out, from: start)
    }

    static func appendCommit(_ seq: Int64, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: #"{"commit":"#.utf8)
        appendInteger(seq, to: &out)
        seal(&out, from: start)
    }

    private static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        JSONCoding.appendDecimal(v.magnitude, to: &out)
    }

    /// Appends the checksum field, the closing brace and the newline to a line that starts
    /// at `start` and still lacks its closing brace.
    private static func seal(_ out: inout [UInt8], from start: Int) {
        let sum = Checksum.crc32(byte: UInt8(ascii: "}"), continuing: Checksum.crc32(out[start...]))
        out.append(contentsOf: #","sum":""#.utf8)
        out.append(contentsOf: Checksum.hexBytes(sum))
        out.append(contentsOf: "\"}\n".utf8)
    }

    // MARK: - Reading

    /// `,"sum":"` + 8 hex digits + `"}`.
    private static let sumSuffixLength = 18

    /// Classifies one line (without its newline). Never throws: damage is a value here so
    /// the reader can decide whether it matters (before a commit) and `verify` can list it.
    static func parse(_ line: ArraySlice<UInt8>) -> JournalLine {
        if line.isEmpty { return .damaged("empty line") }
        let value: JSONValue
        switch JSONCoding.parse(line) {
        case .success(let v): value = v
        case .failure(let e): return .damaged(e.message)
        }
        guard let sumStart = checksumStart(line) else { return .damaged("missing checksum") }
        let computed = Checksum.crc32(byte: UInt8(ascii: "}"), continuing: Checksum.crc32(line[line.startIndex..<sumStart]))
        guard Checksum.matches(computed, hex: line[(sumStart + 8)..<(sumStart + 16)]) else {
            return .damaged("checksum mismatch")
        }

        if let commit = value["commit"] {
            guard let seq = positiveInteger(commit) else { return .damaged("\"commit\" is not a positive integer") }
            return .commit(seq)
        }
        guard let seqValue = value["seq"] else { return .damaged("neither an event nor a commit") }
        guard let seq = positiveInteger(seqValue) else { return .damaged("\"seq\" is not a positive integer") }
        guard let onValue = value["on"] else { return .damaged("missing field \"on\"") }
        guard let onText = onValue.string else { return .damaged("\"on\" is not a date string") }
        guard let on = parseDate(onText) else { return .damaged("bad date \"\(onText)\"") }
        guard let typeValue = value["type"] else { return .damaged("missing field \"type\"") }
        guard let type = typeValue.string, !type.isEmpty else { return .damaged("\"type\" is not a non-empty string") }
        guard let data = value["data"] else { return .damaged("missing field \"data\"") }
        guard case .object(let payload) = data else { return .damaged("\"data\" is not an object") }
        return .event(StoreEvent(seq: seq, on: on, type: type, payload: payload))
    }

    /// Classifies the journal's last line when no newline ends it. A torn write leaves a
    /// prefix of what was being written, so such a line is normally ignored; but a whole,
    /// checksummed commit line is not torn (only its newline is missing), and a whole commit
    /// line followed by one other byte is a damaged newline, not an interrupted write:
    /// ignoring either would silently drop a committed run.
    static func parseUnterminated(_ line: ArraySlice<UInt8>) -> JournalLine? {
        if case .commit = parse(line) { return parse(line) }
        if line.count > 1, case .commit = parse(line.dropLast()), let last = line.last {
            return .damaged("the commit line ends in byte 0x" + (last < 16 ? "0" : "") + String(last, radix: 16) + " where its newline should be")
        }
        return nil
    }

    /// Why a complete damaged line after the last commit line stops readers and writers alike.
    static let damagedTailNote =
        "it follows the last commit line, but a complete line is not an interrupted write, so it is neither skipped nor cut off"

    /// Index of the `,` that starts `,"sum":"xxxxxxxx"}` at the end of the line, if the line
    /// ends that way with eight lowercase hex digits.
    private static func checksumStart(_ line: ArraySlice<UInt8>) -> Int? {
        guard line.count > sumSuffixLength else { return nil }
        let s = line.endIndex - sumSuffixLength
        let expected: StaticString = #","sum":""#
        let prefixOK = expected.withUTF8Buffer { e in
            for k in 0..<8 where line[s + k] != e[k] { return false }
            return true
        }
        guard prefixOK, line[s + 16] == UInt8(ascii: "\""), line[s + 17] == UInt8(ascii: "}") else { return nil }
        for c in line[(s + 8)..<(s + 16)] {
            guard (c >= 48 && c <= 57) || (c >= 97 && c <= 102) else { return nil }
        }
        return s
    }

    /// `Calendar.parseISO` without its copy of the text; a million lines each carry a date.
    private static func parseDate(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { u -> Int32? in
            guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
            func number(_ r: Range<Int>) -> Int? {
                var v = 0
                for k in r {
                    guard u[k] >= 48, u[k] <= 57 else { return nil }
                    v = v * 10 + Int(u[k] - 48)
                }
                return v
            }
            guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
            return Calendar.validDay(year: y, month: m, day: d)
        }
    }

    private static func positiveInteger(_ v: JSONValue) -> Int64? {
        guard let d = v.number, d >= 1, d <= Double(maxSeq), d == d.rounded(.towardZero) else { return nil }
        return Int64(d)
    }
}

/// Checks that seqs run on without gaps and that each commit names the event before it: a
/// line deleted whole would otherwise pass every per-line check and drop an event silently.
struct JournalSequence {
    /// Seq of the last event or commit seen; nil after damage, when the next line is
    /// taken as it comes rather than reporting every following line as well.
    var last: Int64?

    init(last: Int64?) { self.last = last }

    mutating func check(_ line: JournalLine) -> JournalLine {
        switch line {
        case .event(let e):
            defer { last = e.seq }
            if let l = last, e.seq != l + 1 { return .damaged("expected seq \(l + 1), found \(e.seq)") }
            return line
        case .commit(let seq):
            if let l = last, seq != l {
                last = nil
                return .damaged("commit \(seq) does not match the last event seq \(l)")
            }
            last = seq
            return line
        case .damaged:
            last = nil
            return line
        }
    }
}
