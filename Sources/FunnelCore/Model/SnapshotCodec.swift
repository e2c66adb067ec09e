/// The state as a snapshot (docs/store.md, "The snapshot"): one section per part of the
/// state, columns stored as they are held in memory, so opening copies columns instead of
/// replaying events. The catalog is kept as its declarations' sources and rebuilt from them
/// (a few parses), everything else as data. `log` is not stored: `as of` reads the events
/// the snapshot stands for from the journal when it needs them (`FunnelState.logPrefix`).
///
/// A new part of the state is a new section with a new tag: `decode` refuses a snapshot
/// with a required section it does not know, and a snapshot without a section it expects,
/// so an older or newer program rebuilds rather than give figures without that part.
public enum SnapshotCodec {
    /// Every section this version writes and needs, in the order written.
    public static let sections = ["pool", "decl", "slot", "deal", "hist", "fhis", "task", "note", "lead", "fire", "tabl"]

    /// The snapshot of `s`, or nil when something in it has no snapshot form (a list value
    /// in a field): the store then simply has no snapshot.
    /// `extra`: sections after the state's own (a later version's, in tests).
    public static func encode(_ s: FunnelState, header: SnapshotHeader,
                              extra: [(tag: String, flags: UInt32, body: SnapshotSectionWriter)] = []) -> [UInt8]? {
        var file = SnapshotFileWriter()
        var w = SnapshotSectionWriter(capacity: s.pool.strings.count * 16)
        w.texts(s.pool.strings)
        file.add("pool", w)

        w = SnapshotSectionWriter()
        w.int(s.declarations.count)
        for d in s.declarations {
            guard case let .declare(what, name, source) = d else { return nil }
            w.strings([what, name, source])
        }
        file.add("decl", w)

        w = SnapshotSectionWriter()
        w.column(s.slots.funnel)
        w.column(s.slots.stage)
        file.add("slot", w)

        let d = s.deals
        w = SnapshotSectionWriter(capacity: d.count * 100)
        w.texts(d.ids)
        w.column(d.funnel); w.column(d.stageSlot); w.column(d.status.map(\.rawValue))
        w.column(d.amount); w.doubles(d.probability)
        int32Columns(d, dealColumns, into: &w)
        let customNames = d.custom.keys.sorted()
        w.strings(customNames)
        for name in customNames { guard values(d.custom[name] ?? [], into: &w) else { return nil } }
        file.add("deal", w)

        let h = s.history
        w = SnapshotSectionWriter(capacity: h.count * 20 + 64)
        int32Columns(h, historyColumns, into: &w)
        file.add("hist", w)

        // Every dated field change (FieldHistory.swift), so `as of` and dated gates read the
        // same values from a snapshot as from the journal.
        let f = s.fieldHistory
        w = SnapshotSectionWriter(capacity: f.count * 40 + 64)
        w.column(f.deal); w.column(f.day); w.column(f.field)
        guard values(f.old, into: &w), values(f.new, into: &w) else { return nil }
        w.column(f.origin); w.column(f.order); w.column(f.latest); w.column(f.previous)
        file.add("fhis", w)

        let t = s.tasks
        w = SnapshotSectionWriter(capacity: t.count * 48 + 64)
        w.int(t.nextID)
        int32Columns(t, taskColumns, into: &w)
        guard codes(t.status, taskStatusCodes, into: &w), codes(t.origin, taskOriginCodes, into: &w) else { return nil }
        file.add("task", w)

        let n = s.notifications
        w = SnapshotSectionWriter(capacity: n.count * 64 + 64)
        w.int(n.nextID)
        int32Columns(n, notificationColumns, into: &w)
        w.strings(n.message)
        w.column(n.status.map { $0 == .new ? UInt8(0) : 1 })
        file.add("note", w)

        let l = s.leads
        w = SnapshotSectionWriter()
        w.strings(l.ids)
        guard codes(l.status, leadStatusCodes, into: &w) else { return nil }
        w.column(l.created); w.column(l.converted)
        optionalStrings(l.deal, into: &w)
        optionalStrings(l.reason, into: &w)
        w.strings(l.fieldOrder)
        for name in l.fieldOrder { guard values(l.fields[name] ?? [], into: &w) else { return nil } }
        file.add("lead", w)

        let fired = s.firedRules.sorted { ($0.rule, $0.deal, $0.stage, $0.visit) < ($1.rule, $1.deal, $1.stage, $1.visit) }
        w = SnapshotSectionWriter()
        w.strings(fired.map(\.rule)); w.strings(fired.map(\.deal)); w.strings(fired.map(\.stage)); w.column(fired.map(\.visit))
        file.add("fire", w)

        w = SnapshotSectionWriter()
        let tableNames = s.tables.keys.sorted()
        w.int(tableNames.count)
        for name in tableNames {
            guard let table = s.tables[name] else { return nil }
            w.raw(ImportPayload.table(table).encode())
        }
        file.add("tabl", w)

        // Optional: a snapshot without it (an older one) opens, and `as of` replays there.
        if let facts = s.asOfFacts, facts.fit(d.count) {
            w = SnapshotSectionWriter(capacity: d.count * 4 + 64)
            w.column(facts.existsFrom)
            w.column(facts.noClosedDate.sorted())
            w.int((facts.importUpdatedDeals ? 1 : 0) | (facts.importedLostReason ? 2 : 0))
            file.add("asof", flags: 0, w)
        }

        for e in extra { file.add(e.tag, flags: e.flags, e.body) }
        return file.bytes(header: header)
    }

    /// The state a snapshot holds. Throws `SnapshotProblem` for anything that does not add
    /// up; the caller rebuilds from the journal then.
    /// The state of `file`. `history`, when given, makes what stands for the stage history
    /// from the deal count and the pool, and the history is then not read here
    /// (Deferred.swift); nil reads it with everything else.
    public static func decode(_ file: SnapshotFileReader,
                              history: ((_ dealCount: Int, _ pool: StringPool) -> Deferred<StageHistory>)? = nil) throws -> FunnelState {
        do {
            return try decodeSections(file, history: history)
        } catch {
            // A section is checked as it is read, so damage may first show as a value that
            // does not add up: name the damage then.
            if let damage = (sections + ["asof"]).lazy.compactMap({ file.damage(of: $0) }).first { throw damage }
            throw error
        }
    }

    private static func decodeSections(_ file: SnapshotFileReader,
                                       history: ((_ dealCount: Int, _ pool: StringPool) -> Deferred<StageHistory>)?) throws -> FunnelState {
        for tag in file.requiredTags where !sections.contains(String(tag.prefix { $0 != " " })) {
            throw SnapshotProblem("a required section \(tag) this version does not know")
        }
        func section(_ tag: String) throws -> SnapshotSectionReader {
            guard let r = try file.section(tag) else { throw SnapshotProblem("no section \(tag)") }
            return r
        }
        var s = FunnelState()
        var r = try section("pool")
        s.pool = StringPool(strings: try r.texts())
        try r.expectEnd()
        let poolCount = Int32(s.pool.strings.count)
        func checkCodes(_ c: [Int32], _ what: String) throws {
            guard all(c, within: -1..<poolCount) else { throw SnapshotProblem("\(what) refers to text it does not hold") }
        }

        // Tables first: a declaration may look one up, and in the journal every table a
        // declaration needed came before it.
        r = try section("tabl")
        for _ in 0..<(try r.count()) {
            let bytes = try r.raw()
            guard case .table(let t) = try? ImportPayload.decode(bytes, name: "snapshot") else { throw SnapshotProblem("a table does not decode") }
            s.tables[t.name] = t
            s.catalog.tables[t.name] = t.columns
        }
        try r.expectEnd()

        // The catalog from its declarations, on a state of its own: declaring interns the
        // funnel's names, which the snapshot's pool holds already, and interning would
        // build the pool's whole index.
        r = try section("decl")
        var declared = FunnelState()
        declared.catalog = s.catalog
        for _ in 0..<(try r.count()) {
            let parts = try r.strings(count: 3)
            do {
                try declared.applyWithoutLogging(.declare(what: parts[0], name: parts[1], source: parts[2]), on: 0)
            } catch {
                throw SnapshotProblem("a declaration does not apply")
            }
        }
        try r.expectEnd()
        s.catalog = declared.catalog
        s.declarations = declared.declarations

        r = try section("slot")
        let slotFunnel = try r.column(Int32.self)
        let slotStage = try r.column(Int32.self, count: slotFunnel.count)
        try checkCodes(slotFunnel, "a stage slot"); try checkCodes(slotStage, "a stage slot")
        s.slots = try StageSlots(funnel: slotFunnel, stage: slotStage)
        try r.expectEnd()

        r = try section("deal")
        var d = DealTable()
        d.setIDs(try r.texts())
        let n = d.ids.count
        d.funnel = try r.column(Int32.self, count: n)
        d.stageSlot = try r.column(Int32.self, count: n)
        d.status = try r.column(UInt8.self, count: n).map { v -> DealStatus in
            guard let st = DealStatus(rawValue: v) else { throw SnapshotProblem("a deal status \(v)") }
            return st
        }
        d.amount = try r.column(Int64.self, count: n)
        for c in d.amount where c != Empty.money && Money(storableCents: c) == nil { throw SnapshotProblem("an amount outside the range") }
        d.probability = try r.doubles(count: n)
        _ = try int32Columns(&d, dealColumns, count: n, from: &r)
        for c in [d.funnel, d.name, d.owner, d.team, d.source, d.product, d.account, d.lostReason] { try checkCodes(c, "a deal column") }
        if !all(d.stageSlot, within: 0..<Int32(s.slots.count)) { throw SnapshotProblem("a deal is in a slot there is not") }
        for name in try r.strings() { d.custom[name] = try values(&r, count: n) }
        try r.expectEnd()
        s.deals = d

        if let history {
            s.deferredHistory = history(n, s.pool)
        } else {
            s.history = try decodeHistory(file, dealCount: n, poolCount: poolCount)
        }

        r = try section("fhis")
        var fh = FieldHistory()
        fh.deal = try r.column(Int32.self)
        let fc = fh.deal.count
        fh.day = try r.column(Int32.self, count: fc); fh.field = try r.column(Int32.self, count: fc)
        fh.old = try values(&r, count: fc); fh.new = try values(&r, count: fc)
        fh.origin = try r.column(Int32.self, count: fc); fh.order = try r.column(Int32.self, count: fc)
        fh.latest = try r.column(Int32.self)
        fh.previous = try r.column(Int32.self, count: fc)
        if !all(fh.deal, within: 0..<Int32(n)) { throw SnapshotProblem("a field change of a deal there is not") }
        for v in fh.latest + fh.previous where v < -1 || v >= Int32(fc) { throw SnapshotProblem("a field change that is not there") }
        guard fh.latest.count <= n else { throw SnapshotProblem("field changes of more deals than there are") }
        try checkCodes(fh.field, "a field change"); try checkCodes(fh.origin, "a field change")
        try r.expectEnd()
        s.fieldHistory = fh

        r = try section("task")
        var t = TaskTable()
        t.nextID = try r.int()
        let tc = try int32Columns(&t, taskColumns, count: nil, from: &r)
        t.status = try codes(&r, count: tc, taskStatusCodes, "a task status")
        t.origin = try codes(&r, count: tc, taskOriginCodes, "a task origin")
        try r.expectEnd()
        for c in [t.stage, t.title, t.role, t.rule] { try checkCodes(c, "a task") }
        for (row, id) in t.id.enumerated() {
            guard t.rowOfID.updateValue(Int32(row), forKey: id) == nil else { throw SnapshotProblem("task \(id) is there twice") }
            let deal = t.deal[row]
            guard deal >= 0, deal < Int32(n) else { throw SnapshotProblem("a task of a deal there is not") }
            t.byDeal[deal, default: []].append(Int32(row))
        }
        s.tasks = t

        r = try section("note")
        var no = NotificationTable()
        no.nextID = try r.int()
        let nc = try int32Columns(&no, notificationColumns, count: nil, from: &r)
        no.message = try r.strings(count: nc)
        no.status = try r.column(UInt8.self, count: nc).map { $0 == 0 ? NotificationStatus.new : .acked }
        try r.expectEnd()
        for c in [no.rule, no.role, no.stage] { try checkCodes(c, "a notification") }
        if !all(no.deal, within: 0..<Int32(n)) { throw SnapshotProblem("a notification of a deal there is not") }
        for (row, id) in no.id.enumerated() {
            guard no.rowOfID.updateValue(Int32(row), forKey: id) == nil else { throw SnapshotProblem("notification \(id) is there twice") }
        }
        s.notifications = no

        r = try section("lead")
        var l = LeadTable()
        l.ids = try r.strings()
        let lc = l.ids.count
        l.status = try codes(&r, count: lc, leadStatusCodes, "a lead status")
        l.created = try r.column(Int32.self, count: lc); l.converted = try r.column(Int32.self, count: lc)
        l.deal = try optionalStrings(&r, count: lc)
        l.reason = try optionalStrings(&r, count: lc)
        l.fieldOrder = try r.strings()
        for name in l.fieldOrder { l.fields[name] = try values(&r, count: lc) }
        try r.expectEnd()
        for (i, id) in l.ids.enumerated() {
            guard l.rowOfID.updateValue(Int32(i), forKey: id) == nil else { throw SnapshotProblem("lead \(id) is there twice") }
        }
        s.leads = l

        r = try section("fire")
        let rules = try r.strings(), deals = try r.strings(count: rules.count), stages = try r.strings(count: rules.count)
        let visits = try r.column(Int32.self, count: rules.count)
        try r.expectEnd()
        for k in rules.indices { s.firedRules.insert(RuleFiring(rule: rules[k], deal: deals[k], stage: stages[k], visit: visits[k])) }

        s.asOfFacts = nil
        if var r = try file.section("asof") {
            var facts = AsOfFacts()
            facts.existsFrom = try r.column(Int32.self, count: n)
            let noClosed = try r.column(Int32.self)
            for v in noClosed where v < 0 || v >= Int32(n) { throw SnapshotProblem("a deal fact of a deal there is not") }
            facts.noClosedDate = Set(noClosed)
            let flags = try r.int()
            facts.importUpdatedDeals = flags & 1 != 0
            facts.importedLostReason = flags & 2 != 0
            try r.expectEnd()
            s.asOfFacts = facts
        }

        s.lastSeq = file.header.seq
        return s
    }

    /// The `hist` section of `file`: the stage history of `dealCount` deals, its texts codes
    /// below `poolCount`.
    static func decodeHistory(_ file: SnapshotFileReader, dealCount n: Int, poolCount: Int32) throws -> StageHistory {
        do {
            return try decodeHistorySection(file, dealCount: n, poolCount: poolCount)
        } catch {
            if let damage = file.damage(of: "hist") { throw damage }
            throw error
        }
    }

    private static func decodeHistorySection(_ file: SnapshotFileReader, dealCount n: Int, poolCount: Int32) throws -> StageHistory {
        guard var r = try file.section("hist") else { throw SnapshotProblem("no section hist") }
        var h = StageHistory()
        _ = try int32Columns(&h, historyColumns, count: nil, from: &r)
        guard all(h.deal, within: 0..<Int32(n)) else { throw SnapshotProblem("a stage change of a deal there is not") }
        for c in [h.stage, h.fromStage, h.forcedReason, h.origin] where !all(c, within: -1..<poolCount) {
            throw SnapshotProblem("a stage change refers to text it does not hold")
        }
        try r.expectEnd()
        return h
    }

    /// Whether every value of `c` lies in `range`: one pass keeping the least and the
    /// greatest, which the compiler turns into vector instructions (opening a store checks
    /// every code column this way, millions of values).
    static func all(_ c: [Int32], within range: Range<Int32>) -> Bool {
        c.withUnsafeBufferPointer { b in
            var lo = Int32.max, hi = Int32.min
            for v in b {
                lo = min(lo, v)
                hi = max(hi, v)
            }
            return b.isEmpty || (lo >= range.lowerBound && hi < range.upperBound)
        }
    }

    // MARK: - Columns

    /// The deal columns of pool codes and days after the amounts, in the order written.
    static var dealColumns: [WritableKeyPath<DealTable, [Int32]>] {
        [\.name, \.owner, \.team, \.source, \.product, \.account, \.lostReason, \.created, \.closeDate, \.closed, \.stageEntered]
    }
    static var historyColumns: [WritableKeyPath<StageHistory, [Int32]>] {
        [\.deal, \.day, \.stage, \.fromStage, \.forcedReason, \.origin, \.order]
    }
    static var taskColumns: [WritableKeyPath<TaskTable, [Int32]>] {
        [\.id, \.deal, \.stage, \.title, \.role, \.due, \.created, \.completed, \.rule, \.visit]
    }
    static var notificationColumns: [WritableKeyPath<NotificationTable, [Int32]>] {
        [\.id, \.deal, \.rule, \.role, \.stage, \.at, \.acked]
    }

    /// The code of each status or origin is its place in these lists.
    static let taskStatusCodes: [TaskStatus] = [.open, .done, .closed]
    static let taskOriginCodes: [TaskOrigin] = [.key, .enter, .exit, .rule]
    static let leadStatusCodes: [LeadStatus] = [.new, .qualified, .disqualified, .converted]

    /// Columns of one table that are all `Int32` and all of one length, one after another.
    static func int32Columns<T>(_ table: T, _ columns: [WritableKeyPath<T, [Int32]>], into w: inout SnapshotSectionWriter) {
        for c in columns { w.column(table[keyPath: c]) }
    }

    /// Reads what `int32Columns(_:_:into:)` wrote; returns their length. With `count` nil the
    /// first column sets it, and the others must have as many values.
    static func int32Columns<T>(_ table: inout T, _ columns: [WritableKeyPath<T, [Int32]>], count: Int?,
                                from r: inout SnapshotSectionReader) throws -> Int {
        var n = count
        for c in columns {
            let values = try n.map { try r.column(Int32.self, count: $0) } ?? r.column(Int32.self)
            n = values.count
            table[keyPath: c] = values
        }
        return n ?? 0
    }

    /// A column of cases as one byte each, the case's place in `cases`. False when a case
    /// is not in the list (the state then has no snapshot rather than a wrong one).
    static func codes<E: Equatable>(_ c: [E], _ cases: [E], into w: inout SnapshotSectionWriter) -> Bool {
        var out: [UInt8] = []
        out.reserveCapacity(c.count)
        for v in c {
            guard let i = cases.firstIndex(of: v) else { return false }
            out.append(UInt8(i))
        }
        w.column(out)
        return true
    }

    static func codes<E>(_ r: inout SnapshotSectionReader, count n: Int, _ cases: [E], _ what: String) throws -> [E] {
        try r.column(UInt8.self, count: n).map { v -> E in
            guard Int(v) < cases.count else { throw SnapshotProblem("\(what) \(v)") }
            return cases[Int(v)]
        }
    }

    // MARK: - Values

    /// A column of values: a tag per value (0 empty, 1 number, 2 text, 3 date, 4 false, 5 true,
    /// 6 money), then the numbers, dates, texts and cents in order. False for a list, which
    /// has no form here.
    static func values(_ c: [Value], into w: inout SnapshotSectionWriter) -> Bool {
        var tags: [UInt8] = []
        tags.reserveCapacity(c.count)
        var numbers: [Double] = [], dates: [Int32] = [], texts: [String] = [], cents: [Int64] = []
        for v in c {
            switch v {
            case .null: tags.append(0)
            case .number(let x): tags.append(1); numbers.append(x)
            case .text(let s): tags.append(2); texts.append(s)
            case .date(let d): tags.append(3); dates.append(d)
            case .bool(let b): tags.append(b ? 5 : 4)
            case .money(let m):
                guard let c = m.storableCents else { return false }
                tags.append(6); cents.append(c)
            case .list: return false
            }
        }
        w.column(tags)
        w.int(numbers.count)
        w.doubles(numbers)
        w.column(dates)
        w.strings(texts)
        w.column(cents)
        return true
    }

    static func values(_ r: inout SnapshotSectionReader, count n: Int) throws -> [Value] {
        let tags = try r.column(UInt8.self, count: n)
        let numbers = try r.doubles(count: try r.count())
        let dates = try r.column(Int32.self)
        let texts = try r.strings()
        let cents = try r.column(Int64.self)
        var ni = 0, di = 0, ti = 0, ci = 0
        var out: [Value] = []
        out.reserveCapacity(n)
        for tag in tags {
            switch tag {
            case 0: out.append(.null)
            case 1:
                guard ni < numbers.count else { throw SnapshotProblem("a value column does not add up") }
                out.append(.number(numbers[ni])); ni += 1
            case 2:
                guard ti < texts.count else { throw SnapshotProblem("a value column does not add up") }
                out.append(.text(texts[ti])); ti += 1
            case 3:
                guard di < dates.count else { throw SnapshotProblem("a value column does not add up") }
                out.append(.date(dates[di])); di += 1
            case 4: out.append(.bool(false))
            case 5: out.append(.bool(true))
            case 6:
                guard ci < cents.count, let m = Money(storableCents: cents[ci]) else { throw SnapshotProblem("a value column does not add up") }
                out.append(.money(m)); ci += 1
            default: throw SnapshotProblem("a value of kind \(tag)")
            }
        }
        guard ni == numbers.count, di == dates.count, ti == texts.count, ci == cents.count else { throw SnapshotProblem("a value column does not add up") }
        return out
    }

    static func optionalStrings(_ c: [String?], into w: inout SnapshotSectionWriter) {
        w.column(c.map { $0 == nil ? UInt8(0) : 1 })
        w.strings(c.compactMap { $0 })
    }

    static func optionalStrings(_ r: inout SnapshotSectionReader, count n: Int) throws -> [String?] {
        let present = try r.column(UInt8.self, count: n)
        let texts = try r.strings()
        var k = 0
        var out: [String?] = []
        out.reserveCapacity(n)
        for p in present {
            if p == 0 { out.append(nil); continue }
            guard k < texts.count else { throw SnapshotProblem("an optional text column does not add up") }
            out.append(texts[k]); k += 1
        }
        guard k == texts.count else { throw SnapshotProblem("an optional text column does not add up") }
        return out
    }
}
