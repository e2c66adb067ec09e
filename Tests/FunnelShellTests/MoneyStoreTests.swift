import Foundation
import Testing

/// Issue 17.7: amounts became exact cents. A store written before (funnel 0.1.0: amounts as
/// JSON numbers in the journal and as Doubles in import segments) must open with the same
/// figures, and keep taking writes. `Tests/Fixtures/store-0.1-amounts` was written by that
/// version's binary from the `setup.funnel` and `deals.csv` beside it; the expected figures
/// are the ones it printed, which are worked out here from the deals:
///
///     Lead:  J-1 0.10, J-3 1,234.58 (set from 1,234.57), J-4 45,000, C-1 1,234.56, C-4 99,999.99
///            = 147,469.23; weighted 10% = 14,746.923 → 14,746.92
///     Offer: J-2 0.20, C-2 0.10, C-3 0.20 = 0.50; weighted 33% = 0.165 → 0.17
///     total: 147,469.73; weighted 14,747.088 → 14,747.09
///     Won:   C-5 45,000.05; forecast = 45,000.05 + 14,747.088 = 59,747.138 → 59,747.14
///     sum amount 192,469.78, avg ÷ 9 = 21,385.531… → 21,385.53; sum budget 10.01 + 20.02 = 30.03
struct MoneyStoreTests {
    static func oldStore() throws -> (dir: URL, store: URL) {
        let dir = try FunnelProcess.temporaryDirectory()
        let store = dir.appendingPathComponent("old.store")
        try FileManager.default.copyItem(at: FunnelProcess.packageRoot.appendingPathComponent("Tests/Fixtures/store-0.1-amounts"), to: store)
        return (dir, store)
    }

    static func funnel(_ store: URL, _ args: [String]) throws -> FunnelProcess.Result {
        try FunnelProcess.run(["--store", store.path, "--today", "2026-03-15"] + args)
    }

    @Test func aStoreWrittenWithDoubleAmountsGivesTheSameFigures() throws {
        let (dir, store) = try Self.oldStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.funnel(store, ["-c", "pipeline"])
        #expect(pipeline.stderr == "")
        #expect(pipeline.stdout == """
            stage  deals      amount   weighted
            -----  -----  ----------  ---------
            Lead       5  147,469.23  14,746.92
            Offer      3        0.50       0.17
            -----  -----  ----------  ---------
            total      8  147,469.73  14,747.09

            """)
        #expect(try Self.funnel(store, ["-c", "forecast"]).stdout == """
            deals      amount   weighted  commit  best_case     closed   forecast
            -----  ----------  ---------  ------  ---------  ---------  ---------
                8  147,469.73  14,747.09    0.00       0.00  45,000.05  59,747.14

            """)
        #expect(try Self.funnel(store, ["--format", "csv", "-c", "sum amount"]).stdout == "sum\n192469.78\n")
        #expect(try Self.funnel(store, ["--format", "csv", "-c", "avg amount"]).stdout == "avg\n21385.53\n")
        #expect(try Self.funnel(store, ["--format", "csv", "-c", "sum budget"]).stdout == "sum\n30.03\n")
        // Journal amounts (J-*) and segment amounts (C-*) alike, every cent, as JSON numbers.
        #expect(try Self.funnel(store, ["--format", "json", "-c", "deals show id, amount, budget"]).stdout == """
            [{"id":"J-1","amount":0.1,"budget":10.01},{"id":"J-2","amount":0.2,"budget":20.02},\
            {"id":"J-3","amount":1234.58,"budget":null},{"id":"J-4","amount":45000,"budget":null},\
            {"id":"C-1","amount":1234.56,"budget":null},{"id":"C-2","amount":0.1,"budget":null},\
            {"id":"C-3","amount":0.2,"budget":null},{"id":"C-4","amount":99999.99,"budget":null},\
            {"id":"C-5","amount":45000.05,"budget":null}]

            """)
        // The change of J-3's amount reads back as money from the old journal's number.
        #expect(try Self.funnel(store, ["--format", "csv", "-c", "history of deal \"J-3\" fields amount"]).stdout
                == "at,field,old,new,days_in_previous,forced_reason,recorded_by\n2026-01-20,amount,\"1,234.57\",\"1,234.58\",,,setup.funnel:12\n")
        #expect(try Self.funnel(store, ["verify"]).exitCode == 0)
    }

    @Test func anOldStoreTakesExactAmountsAfterItsDoubleOnes() throws {
        let (dir, store) = try Self.oldStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let write = try Self.funnel(store, ["-c", "deal \"N-1\" in Sales { amount: 999999999999999.99 } on 2026-03-01"])
        #expect(write.exitCode == 0 && write.stderr == "")
        // 147,469.23 + 999,999,999,999,999.99 = 1,000,000,000,147,469.22 in Lead.
        #expect(try Self.funnel(store, ["--format", "csv", "-c", "pipeline"]).stdout
                == "stage,deals,amount,weighted\nLead,6,1000000000147469.22,100000000014746.92\nOffer,3,0.5,0.17\n")
        let journal = try String(contentsOf: store.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        #expect(journal.contains("\"amount\":999999999999999.99"))
        #expect(try Self.funnel(store, ["verify"]).exitCode == 0)
    }
}
