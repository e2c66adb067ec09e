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
        // Seeds for every mode, so none of the readers goes unexercised.
        #expect(modes.count == FuzzTarget.Mode.allCases.count)
    }

    /// The segment and snapshot seeds are made by the code that writes those files, so the
    /// corpus follows their formats; FUNNEL_UPDATE_GOLDEN=1 rewrites the corpus's copies.
    @Test func theBinarySeedsAreTheFormatsWrittenToday() throws {
        let seeds = FuzzSeeds.generated()
        #expect(seeds.keys.sorted() == ["segment-small", "snapshot-small"])
        for (name, bytes) in seeds {
            let url = Self.corpus.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["FUNNEL_UPDATE_GOLDEN"] == "1" { try Data(bytes).write(to: url) }
            #expect([UInt8](try Data(contentsOf: url)) == bytes, "\(name) is out of date: run with FUNNEL_UPDATE_GOLDEN=1")
            // The seed is a whole, readable file of its kind, so mutations start from valid input.
            #expect(bytes.count < 8192, "\(name): scripts/fuzz reads at most 8192 bytes")
        }
    }
}
