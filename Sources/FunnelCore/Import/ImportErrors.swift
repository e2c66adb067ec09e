/// The rows of one file that cannot be imported, reported as `file:line: column: reason`.
/// Only the first `shownLimit` are kept as text, so a file where every one of a million rows
/// is wrong costs no more memory than one where twenty are.
public struct ImportErrors: Sendable {
    public static let shownLimit = 20

    /// The file as the script names it, so messages read like the script.
    public let fileName: String
    public private(set) var problems = 0
    public private(set) var rows = 0
    public private(set) var shown: [String] = []

    public init(fileName: String) { self.fileName = fileName }

    public var isEmpty: Bool { problems == 0 }

    public mutating func add(line: Int, _ found: [RowProblem]) {
        guard !found.isEmpty else { return }
        rows += 1
        for p in found {
            problems += 1
            if shown.count < Self.shownLimit {
                shown.append("\(fileName):\(line): " + (p.label.isEmpty ? "" : "\(p.label): ") + p.reason)
            }
        }
    }

    public var notes: [String] {
        shown + (problems > shown.count ? ["and \(problems - shown.count) more"] : [])
    }

    var rowsText: String { rows == 1 ? "1 row" : "\(rows) rows" }

    /// The error that stops an import without `skip errors`: nothing from the file is kept.
    public func failure(kind: String, script: SourceFile, range: SourceRange) -> Diagnostic {
        Diagnostic(.runtime, "I013", "\(rowsText) of \(fileName) cannot be imported; no \(kind) from it were kept",
                   file: script, range: range, notes: notes,
                   help: "correct the file, or add `skip errors` to import the other rows")
    }

    /// What `skip errors` reports next to its summary: the rows it left out.
    public func skipped(script: SourceFile, range: SourceRange) -> Diagnostic {
        Diagnostic(.runtime, "I013", "skipped \(rowsText) of \(fileName) that cannot be imported", file: script, range: range,
                   notes: notes, severity: .warning)
    }
}
