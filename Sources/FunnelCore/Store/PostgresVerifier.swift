/// `funnel verify` on a team store: reads everything without taking the writer lock and
/// reports every problem, as `StoreVerifier` does for a directory. The database keeps its
/// own pages whole; what can still go wrong is a table edited by hand or a restore that
/// missed rows, so the checks are the journal's: seqs without gaps, runs that end, payloads
/// that parse, and every segment an import names present and matching its checksum.
public enum PostgresVerifier {
    public static func verify(url: String) -> VerifyReport {
        var report = VerifyReport()
        let store = PostgresStore(url: url)
        do {
            try store.connect()
            let rows: PostgresRows
            do {
                rows = try store.connection.query("SELECT seq, to_char(on_date, 'YYYY-MM-DD'), type, data, commit_seq FROM funnel.events ORDER BY seq")
            } catch {
                throw PostgresStore.failure(error, store.location, doing: "read")
            }
            var last: Int64 = 0
            var pending = 0
            var pendingSegments: [(name: String, checksum: String)] = []
            var segments: [(name: String, checksum: String)] = []
            // What deletions, restores and undos took back, said as the file store's verify says it.
            var pendingTakenBack: [String] = []
            for row in 0..<rows.count {
                let seq = rows.int64(row, 0) ?? 0
                if seq != last + 1 {
                    report.problems.append(store.damage(seq, "expected seq \(last + 1), found \(seq)"))
                }
                last = seq
                do {
                    let e = try store.event(rows, row)
                    pending += 1
                    if e.eventType == .import, let name = e["segment"]?.string, let sum = e["checksum"]?.string {
                        pendingSegments.append((name, sum))
                    }
                    if let line = StoreVerifier.takenBack(e) { pendingTakenBack.append(line) }
                } catch let d as Diagnostic {
                    report.problems.append(d)
                }
                if rows.int64(row, 4) == seq {
                    report.commits += 1
                    report.events += pending
                    pending = 0
                    segments += pendingSegments
                    pendingSegments = []
                    report.takenBack += pendingTakenBack
                    pendingTakenBack = []
                }
            }
            if pending > 0 {
                report.problems.append(store.damage(last, "its run does not end with the last event"))
            }
            var seen = Set<String>()
            for (name, checksum) in segments where seen.insert(name).inserted {
                report.segments += 1
                do {
                    let bytes = try store.readSegment(name)
                    let actual = Segment.checksum(bytes)
                    if actual != checksum {
                        report.problems.append(Diagnostic(.io, "S021", "segment \(name) in \(store.location) is damaged: its checksum is \(actual), but the journal recorded \(checksum)"))
                    }
                } catch let d as Diagnostic {
                    report.problems.append(d)
                }
            }
        } catch let d as Diagnostic {
            report.problems.append(d)
        } catch {
            report.problems.append(Diagnostic(.io, "S000", "\(error)"))
        }
        return report
    }
}
