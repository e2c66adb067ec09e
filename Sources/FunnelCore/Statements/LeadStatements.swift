/// Leads: records before qualification. `lead` creates one (or, for an existing id,
/// updates the fields given); `qualify`, `disqualify` and `convert` move its status
/// new → qualified / disqualified → converted. The qualification gate (`leads qualify
/// when ...`) decides `qualify` and `convert`, and a refusal names each unmet criterion.
extension Interpreter {
    func leadStatement(id idExpr: Expr, fields: [Assignment], on: Expr?, file: SourceFile) throws -> StatementOutput {
        let id = recordID(idExpr)
        guard !id.isEmpty else {
            throw Diagnostic(.runtime, "R501", "a lead id cannot be empty", file: file, range: idExpr.range)
        }
        let ctx = EvalContext(state: state, today: today)
        let values = try fields.map { a -> DomainEvent.FieldValue in
            var v = try ExprCompiler(context: ctx, file: file).compile(a.value)(0)
            if case .text(let s) = v, s.isEmpty { v = .null }
            return DomainEvent.FieldValue(a.field.text, v)
        }
        let day = try effectiveDate(on, file: file)
        if state.leads.row(of: id) != nil {
            try record(.leadUpdated(id: id, fields: values), on: day)
        } else {
            try record(.leadCreated(id: id, fields: values), on: day)
        }
        return .none
    }

    func existingLead(_ e: Expr, file: SourceFile) throws -> Int {
        let id = recordID(e)
        guard let r = state.leads.row(of: id) else {
            let ids = state.leads.ids
            throw Diagnostic(.runtime, "R503", "no lead \"\(id)\"", file: file, range: e.range,
                             help: Suggest.closest(to: id, in: ids.count <= 50_000 ? ids : []).map { "did you mean \"\($0)\"?" }
                                ?? "create it first: lead \"\(id)\" { company: \"...\", source: \"...\" }")
        }
        return r
    }

    /// Each top-level `and` part of the lead gate, whether it holds for the lead, and the
    /// values it read. A field the lead does not have is empty, so it does not hold.
    func leadGateCriteria(row r: Int) throws -> [(criterion: Gates.Criterion, names: [String])] {
        guard let gate = state.catalog.leadGate else { return [] }
        let file = state.catalog.leadGateSource ?? SourceFile(name: "<leads qualify>", text: "")
        let rc = RecordColumns.leads(EvalContext(state: state, today: today))
        let compiler = rc.compiler(file: file, unknown: .empty)
        return try ResultColumns.conjuncts(gate).map { part in
            let holds = try compiler.predicate(part)(r)
            let names = ResultColumns.names(in: part).sorted()
            let explanation = names.map { name -> String in
                let v = rc.columns[name]?.eval(r) ?? .null
                return ExprCompiler.isEmptyValue(v) ? "\(name) is empty" : "\(name) = \(Gates.show(v))"
            }.joined(separator: ", ")
            return (Gates.Criterion(text: file.text(part.range), holds: holds,
                                    explanation: explanation.isEmpty ? (holds ? "holds" : "does not hold") : explanation), names)
        }
    }

    func unmetGate(_ r: Int, code: String, doing: String, range: SourceRange, file: SourceFile) throws -> Diagnostic? {
        let failing = try leadGateCriteria(row: r).filter { !$0.criterion.holds }
        guard !failing.isEmpty else { return nil }
        let unmet = failing.map(\.criterion)
        let id = state.leads.ids[r]
        let example = failing.flatMap(\.names).first.map { "\($0): ..." } ?? "FIELD: value"
        return Diagnostic(.runtime, code,
                          "lead \"\(id)\" cannot be \(doing): \(unmet.count) qualification criteri\(unmet.count == 1 ? "on is" : "a are") not met",
                          file: file, range: range, notes: unmet.map { "\($0.text) — \($0.explanation)" },
                          help: "set the lead's fields first: lead \"\(id)\" { \(example) }")
    }

    func alreadyConverted(_ r: Int, range: SourceRange, file: SourceFile) -> Diagnostic {
        let l = state.leads
        return Diagnostic(.runtime, "R504", "lead \"\(l.ids[r])\" is already converted, to deal \"\(l.deal[r] ?? "")\" on \(Calendar.format(l.converted[r]))",
                          file: file, range: range)
    }

    func qualifyLead(id: Expr, on: Expr?, file: SourceFile) throws -> StatementOutput {
        let r = try existingLead(id, file: file)
        let l = state.leads
        switch l.status[r] {
        case .converted: throw alreadyConverted(r, range: id.range, file: file)
        case .qualified:
            throw Diagnostic(.runtime, "R506", "lead \"\(l.ids[r])\" is already qualified", file: file, range: id.range)
        case .new, .disqualified: break
        }
        if let refusal = try unmetGate(r, code: "R505", doing: "qualified", range: id.range, file: file) { throw refusal }
        try record(.leadQualified(id: l.ids[r]), on: try effectiveDate(on, file: file))
        return .none
    }

    func disqualifyLead(id: Expr, reason: String, on: Expr?, file: SourceFile) throws -> StatementOutput {
        let r = try existingLead(id, file: file)
        let l = state.leads
        switch l.status[r] {
        case .converted: throw alreadyConverted(r, range: id.range, file: file)
        case .disqualified:
            throw Diagnostic(.runtime, "R506", "lead \"\(l.ids[r])\" is already disqualified (\(l.reason[r] ?? ""))", file: file, range: id.range)
        case .new, .qualified: break
        }
        try record(.leadDisqualified(id: l.ids[r], reason: reason), on: try effectiveDate(on, file: file))
        return .none
    }

    /// `convert lead "L-1" to deal "D-9" [in FUNNEL]`: the gate must hold (for a qualified
    /// lead too, since its fields may have changed). The new deal starts in the funnel's
    /// first stage on the conversion day and keeps: `lead` (the link), the lead's `source`,
    /// its `company` as `account`, and every lead field named like a deal field (declared
    /// or writable built-in) whose value fits that field's type.
    func convertLead(lead: Expr, deal dealExpr: Expr, funnel funnelName: Identifier?, on: Expr?, file: SourceFile) throws -> StatementOutput {
        let r = try existingLead(lead, file: file)
        let l = state.leads
        let leadID = l.ids[r]
        switch l.status[r] {
        case .converted: throw alreadyConverted(r, range: lead.range, file: file)
        case .disqualified:
            throw Diagnostic(.runtime, "R507", "lead \"\(leadID)\" is disqualified (\(l.reason[r] ?? "")); qualify it before converting it",
                             file: file, range: lead.range, help: "qualify lead \"\(leadID)\"")
        case .new, .qualified: break
        }
        if let refusal = try unmetGate(r, code: "R508", doing: "converted", range: lead.range, file: file) { throw refusal }
        let dealID = recordID(dealExpr)
        guard !dealID.isEmpty else {
            throw Diagnostic(.runtime, "R105", "a deal id cannot be empty", file: file, range: dealExpr.range)
        }
        guard state.row(of: dealID) == nil else {
            throw Diagnostic(.runtime, "R106", "deal \"\(dealID)\" already exists", file: file, range: dealExpr.range,
                             help: "choose another id for the new deal")
        }
        let funnel = try conversionFunnel(funnelName, dealID: dealID, range: dealExpr.range, file: file)
        let day = try effectiveDate(on, file: file)
        if day < l.created[r] {
            throw Diagnostic(.runtime, "R509", "lead \"\(leadID)\" was created on \(Calendar.format(l.created[r])); it cannot be converted before that",
                             file: file, range: on?.range ?? lead.range, help: "give a date on or after \(Calendar.format(l.created[r]))")
        }
        let fields = carriedFields(r)
        for name in state.catalog.fieldOrder where state.catalog.fields[name]?.required == true {
            if !fields.contains(where: { $0.name == name }) {
                throw Diagnostic(.runtime, "R510", "deal \"\(dealID)\" needs a value for the required field '\(name)'", file: file,
                                 range: lead.range, help: "give the lead that field first: lead \"\(leadID)\" { \(name): ... }")
            }
        }
        try record(.dealCreated(id: dealID, funnel: funnel.name, stage: funnel.firstOpenStage?.name ?? "", fields: fields), on: day)
        try record(.leadConverted(id: leadID, deal: dealID), on: day)
        return .none
    }

    func conversionFunnel(_ name: Identifier?, dealID: String, range: SourceRange, file: SourceFile) throws -> FunnelDef {
        let catalog = state.catalog
        if let name {
            guard let f = catalog.funnels[name.text] else {
                throw Diagnostic(.name, "E203", "unknown funnel '\(name.text)'", file: file, range: name.range)
            }
            return f
        }
        if catalog.funnelOrder.count == 1, let only = catalog.funnels[catalog.funnelOrder[0]] { return only }
        throw Diagnostic(.runtime, "R107", catalog.funnelOrder.isEmpty ? "there is no funnel to put the deal in" : "which funnel? there are \(catalog.funnelOrder.count)",
                         file: file, range: range,
                         help: catalog.funnelOrder.isEmpty ? "declare one first: funnel NAME { ... }" : "add in FUNNEL: ... to deal \"\(dealID)\" in \(catalog.funnelOrder[0])")
    }

    /// The deal fields a converted lead hands over (see `convertLead`).
    func carriedFields(_ r: Int) -> [DomainEvent.FieldValue] {
        let l = state.leads
        let catalog = state.catalog
        var out: [DomainEvent.FieldValue] = [.init("lead", .text(l.ids[r]))]
        var taken: Set<String> = ["lead"]
        func fits(_ name: String, _ v: Value) -> Bool {
            if let f = catalog.fields[name] {
                if let allowed = f.oneOf, !allowed.contains(v) { return false }
                switch (f.type, v) {
                case (.text, .text), (.number, .number), (.money, .number), (.date, .date), (.bool, .bool): return true
                case (.percent, .number(let x)): return (0...1).contains(x)
                default: return false
                }
            }
            guard BuiltinFields.isWritable(name), let t = BuiltinFields.type(of: name) else { return false }
            switch (t, v) {
            case (.text, .text), (.date, .date): return true
            case (.money, .number(let x)): return x.isFinite && abs(x) < 1e15
            case (.percent, .number(let x)): return (0...1).contains(x)
            default: return false
            }
        }
        for name in l.fieldOrder {
            let v = l.field(name, r)
            guard !v.isNull, fits(name, v), taken.insert(name).inserted else { continue }
            out.append(.init(name, v))
        }
        let company = l.field("company", r)
        if case .text = company, !taken.contains("account") { out.append(.init("account", company)) }
        return out
    }
}
