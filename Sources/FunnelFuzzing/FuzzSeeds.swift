import FunnelCore

/// Seeds for the two modes whose inputs are binary files funnel writes itself, an import
/// segment and a snapshot: made from a small script by the same code that writes them, so
/// the seeds follow the formats. FuzzCorpusTests keeps the corpus's copies equal to these.
public enum FuzzSeeds {
    static let script = """
        funnel F {
          stage A probability 10%
          stage B probability 50%
          won W
          lost L
        }
        field budget_ok bool
        deal "D-1" in F { amount: 1200, owner: "li.wei", budget_ok: true } on 2026-03-01
        deal "D-2" in F { amount: 300.5, source: "web" }
        move deal "D-1" to B on 2026-03-02
        import deals from "deals.csv" into F (id = id, amount = amount, stage = stage, created = created)
        """
    static let csv = "id,amount,stage,created\nI-1,100,A,2026-01-05\nI-2,250,B,2026-02-01\nI-3,75,W,2026-02-03\n"

    /// File name in Tests/Fuzz/corpus → its bytes (the mode byte first).
    public static func generated() -> [String: [UInt8]] {
        let file = SourceFile(name: "seed.funnel", bytes: Array(script.utf8))
        let source = AnyFileSource(Array(csv.utf8))
        guard case .success(let program) = Compiler.compile(file, catalog: Catalog(), importFiles: ImportHeaders(source: source)) else { return [:] }
        let interpreter = Interpreter(state: FunnelState(), today: Calendar.validDay(year: 2026, month: 3, day: 15) ?? 0)
        interpreter.importSource = source
        for statement in program.statements {
            guard (try? interpreter.execute(statement, file: file)) != nil else { return [:] }
        }
        var seeds: [String: [UInt8]] = [:]
        if let segment = interpreter.pendingSegments.first {
            seeds["segment-small"] = [FuzzTarget.Mode.segment.rawValue] + segment.bytes
        }
        var state = interpreter.state
        state.lastSeq = Int64(interpreter.pending.count)
        let mark = Array(#"{"commit":1}"#.utf8)
        let header = SnapshotHeader(seq: state.lastSeq, journalPosition: 4096, latestChange: 0, journalMark: mark)
        if let snapshot = SnapshotCodec.encode(state, header: header) {
            seeds["snapshot-small"] = [FuzzTarget.Mode.snapshot.rawValue] + snapshot
        }
        return seeds
    }
}
