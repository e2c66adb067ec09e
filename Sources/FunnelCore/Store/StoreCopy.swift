/// `funnel copy`: every committed run of one store into another that is empty, in the same
/// order and grouping, with every segment the imports name, in one commit (so a copy that
/// fails leaves the destination as empty as it was). Works between any two stores: a
/// directory into a database and back gives the same journal.
public enum StoreCopy {
    public struct Summary: Equatable, Sendable {
        public var events: Int
        public var runs: Int
        public var segments: Int
    }

    public static func copy(from source: Store, to destination: Store) throws -> Summary {
        let runs = try source.readRuns()
        var names: [String] = []
        var seen = Set<String>()
        for e in runs.joined() where e.eventType == .import {
            if let name = e["segment"]?.string, seen.insert(name).inserted { names.append(name) }
        }
        let segments = try names.map { try source.readSegment($0) }
        let events = runs.reduce(0) { $0 + $1.count }
        try destination.withWriterLock {
            let existing = try destination.readCommitted(after: 0).events.count
            guard existing == 0 else {
                throw Diagnostic(.io, "S045", "\(destination.location) already holds \(existing) event\(existing == 1 ? "" : "s"); funnel copy only fills an empty store",
                                 help: "copy into a new directory, or a database where `funnel init` has just created the store")
            }
            // Seqs continue the destination's, which is empty, so they come out as they went in.
            _ = try destination.commit(runs: runs, segments: segments)
        }
        return Summary(events: events, runs: runs.count, segments: segments.count)
    }
}
