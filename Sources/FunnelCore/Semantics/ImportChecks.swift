/// What the resolver checks in import statements before anything runs: mapping targets name
/// fields that exist and may be imported, the mapping has what each import kind needs, and
/// declared formats parse. Columns are checked later, when the file's header is read.
enum ImportChecks {
    /// Deal targets that are not ordinary writable fields but an import may set.
    static let dealExtras = ["id", "stage", "created", "closed", "lost_reason"]
    static let historyTargets = ["deal", "stage", "at", "forced"]

    static func check(kind: ImportKind, mapping: [MappingItem], options: ImportOptions, statement s: Statement,
                      catalog: Catalog, file: SourceFile) throws {
        if let pattern = options.dateFormat, DateFormat(pattern: pattern) == nil {
            throw badFormat(pattern, file: file, range: range(ofString: pattern, in: s, file: file))
        }
        var seen = Set<String>()
        for m in mapping {
            let key = m.enteredStage.map { "entered \($0.text)" } ?? m.target.text
            guard seen.insert(key).inserted else {
                throw Diagnostic(.name, "E207", "'\(key)' is mapped twice", file: file, range: m.target.range)
            }
        }
        switch kind {
        case .deals:
            for m in mapping where m.enteredStage == nil { try checkDealTarget(m.target, catalog: catalog, file: file) }
            guard seen.contains("id") else {
                throw Diagnostic(.name, "I017", "import deals needs the deal's id: id = COLUMN", file: file, range: s.range,
                                 help: "add id = THE_ID_COLUMN to the mapping in ( )")
            }
            for name in catalog.fieldOrder where catalog.fields[name]?.required == true && !seen.contains(name) {
                throw Diagnostic(.name, "I017", "field '\(name)' is required, so import deals must map it", file: file, range: s.range,
                                 help: "add \(name) = COLUMN to the mapping")
            }
        case .history:
            for m in mapping {
                guard m.enteredStage == nil, historyTargets.contains(m.target.text) else {
                    throw Diagnostic(.name, "I016", "import history maps deal, stage, at and forced, not '\(m.enteredStage.map { "entered \($0.text)" } ?? m.target.text)'",
                                     file: file, range: m.target.range,
                                     help: Suggest.closest(to: m.target.text, in: historyTargets).map { "did you mean '\($0)'?" })
                }
            }
            for needed in ["deal", "stage", "at"] where !seen.contains(needed) {
                throw Diagnostic(.name, "I017", "import history needs \(needed) = COLUMN", file: file, range: s.range,
                                 help: "map the deal's id, the stage it entered and when: (deal = ..., stage = ..., at = ...)")
            }
        case .table:
            if let first = mapping.first {
                throw Diagnostic(.syntax, "I019", "import table keeps every column of the file and takes no mapping", file: file,
                                 range: first.target.range, help: "remove the ( ... ); look columns up with TABLE[KEY].COLUMN")
            }
            if !options.stageMap.isEmpty {
                throw Diagnostic(.syntax, "I019", "stages ( ... ) applies to import deals and import history, not to a table", file: file, range: s.range)
            }
        case .leads:
            break
        }
    }

    static func checkDealTarget(_ target: Identifier, catalog: Catalog, file: SourceFile) throws {
        let name = target.text
        if dealExtras.contains(name) || catalog.fields[name] != nil { return }
        if BuiltinFields.type(of: name) != nil {
            if BuiltinFields.isWritable(name) { return }
            throw Diagnostic(.name, "I016", "'\(name)' cannot be imported", file: file, range: target.range,
                             help: name == "status" ? "map the stage instead: a deal in the won or lost stage is won or lost"
                                : name == "funnel" ? "the funnel is the one named after into" : "\(name) is computed from the other fields")
        }
        let candidates = (BuiltinFields.all.filter { $0.writable }.map(\.name) + dealExtras + catalog.fieldOrder)
        throw Diagnostic(.name, "I016", "unknown field '\(name)'", file: file, range: target.range,
                         help: Suggest.closest(to: name, in: candidates).map { "did you mean '\($0)'?" } ?? "declare it first: field \(name) text")
    }

    /// `column("X")` belongs to import mappings, with its name in quotes; a literal date
    /// format must parse.
    static func checkCall(_ name: Identifier, _ args: [Expr], inImportRow: Bool, file: SourceFile) throws {
        switch name.text.lowercased() {
        case "column":
            guard inImportRow else {
                throw Diagnostic(.name, "I018", "column(...) names a column of an imported file, so it works only in an import mapping",
                                 file: file, range: name.range)
            }
            guard args.count == 1, case .string = args[0].kind else {
                throw Diagnostic(.type, "I018", "column takes the column's name in quotes: column(\"Deal Name\")", file: file,
                                 range: args.first?.range ?? name.range)
            }
        case "date":
            if args.count == 2, case .string(let pattern) = args[1].kind, DateFormat(pattern: pattern) == nil {
                throw badFormat(pattern, file: file, range: args[1].range)
            }
        default:
            break
        }
    }

    static func badFormat(_ pattern: String, file: SourceFile, range: SourceRange) -> Diagnostic {
        Diagnostic(.syntax, "I015", "\"\(pattern)\" is not a date format", file: file, range: range,
                   help: "use yyyy (or yy), MM, dd and any separators, like \"MM/dd/yyyy\" or \"dd.MM.yyyy HH:mm\"")
    }

    /// Where a string option's text sits in the statement, for the caret.
    static func range(ofString text: String, in s: Statement, file: SourceFile) -> SourceRange {
        let needle = Array(("\"" + text + "\"").utf8)
        let bytes = file.bytes
        var i = s.range.start
        while i + needle.count <= min(s.range.end, bytes.count) {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return SourceRange(i, i + needle.count) }
            i += 1
        }
        return s.range
    }
}
