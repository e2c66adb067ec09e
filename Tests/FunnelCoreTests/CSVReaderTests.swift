import Testing
@testable import FunnelCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every record of `text` as (line, fields).
private func records(_ text: String, delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 16 << 20) throws -> [(Int, [String])] {
    try records(Array(text.utf8), delimiter: delimiter, maxRecordBytes: maxRecordBytes)
}

private func records(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 16 << 20) throws -> [(Int, [String])] {
    let reader = try CSVReader(bytes: bytes, name: "t.csv", delimiter: delimiter, maxRecordBytes: maxRecordBytes)
    var out: [(Int, [String])] = []
    while let r = try reader.nextRecord() { out.append((r.line, r.fields)) }
    return out
}

private func lines(_ rs: [(Int, [String])]) -> [Int] { rs.map(\.0) }
private func fields(_ rs: [(Int, [String])]) -> [[String]] { rs.map(\.1) }

private func expectError(_ expected: Diagnostic, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(expected.message)")
    } catch let d as Diagnostic {
        #expect(d == expected)
        #expect(d.message == expected.message)
    } catch {
        Issue.record("unexpected \(error)")
    }
}

/// A file under /tmp that is removed when the test is done.
private final class TempFile {
    let path: String
    init(_ bytes: [UInt8], _ suffix: String = ".csv") throws {
        path = "/tmp/funnel-csv-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))\(suffix)"
        let f = fopen(path, "wb")
        try #require(f != nil)
        if let f {
            _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
    }
    deinit { unlink(path) }
}

@Suite struct CSVReaderTests {
    @Test func plainLF() throws {
        let rs = try records("id,name\nD-1,Acme\nD-2,Globex\n")
        #expect(fields(rs) == [["id", "name"], ["D-1", "Acme"], ["D-2", "Globex"]])
        #expect(lines(rs) == [1, 2, 3])
    }

    @Test func crlf() throws {
        let rs = try records("id,name\r\nD-1,Acme\r\n\r\nD-2,Globex\r\n")
        #expect(fields(rs) == [["id", "name"], ["D-1", "Acme"], ["D-2", "Globex"]])
        #expect(lines(rs) == [1, 2, 4])
    }

    @Test func loneCR() throws {
        let rs = try records("id,name\rD-1,Acme\rD-2,Globex")
        #expect(fields(rs) == [["id", "name"], ["D-1", "Acme"], ["D-2", "Globex"]])
        #expect(lines(rs) == [1, 2, 3])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let rs = try records([0xEF, 0xBB, 0xBF] + Array("id,name\nD-1,Acme\n".utf8))
        #expect(fields(rs) == [["id", "name"], ["D-1", "Acme"]])
        #expect(rs[0].1[0].utf8.count == 2)
    }

    @Test func onlyAByteOrderMarkIsEmpty() throws {
        let reader = try CSVReader(bytes: [0xEF, 0xBB, 0xBF], name: "t.csv")
        #expect(try reader.readHeader() == nil)
    }

    @Test func quotedDelimiterAndDoubledQuotes() throws {
        let rs = try records("a,b,c\n\"Acme, Inc.\",\"say \"\"hi\"\"\",\"\"\n")
        #expect(fields(rs) == [["a", "b", "c"], ["Acme, Inc.", "say \"hi\"", ""]])
    }

    @Test func embeddedNewlinesCountLines() throws {
        let rs = try records("id,note\n1,\"line one\nline two\r\nline three\"\n2,after\r\n3,\"x\ry\"\n4,z\n")
        #expect(fields(rs) == [["id", "note"], ["1", "line one\nline two\r\nline three"], ["2", "after"],
                               ["3", "x\ry"], ["4", "z"]])
        #expect(lines(rs) == [1, 2, 5, 6, 8])
    }

    @Test func semicolonAndTabDelimiters() throws {
        let semi = try records("a;b\n\"1;5\";2,5\n", delimiter: UInt8(ascii: ";"))
        #expect(fields(semi) == [["a", "b"], ["1;5", "2,5"]])
        let tab = try records("a\tb\n1,5\t\"x\ty\"\n", delimiter: UInt8(ascii: "\t"))
        #expect(fields(tab) == [["a", "b"], ["1,5", "x\ty"]])
    }

    @Test func emptyCells() throws {
        let rs = try records("a,b,c\n,,\n1,,3\n,\"\",\n")
        #expect(fields(rs) == [["a", "b", "c"], ["", "", ""], ["1", "", "3"], ["", "", ""]])
    }

    @Test func finalRecordWithoutNewline() throws {
        #expect(fields(try records("a,b\n1,2")) == [["a", "b"], ["1", "2"]])
        #expect(fields(try records("a,b\n1,\"2\"")) == [["a", "b"], ["1", "2"]])
        #expect(fields(try records("a,b\n1,")) == [["a", "b"], ["1", ""]])
    }

    @Test func trailingBlankLinesAreIgnored() throws {
        let rs = try records("a,b\n1,2\n\n\r\n")
        #expect(fields(rs) == [["a", "b"], ["1", "2"]])
    }

    @Test func lenientQuotes() throws {
        #expect(fields(try records("5\" screen,\"ab\"cd\n")) == [["5\" screen", "abcd"]])
    }

    @Test func headerOnly() throws {
        let reader = try CSVReader(bytes: Array("id,name\n".utf8), name: "t.csv")
        #expect(try reader.readHeader() == ["id", "name"])
        #expect(try reader.nextRecord() == nil)
        #expect(try reader.nextRecord() == nil)
    }

    @Test func emptyFile() throws {
        let file = try TempFile([])
        let reader = try CSVReader(path: file.path)
        #expect(try reader.readHeader() == nil)
        #expect(try reader.nextRecord() == nil)
    }

    @Test func recordAccessors() throws {
        let reader = try CSVReader(bytes: Array("a,b\nx,caf\u{E9}\n".utf8) + [UInt8(ascii: "y"), UInt8(ascii: ","), 0xFF, 0x0A], name: "t.csv")
        _ = try reader.readHeader()
        let r1 = try #require(try reader.nextRecord())
        #expect(r1.count == 2)
        #expect(Array(r1.bytes(1)) == Array("caf\u{E9}".utf8))
        #expect(r1.isValidUTF8(1))
        #expect(r1.field(2) == "")
        #expect(r1.bytes(-1).isEmpty)
        let r2 = try #require(try reader.nextRecord())
        #expect(!r2.isValidUTF8(1))
        #expect(r2.field(1) == "\u{FFFD}")
        #expect(r2.line == 3)
    }

    @Test func nulByteIsBinary() {
        expectError(Diagnostic(.io, "I002", "t.csv looks like a binary file (a NUL byte outside quotes at line 3)",
                               help: "a CSV file is text; a NUL byte is read only inside a quoted cell")) {
            _ = try records(Array("a,b\n1,2\n3,".utf8) + [0, 1, 2])
        }
        // Excel's "Unicode Text" without its byte order mark: a NUL in every other byte.
        expectError(Diagnostic(.io, "I002", "t.csv looks like UTF-16 text without a byte order mark (a NUL byte at line 1)",
                               help: "add encoding \"utf-16\" to the import")) {
            _ = try records(Array("id,name\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        }
    }

    @Test func nulInsideQuotesIsData() throws {
        let r = try records(Array("a,b\n\"x".utf8) + [0] + Array("y\",2\n".utf8))
        #expect(fields(r) == [["a", "b"], ["x\u{0}y", "2"]])
    }

    @Test func utf16IsExplained() {
        expectError(Diagnostic(.io, "I002", "t.csv is UTF-16 text; save it as UTF-8 CSV")) {
            _ = try records([0xFF, 0xFE, UInt8(ascii: "a"), 0])
        }
    }

    @Test func oversizeRecord() throws {
        #expect(fields(try records("abcdefgh\n", maxRecordBytes: 8)) == [["abcdefgh"]])
        expectError(Diagnostic(.io, "I003", "t.csv:2: a record longer than 8 bytes; is this a CSV file?")) {
            _ = try records("a\nabcdefghi\n", maxRecordBytes: 8)
        }
        expectError(Diagnostic(.io, "I003", "t.csv:1: a record longer than 1 KiB; is this a CSV file?")) {
            _ = try records(String(repeating: "x", count: 5000), maxRecordBytes: 1024)
        }
    }

    /// A file of one 40 MiB line stops at the limit instead of buffering the whole line.
    @Test func oversizeRecordInFileStopsEarly() throws {
        let file = try TempFile([UInt8](repeating: UInt8(ascii: "x"), count: 40 << 20))
        let reader = try CSVReader(path: file.path)
        expectError(Diagnostic(.io, "I003", "\(file.path):1: a record longer than 16 MiB; is this a CSV file?")) {
            _ = try reader.nextRecord()
        }
    }

    /// A record of exactly the limit is accepted even when its CRLF arrives in a later read.
    @Test func recordAtTheLimitInFile() throws {
        let c = CSVReader.chunkSize
        let exact = try TempFile(Array((String(repeating: "x", count: c) + "\r\ny\r\n").utf8))
        let r1 = try CSVReader(path: exact.path, maxRecordBytes: c)
        #expect(try r1.nextRecord()?.bytes(0).count == c)
        #expect(try r1.nextRecord()?.fields == ["y"])
        #expect(try r1.nextRecord() == nil)

        let over = try TempFile(Array((String(repeating: "x", count: c + 1) + "\r\n").utf8))
        let r2 = try CSVReader(path: over.path, maxRecordBytes: c)
        expectError(Diagnostic(.io, "I003", "\(over.path):1: a record longer than 1 MiB; is this a CSV file?")) {
            _ = try r2.nextRecord()
        }
    }

    @Test func unclosedQuote() {
        expectError(Diagnostic(.io, "I004", "t.csv:3: a quoted field is not closed")) {
            _ = try records("a,b\n1,2\n3,\"open\nmore\n")
        }
    }

    @Test func missingFile() {
        expectError(Diagnostic(.io, "I001", "cannot open /tmp/funnel-no-such-file.csv: No such file or directory")) {
            _ = try CSVReader(path: "/tmp/funnel-no-such-file.csv")
        }
    }

    @Test func directory() {
        expectError(Diagnostic(.io, "I001", "/tmp is a directory, not a CSV file")) {
            _ = try CSVReader(path: "/tmp")
        }
    }

    @Test func badDelimiter() {
        expectError(Diagnostic(.usage, "I005", "a CSV delimiter must be one ASCII character other than a quote or a line break")) {
            _ = try CSVReader(bytes: [], name: "t.csv", delimiter: UInt8(ascii: "\""))
        }
    }

    /// Records that straddle the 1 MiB chunk boundary, including a CRLF split across it and a
    /// quoted field with a doubled quote at the seam, read as if the file were one buffer.
    @Test func fileChunkBoundaries() throws {
        var text = "id,note\r\n"
        var expected: [[String]] = [["id", "note"]]
        var expectedLines = [1]
        var line = 2
        var i = 0
        while text.utf8.count < 3 * CSVReader.chunkSize {
            if i % 3 == 0 {
                text += "\(i),plain \(i)\r\n"
                expected.append(["\(i)", "plain \(i)"])
                expectedLines.append(line)
                line += 1
            } else {
                text += "\(i),\"q \"\"\(i)\"\", with, commas\nand a newline\"\r\n"
                expected.append(["\(i)", "q \"\(i)\", with, commas\nand a newline"])
                expectedLines.append(line)
                line += 2
            }
            i += 1
        }
        let file = try TempFile(Array(text.utf8))
        let reader = try CSVReader(path: file.path)
        var got: [[String]] = []
        var gotLines: [Int] = []
        while let r = try reader.nextRecord() { got.append(r.fields); gotLines.append(r.line) }
        #expect(got == expected)
        #expect(gotLines == expectedLines)
    }

    /// A CRLF or a doubled quote split by the chunk boundary, at several offsets around it.
    @Test(arguments: -2...2) func seamAtChunkBoundary(shift: Int) throws {
        let c = CSVReader.chunkSize
        // "h\r\n" + n × "a" puts the CR at c - 1 + shift.
        let crlf = "h\r\n" + String(repeating: "a", count: c - 4 + shift) + "\r\nb\r\n"
        let f1 = try TempFile(Array(crlf.utf8))
        let r1 = try CSVReader(path: f1.path)
        var lines: [Int] = []
        var lens: [Int] = []
        while let r = try r1.nextRecord() { lines.append(r.line); lens.append(r.bytes(0).count) }
        #expect(lines == [1, 2, 3])
        #expect(lens == [1, c - 4 + shift, 1])

        // "h\n\"" + n × "a" puts the doubled quote at c - 1 + shift.
        let quoted = "h\n\"" + String(repeating: "a", count: c - 4 + shift) + "\"\"z\"\nb\n"
        let f2 = try TempFile(Array(quoted.utf8))
        let r2 = try CSVReader(path: f2.path)
        _ = try r2.readHeader()
        let rec = try #require(try r2.nextRecord())
        #expect(rec.count == 1)
        #expect(Array(rec.bytes(0).suffix(2)) == Array("\"z".utf8))
        #expect(rec.bytes(0).count == c - 4 + shift + 2)
        #expect(try r2.nextRecord()?.fields == ["b"])
    }
}

/// A fixed-seed generator, so a failing round trip fails the same way every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct CSVRoundTripTests {
    /// Random records written the RFC 4180 way with mixed line ends, read back from memory and
    /// from a file several chunks long: every field and every line number must survive.
    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")])
    func randomRoundTrip(delimiter: UInt8) throws {
        var rng = SplitMix64(state: UInt64(delimiter))
        let alphabet: [String] = ["a", "b", "Z", "0", "9", " ", "\"", "\r", "\n", "\r\n", ",", ";", "\t", "é", "€", "中", "'"]
        var text: [UInt8] = []
        var expected: [[String]] = []
        var expectedLines: [Int] = []
        var line = 1
        while text.count < 2 * CSVReader.chunkSize + 12345 {
            let n = Int.random(in: 1...6, using: &rng)
            var record: [String] = []
            for _ in 0..<n {
                let len = Int.random(in: 0...(Int.random(in: 0...9, using: &rng) == 0 ? 300 : 8), using: &rng)
                record.append((0..<len).map { _ in alphabet.randomElement(using: &rng) ?? "a" }.joined())
            }
            expected.append(record)
            expectedLines.append(line)
            for (i, f) in record.enumerated() {
                if i > 0 { text.append(delimiter) }
                let u = Array(f.utf8)
                let mustQuote = u.contains(where: { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 })
                    || (n == 1 && u.isEmpty)
                if mustQuote || Bool.random(using: &rng) && Bool.random(using: &rng) {
                    text.append(34)
                    for b in u {
                        if b == 34 { text.append(34) }
                        text.append(b)
                    }
                    text.append(34)
                } else {
                    text.append(contentsOf: u)
                }
                // Line breaks inside the field: CRLF counts once.
                var k = 0
                while k < u.count {
                    if u[k] == 13 { line += 1; if k + 1 < u.count && u[k + 1] == 10 { k += 1 } } else if u[k] == 10 { line += 1 }
                    k += 1
                }
            }
            let endings: [[UInt8]] = [[10], [13, 10], [13]]
            let ending = endings[Int.random(in: 0...2, using: &rng)]
            text.append(contentsOf: ending)
            line += 1
        }
        if Bool.random(using: &rng) { text.removeLast() }  // sometimes no final line break
        if text.last == 13 { text.removeLast() }

        func check(_ reader: CSVReader) throws {
            var got: [[String]] = []
            var gotLines: [Int] = []
            while let r = try reader.nextRecord() {
                got.append(r.fields)
                gotLines.append(r.line)
            }
            #expect(got.count == expected.count)
            for i in 0..<min(got.count, expected.count) where got[i] != expected[i] || gotLines[i] != expectedLines[i] {
                Issue.record("record \(i): \(got[i]) at \(gotLines[i]), expected \(expected[i]) at \(expectedLines[i])")
                break
            }
        }
        try check(CSVReader(bytes: text, name: "t.csv", delimiter: delimiter))
        let file = try TempFile(text)
        try check(CSVReader(path: file.path, delimiter: delimiter))
    }
}
