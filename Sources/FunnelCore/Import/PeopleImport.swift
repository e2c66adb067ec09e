/// `import people from FILE [(mapping)]` and `import quotas from FILE [(mapping)]`: each row's
/// values under their targets, read through the same file opening, mapping and row-error
/// report as the other imports. Without a mapping, the file's columns named like the targets
/// are taken. Whether a row makes sense (a known team, no overlap, no manager cycle) depends
/// on the rows before it and is decided where they are recorded (Statements/PeopleImports.swift).
struct PeopleFileReader: Importer {
    let context: ImportContext

    static let personTargets = ["id", "name", "team", "manager", "email", "since"]
    static let quotaTargets = ["holder", "kind", "period", "amount"]

    struct Row {
        var line: Int
        /// Each target's text (trimmed, nil when empty); `since` a date, `amount` a number.
        var text: [String: String]
        var since: Int32?
        var amount: Double?
        /// What messages call each target: its column, or the target for an expression.
        var labels: [String: String]
    }

    struct Outcome {
        var rows: [Row]
        var errors: [(line: Int, problems: [RowProblem])]
        var fileName: String
        var skippedByFilter: Int
    }

    func read(_ kind: ImportKind, file fileExpr: Expr, mapping given: [MappingItem], required: [String]) throws -> Outcome {
        let targets = kind == .people ? Self.personTargets : Self.quotaTargets
        let file = try context.open(kind, fileExpr, mapping: given)
        var mapping = given
        if given.isEmpty {
            for h in targets where file.header.contains(h) {
                mapping.append(MappingItem(target: Identifier(h, fileExpr.range), enteredStage: nil, value: Expr(.string(h), fileExpr.range)))
            }
        }
        let m = try context.mapping(mapping, file: file)
        for need in required where m.index(of: need) == nil {
            throw Diagnostic(.name, "I017", "import \(kind == .people ? "people" : "quotas") needs \(need) = COLUMN", file: script,
                             range: fileExpr.range, help: "map the columns: (" + required.map { "\($0) = ..." }.joined(separator: ", ") + ")")
        }
        var rows: [Row] = []
        var failed: [(line: Int, problems: [RowProblem])] = []
        while let record = try file.next() {
            m.load(record)
            do throws(RowProblem) { if try !m.keeps() { continue } } catch { failed.append((record.line, [error])); continue }
            var row = Row(line: record.line, text: [:], labels: [:])
            var problems: [RowProblem] = []
            var unread = Set<String>()
            for (i, item) in m.items.enumerated() {
                row.labels[item.target] = item.label
                do throws(RowProblem) {
                    switch item.target {
                    case "since":
                        if case .date(let d) = try m.value(i, as: .date, conversion) { row.since = d }
                    case "amount":
                        if let n = try m.value(i, as: .money, conversion).number { row.amount = n }
                    default:
                        row.text[item.target] = try m.trimmedText(i)
                    }
                } catch { problems.append(error); unread.insert(item.target) }
            }
            for need in required where !unread.contains(need) && row.text[need] == nil && !(need == "amount" && row.amount != nil) {
                problems.append(RowProblem(row.labels[need] ?? need, "the \(need) is empty"))
            }
            if problems.isEmpty { rows.append(row) } else { failed.append((record.line, problems)) }
        }
        try file.checkHasRows()
        return Outcome(rows: rows, errors: failed, fileName: file.name, skippedByFilter: m.skippedByFilter)
    }
}
