/// `show funnel`, `show funnels`, `show fields` as result tables, so every output format
/// works for them too.
enum FunnelDescription {
    static func describe(_ name: Identifier, state: FunnelState, file: SourceFile) throws -> ResultTable {
        guard let f = state.catalog.funnels[name.text] else {
            throw Diagnostic(.name, "E203", "unknown funnel '\(name.text)'", file: file, range: name.range,
                             help: Suggest.closest(to: name.text, in: state.catalog.funnelOrder).map { "did you mean '\($0)'?" })
        }
        let columns = [ResultColumn("position", .integer), ResultColumn("stage", .text), ResultColumn("kind", .text),
                       ResultColumn("probability", .rate), ResultColumn("category", .text), ResultColumn("stale_after", .text),
                       ResultColumn("exit_when", .text), ResultColumn("tasks", .text), ResultColumn("on_enter", .text)]
        let rows: [[Value]] = f.stages.map { s in
            let exit = s.exitWhen.flatMap { e in f.source.map { $0.text(e.range) } }
            return [s.position.map { .number(Double($0)) } ?? .null, .text(s.name), .text(s.kind.rawValue),
                    s.kind == .open ? .number(s.probability) : .number(s.probability),
                    s.kind == .open ? .text(s.category.rawValue) : .null,
                    s.staleAfter.map { .text($0.description) } ?? .null,
                    exit.map { .text($0) } ?? .null,
                    s.tasks.isEmpty ? .null : .text(s.tasks.map(\.title).joined(separator: "; ")),
                    s.onEnter.isEmpty ? .null : .text(s.onEnter.map(describe).joined(separator: "; "))]
        }
        return ResultTable(columns: columns, rows: rows)
    }

    static func describe(_ a: Action) -> String {
        // A role that is not a plain name ("{owner}", "sales ops") is quoted, as written.
        func role(_ r: String) -> String {
            r.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) && !(r.first?.isNumber ?? true) ? r : "\"\(r)\""
        }
        switch a {
        case let .task(title, r, due):
            return "task \"\(title)\"" + (r.map { " for \(role($0))" } ?? "") + (due.map { " due \($0.description)" } ?? "")
        case let .notify(r, message):
            return "notify \(role(r)) \"\(message)\""
        }
    }

    static func funnels(_ state: FunnelState) -> ResultTable {
        var counts: [String: (Int, Int)] = [:]
        for r in 0..<state.deals.count {
            let n = state.funnelName(ofRow: r)
            var c = counts[n] ?? (0, 0)
            c.0 += 1
            if state.deals.status[r] == .open { c.1 += 1 }
            counts[n] = c
        }
        let rows: [[Value]] = state.catalog.funnelOrder.compactMap { name in
            guard let f = state.catalog.funnels[name] else { return nil }
            return [.text(name), .text(f.stages.map(\.name).joined(separator: " → ")),
                    .number(Double(counts[name]?.0 ?? 0)), .number(Double(counts[name]?.1 ?? 0))]
        }
        return ResultTable(columns: [ResultColumn("funnel", .text), ResultColumn("stages", .text),
                                     ResultColumn("deals", .integer), ResultColumn("open", .integer)], rows: rows)
    }

    static func fields(_ catalog: Catalog) -> ResultTable {
        var rows: [[Value]] = BuiltinFields.all.map { f in
            [.text(f.name), .text(f.type.rawValue), .text(f.writable ? "built-in" : "built-in, read-only"), .null, .bool(false)]
        }
        for name in catalog.fieldOrder {
            guard let f = catalog.fields[name] else { continue }
            rows.append([.text(name), .text(f.type.rawValue), .text("declared"),
                         f.oneOf.map { .text($0.map { ValueFormatter.machine($0) }.joined(separator: ", ")) } ?? .null,
                         .bool(f.required)])
        }
        return ResultTable(columns: [ResultColumn("field", .text), ResultColumn("type", .text), ResultColumn("origin", .text),
                                     ResultColumn("one_of", .text), ResultColumn("required", .bool)], rows: rows)
    }

    /// `show tables`: the reference tables, their key and columns.
    static func tables(_ state: FunnelState) -> ResultTable {
        let rows: [[Value]] = state.tables.keys.sorted().compactMap { name in
            guard let t = state.tables[name] else { return nil }
            return [.text(name), .text(t.key), .text(t.columns.joined(separator: ", ")),
                    .number(Double(t.values.first?.count ?? 0))]
        }
        return ResultTable(columns: [ResultColumn("table", .text), ResultColumn("key", .text), ResultColumn("columns", .text),
                                     ResultColumn("rows", .integer)], rows: rows)
    }
}
