import Dispatch
import Testing
@testable import FunnelShell
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp for one test.
func makeTempDirectory() -> String {
    var template = Array("/tmp/funnel-shell-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return "/tmp" }
        return String(cString: base)
    }
}

func readFile(_ path: String) -> String {
    guard let f = fopen(path, "r") else { return "" }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    while true {
        let c = fgetc(f)
        if c == EOF { break }
        bytes.append(UInt8(c))
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct HistoryEncodingTests {
    @Test func encodesNewlinesAndBackslashes() {
        #expect(HistoryFile.encode("forecast\n  where stage >= Proposal\n  by team") ==
            "forecast\\n  where stage >= Proposal\\n  by team")
        #expect(HistoryFile.encode("set deal \"D-1\" note = \"a\\nb\"") == "set deal \"D-1\" note = \"a\\\\nb\"")
        #expect(HistoryFile.encode("a\r\nb") == "a\\r\\nb")
        #expect(HistoryFile.encode("方案呈现") == "方案呈现")
    }
    @Test func decodesWhatItEncodes() {
        let entries = ["forecast\n  by team", "x = \"a\\nb\"", "trailing\\", "\\n literally", "a\r\nb", "", "中文\n第二行"]
        for entry in entries {
            #expect(HistoryFile.decode(HistoryFile.encode(entry)) == entry)
        }
    }
    @Test func keepsUnknownEscapes() {
        #expect(HistoryFile.decode("a\\qb") == "a\\qb")
        #expect(HistoryFile.decode("end\\") == "end\\")
    }
    @Test func parsesOneEntryPerLine() {
        #expect(HistoryFile.parse("deals\n\nforecast\\n  by team\r\ncount deals\n") ==
            ["deals", "forecast\n  by team", "count deals"])
        #expect(HistoryFile.parse("") == [])
    }
    @Test func defaultPath() {
        #expect(HistoryFile.defaultPath(environment: ["FUNNEL_HISTORY": "/x/h", "HOME": "/home/u"]) == "/x/h")
        #expect(HistoryFile.defaultPath(environment: ["FUNNEL_HISTORY": "", "HOME": "/home/u"]) == "/home/u/.funnel_history")
        #expect(HistoryFile.defaultPath(environment: ["HOME": "/home/u/"]) == "/home/u/.funnel_history")
        #expect(HistoryFile.defaultPath(environment: [:]) == nil)
    }
}

@Suite struct HistoryFileTests {
    @Test func appendsAndLoads() throws {
        let path = makeTempDirectory() + "/history"
        let history = HistoryFile(path: path)
        #expect(try history.load() == [])
        try history.append("deals where stage >= Proposal")
        try history.append("forecast\n  where stage >= 方案呈现\n  by team")
        try history.append("   ")
        #expect(readFile(path) == "deals where stage >= Proposal\nforecast\\n  where stage >= 方案呈现\\n  by team\n")
        #expect(try HistoryFile(path: path).load() ==
            ["deals where stage >= Proposal", "forecast\n  where stage >= 方案呈现\n  by team"])
    }

    @Test func twoSessionsInterleave() throws {
        let path = makeTempDirectory() + "/history"
        let a = HistoryFile(path: path)
        let b = HistoryFile(path: path)
        try a.append("a1")
        try b.append("b1")
        try a.append("a2\nmore")
        try b.append("b2")
        #expect(try a.load() == ["a1", "b1", "a2\nmore", "b2"])
    }

    @Test func concurrentWritersLoseNothing() throws {
        let path = makeTempDirectory() + "/history"
        let writers = (0..<4).map { _ in HistoryFile(path: path) }
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            for i in 0..<150 {
                try? writers[w].append("writer \(w) entry \(i)\nsecond line \(String(repeating: "x", count: i))")
            }
        }
        let entries = try HistoryFile(path: path).load()
        #expect(entries.count == 600)
        var expected: Set<String> = []
        for w in 0..<4 {
            for i in 0..<150 { expected.insert("writer \(w) entry \(i)\nsecond line \(String(repeating: "x", count: i))") }
        }
        #expect(Set(entries) == expected)
        // Each writer's own entries stay in order.
        let firstWriter = entries.filter { $0.hasPrefix("writer 0 ") }
        #expect(firstWriter == (0..<150).map { "writer 0 entry \($0)\nsecond line \(String(repeating: "x", count: $0))" })
    }

    @Test func capsTheFileAtStart() throws {
        let path = makeTempDirectory() + "/history"
        let writer = HistoryFile(path: path)
        for i in 1...8 { try writer.append("q\(i)") }
        let capped = HistoryFile(path: path, limit: 5)
        #expect(try capped.load() == ["q4", "q5", "q6", "q7", "q8"])
        #expect(readFile(path) == "q4\nq5\nq6\nq7\nq8\n")
        // A session that opened the file before it was replaced still appends to the new one.
        try writer.append("q9")
        #expect(try capped.load() == ["q5", "q6", "q7", "q8", "q9"])
        #expect(readFile(path) == "q5\nq6\nq7\nq8\nq9\n")
    }

    @Test func reportsUnwritableFiles() {
        let history = HistoryFile(path: "/nonexistent-dir/history")
        #expect(throws: HistoryFile.IOError(path: "/nonexistent-dir/history", operation: "open", code: ENOENT)) {
            try history.append("deals")
        }
        #expect((try? history.load()) == [])
    }
}

@Suite struct PathCompletionTests {
    @Test func listsOneDirectoryLevel() throws {
        let dir = makeTempDirectory()
        mkdir(dir + "/data", 0o755)
        for name in ["deals.csv", "data/won.csv", ".hidden", "data/lost.csv"] {
            let fd = open(dir + "/" + name, O_WRONLY | O_CREAT, 0o644)
            close(fd)
        }
        #expect(Completion.paths(matching: "", in: dir) == ["data/", "deals.csv"])
        #expect(Completion.paths(matching: "d", in: dir) == ["data/", "deals.csv"])
        #expect(Completion.paths(matching: "data/", in: dir) == ["data/lost.csv", "data/won.csv"])
        #expect(Completion.paths(matching: "data/w", in: dir) == ["data/won.csv"])
        #expect(Completion.paths(matching: ".h", in: dir) == [".hidden"])
        #expect(Completion.paths(matching: dir + "/data/l") == [dir + "/data/lost.csv"])
        #expect(Completion.paths(matching: "nope/", in: dir) == [])
    }
}
