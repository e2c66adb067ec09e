import Testing
@testable import FunnelCore

/// What a read gave: every record after the header as (line, fields), then the error that
/// ended it (its code and message), if one did.
private struct Read: Equatable {
    var records: [[String]] = []
    var lines: [Int] = []
    var failure: String?
}

private func describe(_ error: any Error) -> String {
    guard let d = error as? Diagnostic else { return "\(error)" }
    return d.code + ": " + d.message + (d.help.map { " | help: " + $0 } ?? "")
}

/// A reader of `bytes` as an import opens its file: through `DecodingInput` (which reads
/// 64 KiB at a time, so a long file fills its buffers in several steps), the header read.
private func reader(_ bytes: [UInt8], encoding: TextEncoding? = nil) throws -> CSVReader {
    let r = try CSVReader(input: DecodingInput(MemoryInput(bytes), name: "t.csv", encoding: encoding), name: "t.csv")
    _ = try r.readHeader()
    return r
}

private func readAlone(_ bytes: [UInt8], encoding: TextEncoding? = nil) -> Read {
    var out = Read()
    do {
        let r = try reader(bytes, encoding: encoding)
        while let record = try r.nextRecord() { out.records.append(record.fields); out.lines.append(record.line) }
    } catch { out.failure = describe(error) }
    return out
}

/// The same through a prefetcher with tiny batches, so records and errors cross many of them.
private func readPrefetched(_ bytes: [UInt8], encoding: TextEncoding? = nil, batchBytes: Int, batchRecords: Int) -> Read {
    var out = Read()
    do {
        let r = try reader(bytes, encoding: encoding)
        guard let p = CSVPrefetcher(r, batchBytes: batchBytes, batchRecords: batchRecords) else {
            out.failure = "no thread"
            return out
        }
        defer { p.stop() }
        while let record = try p.nextRecord() { out.records.append(record.fields); out.lines.append(record.line) }
        // After the end (or an error), it stays at the end.
        if out.failure == nil, try p.nextRecord() != nil { out.failure = "a record after the end" }
    } catch { out.failure = describe(error) }
    return out
}

@Suite struct CSVPrefetcherTests {
    /// A BOM, CRLF line ends, quoted fields holding CRLFs, doubled quotes and delimiters,
    /// blank lines: 300 records, each a few bytes, in batches of 7 records or 50 bytes.
    static func quirkyFile() -> (bytes: [UInt8], records: [[String]], lines: [Int]) {
        var text = "\u{FEFF}id,note\r\n"
        var records: [[String]] = []
        var lines: [Int] = []
        var line = 2
        for i in 0..<300 {
            switch i % 4 {
            case 0:
                text += "\(i),plain\r\n"
                records.append(["\(i)", "plain"]); lines.append(line); line += 1
            case 1:
                text += "\(i),\"two\r\nlines, \"\"quoted\"\"\"\r\n"
                records.append(["\(i)", "two\r\nlines, \"quoted\""]); lines.append(line); line += 2
            case 2:
                text += "\r\n\(i),\"\"\r\n"
                line += 1
                records.append(["\(i)", ""]); lines.append(line); line += 1
            default:
                text += "\(i),\"a\nb\nc\"\n"
                records.append(["\(i)", "a\nb\nc"]); lines.append(line); line += 3
            }
        }
        return (Array(text.utf8), records, lines)
    }

    @Test func recordsAndLinesAreTheReadersAcrossBatches() {
        let (bytes, records, lines) = Self.quirkyFile()
        let alone = readAlone(bytes)
        #expect(alone == Read(records: records, lines: lines, failure: nil))
        for (size, count) in [(50, 7), (1, 1), (1 << 20, 16384), (3, 1000)] {
            #expect(readPrefetched(bytes, batchBytes: size, batchRecords: count) == alone)
        }
    }

    @Test func anUnclosedQuoteInALaterBatchComesAfterTheRecordsBeforeIt() {
        let (bytes, records, lines) = Self.quirkyFile()
        let broken = bytes + Array("300,\"never closed\r\nand more\r\n".utf8)
        let expected = Read(records: records, lines: lines, failure: "I004: t.csv:\(lines[299] + 3): a quoted field is not closed")
        #expect(readAlone(broken) == expected)
        #expect(readPrefetched(broken, batchBytes: 50, batchRecords: 7) == expected)
    }

    @Test func aNulByteInALaterBatchIsTheReadersError() {
        let (bytes, records, lines) = Self.quirkyFile()
        let binary = bytes + Array("300,x".utf8) + [0, 1, 2]
        let expected = Read(records: records, lines: lines,
                            failure: "I002: t.csv looks like a binary file (a NUL byte outside quotes at line \(lines[299] + 3)) | help: a CSV file is text; a NUL byte is read only inside a quoted cell")
        #expect(readAlone(binary) == expected)
        #expect(readPrefetched(binary, batchBytes: 64, batchRecords: 5) == expected)
    }

    /// A byte that is not UTF-8 past the reader's first megabyte: the reader returns the
    /// records of the bytes it read before it, then the error at its line and column.
    @Test func anUndecodableByteDeepInTheFileIsNamedAtItsPlace() {
        var text = "id,name\n"
        var records: [[String]] = []
        for i in 0..<50_000 {
            text += "\(i),row \(i) of the file\n"
            records.append(["\(i)", "row \(i) of the file"])
        }
        let bytes = Array(text.utf8) + Array("50000,caf".utf8) + [0xE9, 0x0A]
        #expect(bytes.count > CSVReader.chunkSize)
        let alone = readAlone(bytes)
        #expect(alone.failure == "I020: t.csv:50002:10: byte 0xE9 is not UTF-8; the file looks like windows-1252 | help: add encoding \"windows-1252\" to the import, or export the file as UTF-8")
        // Every record of the first megabyte (its last one cut by its end is not among them).
        #expect(alone.records.count > 30_000 && alone.records.count < 50_000)
        #expect(alone.records == Array(records.prefix(alone.records.count)))
        #expect(alone.lines == Array(2..<(2 + alone.records.count)))
        #expect(readPrefetched(bytes, batchBytes: 4096, batchRecords: 100) == alone)
    }

    /// A converted encoding is decoded on the reading thread too.
    @Test func aWindows1252FileReadsTheSame() {
        var bytes = Array("id,name\n".utf8)
        var records: [[String]] = []
        for i in 0..<400 {
            bytes += Array("\(i),caf".utf8) + [0xE9] + Array(" \(i)\n".utf8)
            records.append(["\(i)", "café \(i)"])
        }
        let expected = Read(records: records, lines: Array(2...401), failure: nil)
        #expect(readAlone(bytes, encoding: .windows1252) == expected)
        #expect(readPrefetched(bytes, encoding: .windows1252, batchBytes: 100, batchRecords: 9) == expected)
    }

    /// A record larger than a batch makes its batch larger, and only that one.
    @Test func aRecordLongerThanABatch() {
        let long = String(repeating: "x", count: 10_000)
        let bytes = Array("a,b\n1,\(long)\n2,short\n".utf8)
        let expected = Read(records: [["1", long], ["2", "short"]], lines: [2, 3], failure: nil)
        #expect(readPrefetched(bytes, batchBytes: 16, batchRecords: 4) == expected)
    }

    /// An importer that stops early (an error in a row, Ctrl-C) stops the thread, which may
    /// be waiting for a free batch; nothing hangs and nothing is read after it.
    @Test func stoppingEarlyEndsTheThread() throws {
        let (bytes, records, _) = Self.quirkyFile()
        let r = try reader(bytes)
        let p = try #require(CSVPrefetcher(r, batchBytes: 10, batchRecords: 2))
        #expect(try p.nextRecord()?.fields == records[0])
        #expect(try p.nextRecord()?.fields == records[1])
        p.stop()
    }

    @Test func anEmptyRestIsTheEnd() throws {
        let r = try reader(Array("id,name\n".utf8))
        let p = try #require(CSVPrefetcher(r))
        defer { p.stop() }
        #expect(try p.nextRecord() == nil)
        #expect(try p.nextRecord() == nil)
    }
}

/// An import whose file is large enough to be read on the second thread reports its rows
/// as one read on the importer's own thread does: the same lines, in the same order.
@Suite struct PrefetchedImportTests {
    @Test func rowProblemsOfALargeFileNameTheirLines() throws {
        var csv = "id,name,amount\n"
        for i in 1...100_000 { csv += "D-\(i),Deal number \(i) with a longer name,\(i).50\n" }
        // Line 100,002 repeats the id of line 2; line 100,003 has an amount that is not one.
        csv += "D-1,again,1\nD-x,bad,12a\n"
        #expect(csv.utf8.count > ImportFile.prefetchBytes)
        let source = MemorySource(["d.csv": Array(csv.utf8)])
        let r = try ImportPipelineTests().run(ImportPipelineTests.funnel
                                              + "import deals from \"d.csv\" into F (id = id, name = name, amount = amount)\n",
                                              source: source)
        #expect(r.diagnostics == ["I013: 2 rows of d.csv cannot be imported; no deals from it were kept | d.csv:100002: id: \"D-1\" is also on line 2 | d.csv:100003: amount: \"12a\" is not a number | help: correct the file, or add `skip errors` to import the other rows"])
    }

    @Test func aLargeHistoryImportsEveryChange() throws {
        var deals = "id,stage\n"
        var history = "deal,stage,at\n"
        let n = 100_000
        for i in 1...n {
            deals += "D-\(i),B\n"
            history += "D-\(i),A,2026-01-0\(1 + i % 5)T09:00:00Z\nD-\(i),B,2026-02-0\(1 + i % 7)\n"
        }
        #expect(history.utf8.count > ImportFile.prefetchBytes)
        let source = MemorySource(["d.csv": Array(deals.utf8), "h.csv": Array(history.utf8)])
        let r = try ImportPipelineTests().run(ImportPipelineTests.funnel
                                              + "import deals from \"d.csv\" into F (id = id, stage = stage)\n"
                                              + "import history from \"h.csv\" (deal = deal, stage = stage, at = at)\n",
                                              source: source)
        #expect(r.diagnostics == [])
        guard r.outputs.count == 3, case .message(let summary) = r.outputs[2] else {
            Issue.record("expected three outputs, got \(r.outputs)")
            return
        }
        #expect(summary == "imported 200000 stage changes of 100000 deals from h.csv")
        let state = r.interpreter.state
        #expect(state.history.count == 2 * n)
        // The last deal: A on 2026-01-01 (100000 % 5 == 0), B on 2026-02-06 (100000 % 7 == 5).
        let last = try #require(state.row(of: "D-100000"))
        let entries = (0..<state.history.count).filter { Int(state.history.deal[$0]) == last }
        #expect(entries.map { state.pool[state.history.stage[$0]] } == ["A", "B"])
        #expect(entries.map { Calendar.format(state.history.day[$0]) } == ["2026-01-01", "2026-02-06"])
    }
}
