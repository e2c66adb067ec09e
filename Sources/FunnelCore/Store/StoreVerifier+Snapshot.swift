/// `funnel verify` on the snapshot (docs/store.md, "The snapshot"). A damaged snapshot loses
/// nothing — readers check each section they open and replay the journal instead — so it is
/// reported as a note naming the bytes that fail, never as a problem, and verify still exits 0.
extension StoreVerifier {
    static func checkSnapshot(_ store: FileStore, _ report: inout VerifyReport) {
        report.snapshotTemporaryFiles = store.snapshotTemporaryFiles()
        guard let mapped = store.mapSnapshot() else { return }
        withExtendedLifetime(mapped) {
            do {
                let file = try SnapshotFileReader(mapped.bytes)
                if let damage = file.firstDamage() {
                    report.snapshotNote = "\(store.snapshotPath): \(damage.description)"
                } else if store.journalMark(endingAt: file.header.journalPosition) != file.header.journalMark {
                    report.snapshotNote = "\(store.snapshotPath): it is of commit \(file.header.seq), which the journal does not hold at byte \(file.header.journalPosition)"
                }
            } catch {
                report.snapshotNote = "\(store.snapshotPath): \(error)"
            }
        }
    }
}
