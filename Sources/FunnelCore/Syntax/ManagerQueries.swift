/// The managers' reports in the query registry: quota attainment (also along the
/// hierarchy), the forecast rolled up the hierarchy, the accuracy of past forecasts, and the
/// forecasts managers submitted (their kernels: Query/Reports/AttainmentReport.swift,
/// AttainmentRollupReport.swift, RollupReport.swift, AccuracyReport.swift, SubmissionReports.swift).
extension QuerySpec {
    static let managerSpecs: [QuerySpec] = [
        QuerySpec(.attainment, ["attainment"],
                  columns: [("quota", .money), ("won", .money), ("attainment", .rate), ("gap", .money), ("pipeline", .money),
                            ("weighted", .money), ("coverage", .number)],
                  usage: "attainment [by team|owner|manager] [during WINDOW]"),
        QuerySpec(.attainmentRollup, ["attainment", "rollup"],
                  columns: [("quota", .money), ("won", .money), ("attainment", .rate), ("gap", .money), ("pipeline", .money),
                            ("weighted", .money), ("coverage", .number)],
                  refusals: [Refusal(clause: .by, message: "attainment rollup groups by the manager hierarchy and takes no by",
                                     help: "for the managers only, write: attainment by manager")],
                  usage: "attainment rollup [during WINDOW]"),
        QuerySpec(.forecastRollup, ["forecast", "rollup"],
                  columns: [("deals", .integer), ("amount", .money), ("weighted", .money), ("commit", .money),
                            ("best_case", .money), ("closed", .money), ("forecast", .money)],
                  refusals: [Refusal(clause: .by, message: "forecast rollup groups by the manager hierarchy and takes no by",
                                     help: "for one level only, write: forecast by manager")],
                  usage: "forecast rollup [during WINDOW]"),
        QuerySpec(.forecastAccuracy, ["forecast", "accuracy"],
                  columns: [("as_of", .date), ("predicted", .money), ("commit_then", .money), ("best_case_then", .money),
                            ("actual", .money), ("error", .money), ("accuracy", .rate)],
                  fixedColumns: true, usage: "forecast accuracy [during PERIOD] [by team|owner|manager]"),
        QuerySpec(.forecastHistory, ["forecast", "history"], argument: .holder,
                  columns: [("period", .text), ("submitted", .date), ("submitter", .text), ("commit", .money), ("best_case", .money),
                            ("reason", .text)],
                  fixedColumns: true,
                  refusals: [Refusal(clause: .by, message: "forecast history lists one holder's submissions and takes no by", help: nil)],
                  usage: "forecast history for TEAM|PERSON [during PERIOD]"),
    ]

    /// The columns `forecast by team|owner during PERIOD` adds when a holder submitted for
    /// exactly that period, and `show` may always name there.
    static let submittedColumns = ["submitted_commit", "submitted_best_case"]

    /// The groups the attainment and accuracy reports take: a quota belongs to a team or a
    /// person (a deal's owner), and accuracy compares figures per team, owner or manager.
    static let managerGroups = ["team", "owner", "manager"]
}
