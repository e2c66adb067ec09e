import Foundation
import Testing

/// A FIFO, a device or a symlink to one where the journal, a segment or an import file should
/// be: refused with exit 74 and the file's kind named, never a hang and never an empty store.
/// Every run has a timeout, so the old behaviour (blocking for ever) fails the test.
struct NonRegularFileTests {
    static let setup = """
    funnel F {
      stage A probability 10%
      won W
      lost L
    }
    deal "d1" in F { amount: 10k } on 2026-01-01

    """

    func makeFIFO(_ url: URL) {
        #expect(mkfifo(url.path, 0o644) == 0)
    }

    func newStore() throws -> (dir: URL, store: URL) {
        let dir = try FunnelProcess.temporaryDirectory()
        let store = dir.appendingPathComponent("s.store")
        #expect(try FunnelProcess.run(["--store", store.path, "-c", Self.setup]).exitCode == 0)
        return (dir, store)
    }

    @Test func importFromAFIFOIsRefusedAndReleasesTheLock() throws {
        let (dir, store) = try newStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        makeFIFO(dir.appendingPathComponent("pipe.csv"))
        let r = try FunnelProcess.run(["--store", "s.store", "-c", "import deals from \"pipe.csv\" into F (id = id)"],
                                      cwd: dir, timeout: 20)
        #expect(r.exitCode == 74)
        #expect(r.stderr == """
            <command line>:1:19: error[I001]: pipe.csv is a FIFO (named pipe), not a regular file
             1 | import deals from "pipe.csv" into F (id = id)
               |                   ^^^^^^^^^^
            help: save the data to a file first and import that file

            """)
        // The lock was released: the next writer goes ahead at once.
        let next = try FunnelProcess.run(["--store", store.path, "-c", "deal \"d2\" in F"], timeout: 20)
        #expect(next.exitCode == 0)
    }

    @Test func aFIFOJournalIsRefusedByQueriesWritersAndVerify() throws {
        let (dir, store) = try newStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = store.appendingPathComponent("journal.jsonl")
        try FileManager.default.removeItem(at: journal)
        makeFIFO(journal)
        let message = "error[S004]: cannot read \(journal.path): it is a FIFO (named pipe), not a regular file\n"
        for arguments in [["-c", "count deals"], ["-c", "deal \"d2\" in F"]] {
            let r = try FunnelProcess.run(["--store", store.path] + arguments, timeout: 20)
            #expect(r.exitCode == 74, "\(arguments)")
            #expect(r.stderr == message, "\(arguments)")
        }
        let verify = try FunnelProcess.run(["verify", "--store", store.path], timeout: 20)
        #expect(verify.exitCode == 74)
        #expect(verify.stderr == message)
        #expect(verify.stdout == "\(store.path): 0 events in 0 commits; 1 problem(s)\n")
    }

    /// /dev/full reads as empty: the store looked empty and queries exited 0.
    @Test func aJournalLinkedToADeviceIsNotAnEmptyStore() throws {
        let (dir, store) = try newStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = store.appendingPathComponent("journal.jsonl")
        try FileManager.default.removeItem(at: journal)
        try FileManager.default.createSymbolicLink(atPath: journal.path, withDestinationPath: "/dev/full")
        let r = try FunnelProcess.run(["--store", store.path, "-c", "count deals"], timeout: 20)
        #expect(r.exitCode == 74)
        #expect(r.stderr == "error[S004]: cannot read \(journal.path): it is a character device, not a regular file\n")
        #expect(r.stdout == "")
    }

    @Test func aFIFOSegmentIsRefused() throws {
        let dir = try FunnelProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("s.store")
        try Data("id,amount\nD-1,100\nD-2,250\n".utf8).write(to: dir.appendingPathComponent("deals.csv"))
        let imported = try FunnelProcess.run(["--store", "s.store", "-c",
                                              Self.setup + "import deals from \"deals.csv\" into F (id = id, amount = amount)"], cwd: dir)
        #expect(imported.exitCode == 0)
        let segments = store.appendingPathComponent("segments")
        let names = try FileManager.default.contentsOfDirectory(atPath: segments.path)
        #expect(names.count == 1)
        let segment = segments.appendingPathComponent(names[0])
        try FileManager.default.removeItem(at: segment)
        makeFIFO(segment)
        let r = try FunnelProcess.run(["--store", store.path, "-c", "count deals"], timeout: 20)
        #expect(r.exitCode == 74)
        #expect(r.stderr == """
            error[S012]: \(store.path): event 3 cannot be replayed: cannot read \(segment.path): it is a FIFO (named pipe), not a regular file
            help: run `funnel verify`; the journal may have been edited by hand

            """)
        let verify = try FunnelProcess.run(["verify", "--store", store.path], timeout: 20)
        #expect(verify.exitCode == 74)
        #expect(verify.stderr == "error[S004]: cannot read \(segment.path): it is a FIFO (named pipe), not a regular file\n")
    }
}
