/// Checks a whole script before anything runs: every name (field, stage, funnel, table,
/// function) exists, and every expression is well typed (`amount > "abc"` and
/// `stage >= 5` are errors). Declarations earlier in the script count, so a setup script
/// can declare a funnel and use it at once.
public struct Resolver {
    public internal(set) var catalog: Catalog
    let file: SourceFile
    public private(set) var diagnostics: [Diagnostic] = []
    /// The result columns of the query being checked, for "did you mean" on a misspelt one.
    var queryColumns: [String] = []
    /// Reads an import's header before anything runs, so its columns are checked too.
    public var importFiles: (any ImportFileColumns)?
    /// Files earlier statements write (`export ... to`, `... to`): their headers are not
    /// known until those statements run.
    var writtenFiles: Set<String> = []
    /// The checked form of the query (or `chart QUERY`) the last `resolve` saw, its `where`
    /// split once into deal and group parts: every check here reads that split, and the
    /// compiler keeps it with the statement for the planner.
    public private(set) var checkedQuery: CheckedQuery?

    public init(catalog: Catalog, file: SourceFile) {
        self.catalog = catalog
        self.file = file
    }

    public static func resolve(_ statements: [Statement], file: SourceFile, catalog: Catalog,
                               importFiles: (any ImportFileColumns)? = nil) -> [Diagnostic] {
        var r = Resolver(catalog: catalog, file: file)
        r.importFiles = importFiles
        for s in statements { r.resolve(s) }
        return r.diagnostics
    }

    /// What bare names mean where an expression stands.
    enum Scope {
        /// Deal fields (where, show, by, gates).
        case deal
        /// An aggregate query's result columns, for a `where` that filters groups.
        case groups([ResultColumn])
        /// A CSV row during import: bare names are columns, unknown until the file is read.
        case importRow
        /// Free-form records (lead fields) checked when they run.
        case loose
        /// Tasks, notifications, leads: bare names are the record's columns.
        case record(RecordSchema)
    }

    public mutating func resolve(_ s: Statement) {
        checkedQuery = nil
        do { try check(s) } catch let d as Diagnostic { diagnostics.append(d) } catch {}
    }

    mutating func check(_ s: Statement) throws {
        switch s.kind {
        case .field(let d):
            catalog.declare(field: try Declarations.field(d, file: file))
        case .funnel(let d):
            let f = try Declarations.funnel(d, file: file, catalog: catalog)
            for st in d.stages {
                if let e = st.exitWhen { try expectBool(e, .deal, what: "an exit criterion") }
                try checkActions(st.onEnter + st.onExit + st.tasks.map { .task(title: $0.title, role: $0.role, due: $0.due) }, range: st.range)
            }
            catalog.declare(funnel: f)
        case .rule(let d):
            switch d.trigger {
            case .onEnter(let stage, let funnel), .onExit(let stage, let funnel):
                if let funnel { try checkFunnel(funnel) }
                try checkStage(stage, funnel: funnel?.text)
            case .when(let e):
                try expectBool(e, .deal, what: "a rule condition")
            }
            if let f = d.filter { try expectBool(f, .deal, what: "a rule's where") }
            try checkActions([d.action], range: s.range)
            catalog.declare(rule: RuleDef(name: d.name.text, trigger: d.trigger, filter: d.filter, action: d.action, source: file))
        case .leadGate(let e):
            _ = try type(of: e, .loose)
            catalog.leadGate = e
        case let .deal(_, funnel, fields, on):
            if let funnel { try checkFunnel(funnel) }
            try checkAssignments(fields, allowStage: true, funnel: funnel?.text)
            try checkDate(on)
        case let .setDeal(_, assignments, on):
            try checkAssignments(assignments, allowStage: false, funnel: nil)
            try checkDate(on)
        case let .move(_, to, _, on):
            try checkStage(to, funnel: nil)
            try checkDate(on)
        case let .win(_, on), let .lose(_, _, on), let .qualify(_, on), let .disqualify(_, _, on):
            try checkDate(on)
        case let .currency(code, table, column, dated):
            if let table, let columns = catalog.tables[table.text] {
                for c in [column, dated?.code, dated?.start, dated?.end].compactMap({ $0 }) where !columns.contains(c.text) {
                    throw Diagnostic(.name, "E462", "table \(table.text) has no column '\(c.text)'", file: file, range: c.range,
                                     help: Suggest.closest(to: c.text, in: columns).map { "did you mean '\($0)'?" }
                                        ?? "its columns are: " + columns.joined(separator: ", "))
                }
            }
            catalog.reportingCurrency = ReportingCurrency(code: code.text, table: table?.text, column: column?.text, dated: dated)
        case let .closeAs(_, _, stage, _, on):
            try checkStage(stage, funnel: nil)
            try checkDate(on)
        case let .reopen(_, to, on):
            if let to { try checkStage(to, funnel: nil) }
            try checkDate(on)
        case let .lead(_, fields, on):
            try checkLeadFields(fields)
            try checkDate(on)
        case let .convert(_, _, funnel, on):
            if let funnel { try checkFunnel(funnel) }
            try checkDate(on)
        case let .importData(kind, fileExpr, mapping, options):
            try checkImport(s, kind: kind, fileExpr: fileExpr, mapping: mapping, options: options)
        case let .export(kind, filter, columns, target, bom):
            if case .string(let name) = target.kind {
                guard let format = OutputFormat.forFile(name) else { throw OutputFormat.unknownExtension(name, file: file, range: target.range) }
                if let bom, format != .csv {
                    throw Diagnostic(.name, "E480", "\(bom ? "bom" : "no bom") is for a .csv file, and '\(name)' is not one", file: file, range: target.range,
                                     help: "a byte order mark is only written to .csv files; leave out \(bom ? "bom" : "no bom")")
                }
                writtenFiles.insert(name)
            }
            let scope: Scope = kind == .deals ? .deal : .loose
            if let filter { try expectBool(filter, scope, what: "a where condition") }
            for c in columns ?? [] { _ = try type(of: c, scope) }
        case let .why(_, to):
            try checkStage(to, funnel: nil)
        case .query(let q):
            let checked = CheckedQuery(q)
            checkedQuery = checked
            try checkQuery(q, split: checked)
        case .chart(let q):
            let checked = CheckedQuery(q)
            checkedQuery = checked
            try checkChart(q, split: checked)
        case .chartFunnel(let view):
            try checkFunnelView(view, report: false)
        case .report(let view):
            try checkFunnelView(view, report: true)
        case .showFunnel(let name):
            try checkFunnel(name)
        case .dotCommand(let text):
            do { _ = try DotCommand.parse(text) } catch var d as Diagnostic {
                d.file = file
                d.range = s.range
                throw d
            }
        case let .ack(_, filter, on):
            if let filter { try expectBool(filter, .record(.notifications), what: "a where condition") }
            try checkDate(on)
        case let .doneTask(_, _, _, on):
            try checkDate(on)
        case let .stageMap(m, on):
            if let f = m.funnel { try checkFunnel(f) }
            try checkDate(on)
        case .deleteDeal, .restoreDeal, .undo:
            break
        case .checkRules, .checkDesign, .showFields, .showFunnels, .showRules, .showTables:
            break
        case .people(let p):
            try checkPeopleStatement(p)
        }
    }

    /// `split` is the query's checked form, whose `where` parts are checked here.
    mutating func checkQuery(_ q: Query, split: CheckedQuery) throws {
        let q = try managerQueryPrecheck(q, groupFilter: split.groupFilter)
        queryColumns = ResultColumns.of(q.verb).map(\.name)
        defer { queryColumns = [] }
        try checkReportClauses(q, dealFilter: split.dealFilter)
        let scope: Scope
        switch q.verb {
        case .tasks: scope = .record(.tasks)
        case .notifications: scope = .record(.notifications)
        case .leads, .leadConversion, .count(of: "leads"): scope = .record(.leads)
        default: scope = .deal
        }
        if case .aggregate(_, let e) = q.verb {
            let t = try type(of: e, scope)
            guard t.isNumeric || t == .any || t == .null else {
                throw Diagnostic(.type, "E303", "\(q.verb.name) needs a number, and \(file.text(e.range)) is \(article(t))",
                                 file: file, range: e.range)
            }
        }
        let results = ResultColumns.of(q.verb)
        let (dealFilter, groupFilter) = (split.dealFilter, split.groupFilter)
        if let f = dealFilter { try expectBool(f, scope, what: "a where condition") }
        var groupColumns = results
        let spec = q.verb.spec
        // A stage-row report's `by stage` is its own row key, not one of the groups.
        let counted = spec.stageRows ? q.groups.filter { if case .name("stage") = $0.kind { return false }; return true } : q.groups
        if counted.count > spec.maxGroups {
            throw Diagnostic(.name, "E213", spec.groupLimitMessage, file: file, range: counted[spec.maxGroups].range)
        }
        if let target = q.output, case .string(let name) = target.kind {
            if OutputFormat.forFile(name) == nil { throw OutputFormat.unknownExtension(name, file: file, range: target.range) }
            writtenFiles.insert(name)
        }
        for g in q.groups {
            let t = try type(of: g, scope)
            if t == .bool || t == .list {
                throw Diagnostic(.type, "E304", "cannot group by \(article(t))", file: file, range: g.range,
                                 help: "group by a field such as team, owner or close_date.month")
            }
            groupColumns.append(ResultColumn(file.text(g.range), .text))
        }
        if let stage = ResultColumns.stageRowColumn(q.verb) { groupColumns.append(stage) }
        if let f = groupFilter { try expectBool(f, .groups(groupColumns), what: "a where condition") }
        for o in q.order {
            if results.isEmpty { _ = try type(of: o.expr, scope) }
            else if case .name(let n) = o.expr.kind, groupColumns.contains(where: { $0.name == n }) { continue }
            else if q.groups.contains(where: { file.text($0.range) == file.text(o.expr.range) }) { continue }
            else {
                throw Diagnostic(.name, "E206", "cannot order \(q.verb.name) by '\(file.text(o.expr.range))'", file: file,
                                 range: o.expr.range,
                                 help: "order by a result column: " + groupColumns.map(\.name).joined(separator: ", "))
            }
        }
        let submitted = try submittedColumns(q)
        for c in q.columns ?? [] {
            if results.isEmpty { _ = try type(of: c, scope); continue }
            // In a grouped query, show picks result columns, like a select list.
            guard case .name(let n) = c.kind, groupColumns.contains(where: { $0.name == n }) || submitted.contains(n) else {
                throw Diagnostic(.name, "E206", "'\(file.text(c.range))' is not a result column of \(q.verb.name)", file: file,
                                 range: c.range, help: "show one of: " + results.map(\.name).joined(separator: ", "))
            }
        }
        if let w = q.during { try checkWindow(w) }
        if let a = q.asOf {
            let t = try type(of: a, .deal)
            guard t == .date else {
                throw Diagnostic(.type, "E316", "as of needs a date, like 2026-03-31", file: file, range: a.range)
            }
        }
        try checkSince(q.verb)
        for name in q.historyFields ?? [] where name.text != "stage" && BuiltinFields.type(of: name.text) == nil
            && catalog.fields[name.text] == nil {
            let known = ["stage"] + BuiltinFields.names + catalog.fieldOrder
            throw Diagnostic(.name, "E400", "history of deal has no field '\(name.text)'", file: file, range: name.range,
                             help: (Suggest.closest(to: name.text, in: known) ?? Suggest.expansion(of: name.text, in: known))
                                .map { "did you mean '\($0)'?" }
                                ?? "name fields the deal has, or stage")
        }
    }

    /// `changes since D` and `deals changed since D` need a day: a date, `today`, or date
    /// arithmetic on them, not a deal's field.
    func checkSince(_ verb: QueryVerb) throws {
        let since: Expr
        switch verb {
        case .changes(let e?), .dealChanges(let e?): since = e
        default: return
        }
        let fields = ResultColumns.names(in: since).sorted()
        let t = fields.isEmpty ? try type(of: since, .deal) : .text
        guard t == .date else {
            throw Diagnostic(.type, "E440", "since needs a day, like 2026-03-01" + (fields.first.map { ", not the field '\($0)'" } ?? ""),
                             file: file, range: since.range, help: "for a period, write: \(verb.name) during 2026-Q1")
        }
    }

    func checkWindow(_ w: Window) throws {
        switch w.kind {
        case .literal(let e):
            try checkPeriod(e)
        case .between(let a, let b):
            try checkPeriod(a); try checkPeriod(b)
            if let lo = literalStart(a), let hi = literalStart(b), hi < lo {
                throw Diagnostic(.name, "E215", "the window ends before it starts", file: file, range: w.range,
                                 help: "write the earlier date first")
            }
        case .relative, .lastN:
            break
        }
    }

    func literalStart(_ e: Expr) -> Int32? {
        switch e.kind {
        case .date(let d): return d
        case .month(let y, let m): return Calendar.day(year: y, month: m, day: 1)
        case .quarter(let y, let q): return Calendar.day(year: y, month: (q - 1) * 3 + 1, day: 1)
        case .number(let n) where n == n.rounded() && n >= 1 && n <= 9999: return Calendar.day(year: Int(n), month: 1, day: 1)
        default: return nil
        }
    }

    func checkPeriod(_ e: Expr) throws {
        if case .number(let n) = e.kind, n != n.rounded() || n < 1 || n > 9999 {
            throw Diagnostic(.type, "E306", "\(file.text(e.range)) is not a year", file: file, range: e.range,
                             help: "a window is a year (2026), a quarter (2026-Q1), a month (2026-03) or a date")
        }
    }

    func checkDate(_ e: Expr?) throws {
        guard let e else { return }
        switch e.kind {
        case .date, .today: return
        default:
            throw Diagnostic(.type, "E305", "'on' needs a date, like 2026-03-31", file: file, range: e.range)
        }
    }

    func checkFunnel(_ name: Identifier) throws {
        guard catalog.funnels[name.text] == nil else { return }
        throw Diagnostic(.name, "E203", "unknown funnel '\(name.text)'", file: file, range: name.range,
                         help: Suggest.closest(to: name.text, in: catalog.funnelOrder).map { "did you mean '\($0)'?" }
                            ?? (catalog.funnelOrder.isEmpty ? "declare it first: funnel \(name.text) { ... }" : "the funnels are: " + catalog.funnelOrder.joined(separator: ", ")))
    }

    func checkStage(_ name: Identifier, funnel: String?) throws {
        // Every move of a script passes here: the list of known stages is made only for the error.
        if let funnel, let f = catalog.funnels[funnel] {
            if f.stage(named: name.text) != nil { return }
            throw unknownStage(name.text, range: name.range, known: f.stages.map(\.name), funnel: funnel)
        }
        if catalog.funnelOrder.contains(where: { catalog.funnels[$0]?.stage(named: name.text) != nil }) { return }
        throw unknownStage(name.text, range: name.range, known: catalog.allStageNames, funnel: funnel)
    }

    func unknownStage(_ name: String, range: SourceRange, known: [String], funnel: String?) -> Diagnostic {
        let suggestion = Suggest.closest(to: name, in: known)
        return Diagnostic(.name, "E202", "unknown stage '\(name)'" + (funnel.map { " in funnel '\($0)'" } ?? ""), file: file, range: range,
                          help: suggestion.map { "did you mean '\($0)'?" }
                            ?? (known.isEmpty ? "declare a funnel with its stages first" : "the stages are: " + known.joined(separator: ", ")))
    }

    mutating func checkAssignments(_ fields: [Assignment], allowStage: Bool, funnel: String?) throws {
        var seen = Set<String>()
        for a in fields {
            let name = a.field.text
            guard seen.insert(name).inserted else {
                throw Diagnostic(.name, "E207", "field '\(name)' is given twice", file: file, range: a.field.range)
            }
            if name == "stage", allowStage {
                guard case .name(let s) = a.value.kind else {
                    if case .string(let s) = a.value.kind {
                        try checkStage(Identifier(s, a.value.range), funnel: funnel)
                        continue
                    }
                    throw Diagnostic(.type, "E302", "stage takes a stage name", file: file, range: a.value.range)
                }
                try checkStage(Identifier(s, a.value.range), funnel: funnel)
                continue
            }
            let fieldType: ValueType
            if let t = BuiltinFields.type(of: name) {
                guard BuiltinFields.isWritable(name) else {
                    throw Diagnostic(.name, "E208", "'\(name)' cannot be set directly", file: file, range: a.field.range,
                                     help: name == "stage" ? "use move deal ... to STAGE" : name == "status" ? "use win deal or lose deal" : nil)
                }
                fieldType = t
            } else if let f = catalog.fields[name] {
                fieldType = ValueType(f.type)
            } else {
                throw unknownField(name, range: a.field.range)
            }
            let t: ValueType
            do { t = try type(of: a.value, .deal) } catch var d as Diagnostic {
                if d.code == "E201", fieldType == .text, case .name(let word) = a.value.kind {
                    d.help = "to give text, quote it: \(name): \"\(word)\""
                }
                throw d
            }
            guard compatible(fieldType, t) else {
                throw Diagnostic(.type, "E301", "\(name) is \(article(fieldType)), not \(article(t))", file: file,
                                 range: a.value.range, help: example(for: fieldType).map { "write a value like \($0)" })
            }
            if case .percent = a.value.kind, fieldType != .percent {
                throw Diagnostic(.type, "E301", "\(name) is \(article(fieldType)), not a percentage", file: file, range: a.value.range)
            }
        }
    }

    func unknownField(_ name: String, range: SourceRange) -> Diagnostic {
        let candidates = BuiltinFields.names + catalog.fieldOrder
        var help = Suggest.closest(to: name, in: candidates).map { "did you mean '\($0)'?" }
        if help == nil { help = Suggest.closest(to: name, in: queryColumns).map { "did you mean the result column '\($0)'?" } }
        if help == nil, catalog.allStageNames.contains(name) { help = "'\(name)' is a stage; compare it with stage: stage = \(name)" }
        if help == nil { help = "declare it first: field \(name) text" }
        return Diagnostic(.name, "E201", "unknown field '\(name)'", file: file, range: range, help: help)
    }

    func expectBool(_ e: Expr, _ scope: Scope, what: String) throws {
        let t = try type(of: e, scope)
        guard t == .bool || t == .any else {
            throw Diagnostic(.type, "E307", "\(what) must be true or false, and \(file.text(e.range)) is \(article(t))",
                             file: file, range: e.range, help: t == .text || t.isNumeric ? "compare it: \(file.text(e.range)) = ..." : nil)
        }
    }

    func article(_ t: ValueType) -> String {
        switch t {
        case .text: return "text"
        case .number: return "a number"
        case .money: return "an amount"
        case .percent: return "a percentage"
        case .date: return "a date"
        case .bool: return "true or false"
        case .stage: return "a stage"
        case .duration: return "a duration"
        case .period: return "a period"
        case .list: return "a list"
        case .null: return "empty"
        case .any: return "a value"
        }
    }

    func example(for t: ValueType) -> String? {
        switch t {
        case .text: return "\"text in quotes\""
        case .number, .money: return "120000 or 120k"
        case .percent: return "25%"
        case .date: return "2026-03-14"
        case .bool: return "true"
        default: return nil
        }
    }

    func compatible(_ a: ValueType, _ b: ValueType) -> Bool {
        if a == b || a == .any || b == .any || a == .null || b == .null { return true }
        if a.isNumeric && b.isNumeric { return true }
        if (a == .date && b == .period) || (a == .period && b == .date) { return true }
        return false
    }

    /// The type of an expression in a scope, or an error naming the offending part.
    func type(of e: Expr, _ scope: Scope) throws -> ValueType {
        switch e.kind {
        case .number: return .number
        case .amount: return .money
        case .percent: return .percent
        case .string: return .text
        case .bool: return .bool
        case .empty: return .null
        case .date, .today: return .date
        case .month, .quarter: return .period
        case .duration: return .duration
        case .tasksDone: return .bool
        case .name(let n):
            return try nameType(n, range: e.range, scope)
        case .not(let x):
            try expectBool(x, scope, what: "the operand of not")
            return .bool
        case .negate(let x):
            let t = try type(of: x, scope)
            guard t.isNumeric || t == .any || t == .duration else {
                throw Diagnostic(.type, "E308", "cannot negate \(article(t))", file: file, range: e.range)
            }
            return t
        case .isEmpty(let x, _):
            _ = try type(of: x, scope)
            return .bool
        case let .inList(x, items, _):
            if isStageField(x, scope) {
                for i in items { try checkStageOperand(i) }
                return .bool
            }
            let t = try type(of: x, scope)
            for i in items {
                let it = try type(of: i, scope)
                guard compatible(t, it) else { throw mismatch(x, t, i, it) }
            }
            return .bool
        case .list(let items):
            for i in items { _ = try type(of: i, scope) }
            return .list
        case .member(let x, let part):
            let t = try type(of: x, scope)
            guard t == .date || t == .any else {
                throw Diagnostic(.type, "E309", "'.\(part.text)' needs a date, and \(file.text(x.range)) is \(article(t))",
                                 file: file, range: part.range)
            }
            switch part.text.lowercased() {
            case "week": return .date
            case "month", "quarter": return .text
            case "year": return .text
            default:
                throw Diagnostic(.name, "E209", "unknown date part '\(part.text)'", file: file, range: part.range,
                                 help: Suggest.closest(to: part.text, in: ["week", "month", "quarter", "year"]).map { "did you mean '\($0)'?" }
                                    ?? "the date parts are week, month, quarter and year")
            }
        case let .lookup(table, key, column):
            guard let columns = catalog.tables[table.text] else {
                throw Diagnostic(.name, "E204", "unknown table '\(table.text)'", file: file, range: table.range,
                                 help: Suggest.closest(to: table.text, in: Array(catalog.tables.keys)).map { "did you mean '\($0)'?" }
                                    ?? "import it first: import table \(table.text) from \"file.csv\" key COLUMN")
            }
            _ = try type(of: key, scope)
            if !columns.isEmpty, !columns.contains(column.text) {
                throw Diagnostic(.name, "E204", "table '\(table.text)' has no column '\(column.text)'", file: file, range: column.range,
                                 help: Suggest.closest(to: column.text, in: columns).map { "did you mean '\($0)'?" }
                                    ?? "its columns are: " + columns.joined(separator: ", "))
            }
            return .any
        case let .call(name, args):
            guard let sig = Functions.all[name.text.lowercased()] else {
                throw Diagnostic(.name, "E205", "unknown function '\(name.text)'", file: file, range: name.range,
                                 help: Suggest.closest(to: name.text, in: Array(Functions.all.keys)).map { "did you mean '\($0)'?" })
            }
            guard (sig.minArgs...sig.maxArgs).contains(args.count) else {
                throw Diagnostic(.type, "E310", "\(name.text) takes \(sig.minArgs == sig.maxArgs ? "\(sig.minArgs)" : "\(sig.minArgs) to \(sig.maxArgs)") argument\(sig.maxArgs == 1 ? "" : "s"), not \(args.count)",
                                 file: file, range: e.range, help: "usage: \(sig.usage)")
            }
            try ImportChecks.checkCall(name, args, inImportRow: { if case .importRow = scope { return true }; return false }(), file: file)
            if name.text.lowercased() == "column" { return .any }
            let types = try args.map { try type(of: $0, scope) }
            switch name.text.lowercased() {
            case "coalesce": return types.first(where: { $0 != .null }) ?? .null
            case "if":
                guard types[0] == .bool || types[0] == .any else {
                    throw Diagnostic(.type, "E307", "the condition of if must be true or false", file: file, range: args[0].range)
                }
                return types[1] == .null ? types[2] : types[1]
            case "lower", "upper", "trim", "text": return .text
            case "number", "round", "abs": return .number
            case "date": return .date
            default: return .any
            }
        case let .binary(op, l, r):
            switch op {
            case .and, .or:
                try expectBool(l, scope, what: "the operand of \(op.rawValue)")
                try expectBool(r, scope, what: "the operand of \(op.rawValue)")
                return .bool
            case .eq, .ne, .lt, .le, .gt, .ge:
                if isStageField(l, scope) { try checkStageOperand(r); return .bool }
                if isStageField(r, scope) { try checkStageOperand(l); return .bool }
                let lt = try type(of: l, scope)
                let rt: ValueType
                do { rt = try type(of: r, scope) } catch var d as Diagnostic {
                    // `team = East`: a bare word where a text value was meant.
                    if d.code == "E201", lt == .text, case .name(let word) = r.kind {
                        d.help = "to compare with the text, quote it: \(file.text(l.range)) = \"\(word)\""
                    }
                    throw d
                }
                guard compatible(lt, rt) else { throw mismatch(l, lt, r, rt) }
                if (lt == .bool || rt == .bool || lt == .null || rt == .null), op != .eq, op != .ne {
                    throw Diagnostic(.type, "E311", "\(op.rawValue) does not order \(article(lt == .null ? rt : lt))", file: file, range: e.range,
                                     help: lt == .null || rt == .null ? "use is empty or is not empty" : "use = or !=")
                }
                return .bool
            case .add, .sub, .mul, .div:
                let lt = try type(of: l, scope), rt = try type(of: r, scope)
                // `"G-" + text(id)`: joined as text, unless both read as numbers (see arithmetic).
                if op == .add, lt == .text || rt == .text, lt == .text || lt == .any, rt == .text || rt == .any { return .any }
                if lt == .any || rt == .any { return .any }
                if lt.isNumeric, rt.isNumeric {
                    // Money ÷ money is their ratio, a plain number (docs/language.md, "Money").
                    if op == .div, rt == .money { return .number }
                    if lt == .money || rt == .money { return .money }
                    return lt == .percent && rt == .percent ? .percent : .number
                }
                if lt == .date, rt == .date, op == .sub { return .number }
                if lt == .date, rt == .duration || rt.isNumeric, op == .add || op == .sub { return .date }
                if lt == .duration || rt == .duration, lt == .date || rt == .date, op == .add { return .date }
                throw Diagnostic(.type, "E312", "cannot \(opVerb(op)) \(article(lt)) and \(article(rt))", file: file, range: e.range,
                                 help: op == .add && (lt == .text || rt == .text) ? "to join them as text, make both text: text(...) + text(...)" : nil)
            }
        }
    }

    func opVerb(_ op: BinaryOp) -> String {
        switch op { case .add: return "add"; case .sub: return "subtract"; case .mul: return "multiply"; default: return "divide" }
    }

    func mismatch(_ l: Expr, _ lt: ValueType, _ r: Expr, _ rt: ValueType) -> Diagnostic {
        Diagnostic(.type, "E301", "cannot compare \(file.text(l.range)) (\(article(lt))) with \(file.text(r.range)) (\(article(rt)))",
                   file: file, range: r.range, help: example(for: lt).map { "\(file.text(l.range)) takes values like \($0)" })
    }

    func isStageField(_ e: Expr, _ scope: Scope) -> Bool {
        if case .name("stage") = e.kind, case .deal = scope { return true }
        return false
    }

    /// The other side of a stage comparison must name a stage: `stage >= Proposal` or
    /// `stage = "Closed Won"`.
    func checkStageOperand(_ e: Expr) throws {
        switch e.kind {
        case .name(let s), .string(let s):
            try checkStage(Identifier(s, e.range), funnel: nil)
        case .list(let items):
            for i in items { try checkStageOperand(i) }
        default:
            throw Diagnostic(.type, "E302", "stage compares with a stage name, not \(file.text(e.range))", file: file, range: e.range,
                             help: catalog.allStageNames.first.map { "write a stage name, like stage >= \($0)" })
        }
    }

    func nameType(_ n: String, range: SourceRange, _ scope: Scope) throws -> ValueType {
        switch scope {
        case .deal:
            if let t = BuiltinFields.type(of: n) { return t }
            if let f = catalog.fields[n] { return ValueType(f.type) }
            throw unknownField(n, range: range)
        case .groups(let columns):
            if let c = columns.first(where: { $0.name == n }) {
                switch c.kind {
                case .text: return .text
                case .date: return .date
                case .bool: return .bool
                case .rate: return .percent
                default: return .number
                }
            }
            throw Diagnostic(.name, "E206", "unknown result column '\(n)'", file: file, range: range,
                             help: Suggest.closest(to: n, in: columns.map(\.name)).map { "did you mean '\($0)'?" }
                                ?? "the result columns are: " + columns.map(\.name).joined(separator: ", "))
        case .importRow, .loose:
            return .any
        case .record(let schema):
            return try recordNameType(n, range: range, schema)
        }
    }
}
