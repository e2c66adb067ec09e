/// What the resolver learns about an import's file before anything runs: its columns. The
/// import layer answers (`ImportHeaders`, reading through the host's `ImportSource`); a
/// resolver without one leaves the columns to the statement's own run.
public protocol ImportFileColumns {
    /// The columns of the file `name` (as the script writes it), or nil when it cannot be read
    /// now: it may not exist until an earlier statement runs, and a file that cannot be read
    /// is reported by the import itself.
    func columns(of name: String, options: ImportOptions, script: SourceFile) -> [String]?
}

/// Every check of an import statement, in one place: mapping targets name fields that exist
/// and may be imported, the mapping has what each import kind needs, options apply to the
/// kind and parse, and — once the file's header is known — every column the mapping names
/// exists. The resolver runs them before anything runs (reading the header through
/// `ImportFileColumns`), and the importers run the column checks again on the header they
/// read, so `funnel check`, `funnel run` and a file that changed in between all give the
/// same message.
public enum ImportChecks {
    /// Deal targets that are not ordinary writable fields but an import may set.
    static let dealExtras = ["id", "stage", "created", "closed", "lost_reason"]
    static let historyTargets = ["deal", "stage", "at", "forced"]
    /// A field history in the long shape (Salesforce's OpportunityFieldHistory): one row per
    /// change, naming the field, its old and its new value.
    static let longHistoryTargets = ["deal", "at", "field", "old", "new"]

    /// A field a history row may carry (OpportunityHistory's Amount, CloseDate, Probability,
    /// ...): a declared field, or a built-in one a deal's changes set.
    public static func isHistoryField(_ name: String, _ catalog: Catalog) -> Bool {
        catalog.fields[name] != nil || historyBuiltins.contains(name)
    }
    static let historyBuiltins: Set<String> = ["name", "amount", "probability", "category", "owner", "team", "source", "product",
                                               "account", "close_date", "lost_reason"]
    /// Lead columns an import may set; the other system columns come from lead statements.
    static let leadImportable: Set<String> = ["id", "created"]

    static func check(kind: ImportKind, mapping: [MappingItem], options: ImportOptions, statement s: Statement,
                      catalog: Catalog, file: SourceFile) throws {
        if let pattern = options.dateFormat, DateFormat(pattern: pattern) == nil {
            throw badFormat(pattern, file: file, range: range(ofString: pattern, in: s, file: file))
        }
        if let first = options.fieldMap.first, !Self.isHistory(kind) {
            throw Diagnostic(.syntax, "I030", "fields ( ... ) names the fields of a field history in the long shape, for import history",
                             file: file, range: first.1.range,
                             help: "import history from FILE (deal = ..., at = ..., field = ..., old = ..., new = ...) fields (\"Amount\" = amount)")
        }
        if let name = options.encoding, TextEncoding(name: name) == nil {
            throw Diagnostic(.syntax, "I021", "\"\(name)\" is not an encoding funnel reads", file: file,
                             range: range(ofString: name, in: s, file: file),
                             help: Suggest.closest(to: name, in: TextEncoding.documented).map { "did you mean \"\($0)\"?" }
                                ?? "funnel reads " + TextEncoding.documented.joined(separator: ", "))
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
        case .history where seen.contains("field") || !options.fieldMap.isEmpty:
            try checkLongHistory(mapping: mapping, seen: seen, options: options, statement: s, catalog: catalog, file: file)
        case .history:
            for m in mapping {
                guard m.enteredStage == nil, historyTargets.contains(m.target.text) || isHistoryField(m.target.text, catalog) else {
                    throw Diagnostic(.name, "I016", "import history maps deal, stage, at, forced and the fields a change row gives, not '\(m.enteredStage.map { "entered \($0.text)" } ?? m.target.text)'",
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
            if let first = options.stageMap.first {
                throw Diagnostic(.syntax, "I019", "stages ( ... ) applies to import deals and import history; leads have no stages",
                                 file: file, range: first.1.range)
            }
            for m in mapping {
                if let stage = m.enteredStage {
                    throw Diagnostic(.name, "I016", "leads have no stages; entered \(stage.text) is for import deals", file: file, range: stage.range)
                }
                try checkLeadTarget(m.target.text, range: m.target.range, file: file)
            }
            if !mapping.isEmpty, !seen.contains("id") {
                throw Diagnostic(.name, "I017", "import leads needs the lead's id: id = COLUMN", file: file, range: s.range,
                                 help: "map the column that identifies a lead: (id = COLUMN, ...)")
            }
        case .people, .quotas:
            let targets = kind == .people ? ["id", "name", "team", "manager", "email", "since"] : ["holder", "kind", "period", "amount"]
            if let first = options.stageMap.first {
                throw Diagnostic(.syntax, "I019", "stages ( ... ) applies to import deals and import history", file: file, range: first.1.range)
            }
            for m in mapping where m.enteredStage != nil || !targets.contains(m.target.text) {
                throw Diagnostic(.name, "I016", "import \(kind == .people ? "people" : "quotas") maps " + targets.joined(separator: ", ")
                                    + ", not '\(m.enteredStage.map { "entered \($0.text)" } ?? m.target.text)'",
                                 file: file, range: m.target.range,
                                 help: Suggest.closest(to: m.target.text, in: targets).map { "did you mean '\($0)'?" })
            }
        }
    }

    static func isHistory(_ kind: ImportKind) -> Bool { if case .history = kind { return true } else { return false } }

    /// The long shape of `import history`: `field = COLUMN` says which field each row changes,
    /// `new` (and optionally `old`) its values; `fields ( ... )` maps the file's field names.
    /// The two shapes do not mix: a stage change is a row whose field is the stage.
    static func checkLongHistory(mapping: [MappingItem], seen: Set<String>, options: ImportOptions, statement s: Statement,
                                 catalog: Catalog, file: SourceFile) throws {
        for m in mapping where m.enteredStage != nil || !longHistoryTargets.contains(m.target.text) {
            let name = m.enteredStage.map { "entered \($0.text)" } ?? m.target.text
            throw Diagnostic(.name, "I032", "a field history in the long shape maps deal, at, field, old and new, not '\(name)'",
                             file: file, range: m.target.range,
                             help: name == "stage" || isHistoryField(name, catalog)
                                ? "its rows name the field they change: map the file's name of \(name) in fields (\"...\" = \(name))"
                                : Suggest.closest(to: name, in: longHistoryTargets).map { "did you mean '\($0)'?" })
        }
        for needed in ["deal", "at", "field", "new"] where !seen.contains(needed) {
            throw Diagnostic(.name, "I017", "import history in the long shape needs \(needed) = COLUMN", file: file, range: s.range,
                             help: "map the deal's id, when, the field changed and its new value: (deal = ..., at = ..., field = ..., old = ..., new = ...)")
        }
        var mapped = Set<String>()
        for (from, target) in options.fieldMap {
            guard target.text == "stage" || isHistoryField(target.text, catalog) else {
                let known = ["stage"] + historyBuiltins.sorted() + catalog.fieldOrder
                throw Diagnostic(.name, "I031", "import history cannot record changes of '\(target.text)'", file: file, range: target.range,
                                 help: (Suggest.closest(to: target.text, in: known) ?? Suggest.expansion(of: target.text, in: known))
                                    .map { "did you mean '\($0)'?" } ?? "map the file's fields to stage or to fields a deal's changes set: " + known.joined(separator: ", "))
            }
            guard mapped.insert(from).inserted else {
                throw Diagnostic(.name, "E207", "\"\(from)\" is mapped twice in fields ( ... )", file: file, range: target.range)
            }
        }
    }

    static func checkLeadTarget(_ name: String, range: SourceRange, file: SourceFile) throws {
        guard RecordSchema.leadSystemColumns.contains(name), !leadImportable.contains(name) else { return }
        throw Diagnostic(.name, "I016", "a lead's \(name) cannot be imported", file: file, range: range,
                         help: Resolver.leadColumnHelp(name))
    }

    /// The checks that need the file's header: every column a mapping names exists (once),
    /// and an `import leads` without a mapping has an `id` column and no column a lead
    /// import cannot set. `fileRange` is where the script names the file.
    public static func checkColumns(kind: ImportKind, mapping: [MappingItem], header: [String], fileName: String,
                                    fileRange: SourceRange, file: SourceFile) throws {
        for m in mapping {
            switch m.value.kind {
            case .name(let column), .string(let column):
                do { _ = try columnIndex(column, in: header, fileName: fileName, range: m.value.range, file: file) } catch var d as Diagnostic {
                    if case .string(let s) = m.value.kind {
                        d.notes.append("a string alone names a column; for the text itself write text(\"\(s)\")")
                    }
                    throw d
                }
            default:
                for (column, range) in columnNames(in: m.value) {
                    _ = try columnIndex(column, in: header, fileName: fileName, range: range, file: file)
                }
            }
        }
        if case .table(_, let key) = kind {
            var seen: [String: Int] = [:]
            for (i, c) in header.enumerated() {
                if let first = seen[c] {
                    throw Diagnostic(.name, "I012", "\(fileName) has two columns named '\(c)' (columns \(first + 1) and \(i + 1))",
                                     file: file, range: fileRange, help: "rename one of them in the file's first line")
                }
                seen[c] = i
            }
            _ = try columnIndex(key.text, in: header, fileName: fileName, range: key.range, file: file)
        }
        if case .leads = kind, mapping.isEmpty {
            for h in header { try checkLeadColumn(h, fileName: fileName, fileRange: fileRange, file: file) }
            if !header.contains("id") {
                throw Diagnostic(.name, "I017", "\(fileName) has no id column, and import leads without a mapping needs one",
                                 file: file, range: fileRange, help: "map the column that identifies a lead: (id = COLUMN, ...)")
            }
        }
    }

    static func checkLeadColumn(_ h: String, fileName: String, fileRange: SourceRange, file: SourceFile) throws {
        guard RecordSchema.leadSystemColumns.contains(h), !leadImportable.contains(h) else { return }
        throw Diagnostic(.name, "I016", "\(fileName) has a column \(h), which a lead import cannot set", file: file, range: fileRange,
                         help: "map the columns to keep: import leads from \"\(fileName)\" (id = ..., company = ..., source = ...)")
    }

    /// The bare names and `column("...")` names an expression reads: the columns it needs.
    /// A table lookup's table and column are not columns of the file; its key is.
    public static func columnNames(in e: Expr) -> [(String, SourceRange)] {
        var out: [(String, SourceRange)] = []
        func walk(_ e: Expr) {
            switch e.kind {
            case .name(let n): out.append((n, e.range))
            case let .call(name, args):
                if name.text.lowercased() == "column", args.count == 1, case .string(let s) = args[0].kind {
                    out.append((s, args[0].range))
                } else {
                    args.forEach(walk)
                }
            case .not(let x), .negate(let x), .member(let x, _): walk(x)
            case let .binary(_, l, r): walk(l); walk(r)
            case let .isEmpty(x, _): walk(x)
            case let .inList(x, items, _): walk(x); items.forEach(walk)
            case .list(let items): items.forEach(walk)
            case let .lookup(_, key, _): walk(key)
            default: break
            }
        }
        walk(e)
        return out
    }

    /// The index of a column in a file's header, or I012 naming the columns the file has
    /// and the nearest one.
    public static func columnIndex(_ column: String, in header: [String], fileName: String, range: SourceRange,
                                   file: SourceFile) throws -> Int {
        let matches = header.indices.filter { header[$0] == column }
        if matches.count > 1 {
            throw Diagnostic(.name, "I012", "\(fileName) has \(matches.count) columns named '\(column)' (columns \(matches.map { String($0 + 1) }.joined(separator: " and ")))",
                             file: file, range: range, help: "rename one of them in the file's first line")
        }
        if let i = matches.first { return i }
        // Exports differ in case and spacing more than in anything else.
        let loose = header.indices.filter { looseKey(header[$0]) == looseKey(column) }
        let suggestion = loose.first.map { header[$0] } ?? Suggest.closest(to: column, in: header)
        throw Diagnostic(.name, "I012", "\(fileName) has no column '\(column)'", file: file, range: range,
                         notes: ["its columns are: " + header.map { $0.contains(" ") || $0.isEmpty ? "\"\($0)\"" : $0 }.joined(separator: ", ")],
                         help: suggestion.map { $0.contains(" ") ? "did you mean \"\($0)\"? (a name with spaces is written in quotes)" : "did you mean '\($0)'?" })
    }

    static func looseKey(_ s: String) -> String {
        String(s.lowercased().filter { $0.isLetter || $0.isNumber })
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
                throw Diagnostic(.type, "I023", "column takes the column's name in quotes: column(\"Deal Name\")", file: file,
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

extension Resolver {
    /// An import statement: its own checks, its names against the catalog, and its columns
    /// against the file's header when the file can be read now. A file an earlier statement
    /// of the script writes (`export ... to`) is checked when the import runs, since the
    /// header found now would be the old file's.
    mutating func checkImport(_ s: Statement, kind: ImportKind, fileExpr: Expr, mapping: [MappingItem],
                              options: ImportOptions) throws {
        try ImportChecks.check(kind: kind, mapping: mapping, options: options, statement: s, catalog: catalog, file: file)
        var header: [String]?
        if case .string(let name) = fileExpr.kind, !writtenFiles.contains(name) {
            header = importFiles?.columns(of: name, options: options, script: file)
        }
        if let header, case .string(let name) = fileExpr.kind {
            try ImportChecks.checkColumns(kind: kind, mapping: mapping, header: header, fileName: name,
                                          fileRange: fileExpr.range, file: file)
        }
        if let filter = options.filter { try expectBool(filter, .importRow, what: "an import's where") }
        if let on = options.on {
            switch on.kind {
            case .date, .today: break
            default: throw Diagnostic(.type, "E460", "an import's 'on' needs a date, like 2026-03-31", file: file, range: on.range)
            }
        }
        if options.snapshot, options.skipErrors {
            throw Diagnostic(.name, "E461", "a snapshot import cannot skip errors: a row left out would remove its deal", file: file,
                             range: fileExpr.range, help: "correct the file, or import it without as snapshot")
        }
        if let filter = options.filter, let header, case .string(let name) = fileExpr.kind {
            for (column, range) in ImportChecks.columnNames(in: filter) {
                _ = try ImportChecks.columnIndex(column, in: header, fileName: name, range: range, file: file)
            }
        }
        switch kind {
        case .deals(let funnel):
            try checkFunnel(funnel)
            for (_, stage) in options.stageMap { try checkStage(stage, funnel: funnel.text) }
            for m in mapping {
                if let st = m.enteredStage { try checkStage(st, funnel: funnel.text) }
                _ = try type(of: m.value, .importRow)
            }
        case .table(let name, _):
            // Known columns let `TABLE[KEY].COLUMN` be checked in later statements.
            catalog.tables[name.text] = header ?? catalog.tables[name.text] ?? []
        case .history, .leads, .people, .quotas:
            for m in mapping { _ = try type(of: m.value, .importRow) }
        }
    }
}
