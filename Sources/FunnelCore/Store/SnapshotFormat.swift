#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The container of the store's `snapshot` file (docs/store.md, "The snapshot"): a header
/// naming the journal commit the snapshot is of, then a table of tagged sections, each with
/// its own offset, length and checksum. What a section holds is the state's business
/// (`FunnelState+Snapshot.swift`); this file only frames, checks and finds them, so a new
/// kind of data is one more tag, not a new format.
///
/// Layout (integers little-endian, every section starting on an 8-byte boundary):
///
///     0   "FUNSNAP\n"                       magic
///     8   u32 version, u32 section count
///     16  u64 checksum of bytes 24 ..< end of the section table
///     24  i64 seq, i64 journal position
///     40  i32 latest effective day, u32 mark length M
///     48  M bytes of mark (the journal's commit line ending at the position), zero-padded to 8
///         section table: per section 32 bytes — 4-byte tag, u32 flags, u64 offset, u64 length, u64 checksum
///         section bodies
public enum SnapshotFormat {
    static let magic: [UInt8] = Array("FUNSNAP\n".utf8)
    /// Raised when a reader could no longer read what a writer writes; a reader refuses
    /// (and so rebuilds from) any other version.
    /// 2: amounts are cents (Int64), no longer Doubles. 3: the checksum runs over four lanes.
    /// 4: each deal column but the ids and statuses is a section of its own, read in place.
    public static let version: UInt32 = 4
    /// A section a reader must understand: one it does not know makes the file unusable
    /// to it, so it rebuilds rather than drop data. Sections without it may be skipped.
    public static let required: UInt32 = 1

    /// A 64-bit check over four interleaved lanes of 8-byte words (word i goes to lane
    /// i mod 4). Each step `lane = (lane ^ word) * odd` is a bijection of the word for a
    /// given lane, and the lanes are folded into one with bijective steps, so any change
    /// confined to one word always changes the result. Four independent lanes let the
    /// processor overlap the multiplications: the check runs at memory speed, which
    /// matters because opening a store checks every section it reads. It catches torn
    /// and flipped bytes; it is not a defence against tampering.
    public static func checksum(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var c = RunningChecksum(p)
        c.advance(to: p.count)
        return c.finish()
    }

    /// The same check taken as the bytes are read, front to back (`advance`), so a reader
    /// copying a section out reads each byte from memory once, for the check and the copy
    /// together, instead of once to check and once again to copy.
    struct RunningChecksum {
        // The lanes lie apart, between the other fields: stored side by side, the compiler
        // turned the loop into two-lane vector code that emulates 64-bit multiplies, at more
        // than twice the instructions of four plain ones.
        private var l0: UInt64
        /// Bytes taken into the lanes so far: a multiple of 32, at most `lanesEnd`.
        private(set) var done = 0
        private var l1: UInt64
        /// Where the lanes stop: the bytes after the last whole 32 are folded in at the end.
        private let lanesEnd: Int
        private var l2: UInt64
        private let p: UnsafeRawBufferPointer
        private var l3: UInt64

        init(_ p: UnsafeRawBufferPointer) {
            self.p = p
            l0 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
            l1 = 0xC2B2_AE3D_27D4_EB4F
            l2 = 0x1656_67B1_9E37_79F9
            l3 = 0x85EB_CA77_C2B2_AE63
            lanesEnd = p.count - p.count % 32
        }

        /// Takes in the whole 32-byte groups before byte `x`. Kept out of line: inlined into
        /// a caller's loop, its lanes lost their registers (three times the instructions).
        @inline(never)
        mutating func advance(to x: Int) {
            let end = min(x, lanesEnd)
            guard end - done >= 32, let base = p.baseAddress else { return }
            let k: UInt64 = 0x0000_0100_0000_01B3
            var a = l0, b = l1, c = l2, d = l3, i = done
            while end - i >= 32 {
                a = (a ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* k
                b = (b ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))) &* k
                c = (c ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))) &* k
                d = (d ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))) &* k
                i += 32
            }
            l0 = a; l1 = b; l2 = c; l3 = d
            done = i
        }

        /// The check of all the bytes (those not yet taken in are taken now).
        mutating func finish() -> UInt64 {
            advance(to: lanesEnd)
            let n = p.count
            var i = done
            var h = SnapshotFormat.mix(l0)
            h = SnapshotFormat.mix(h ^ l1)
            h = SnapshotFormat.mix(h ^ l2)
            h = SnapshotFormat.mix(h ^ l3)
            while n - i >= 8 {
                h = SnapshotFormat.mix(h ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            return SnapshotFormat.mix(h ^ tail)
        }
    }

    /// A bijection that spreads every bit of `x` over the result (multiply by an odd
    /// constant, xor-shift, twice).
    fileprivate static func mix(_ x: UInt64) -> UInt64 {
        var h = x &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { checksum($0) } }
}

/// What a snapshot is of: the journal up to and including the commit of `seq`, which ends
/// at byte `journalPosition` with the line `journalMark`. A snapshot whose mark is not the
/// journal's line at that place is of another journal (replaced or cut) and is not used.
public struct SnapshotHeader: Sendable, Equatable {
    public var seq: Int64
    public var journalPosition: Int64
    /// The latest effective date of any event (for the "today is before the last change" warning).
    public var latestChange: Int32
    public var journalMark: [UInt8]
    public init(seq: Int64, journalPosition: Int64, latestChange: Int32, journalMark: [UInt8]) {
        self.seq = seq; self.journalPosition = journalPosition; self.latestChange = latestChange; self.journalMark = journalMark
    }
}

/// Why a snapshot cannot be used. Never shown to users: the store is rebuilt from the
/// journal instead; tests read it.
public struct SnapshotProblem: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Builds a snapshot: the header, then each section as `SnapshotSectionWriter` filled it.
public struct SnapshotFileWriter {
    private var sections: [(tag: [UInt8], flags: UInt32, body: [UInt8])] = []
    public init() {}

    public mutating func add(_ tag: String, flags: UInt32 = SnapshotFormat.required, _ body: SnapshotSectionWriter) {
        var t = Array(tag.utf8.prefix(4))
        while t.count < 4 { t.append(0x20) }
        sections.append((t, flags, body.bytes))
    }

    public func bytes(header h: SnapshotHeader) -> [UInt8] {
        let markPadded = (h.journalMark.count + 7) / 8 * 8
        let tableStart = 48 + markPadded
        var offset = tableStart + 32 * sections.count
        var out: [UInt8] = []
        out.reserveCapacity(offset + sections.reduce(0) { $0 + $1.body.count + 8 })
        out.append(contentsOf: SnapshotFormat.magic)
        out.append32(SnapshotFormat.version)
        out.append32(UInt32(sections.count))
        out.append64(0)  // header checksum, filled in below
        out.append64(UInt64(bitPattern: h.seq))
        out.append64(UInt64(bitPattern: h.journalPosition))
        out.append32(UInt32(bitPattern: h.latestChange))
        out.append32(UInt32(h.journalMark.count))
        out.append(contentsOf: h.journalMark)
        out.append(contentsOf: repeatElement(0, count: markPadded - h.journalMark.count))
        for s in sections {
            out.append(contentsOf: s.tag)
            out.append32(s.flags)
            out.append64(UInt64(offset))
            out.append64(UInt64(s.body.count))
            out.append64(SnapshotFormat.checksum(s.body))
            offset += (s.body.count + 7) / 8 * 8
        }
        let sum = out.withUnsafeBytes { SnapshotFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[24...])) }
        withUnsafeBytes(of: sum.littleEndian) { for k in 0..<8 { out[16 + k] = $0[k] } }
        for s in sections {
            out.append(contentsOf: s.body)
            out.append(contentsOf: repeatElement(0, count: (s.body.count + 7) / 8 * 8 - s.body.count))
        }
        return out
    }
}

/// Reads a snapshot's header and section table from its bytes (a mapping of the file),
/// checking everything the header promises: a truncated file, a damaged header or table
/// or a section outside the file is a `SnapshotProblem`. A section's own checksum is
/// checked when it is opened, so a section nobody needs is never read.
public struct SnapshotFileReader {
    public let header: SnapshotHeader
    private let bytes: UnsafeRawBufferPointer
    private var table: [(tag: String, flags: UInt32, range: Range<Int>, checksum: UInt64)] = []
    /// Where the section table ends and the bodies begin.
    private let bodiesStart: Int

    /// Gives back pages of the file's mapping once read (`MappedSnapshot.release`); nil over
    /// bytes in memory, which must never be given back.
    private let releasePages: (@Sendable (UnsafeRawBufferPointer) -> Void)?

    /// The mapping `bytes` are of; a column used in place keeps it alive.
    public let mapping: MappedSnapshot?

    /// `mapping`: the mapping `bytes` are of, whose pages the reader gives back as it goes,
    /// so that a store's memory holds the columns copied out of it and not the file too.
    public init(_ bytes: UnsafeRawBufferPointer, mapping: MappedSnapshot? = nil) throws {
        self.bytes = bytes
        self.mapping = mapping
        if let mapping {
            releasePages = { @Sendable part in mapping.release(part) }
        } else {
            releasePages = nil
        }
        guard bytes.count >= 48, Array(bytes[0..<8]) == SnapshotFormat.magic else { throw SnapshotProblem("not a snapshot") }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let version = u32(8)
        guard version == SnapshotFormat.version else { throw SnapshotProblem("version \(version), not \(SnapshotFormat.version)") }
        let count = Int(u32(12))
        let markCount = Int(u32(44))
        let tableStart = 48 + (markCount + 7) / 8 * 8
        guard count <= 4096, markCount <= 4096, tableStart + 32 * count <= bytes.count else { throw SnapshotProblem("truncated header") }
        let tableEnd = tableStart + 32 * count
        bodiesStart = tableEnd
        guard SnapshotFormat.checksum(UnsafeRawBufferPointer(rebasing: bytes[24..<tableEnd])) == u64(16) else {
            throw SnapshotProblem("the header (bytes 24–\(tableEnd - 1)) fails its checksum")
        }
        header = SnapshotHeader(seq: Int64(bitPattern: u64(24)), journalPosition: Int64(bitPattern: u64(32)),
                                latestChange: Int32(bitPattern: u32(40)), journalMark: Array(bytes[48..<(48 + markCount)]))
        for k in 0..<count {
            let at = tableStart + 32 * k
            let tag = String(decoding: bytes[at..<(at + 4)], as: UTF8.self)
            let offset = u64(at + 8), length = u64(at + 16)
            guard offset >= UInt64(tableEnd), offset % 8 == 0, length <= UInt64(bytes.count), offset <= UInt64(bytes.count) - length else {
                throw SnapshotProblem("section \(tag) (table entry at byte \(at)) lies outside the file")
            }
            table.append((tag, u32(at + 4), Int(offset)..<Int(offset + length), u64(at + 24)))
        }
    }

    public var tags: [String] { table.map(\.tag) }

    /// Whether the file has a section `tag`.
    public func has(_ tag: String) -> Bool { entry(tag) != nil }

    /// Tags of sections marked required; a reader compares them with what it knows.
    public var requiredTags: [String] { table.filter { $0.flags & SnapshotFormat.required != 0 }.map(\.tag) }

    /// The section `tag`, nil when the file has no such section. Its checksum is taken as
    /// it is read and compared by the reader's `expectEnd()`, which every use of a section
    /// ends with: what was read before then is thrown away with the error if it fails.
    public func section(_ tag: String) throws -> SnapshotSectionReader? {
        guard let s = entry(tag) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[s.range])
        return SnapshotSectionReader(body, tag: tag, releasePages: releasePages,
                                     check: (s.checksum, Self.checksumProblem(s.tag, s.range)))
    }

    /// Section `tag` as one column of `count` values where it lies in the file, once its
    /// checksum is checked; nil when the file has no such section. A section that fails its
    /// checksum or holds something else is a `SnapshotProblem`. On a machine that is not
    /// little-endian the values are not as they lie, and this is always nil.
    public func columnInPlace<T: BitwiseCopyable>(_ tag: String, count n: Int, as _: T.Type) throws -> UnsafeBufferPointer<T>? {
        #if _endian(little)
        guard let s = entry(tag) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[s.range])
        let size = MemoryLayout<T>.stride
        let (valueBytes, overflow) = n.multipliedReportingOverflow(by: size)
        guard !overflow, n >= 0, valueBytes <= Int.max - 16, body.count == 8 + (valueBytes + 7) / 8 * 8,
              let base = body.baseAddress, Int(bitPattern: base) % MemoryLayout<T>.alignment == 0,
              UInt64(littleEndian: body.loadUnaligned(as: UInt64.self)) == UInt64(n) else {
            throw SnapshotProblem("section \(String(tag.prefix { $0 != " " })): not a column of \(n) values")
        }
        Self.prefault(body)
        guard SnapshotFormat.checksum(body) == s.checksum else { throw Self.checksumProblem(s.tag, s.range) }
        return UnsafeBufferPointer(start: (base + 8).bindMemory(to: T.self, capacity: n), count: n)
        #else
        return nil
        #endif
    }

    /// Maps the pages of `part` in one call (Linux's `MADV_POPULATE_READ`, 5.14 and later)
    /// rather than a fault every few pages as they are first read; ignored where unknown.
    private static func prefault(_ part: UnsafeRawBufferPointer) {
        #if os(Linux)
        let page = 4096
        guard let start = part.baseAddress, part.count >= 16 * page else { return }
        let lo = Int(bitPattern: start) / page * page
        guard let p = UnsafeMutableRawPointer(bitPattern: lo) else { return }
        _ = madvise(p, Int(bitPattern: start) + part.count - lo, 22 /* MADV_POPULATE_READ */)
        #endif
    }

    /// The checksum problem of section `tag`, nil when it is sound or absent: a reader that
    /// stopped at a value that does not add up reports the damage that caused it instead.
    public func damage(of tag: String) -> SnapshotProblem? {
        guard let s = entry(tag) else { return nil }
        return SnapshotFormat.checksum(UnsafeRawBufferPointer(rebasing: bytes[s.range])) == s.checksum ? nil : Self.checksumProblem(s.tag, s.range)
    }

    private func entry(_ tag: String) -> (tag: String, flags: UInt32, range: Range<Int>, checksum: UInt64)? {
        var t = tag
        while t.utf8.count < 4 { t += " " }
        return table.first(where: { $0.tag == t })
    }

    /// The first damage anywhere in the file, for `funnel verify`, which reads every byte
    /// where a reader opens only the sections it needs: a section failing its checksum, or a
    /// byte of the zero padding between and after sections that is not zero.
    public func firstDamage() -> SnapshotProblem? {
        var covered = bodiesStart
        for s in table.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            if covered < s.range.lowerBound, let gap = nonZero(covered..<s.range.lowerBound) { return gap }
            let body = UnsafeRawBufferPointer(rebasing: bytes[s.range])
            if SnapshotFormat.checksum(body) != s.checksum { return Self.checksumProblem(s.tag, s.range) }
            covered = max(covered, s.range.upperBound)
        }
        return covered < bytes.count ? nonZero(covered..<bytes.count) : nil
    }

    private func nonZero(_ gap: Range<Int>) -> SnapshotProblem? {
        guard !gap.isEmpty, let at = gap.first(where: { bytes[$0] != 0 }) else { return nil }
        return SnapshotProblem("byte \(at), padding outside every section, is not zero")
    }

    private static func checksumProblem(_ tag: String, _ range: Range<Int>) -> SnapshotProblem {
        let name = String(tag.prefix { $0 != " " })
        return SnapshotProblem(range.isEmpty ? "section \(name) fails its checksum"
                               : "section \(name) (bytes \(range.lowerBound)–\(range.upperBound - 1)) fails its checksum")
    }
}

/// The body of a section: integers, columns and strings, each item starting on an 8-byte
/// boundary so a column can be copied (or, later, used in place) with one `memcpy`.
public struct SnapshotSectionWriter {
    public private(set) var bytes: [UInt8] = []
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func int(_ v: Int) { bytes.append64(UInt64(bitPattern: Int64(v))) }

    public mutating func column<T: FixedWidthInteger>(_ c: [T]) { c.withUnsafeBufferPointer { column($0) } }

    public mutating func column<T: FixedWidthInteger>(_ c: Column<T>) { c.withUnsafeBufferPointer { column($0) } }

    public mutating func column<T: FixedWidthInteger>(_ c: UnsafeBufferPointer<T>) {
        int(c.count)
        #if _endian(little)
        bytes.append(contentsOf: UnsafeRawBufferPointer(c))
        #else
        for v in c { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
        pad()
    }

    /// Doubles as their bit patterns, as `column` writes integers.
    public mutating func doubleColumn(_ c: Column<Double>) {
        #if _endian(little)
        c.withUnsafeBufferPointer { b in
            int(b.count)
            bytes.append(contentsOf: UnsafeRawBufferPointer(b))
        }
        pad()
        #else
        column(c.map(\.bitPattern))
        #endif
    }

    public mutating func doubles(_ c: [Double]) {
        #if _endian(little)
        int(c.count)
        c.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        column(c.map(\.bitPattern))
        #endif
    }

    public mutating func string(_ s: String) { strings([s]) }

    /// Strings as one offsets column and one blob.
    public mutating func strings(_ c: [String]) { texts(TextColumn(c)) }

    /// A text column as `strings` writes it, its packed texts copied as they are.
    public mutating func texts(_ c: TextColumn) {
        let (packed, added) = c.parts
        var offsets: [UInt64] = [0]
        offsets.reserveCapacity(c.count + 1)
        for e in packed.ends { offsets.append(UInt64(e)) }
        var blob = packed.bytes.array
        blob.reserveCapacity(blob.count + added.count * 12)
        for var s in added {
            s.withUTF8 { blob.append(contentsOf: $0) }
            offsets.append(UInt64(blob.count))
        }
        column(offsets)
        column(blob)
    }

    public mutating func raw(_ b: [UInt8]) { column(b) }

    private mutating func pad() { while bytes.count % 8 != 0 { bytes.append(0) } }
}

/// Reads what `SnapshotSectionWriter` wrote, bounds-checked: anything that does not add up
/// is a `SnapshotProblem`, never a trap.
public struct SnapshotSectionReader {
    let body: UnsafeRawBufferPointer
    let tag: String
    private(set) var at = 0 {
        didSet { check?.sum.advance(to: at) }
    }
    private let releasePages: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    /// The section's checksum as read so far, what it must come to, and the problem if not.
    private var check: (sum: SnapshotFormat.RunningChecksum, expected: UInt64, problem: SnapshotProblem)?

    init(_ body: UnsafeRawBufferPointer, tag: String, releasePages: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil,
         check: (expected: UInt64, problem: SnapshotProblem)? = nil) {
        self.body = body; self.tag = tag; self.releasePages = releasePages
        if let check { self.check = (SnapshotFormat.RunningChecksum(body), check.expected, check.problem) }
    }

    /// Copies bytes `range` of the body to `destination` a block at a time, taking each
    /// block into the checksum just before copying it, while it is in the cache; then
    /// gives the mapping's pages back.
    private mutating func copy(_ range: Range<Int>, to destination: UnsafeMutableRawPointer) {
        guard let source = body.baseAddress, !range.isEmpty else { return }
        var from = range.lowerBound
        while from < range.upperBound {
            let to = min(range.upperBound, from + Self.copyBlock)
            check?.sum.advance(to: to)
            memcpy(destination + (from - range.lowerBound), source + from, to - from)
            from = to
        }
        if let releasePages { releasePages(UnsafeRawBufferPointer(rebasing: body[range])) }
    }

    private static let copyBlock = 1 << 16

    func problem(_ why: String) -> SnapshotProblem { SnapshotProblem("section \(tag): \(why)") }

    public mutating func int() throws -> Int {
        guard body.count - at >= 8 else { throw problem("ends early") }
        defer { at += 8 }
        let v = Int64(bitPattern: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        guard let i = Int(exactly: v) else { throw problem("a value out of range") }
        return i
    }

    public mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0 else { throw problem("a negative count") }
        return n
    }

    public mutating func column<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
        let n = try count()
        let size = MemoryLayout<T>.size
        guard n <= (body.count - at) / size else { throw problem("a column ends early") }
        let start = at
        guard (n * size + 7) / 8 * 8 <= body.count - at else { throw problem("a column ends early") }
        let column = [T](unsafeUninitializedCapacity: n) { dst, initialized in
            if n > 0, let d = dst.baseAddress {
                Self.preferHugePages(UnsafeMutableRawPointer(d), n * size)
                copy(start..<(start + n * size), to: UnsafeMutableRawPointer(d))
            }
            initialized = n
            #if !_endian(little)
            for i in 0..<n { dst[i] = T(littleEndian: dst[i]) }
            #endif
        }
        at += (n * size + 7) / 8 * 8
        return column
    }

    /// Asks the system to back a large new column with 2 MiB pages where it can (Linux's
    /// transparent huge pages, when set to `madvise`): a million-row column then costs a
    /// few dozen page faults to fill instead of thousands, which was a third of a cold
    /// forecast's time. Only whole huge pages inside the column are asked for.
    static func preferHugePages(_ p: UnsafeMutableRawPointer, _ count: Int) {
        #if os(Linux)
        let huge = 1 << 21
        guard count >= 2 * huge else { return }
        let lo = (Int(bitPattern: p) + huge - 1) / huge * huge
        let hi = (Int(bitPattern: p) + count) / huge * huge
        guard hi > lo, let start = UnsafeMutableRawPointer(bitPattern: lo) else { return }
        _ = madvise(start, hi - lo, Int32(MADV_HUGEPAGE))
        #endif
    }

    /// A column that must have `count` entries.
    public mutating func column<T: FixedWidthInteger>(_: T.Type, count n: Int) throws -> [T] {
        let c = try column(T.self)
        guard c.count == n else { throw problem("a column has \(c.count) values for \(n) rows") }
        return c
    }

    public mutating func doubles(count n: Int) throws -> [Double] {
        #if _endian(little)
        let c = try count()
        guard c == n, n <= (body.count - at) / 8 else { throw problem("a column has \(c) values for \(n) rows") }
        let start = at
        let column = [Double](unsafeUninitializedCapacity: n) { dst, initialized in
            if n > 0, let d = dst.baseAddress { copy(start..<(start + n * 8), to: UnsafeMutableRawPointer(d)) }
            initialized = n
        }
        at += n * 8
        return column
        #else
        return try column(UInt64.self, count: n).map(Double.init(bitPattern:))
        #endif
    }

    public mutating func strings() throws -> [String] {
        let offsets = try column(UInt64.self)
        let blobCount = try count()
        guard blobCount <= body.count - at, let first = offsets.first, first == 0, offsets.last == UInt64(blobCount) else {
            throw problem("a text column does not add up")
        }
        let start = at
        at += (blobCount + 7) / 8 * 8
        guard at <= body.count else { throw problem("a text column ends early") }
        var out: [String] = []
        out.reserveCapacity(offsets.count - 1)
        let blob = UnsafeRawBufferPointer(rebasing: body[start..<(start + blobCount)])
        for i in 1..<offsets.count {
            guard offsets[i - 1] <= offsets[i], offsets[i] <= UInt64(blobCount) else { throw problem("a text column does not add up") }
            let lo = Int(offsets[i - 1]), hi = Int(offsets[i])
            out.append(String(decoding: UnsafeRawBufferPointer(rebasing: blob[lo..<hi]), as: UTF8.self))
        }
        return out
    }

    /// A text column as `strings` wrote it, its texts kept as bytes until read (TextColumn).
    public mutating func texts() throws -> TextColumn {
        // The offsets are read straight into the 32-bit ends, block by block behind the
        // checksum, without a 64-bit copy of them first (a million ids: 8 MB less to fill).
        let n = try count()
        guard n >= 1, n <= (body.count - at) / 8, let base = body.baseAddress else { throw problem("a text column does not add up") }
        let start = at
        func offset(_ i: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self)) }
        var ordered = offset(0) == 0
        var previous: UInt64 = 0
        let ends = [UInt32](unsafeUninitializedCapacity: n - 1) { dst, initialized in
            var i = 1
            while i < n {
                let blockEnd = min(n, i + Self.copyBlock / 8)
                check?.sum.advance(to: start + 8 * blockEnd)
                while i < blockEnd {
                    let o = offset(i)
                    ordered = ordered && o >= previous
                    previous = o
                    dst[i - 1] = UInt32(truncatingIfNeeded: o)
                    i += 1
                }
            }
            initialized = n - 1
        }
        at += 8 * n
        if let releasePages { releasePages(UnsafeRawBufferPointer(rebasing: body[start..<at])) }
        let blob = try column(UInt8.self)
        guard ordered, previous == UInt64(blob.count), blob.count <= Int(UInt32.max) else { throw problem("a text column does not add up") }
        return TextColumn(packed: PackedTexts(ends: ends, bytes: blob))
    }

    public mutating func strings(count n: Int) throws -> [String] {
        let s = try strings()
        guard s.count == n else { throw problem("a text column has \(s.count) values for \(n) rows") }
        return s
    }

    public mutating func string() throws -> String {
        let s = try strings()
        guard s.count == 1 else { throw problem("a text is not one") }
        return s[0]
    }

    public mutating func raw() throws -> [UInt8] { try column(UInt8.self) }

    /// The end of the section: nothing may follow its data, and it must pass its checksum.
    public mutating func expectEnd() throws {
        if var c = check {
            guard c.sum.finish() == c.expected else { throw c.problem }
            check = nil
        }
        guard at == body.count else { throw problem("\(body.count - at) bytes follow its data") }
    }
}

extension Array where Element == UInt8 {
    mutating func append32(_ v: UInt32) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
    mutating func append64(_ v: UInt64) { Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) } }
}
