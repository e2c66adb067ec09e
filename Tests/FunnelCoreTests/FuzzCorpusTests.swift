import Foundation
import Testing
import FunnelFuzzing

/// Every input in Tests/Fuzz/corpus — seeds, and any input scripts/fuzz once found crashing —
/// goes through the fuzz target again: a trap here fails the whole test run, so a crash that
/// was fixed stays fixed.
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")

    @Test func theCorpusRunsWithoutATrap() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(names.count >= 12)
        var modes = Set<UInt8>()
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
            if let first = bytes.first { modes.insert(first % UInt8(FuzzTarget.Mode.allCases.count)) }
            FuzzTarget.run(bytes)
        }
        // Seeds for every mode, so none of the four readers goes unexercised.
        #expect(modes.count == FuzzTarget.Mode.allCases.count)
    }
}
