/// Turns parsed declarations into catalog definitions, checking what a declaration alone
/// can get wrong (a funnel without a won stage, a `like` of an unknown funnel, ...).
/// The same code runs when a script is resolved and when the journal is replayed.
public enum Declarations {
    public static func field(_ d: FieldDecl, file: SourceFile) throws -> FieldDef {
        if BuiltinFields.type(of: d.name.text) != nil {
            throw Diagnostic(.name, "E210", "'\(d.name.text)' is a built-in field and cannot be declared again",
                             file: file, range: d.name.range, help: "choose another name")
        }
        var oneOf: [Value]?
        if let items = d.oneOf {
            oneOf = try items.map { e -> Value in
                switch e.kind {
                case .string(let s) where d.type == .text: return .text(s)
                case .number(let n) where d.type == .number: return .number(n)
                case .number(let n) where d.type == .money: if let m = Money(n) { return .money(m) }
                case .amount(let m) where d.type == .money: return .money(m)
                case .percent(let p) where d.type == .percent: return .number(p)
                default: break
                }
                throw Diagnostic(.type, "E301", "a value of 'one of' must be a \(d.type.rawValue) literal",
                                 file: file, range: e.range)
            }
        }
        return FieldDef(name: d.name.text, type: d.type, oneOf: oneOf, required: d.required)
    }

    public static func funnel(_ d: FunnelDecl, file: SourceFile, catalog: Catalog) throws -> FunnelDef {
        var open: [StageDef] = []
        var won: [StageDef] = []
        var lost: [StageDef] = []
        if let like = d.like {
            guard let base = catalog.funnels[like.text] else {
                throw Diagnostic(.name, "E203", "unknown funnel '\(like.text)'", file: file, range: like.range,
                                 help: Suggest.closest(to: like.text, in: catalog.funnelOrder).map { "did you mean '\($0)'?" }
                                    ?? (catalog.funnelOrder.isEmpty ? "declare it first: funnel \(like.text) { ... }"
                                        : "the funnels are: " + catalog.funnelOrder.joined(separator: ", ")))
            }
            open = Array(base.openStages)
            won = base.wonStages
            lost = base.lostStages
        }
        var seen = Set<String>()
        for s in d.stages {
            guard seen.insert(s.name.text).inserted else {
                throw Diagnostic(.name, "E211", "stage '\(s.name.text)' is declared twice in funnel '\(d.name.text)'",
                                 file: file, range: s.name.range)
            }
            if let i = open.firstIndex(where: { $0.name == s.name.text }), d.like != nil {
                // A `like` copy: only the options given replace the copied ones.
                var st = open[i]
                if let p = s.probability { st.probability = p }
                if let a = s.staleAfter { st.staleAfter = a }
                if let c = s.category { st.category = c }
                if let e = s.exitWhen { st.exitWhen = e }
                if !s.tasks.isEmpty { st.tasks = s.tasks }
                if !s.onEnter.isEmpty { st.onEnter = s.onEnter }
                if !s.onExit.isEmpty { st.onExit = s.onExit }
                open[i] = st
            } else {
                open.append(StageDef(name: s.name.text, kind: .open, position: nil, probability: s.probability ?? 0,
                                     staleAfter: s.staleAfter, category: s.category ?? .pipeline, exitWhen: s.exitWhen,
                                     tasks: s.tasks, onEnter: s.onEnter, onExit: s.onExit))
            }
        }
        func closing(_ id: Identifier, _ kind: StageKind) throws -> StageDef {
            if open.contains(where: { $0.name == id.text }) {
                throw Diagnostic(.name, "E211", "'\(id.text)' is already an open stage of funnel '\(d.name.text)'",
                                 file: file, range: id.range)
            }
            return StageDef(name: id.text, kind: kind, position: nil, probability: kind == .won ? 1 : 0,
                            staleAfter: nil, category: .pipeline, exitWhen: nil, tasks: [], onEnter: [], onExit: [])
        }
        // A `like` copy keeps the base's outcome stages unless the copy names its own.
        if !d.won.isEmpty { won = try d.won.map { try closing($0, .won) } }
        if !d.lost.isEmpty { lost = try d.lost.map { try closing($0, .lost) } }
        guard !open.isEmpty else {
            throw Diagnostic(.name, "E212", "funnel '\(d.name.text)' has no open stages", file: file, range: d.name.range,
                             help: "add stages in order: stage Qualification probability 10%")
        }
        guard !won.isEmpty, !lost.isEmpty else {
            throw Diagnostic(.name, "E212", "funnel '\(d.name.text)' needs a won and a lost stage", file: file,
                             range: d.name.range, help: "add the lines: won \"Closed Won\" and lost \"Closed Lost\"")
        }
        var outcomes = Set<String>()
        for s in won + lost where !outcomes.insert(s.name).inserted {
            let range = (d.won + d.lost).last(where: { $0.text == s.name })?.range ?? d.name.range
            if won.contains(where: { $0.name == s.name }) && lost.contains(where: { $0.name == s.name }) {
                throw Diagnostic(.name, "E211", "the won and lost stages of funnel '\(d.name.text)' have the same name",
                                 file: file, range: range)
            }
            throw Diagnostic(.name, "E211", "stage '\(s.name)' is declared twice in funnel '\(d.name.text)'", file: file, range: range)
        }
        var stages = open
        for i in stages.indices { stages[i].position = i + 1 }
        // Every won stage is one step past the last open stage; lost stages have no position.
        for var w in won { w.position = open.count + 1; stages.append(w) }
        for var l in lost { l.position = nil; stages.append(l) }
        return FunnelDef(name: d.name.text, stages: stages, source: file)
    }
}
