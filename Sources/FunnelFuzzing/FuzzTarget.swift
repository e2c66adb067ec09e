import Foundation
import FunnelCore

/// What the fuzzer feeds funnel: one input, read as a script, a CSV file, a store's journal,
/// a session command, an import segment or a snapshot (the first byte chooses), through the same public entry points the
/// shell uses. Anything that traps here is a crash a user could cause with a file; the
/// committed corpus (Tests/Fuzz/corpus) replays in `FuzzCorpusTests` so a crash found once
/// stays fixed. scripts/fuzz builds the libFuzzer binary and runs it.
public enum FuzzTarget {
    /// New modes go at the end, so the committed corpus (first bytes 0–3) keeps its meaning.
    public enum Mode: UInt8, CaseIterable, Sendable { case script, csv, journal, sessionCommand, segment, snapshot }

    public static func run(_ input: [UInt8]) {
        guard let first = input.first else { return }
        let body = Array(input.dropFirst())
        switch Mode(rawValue: first % UInt8(Mode.allCases.count)) ?? .script {
        case .script: runScript(body)
        case .csv: readCSV(body)
        case .journal: replayJournal(body)
        case .sessionCommand: _ = try? DotCommand.parse(String(decoding: body, as: UTF8.self))
        case .segment: _ = try? ImportPayload.decode(body, name: "fuzz.seg")
        case .snapshot: openSnapshot(body)
        }
    }

    /// The bytes before the first NUL are a script, the rest the CSV file every import of it
    /// reads: parsed, checked and run on an empty state, as `funnel run` does, without a store.
    static func runScript(_ body: [UInt8]) {
        let cut = body.firstIndex(of: 0) ?? body.endIndex
        let file = SourceFile(name: "fuzz.funnel", bytes: Array(body[..<cut]))
        let csv = cut < body.endIndex ? Array(body[(cut + 1)...]) : []
        let source = AnyFileSource(csv)
        guard case .success(let program) = Compiler.compile(file, catalog: Catalog(), importFiles: ImportHeaders(source: source)) else { return }
        let interpreter = Interpreter(state: FunnelState(), today: Calendar.validDay(year: 2026, month: 3, day: 15) ?? 0)
        interpreter.importSource = source
        for statement in program.statements {
            _ = try? interpreter.execute(statement, file: file)
        }
    }

    /// Every record of the bytes as a CSV file, with the delimiter the second byte picks.
    static func readCSV(_ body: [UInt8]) {
        let delimiters: [UInt8] = [44, 59, 9, 124]
        let delimiter = delimiters[Int(body.first ?? 0) % delimiters.count]
        guard let reader = try? CSVReader(bytes: Array(body.dropFirst()), name: "fuzz.csv", delimiter: delimiter) else { return }
        do {
            guard try reader.readHeader() != nil else { return }
            while try reader.nextRecord() != nil {}
        } catch {}
    }

    /// The bytes as a store's journal: read as `funnel` opens a store, every committed event
    /// applied to a state as a session's replay does.
    static func replayJournal(_ body: [UInt8]) {
        // One folder for the whole process, so an input costs a file write, not a mkdir.
        let dir = journalFolder
        guard FileManager.default.createFile(atPath: dir + "/journal.jsonl", contents: Data(body)) else { return }
        let store = FileStore(directory: dir)
        guard let read = try? store.readCommitted(after: 0) else { return }
        var state = FunnelState()
        for e in read.events {
            guard let event = DomainEvent(e) else { continue }
            try? state.apply(event, on: e.on)
        }
    }
}

extension FuzzTarget {
    /// The bytes as a store's snapshot: the header and table read, every section checked as
    /// `funnel verify` does, and the state decoded as a reader opening the store does.
    static func openSnapshot(_ body: [UInt8]) {
        body.withUnsafeBytes { raw in
            guard let file = try? SnapshotFileReader(raw) else { return }
            _ = file.firstDamage()
            _ = try? SnapshotCodec.decode(file)
        }
    }
}

let journalFolder: String = {
    let dir = NSTemporaryDirectory() + "funnel-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

/// Serves the same bytes for any file an import names.
final class AnyFileSource: ImportSource, @unchecked Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func open(_ path: String, name: String) throws -> any ImportInput { MemoryInput(bytes) }
}
