import Testing
@testable import FunnelCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file that another program is still writing must not be imported with its last row
/// cut in half (an amount of `1` for `12345`): the reader compares the file's size and
/// modification time at its end with those at the open.
@Suite struct CSVFileChangeTests {
    /// More than the reader's first 1 MiB read, so the test can write between two reads.
    static func bigFile() -> (path: String, bytes: [UInt8]) {
        var text = "id,amount\n"
        var i = 0
        while text.utf8.count < (CSVReader.chunkSize * 3) / 2 { text += "D-\(i),12345\n"; i += 1 }
        return ("/tmp/funnel-csv-change-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).csv", Array(text.utf8))
    }

    static func write(_ bytes: [UInt8], to path: String, mode: String) throws {
        let f = fopen(path, mode)
        try #require(f != nil)
        if let f {
            _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
        }
    }

    @Test func aFileThatGrowsWhileReadIsRefused() throws {
        let (path, bytes) = Self.bigFile()
        defer { unlink(path) }
        // The writer is half-way through a row: `D-x,1` of `D-x,12345`.
        try Self.write(bytes + Array("D-x,1".utf8), to: path, mode: "wb")
        let reader = try CSVReader(path: path, name: "deals.csv")
        #expect(try reader.readHeader() == ["id", "amount"])
        try Self.write(Array("2345\n".utf8), to: path, mode: "ab")
        do {
            while try reader.nextRecord() != nil {}
            Issue.record("the change was not noticed")
        } catch let d as Diagnostic {
            let before = bytes.count + 5
            #expect(d.code == "I007")
            #expect(d.kind == .io)
            #expect(d.message == "deals.csv changed while it was read (\(before) bytes when opened, \(before + 5) at the end); another program may still be writing it")
            #expect(d.help == "import it again once it is complete, or import a copy made after it was written")
        }
    }

    @Test func aFileRewrittenInPlaceWithTheSameSizeIsRefused() throws {
        let (path, bytes) = Self.bigFile()
        defer { unlink(path) }
        try Self.write(bytes, to: path, mode: "wb")
        let reader = try CSVReader(path: path, name: "deals.csv")
        _ = try reader.readHeader()
        // Same length, new content, a later modification time.
        var later = timespec(tv_sec: 0, tv_nsec: 0)
        clock_gettime(CLOCK_REALTIME, &later)
        try Self.write(bytes, to: path, mode: "r+b")
        var times = [timespec(tv_sec: later.tv_sec + 5, tv_nsec: 0), timespec(tv_sec: later.tv_sec + 5, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        do {
            while try reader.nextRecord() != nil {}
            Issue.record("the change was not noticed")
        } catch let d as Diagnostic {
            #expect(d.code == "I007")
            #expect(d.message == "deals.csv changed while it was read; another program may still be writing it")
        }
    }

    @Test func anUnchangedFileReadsToTheEnd() throws {
        let (path, bytes) = Self.bigFile()
        defer { unlink(path) }
        try Self.write(bytes, to: path, mode: "wb")
        let reader = try CSVReader(path: path, name: "deals.csv")
        var rows = 0
        while try reader.nextRecord() != nil { rows += 1 }
        #expect(rows == bytes.filter { $0 == 0x0A }.count)
    }
}
