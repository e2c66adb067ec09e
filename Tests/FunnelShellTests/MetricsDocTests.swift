import Foundation
import FunnelShell
import Testing

/// docs/metrics.md quotes `.help metrics` word for word, so the two cannot drift apart (and
/// DocExamplesTests runs that block, `funnel -c '.help metrics'`, against the binary).
@Test func metricsDocQuotesTheHelp() throws {
    let doc = try String(contentsOf: FunnelProcess.packageRoot.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
    let help = try #require(HelpText.topic("metrics"))
    #expect(doc.contains("```console\n$ funnel -c '.help metrics'\n" + help + "\n```"))
    for figure in ["reached", "next_rate", "cumulative_rate", "win_rate", "won_amount", "exits", "median_days", "current_avg_days",
                   "open_deals", "avg_won_amount", "avg_cycle_days", "velocity", "limit_days", "stated", "observed", "gap",
                   "stale_deals", "stale_ids", "days_in_previous", "forced_reason", "recorded_by", "opening", "pushed_out", "closing",
                   // The managers' reports (docs/managers.md).
                   "attainment", "quota", "coverage", "attainment rollup", "by manager", "forecast rollup", "forecast by week",
                   "predicted", "commit_then", "best_case_then", "accuracy", "submitted_commit", "submitted_best_case"] {
        #expect(help.contains(figure), "\(figure) is not defined in .help metrics")
    }
}
