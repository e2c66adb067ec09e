/// Redeclaring without stranding data. A funnel declared again without a stage that holds
/// open deals is refused unless the same run says where those deals go (`rename stage B to
/// C` or `move deals from B to C`, written after the declaration); a field declared again
/// with another type is refused while a stored value does not convert, and the values that
/// do convert are converted and recorded. `funnel check` reports both before anything runs.
extension Interpreter {
    /// How many offending deals a refusal names.
    static let namedOffenders = 5

    /// The stages of funnel `def` (as it was before) that the new declaration drops while
    /// they hold open deals and no mapping in `mappings` says where the deals go.
    func strandedStages(_ def: FunnelDef, mappings: [StageMapping]) -> [(stage: String, ids: [String])] {
        guard state.catalog.funnels[def.name] != nil, let f = state.pool.code(of: def.name) else { return [] }
        var byStage: [String: [String]] = [:]
        var order: [String] = []
        let deals = state.deals
        for r in 0..<deals.count where deals.funnel[r] == f && deals.status[r] == .open {
            let stage = state.stageName(ofRow: r)
            if def.stage(named: stage)?.kind == .open { continue }
            if byStage[stage] == nil { order.append(stage) }
            byStage[stage, default: []].append(deals.ids[r])
        }
        // A mapping counts only when it can run: its target is an open stage of the new
        // declaration (otherwise it fails later, and with --keep-going the deals would stay).
        return order.filter { s in
            !mappings.contains {
                $0.from.text == s && ($0.funnel == nil || $0.funnel?.text == def.name) && def.stage(named: $0.to.text)?.kind == .open
            }
        }.map { ($0, byStage[$0] ?? []) }
    }

    func strandingError(_ def: FunnelDef, _ stranded: [(stage: String, ids: [String])], file: SourceFile, range: SourceRange) -> Diagnostic {
        let total = stranded.reduce(0) { $0 + $1.ids.count }
        let notes = stranded.map { s in
            let shown = s.ids.prefix(Self.namedOffenders).map { "\"\($0)\"" }.joined(separator: ", ")
            return "stage \(s.stage): \(s.ids.count) open deal\(s.ids.count == 1 ? "" : "s") (\(shown)\(s.ids.count > Self.namedOffenders ? ", …" : ""))"
        }
        let first = stranded[0].stage
        let target = def.openStages.first?.name ?? "STAGE"
        return Diagnostic(.runtime, "R658",
                          "funnel \(def.name) declared again without stage\(stranded.count == 1 ? "" : "s") "
                            + stranded.map(\.stage).joined(separator: ", ")
                            + ", which hold\(stranded.count == 1 && total == 1 ? "s" : "") \(total) open deal\(total == 1 ? "" : "s"); nothing was changed",
                          file: file, range: range, notes: notes,
                          help: "say where they go, after the declaration: move deals from \(first) to \(target) in \(def.name) (or rename stage \(first) to NEW in \(def.name), when NEW is \(first) under another name)")
    }

    /// The conversion a field's new type needs: the events that record the converted
    /// values, or a refusal naming the values that do not convert.
    func retypeEvents(_ def: FieldDef, file: SourceFile, range: SourceRange) throws -> [DomainEvent] {
        guard let old = state.catalog.fields[def.name], old.type != def.type, let column = state.deals.custom[def.name] else { return [] }
        let conversion = FieldConversion()
        var events: [DomainEvent] = []
        var offenders: [String] = []
        var failures = 0
        for (r, v) in column.enumerated() where !v.isNull {
            do {
                let converted = try conversion.convert(v, to: def.type, label: def.name)
                if converted != v { events.append(.fieldsSet(id: state.deals.ids[r], fields: [.init(def.name, converted)])) }
            } catch {
                failures += 1
                if offenders.count < Self.namedOffenders {
                    offenders.append("deal \"\(state.deals.ids[r])\": \(ValueFormatter.machine(v).isEmpty ? "an empty text" : "\"\(ValueFormatter.machine(v))\"")")
                }
            }
        }
        if failures > 0 {
            if failures > offenders.count { offenders.append("… and \(failures - offenders.count) more") }
            throw Diagnostic(.runtime, "R659",
                             "field \(def.name) cannot become \(def.type.rawValue): \(failures) stored value\(failures == 1 ? " does" : "s do") not read as \(def.type.rawValue)\(failures == 1 ? "" : "s") (it is \(old.type.rawValue) now); nothing was changed",
                             file: file, range: range, notes: offenders,
                             help: "correct \(failures == 1 ? "it" : "them") first (set deal \"ID\" \(def.name) = ...), or declare a field with another name")
        }
        return events
    }

    /// `rename stage B to C` / `move deals from B to C`: the open deals of stage B (of the
    /// named funnel, or of every funnel that no longer has B) go to C, a stage of the
    /// funnel's current declaration. A rename keeps each deal's stage visit and renames B in
    /// every history; a move is a move, forced (the gates of a stage that is gone cannot be
    /// read) and recorded with why.
    func runStageMap(_ m: StageMapping, on: Expr?, file: SourceFile) throws -> StatementOutput {
        let day = try effectiveDate(on, file: file)
        let funnels: [FunnelDef]
        if let name = m.funnel {
            guard let f = state.catalog.funnels[name.text] else {
                throw Diagnostic(.name, "E203", "unknown funnel '\(name.text)'", file: file, range: name.range)
            }
            funnels = [f]
        } else {
            funnels = state.catalog.funnelOrder.compactMap { state.catalog.funnels[$0] }.filter { f in
                guard let code = state.pool.code(of: f.name) else { return false }
                return (0..<state.deals.count).contains { state.deals.funnel[$0] == code && state.stageName(ofRow: $0) == m.from.text }
            }
        }
        var moved = 0
        for f in funnels {
            if f.stage(named: m.from.text) != nil {
                throw Diagnostic(.runtime, "R660", "stage \(m.from.text) is still a stage of funnel \(f.name)", file: file, range: m.from.range,
                                 help: "declare the funnel without \(m.from.text) first, then say where its deals go; to move deals between stages that both exist, move each deal")
            }
            guard let target = f.stage(named: m.to.text), target.kind == .open else {
                throw Diagnostic(.runtime, "R661", "funnel \(f.name) has no open stage \(m.to.text)", file: file, range: m.to.range,
                                 help: Suggest.closest(to: m.to.text, in: f.openStages.map(\.name)).map { "did you mean \($0)?" }
                                    ?? "its open stages are: " + f.openStages.map(\.name).joined(separator: ", "))
            }
            let code = state.pool.code(of: f.name)
            let rows = (0..<state.deals.count).filter {
                state.deals.funnel[$0] == code && state.deals.status[$0] == .open && state.stageName(ofRow: $0) == m.from.text
            }
            switch m.kind {
            case .rename:
                try record(.stageRenamed(funnel: f.name, from: m.from.text, to: m.to.text), on: day)
            case .move:
                for r in rows {
                    try checkNotBefore(r, day, on: on, file: file)
                    try record(.moved(id: state.deals.ids[r], to: m.to.text, forcedBecause: "stage \(m.from.text) was removed from funnel \(f.name)"), on: day)
                }
            }
            moved += rows.count
        }
        let verb = m.kind == .rename ? "renamed stage \(m.from.text) to \(m.to.text)" : "moved the deals of stage \(m.from.text) to \(m.to.text)"
        return .message("\(verb): \(moved) open deal\(moved == 1 ? "" : "s")")
    }

    /// What a run of these statements would refuse about redeclarations, worked out on the
    /// current state before anything runs (`funnel check`).
    public func redeclarationProblems(_ statements: [CheckedStatement], file: SourceFile) -> [Diagnostic] {
        let mappings = Self.mappings(following: statements, file: file)
        var out: [Diagnostic] = []
        for s in statements {
            switch s.statement.kind {
            case .funnel(let d):
                guard let def = try? Declarations.funnel(d, file: file, catalog: state.catalog) else { continue }
                let stranded = strandedStages(def, mappings: mappings[MappingKey(file: file.name, start: s.statement.range.start)] ?? [])
                if !stranded.isEmpty { out.append(strandingError(def, stranded, file: file, range: d.name.range)) }
            case .field(let d):
                guard let def = try? Declarations.field(d, file: file) else { continue }
                do { _ = try retypeEvents(def, file: file, range: d.name.range) } catch let e as Diagnostic { out.append(e) } catch {}
            default:
                continue
            }
        }
        return out
    }
}

/// A funnel declaration's place in a run: its file and where it starts.
public struct MappingKey: Hashable, Sendable {
    public var file: String
    public var start: Int
    public init(file: String, start: Int) { self.file = file; self.start = start }
}

extension Interpreter {
    /// For each funnel declaration of a program, the stage mappings written after it and
    /// before the next declaration of the same funnel: those are the ones that say where
    /// its removed stages' deals go. A mapping without `in FUNNEL` follows the declaration
    /// before it.
    public static func mappings(following statements: [CheckedStatement], file: SourceFile) -> [MappingKey: [StageMapping]] {
        var out: [MappingKey: [StageMapping]] = [:]
        var open: [String: MappingKey] = [:]  // funnel name -> its latest declaration
        var latest: MappingKey?
        for s in statements {
            switch s.statement.kind {
            case .funnel(let d):
                let key = MappingKey(file: file.name, start: s.statement.range.start)
                open[d.name.text] = key
                latest = key
            case .stageMap(let m, _):
                if let f = m.funnel?.text {
                    if let key = open[f] { out[key, default: []].append(m) }
                } else if let key = latest {
                    out[key, default: []].append(m)
                }
            default:
                continue
            }
        }
        return out
    }
}
