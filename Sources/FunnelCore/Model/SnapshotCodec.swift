/// The state as a snapshot (docs/store.md, "The snapshot"): one section per part of the
/// state, columns stored as they are held in memory, so opening reads columns (in place, on
/// first use, for those of SnapshotColumns.swift) instead of
/// replaying events. The catalog is kept as its declarations' sources and rebuilt from them
/// (a few parses), everything else as data. `log` is not stored: `as of` reads the events
/// the snapshot stands for from the journal when it needs them (`FunnelState.logPrefix`).
///
/// A new part of the state is a new section with a new tag: `decode` refuses a snapshot
/// with a required section it does not know, and a snapshot without a section it expects,
/// so an older or newer program rebuilds rather than give figures without that part.
public enum SnapshotCodec {
    /// Every section this version writes and needs, in the order written.
    public static let sections = ["pool", "decl", "slot", "deal"] + SnapshotDealColumns.tags
        + ["hist"] + SnapshotHistoryColumns.tags + ["fhis", "task", "note", "lead", "fire", "tabl"]

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
        guard let ids = d.ids.packedArrays() else { return nil }
        w = SnapshotSectionWriter(capacity: d.count * 2 + 64)
        w.int(d.count)
        w.int(ids.bytes.count)
        w.column(d.status.map(\.rawValue))
        let customNames = d.custom.keys.sorted()
        w.strings(customNames)
        for name in customNames { guard values(d.custom[name] ?? [], into: &w) else { return nil } }
        file.add("deal", w)
        // Each a section of its own, so that opening reads none of them (SnapshotDealColumns).
        w = SnapshotSectionWriter(capacity: d.count * 4 + 16)
        w.column(ids.ends)
        file.add(SnapshotDealColumns.idEndsTag, w)
        w = SnapshotSectionWriter(capacity: ids.bytes.count + 16)
        w.column(ids.bytes)
        file.add(SnapshotDealColumns.idBytesTag, w)
        for c in SnapshotDealColumns.codes {
            w = SnapshotSectionWriter(capacity: d.count * 4 + 16)
            w.column(d[keyPath: c.column])
            file.add(c.tag, w)
        }
        w = SnapshotSectionWriter(capacity: d.count * 8 + 16)
        w.column(d.amount)
        file.add(SnapshotDealColumns.amountTag, w)
        w = SnapshotSectionWriter(capacity: d.count * 8 + 16)
        w.doubleColumn(d.probability)
        file.add(SnapshotDealColumns.probabilityTag, w)

        let h = s.history
        w = SnapshotSectionWriter()
        w.int(h.count)
        file.add("hist", w)
        for c in SnapshotHistoryColumns.all {
            w = SnapshotSectionWriter(capacity: h.count * 4 + 16)
            w.column(h[keyPath: c.column])
            file.add(c.tag, w)
        }

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
    /// `replayed`, when given, leaves the deal columns where they lie in the file until first
    /// read (SnapshotDealColumns), and gives the state the journal replays to, for a column
    /// that fails its checks then; nil reads and checks them here.
    public static func decode(_ file: SnapshotFileReader,
                              history: ((_ dealCount: Int, _ pool: StringPool) -> Deferred<StageHistory>)? = nil,
                              replayed: (@Sendable () -> FunnelState)? = nil) throws -> FunnelState {
        do {
            return try decodeSections(file, history: history, replayed: replayed)
        } catch {
            // A section is checked as it is read, so damage may first show as a value that
            // does not add up: name the damage then.
            if let damage = (sections + ["asof"]).lazy.compactMap({ file.damage(of: $0) }).first { throw damage }
            throw error
        }
    }

    private static func decodeSections(_ file: SnapshotFileReader,
                                       history: ((_ dealCount: Int, _ pool: StringPool) -> Deferred<StageHistory>)?,
                                       replayed: (@Sendable () -> FunnelState)?) throws -> FunnelState {
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
        let n = try r.count(), idBytes = try r.count()
        d.status = try r.column(UInt8.self, count: n).map { v -> DealStatus in
            guard let st = DealStatus(rawValue: v) else { throw SnapshotProblem("a deal status \(v)") }
            return st
        }
        for name in try r.strings() { d.custom[name] = try values(&r, count: n) }
        try r.expectEnd()
        try readDealColumns(file, into: &d, count: n, idBytes: idBytes, pool: s.pool, slots: s.slots, replayed: replayed)
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

    /// The deal columns of their own sections (SnapshotDealColumns): checked and read now
    /// without `replayed`, else on first read, each from `replayed` recoded should it fail.
    private static func readDealColumns(_ file: SnapshotFileReader, into d: inout DealTable, count n: Int, idBytes: Int,
                                        pool: StringPool, slots: StageSlots, replayed: (@Sendable () -> FunnelState)?) throws {
        let poolCount = Int32(pool.strings.count), slotCount = Int32(slots.count)
        let replayed = replayed.map { replayed in { @Sendable () -> FunnelState in
            let state = replayed()
            guard state.deals.count == n else { cannotRebuild("deal") }
            return state
        } }
        var idEnds: (@Sendable () -> [UInt32])?, idText: (@Sendable () -> [UInt8])?
        if let replayed {
            idEnds = {
                guard let ends = replayed().deals.ids.packedArrays()?.ends else { cannotRebuild(SnapshotDealColumns.idEndsTag) }
                return ends
            }
            idText = {
                guard let bytes = replayed().deals.ids.packedArrays()?.bytes, bytes.count == idBytes else { cannotRebuild(SnapshotDealColumns.idBytesTag) }
                return bytes
            }
        }
        let ends: Column<UInt32> = try columnSection(file, SnapshotDealColumns.idEndsTag, count: n, check: { b in
            var previous: UInt32 = 0
            for e in b {
                if e < previous { return false }
                previous = e
            }
            return Int(previous) == idBytes
        }, rebuilt: idEnds)
        let bytes: Column<UInt8> = try columnSection(file, SnapshotDealColumns.idBytesTag, count: idBytes, check: { _ in true }, rebuilt: idText)
        d.setIDs(TextColumn(packed: PackedTexts(ends: ends, bytes: bytes)))
        for c in SnapshotDealColumns.codes {
            let check: @Sendable (UnsafeBufferPointer<Int32>) -> Bool
            switch c.meaning {
            case .text: check = { all($0, within: -1..<poolCount) }
            case .slot: check = { all($0, within: 0..<slotCount) }
            case .day: check = { _ in true }
            }
            var rebuilt: (@Sendable () -> [Int32])?
            if let replayed { rebuilt = rebuiltCodes(c, replayed, pool: pool, slots: slots) }
            d[keyPath: c.column] = try columnSection(file, c.tag, count: n, check: check, rebuilt: rebuilt)
        }
        let storable: @Sendable (UnsafeBufferPointer<Int64>) -> Bool = { b in
            !b.contains { $0 != Empty.money && Money(storableCents: $0) == nil }
        }
        var amounts: (@Sendable () -> [Int64])?, probabilities: (@Sendable () -> [Double])?
        if let replayed {
            amounts = { replayed().deals.amount.array }
            probabilities = { replayed().deals.probability.array }
        }
        d.amount = try columnSection(file, SnapshotDealColumns.amountTag, count: n, check: storable, rebuilt: amounts)
        d.probability = try columnSection(file, SnapshotDealColumns.probabilityTag, count: n, check: { _ in true }, rebuilt: probabilities)
    }

    /// Column `c` as the journal replays it, coded as the snapshot codes texts and slots.
    private static func rebuiltCodes(_ c: SnapshotDealColumns.Codes, _ replayed: @escaping @Sendable () -> FunnelState,
                                     pool: StringPool, slots: StageSlots) -> @Sendable () -> [Int32] {
        let tag = c.tag, column = c.column, meaning = c.meaning
        return {
            let state = replayed()
            let values: [Int32] = state.deals[keyPath: column].array
            switch meaning {
            case .day: return values
            case .text: return recoded(values, tag: tag, from: state, into: pool)
            case .slot: return reslotted(values, tag: tag, from: state, into: slots, pool: pool)
            }
        }
    }

    /// Section `tag` as a column of `n` values read in place (checked by `check`): now, or
    /// on first read when `rebuilt` can give the values should the section fail then.
    private static func columnSection<T: BitwiseCopyable & Sendable>(_ file: SnapshotFileReader, _ tag: String, count n: Int,
                                                                 check: @escaping @Sendable (UnsafeBufferPointer<T>) -> Bool,
                                                                 rebuilt: (@Sendable () -> [T])?) throws -> Column<T> {
        guard file.has(tag) else { throw SnapshotProblem("no section \(tag)") }
        // The reader's bytes are the mapping's, which the values keep alive.
        nonisolated(unsafe) let file = file
        @Sendable func inPlace() throws -> ColumnSource<T>.Values {
            guard let run = try file.columnInPlace(tag, count: n, as: T.self) else {
                throw SnapshotProblem("section \(tag): its values cannot be read in place here")
            }
            guard check(run) else { throw SnapshotProblem("section \(tag): a value that does not add up") }
            if let owner = file.mapping { return .mapped(run, owner: owner) }
            return .values(Array(run))
        }
        guard let rebuilt else {
            let values = try inPlace()
            let column = Column<T>(count: n, source: ColumnSource { values })
            column.read()
            return column
        }
        return Column(count: n, source: ColumnSource {
            if let values = try? inPlace() { return values }
            return .values(rebuilt())
        })
    }

    /// `values`, codes of `state`'s pool, as codes of `pool`, which holds every text the
    /// journal does up to the snapshot's commit.
    private static func recoded(_ values: [Int32], tag: String, from state: FunnelState, into pool: StringPool) -> [Int32] {
        var codeOf: [Int32: Int32] = [Empty.text: Empty.text]
        return values.map { c in
            if let known = codeOf[c] { return known }
            guard let code = pool.code(of: state.pool[c]) else { cannotRebuild(tag) }
            codeOf[c] = code
            return code
        }
    }

    /// `values`, stage slots of `state`, as slots of `slots` (texts coded by `pool`).
    private static func reslotted(_ values: [Int32], tag: String, from state: FunnelState, into slots: StageSlots, pool: StringPool) -> [Int32] {
        var slotOf: [Int32: Int32] = [:]
        return values.map { v in
            if let known = slotOf[v] { return known }
            let i = Int(v)
            guard i >= 0, i < state.slots.count,
                  let f = pool.code(of: state.pool[state.slots.funnel[i]]), let st = pool.code(of: state.pool[state.slots.stage[i]]),
                  let slot = slots.existing(funnel: f, stage: st) else { cannotRebuild(tag) }
            slotOf[v] = slot
            return slot
        }
    }

    private static func cannotRebuild(_ tag: String) -> Never {
        StoreFailure.stop(Diagnostic(.io, "S013", "the snapshot's column \(tag) is damaged and the journal does not rebuild it as the snapshot holds it",
                                     help: "run `funnel verify`"))
    }

    /// The stage history of `file` (the `hist` section and its columns') of `dealCount`
    /// deals, its texts codes below `poolCount`; its columns checked and read now without
    /// `replayed`, else each on first read, from `replayed` should it fail then.
    static func decodeHistory(_ file: SnapshotFileReader, dealCount n: Int, poolCount: Int32,
                              replayed: (@Sendable () -> StageHistory)? = nil) throws -> StageHistory {
        do {
            return try decodeHistorySections(file, dealCount: n, poolCount: poolCount, replayed: replayed)
        } catch {
            if let damage = (["hist"] + SnapshotHistoryColumns.tags).lazy.compactMap({ file.damage(of: $0) }).first { throw damage }
            throw error
        }
    }

    private static func decodeHistorySections(_ file: SnapshotFileReader, dealCount n: Int, poolCount: Int32,
                                              replayed: (@Sendable () -> StageHistory)?) throws -> StageHistory {
        guard var r = try file.section("hist") else { throw SnapshotProblem("no section hist") }
        let count = try r.count()
        try r.expectEnd()
        let deals = Int32(clamping: n)
        var h = StageHistory()
        for c in SnapshotHistoryColumns.all {
            let check: @Sendable (UnsafeBufferPointer<Int32>) -> Bool
            switch c.meaning {
            case .deal: check = { all($0, within: 0..<deals) }
            case .text: check = { all($0, within: -1..<poolCount) }
            case .plain: check = { _ in true }
            }
            let column = c.column
            var rebuilt: (@Sendable () -> [Int32])?
            if let replayed {
                rebuilt = {
                    let values = replayed()[keyPath: column]
                    guard values.count == count else { cannotRebuild(c.tag) }
                    return values.array
                }
            }
            h[keyPath: c.column] = try columnSection(file, c.tag, count: count, check: check, rebuilt: rebuilt)
        }
        return h
    }

    /// Whether every value of `c` lies in `range`: one pass keeping the least and the
    /// greatest, which the compiler turns into vector instructions (opening a store checks
    /// every code column this way, millions of values).
    static func all(_ c: [Int32], within range: Range<Int32>) -> Bool {
        c.withUnsafeBufferPointer { all($0, within: range) }
    }

    static func all(_ b: UnsafeBufferPointer<Int32>, within range: Range<Int32>) -> Bool {
        var lo = Int32.max, hi = Int32.min
        for v in b {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        return b.isEmpty || (lo >= range.lowerBound && hi < range.upperBound)
    }

    // MARK: - Columns

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
