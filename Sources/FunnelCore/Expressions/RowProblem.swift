/// Why one value of one row cannot be imported. `label` names where the value came from: the
/// file's column for a plain `target = column`, else the mapping's target.
public struct RowProblem: Error, Sendable, Equatable {
    public var label: String
    public var reason: String
    public init(_ label: String, _ reason: String) { self.label = label; self.reason = reason }
}
