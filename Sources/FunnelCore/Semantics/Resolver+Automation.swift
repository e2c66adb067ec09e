/// Checks for the automation statements: message placeholders, lead fields, and the
/// columns of tasks, notifications and leads.
extension Resolver {
    /// Every `{field}` of a message, task title or role must be a deal field, so a typo is
    /// caught when the rule is declared rather than printed in every notification.
    func checkActions(_ actions: [Action], range: SourceRange) throws {
        var texts: [String] = []
        for a in actions {
            switch a {
            case let .notify(role, message): texts += [role, message]
            case let .task(title, role, _): texts += [title] + (role.map { [$0] } ?? [])
            }
        }
        for message in texts {
            for name in MessageTemplate.fields(message)
            where BuiltinFields.type(of: name) == nil && catalog.fields[name] == nil {
                let near = Suggest.closest(to: name, in: BuiltinFields.names + catalog.fieldOrder)
                throw Diagnostic(.name, "E201", "unknown field '\(name)' in \"\(message)\"", file: file, range: range,
                                 help: near.map { "did you mean {\($0)}?" } ?? "a placeholder names a deal field, like {id}, {amount} or {stage}")
            }
        }
    }

    /// A lead's fields are free-form values; the system's own columns cannot be set.
    func checkLeadFields(_ fields: [Assignment]) throws {
        var seen = Set<String>()
        for f in fields {
            let name = f.field.text
            guard seen.insert(name).inserted else {
                throw Diagnostic(.name, "E207", "field '\(name)' is given twice", file: file, range: f.field.range)
            }
            if RecordSchema.leadSystemColumns.contains(name) {
                throw Diagnostic(.name, "E214", "a lead's '\(name)' cannot be set directly", file: file, range: f.field.range,
                                 help: Self.leadColumnHelp(name))
            }
            if let n = ResultColumns.names(in: f.value).sorted().first {
                throw Diagnostic(.type, "E315", "a lead's fields take values, and '\(n)' is a name", file: file, range: f.value.range,
                                 help: "write a value: \"text in quotes\", 120k, 25%, true or 2026-03-14")
            }
            _ = try type(of: f.value, .loose)
        }
    }

    static func leadColumnHelp(_ name: String) -> String {
        switch name {
        case "status": return "use qualify lead, disqualify lead ... because \"...\" or convert lead"
        case "created": return "give the lead's date with on: lead \"L-1\" { ... } on 2026-01-05"
        case "deal", "converted_on": return "use convert lead \"L-1\" to deal \"D-1\""
        case "reason": return "use disqualify lead \"L-1\" because \"...\""
        default: return "the lead's id is given after the word lead"
        }
    }

    func recordNameType(_ n: String, range: SourceRange, _ schema: RecordSchema) throws -> ValueType {
        if let t = schema.type(of: n) { return t }
        if schema.statusWords.contains(n) { return .text }
        if schema.stageNamesAreValues, catalog.allStageNames.contains(n) { return .text }
        if schema.openEnded { return .any }
        throw Diagnostic(.name, "E206", "\(schema.plural) have no column '\(n)'", file: file, range: range,
                         help: Suggest.closest(to: n, in: schema.names + schema.statusWords).map { "did you mean '\($0)'?" }
                            ?? "the columns are: " + schema.names.joined(separator: ", "))
    }
}
