/// The columns of tasks, notifications or leads as evaluators over record rows, and an
/// expression compiler in which bare names are those columns. Queries, `ack ... where`
/// and the lead gate all compile through here, so a column means the same everywhere.
struct RecordColumns {
    typealias Eval = ExprCompiler.Eval

    struct Column {
        var eval: Eval
        var kind: ColumnKind
    }

    let schema: RecordSchema
    let ctx: EvalContext
    let count: Int
    let columns: [String: Column]
    /// Column names in display order (fixed ones, then a lead's own fields).
    let order: [String]
    /// The date `during` windows filter on.
    let dateColumn: String

    /// How a bare name that is no column reads: an error naming the columns (queries), or
    /// empty (the lead gate, where a field a lead lacks is simply not met).
    enum Unknown { case error, empty }

    func compiler(file: SourceFile, unknown: Unknown = .error) -> ExprCompiler {
        let columns = self.columns, schema = self.schema, order = self.order
        let stages = schema.stageNamesAreValues ? Set(ctx.state.catalog.allStageNames) : []
        return ExprCompiler(context: ctx, file: file, names: { name, range in
            if let c = columns[name] { return c.eval }
            if schema.statusWords.contains(name) || stages.contains(name) { return { _ in .text(name) } }
            if unknown == .empty { return { _ in .null } }
            let near = Suggest.closest(to: name, in: order)
            if schema.openEnded {
                throw Diagnostic(.runtime, "R502", "no lead has a field '\(name)'", file: file, range: range,
                                 help: near.map { "did you mean '\($0)'?" } ?? "the lead fields are: " + order.joined(separator: ", "))
            }
            throw Diagnostic(.name, "E206", "\(schema.plural) have no column '\(name)'", file: file, range: range,
                             help: near.map { "did you mean '\($0)'?" } ?? "the columns are: " + order.joined(separator: ", "))
        })
    }

    func kind(of e: Expr) -> ColumnKind {
        switch e.kind {
        case .name(let n): return columns[n]?.kind ?? .text
        case .member(_, let part): return part.text.lowercased() == "week" ? .date : .text
        default: return ColumnKinds.kind(of: e, catalog: ctx.state.catalog)
        }
    }

    static func kind(_ t: ValueType) -> ColumnKind {
        switch t {
        case .number: return .integer
        case .date: return .date
        case .bool: return .bool
        default: return .text
        }
    }

    // MARK: - Tasks

    static func tasks(_ ctx: EvalContext) -> RecordColumns {
        let t = ctx.state.tasks, p = ctx.state.pool, ids = ctx.state.deals.ids, today = ctx.today
        func text(_ col: [Int32]) -> Eval { { r in col[r] == Empty.text ? .null : .text(p[col[r]]) } }
        func date(_ col: [Int32]) -> Eval { { r in col[r] == Empty.date ? .null : .date(col[r]) } }
        let evals: [String: Eval] = [
            "id": { r in .number(Double(t.id[r])) },
            "deal": { r in .text(ids[Int(t.deal[r])]) },
            "stage": text(t.stage),
            "title": text(t.title),
            "for": text(t.role),
            "due": date(t.due),
            "status": { r in .text(t.status[r].rawValue) },
            "overdue": { r in .bool(t.status[r] == .open && t.due[r] != Empty.date && t.due[r] < today) },
            "created": date(t.created),
            "done_on": date(t.completed),
            "origin": { r in
                switch t.origin[r] {
                case .key: return .text("key task")
                case .enter: return .text("on enter")
                case .exit: return .text("on exit")
                case .rule: return t.rule[r] == Empty.text ? .text("rule") : .text(p[t.rule[r]])
                }
            },
        ]
        return make(.tasks, ctx, t.count, evals, extra: [], dateColumn: "due")
    }

    // MARK: - Notifications

    static func notifications(_ ctx: EvalContext) -> RecordColumns {
        let n = ctx.state.notifications, p = ctx.state.pool, ids = ctx.state.deals.ids
        let evals: [String: Eval] = [
            "id": { r in .number(Double(n.id[r])) },
            "at": { r in .date(n.at[r]) },
            // A role from a placeholder ("{owner}") may be empty for a deal: nobody.
            "for": { r in p[n.role[r]].isEmpty ? .null : .text(p[n.role[r]]) },
            "deal": { r in .text(ids[Int(n.deal[r])]) },
            "rule": { r in .text(p[n.rule[r]]) },
            "message": { r in .text(n.message[r]) },
            "status": { r in .text(n.status[r].rawValue) },
            "stage": { r in .text(p[n.stage[r]]) },
            "acked_on": { r in n.acked[r] == Empty.date ? .null : .date(n.acked[r]) },
        ]
        return make(.notifications, ctx, n.count, evals, extra: [], dateColumn: "at")
    }

    // MARK: - Leads

    static func leads(_ ctx: EvalContext) -> RecordColumns {
        let l = ctx.state.leads
        var evals: [String: Eval] = [
            "id": { r in .text(l.ids[r]) },
            "status": { r in .text(l.status[r].rawValue) },
            "created": { r in .date(l.created[r]) },
            "deal": { r in l.deal[r].map { .text($0) } ?? .null },
            "converted_on": { r in l.converted[r] == Empty.date ? .null : .date(l.converted[r]) },
            "reason": { r in l.reason[r].map { .text($0) } ?? .null },
        ]
        var kinds: [String: ColumnKind] = [:]
        for name in l.fieldOrder + ["company", "source"] where evals[name] == nil {
            let column = l.fields[name] ?? []
            evals[name] = { r in r < column.count ? column[r] : .null }
            kinds[name] = column.first(where: { !$0.isNull }).map(kind(ofValue:)) ?? .text
        }
        let extra = l.fieldOrder.filter { RecordSchema.leads.type(of: $0) == nil }
        var rc = make(.leads, ctx, l.count, evals, extra: extra, dateColumn: "created")
        var columns = rc.columns
        for (name, k) in kinds { columns[name]?.kind = k }
        rc = RecordColumns(schema: rc.schema, ctx: ctx, count: rc.count, columns: columns, order: rc.order, dateColumn: rc.dateColumn)
        return rc
    }

    static func kind(ofValue v: Value) -> ColumnKind {
        switch v {
        case .number: return .number
        case .date: return .date
        case .bool: return .bool
        default: return .text
        }
    }

    static func make(_ schema: RecordSchema, _ ctx: EvalContext, _ count: Int, _ evals: [String: Eval], extra: [String],
                     dateColumn: String) -> RecordColumns {
        var columns: [String: Column] = [:]
        for (name, eval) in evals {
            columns[name] = Column(eval: eval, kind: schema.type(of: name).map(kind) ?? .text)
        }
        return RecordColumns(schema: schema, ctx: ctx, count: count, columns: columns, order: schema.names + extra,
                             dateColumn: dateColumn)
    }
}
